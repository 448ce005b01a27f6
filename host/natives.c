/*
 * Globals the SDK's build gives every module: native()/Native() (standard-syntax host bindings),
 * trace(); and the host functions behind the "xsh" and "debug" modules.
 */
#include "xsh.h"
#include <errno.h>
#include <sys/stat.h>

void xshThrow(xsMachine *the, const char *constructor, const char *format, ...)
{
	char message[256];
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	xsResult = xsNew1(xsGlobal, xsID((char *)constructor), xsString(message));
	xsThrow(xsResult);
	for (;;) ;
}

const xshNative *xshFindNative(const char *name, int kind)
{
	int i;
	for (i = 0; i < gxshNativesCount; i++)
		if (gxshNatives[i].kind == kind && !strcmp(gxshNatives[i].name, name))
			return &gxshNatives[i];
	return NULL;
}

/* native("xs_name"): the host function xs_name */
static void xs_xsh_native(xsMachine *the)
{
	const char *name = xsToString(xsArg(0));
	const xshNative *native = xshFindNative(name, 0);
	if (!native) {
		if (xshFindNative(name, 1)) xshThrow(the, "TypeError", "native: %s is a destructor: use Native()", name);
		xshThrow(the, "ReferenceError", "native: no host function %s", name);
	}
	xsResult = xsNewHostFunction((xsCallback)native->address, 0);
}

/* the constructor Native("xs_x_destructor") returns: makes `this` a host object of new.target,
   without calling back into JS (what xsc's compiled host classes do on a device) */
static void xs_xsh_native_construct(xsMachine *the)
{
	const xshNative *native;
	txSlot *prototype, *instance, *host;
	int index;
	xsVars(1);
	if (!xsTest(xsTarget)) xshThrow(the, "TypeError", "Native: call with new or super()");
	index = xsToInteger(xsGet(xsFunction, xsID("__xshDestructor")));
	if (index < 0 || index >= gxshNativesCount) xshThrow(the, "TypeError", "Native: bad class");
	native = &gxshNatives[index];
	xsVar(0) = xsGet(xsTarget, xsID("prototype"));
	if (xsTypeOf(xsVar(0)) != xsReferenceType) xshThrow(the, "TypeError", "Native: bad prototype");
	prototype = xsVar(0).value.reference;          /* kept alive by xsVar(0); slots do not move */
	instance = fxNewSlot(the);
	instance->kind = XS_INSTANCE_KIND;
	instance->value.instance.garbage = C_NULL;
	instance->value.instance.prototype = prototype;
	xsResult.kind = XS_REFERENCE_KIND;
	xsResult.value.reference = instance;
	host = fxNewSlot(the);
	host->flag = XS_INTERNAL_FLAG;
	host->kind = XS_HOST_KIND;
	host->value.host.data = C_NULL;
	host->value.host.variant.destructor = (txDestructor)native->address;
	instance->next = host;
}

/* Native("xs_x_destructor"): a base class whose instances are host objects freed by it */
static void xs_xsh_Native(xsMachine *the)
{
	const char *name = xsToString(xsArg(0));
	const xshNative *native = xshFindNative(name, 1);
	if (!native) xshThrow(the, "ReferenceError", "Native: no destructor %s (it must be `void %s(void *data)`)", name, name);
	xsVars(1);
	xsVar(0) = xsNewObject();
	xsResult = xsNewHostConstructor(xs_xsh_native_construct, 0, xsVar(0));
	xsDefine(xsVar(0), xsID("constructor"), xsResult, xsDontEnum);
	xsDefine(xsResult, xsID("__xshDestructor"), xsInteger((int)(native - gxshNatives)), xsDontEnum | xsDontSet | xsDontDelete);
}

/* trace(...): like the SDK, prints its arguments without adding a newline */
static void xs_xsh_trace(xsMachine *the)
{
	int i, c = xsToInteger(xsArgc);
	for (i = 0; i < c; i++) fputs(xsToString(xsArg(i)), stdout);
	fflush(stdout);
}

void xshBuildGlobals(xsMachine *the)
{
	/* the caller has reserved xsVar(0) */
	xsVar(0) = xsNewHostFunction(xs_xsh_native, 1);
	xsDefine(xsGlobal, xsID("native"), xsVar(0), xsDontEnum);
	xsVar(0) = xsNewHostFunction(xs_xsh_Native, 1);
	xsDefine(xsGlobal, xsID("Native"), xsVar(0), xsDontEnum);
	xsVar(0) = xsNewHostFunction(xs_xsh_trace, 1);
	xsDefine(xsGlobal, xsID("trace"), xsVar(0), xsDontEnum);
}

/* ---- the "xsh" module: what tests and tools need from the host ---- */

void xs_xsh_argv(xsMachine *the)
{
	int i;
	xsResult = xsNewArray(0);
	for (i = 0; i < gxshArgc; i++)
		xsSetAt(xsResult, xsInteger(i), xsString(gxshArgv[i]));
}

static char *readFile(xsMachine *the, const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;
	if (!f) xshThrow(the, "Error", "xsh: cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	if (!data) { fclose(f); xshThrow(the, "Error", "xsh: out of memory"); }
	if (fread(data, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(data); xshThrow(the, "Error", "xsh: cannot read %s", path); }
	fclose(f);
	data[n] = 0;
	*size = (size_t)n;
	return data;
}

void xs_xsh_readText(xsMachine *the)
{
	size_t size;
	char *data = readFile(the, xsToString(xsArg(0)), &size);
	xsTry {
		xsResult = xsString(data);
	}
	xsCatch {
		free(data);
		xsThrow(xsException);
	}
	free(data);
}

void xs_xsh_readFile(xsMachine *the)
{
	size_t size;
	char *data = readFile(the, xsToString(xsArg(0)), &size);
	xsTry {
		xsResult = xsArrayBuffer(data, (xsIntegerValue)size);
	}
	xsCatch {
		free(data);
		xsThrow(xsException);
	}
	free(data);
}

void xs_xsh_exists(xsMachine *the)
{
	struct stat st;
	xsResult = xsBoolean(stat(xsToString(xsArg(0)), &st) == 0);
}

void xs_xsh_getenv(xsMachine *the)
{
	const char *value = getenv(xsToString(xsArg(0)));
	if (value) xsResult = xsString(value);
}

void xs_xsh_exit(xsMachine *the)
{
	int status = xsToInteger(xsArgc) > 0 ? xsToInteger(xsArg(0)) : 0;
	xshExit(status);
}

void xs_xsh_now(xsMachine *the)
{
	xsResult = xsNumber(xshNow());
}

/* ---- the "debug" module ---- */

void xs_debug_gc(xsMachine *the)
{
	if (xsToInteger(xsArgc) > 0 && xsTypeOf(xsArg(0)) == xsBooleanType) {
		xsEnableGarbageCollection(xsTest(xsArg(0)));
		return;
	}
	xsCollectGarbage();
}
