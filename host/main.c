/*
 * xsh: runs an ES module in an XS machine with SecureSocket's natives and the host modules
 * ("socket", "timer", "instrumentation", "Resource", "debug", "xsh").
 *
 *   build/xsh [options] <module.js | specifier> [args...]
 *     --manifest PATH   manifest.json that maps specifiers to files (default: the project's)
 *     --chunks BYTES    cap the XS chunk heap at BYTES above the baseline after start-up
 *     --slots COUNT     cap the XS slot heap at COUNT slots above the baseline
 *     --native BYTES    cap the native (mbedtls and natives) heap at BYTES
 *     --native-fail N   make the Nth native allocation fail (fault injection)
 *     --chunk-fail N    make the Nth XS chunk allocation of the module fail (XS aborts: exit 3)
 *     --slot-fail N     make the Nth XS slot allocation of the module fail (XS aborts: exit 3)
 *     --gc-stress N     collect garbage before every Nth XS allocation of the module (stack worst case)
 *     --report          print the peaks as one JSON line on stderr at exit
 */
#include "xsh.h"
#include "mbedtls/platform.h"

txMachine *gxshMachine = NULL;
char gxshExeDir[1024];
char **gxshArgv = NULL;
int gxshArgc = 0;
static int gReport = 0;
static int gExitStatus = 0;
static int gExiting = 0;

static void usage(void)
{
	fprintf(stderr, "usage: xsh [--manifest PATH] [--chunks BYTES] [--slots COUNT] [--native BYTES] [--native-fail N] [--chunk-fail N] [--slot-fail N] [--gc-stress N] [--heap-step BYTES,COUNT] [--report] <module.js> [args...]\n");
	exit(2);
}

static size_t parseSize(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0) usage();
	if (*end == 'K' || *end == 'k') v *= 1024;
	else if (*end == 'M' || *end == 'm') v *= 1024 * 1024;
	return (size_t)v;
}

void xshFatalException(xsMachine *the)
{
	/* we exit right after: no need to keep the exception in a GC-visible slot */
	xsSlot exception = xsException;
	xsException = xsUndefined;
	fprintf(stderr, "xsh: uncaught exception: ");
	xsTry {
		const char *text = NULL;
		if (xsIsInstanceOf(exception, xsErrorPrototype)) {
			xsSlot stack = xsGet(exception, xsID("stack"));
			if (xsTypeOf(stack) == xsStringType) text = xsToString(stack);
			else text = xsToString(exception);
		}
		else
			text = xsToString(exception);
		fprintf(stderr, "%s\n", text);
	}
	xsCatch {
		fprintf(stderr, "(unprintable)\n");
	}
	gExitStatus = 1;
	if (gReport) xshReport(the, stderr);
	fflush(stdout);
	exit(1);
}

void xshExit(int status)
{
	gExitStatus = status;
	gExiting = 1;
	if (gReport && gxshMachine) xshReport(gxshMachine, stderr);
	fflush(stdout);
	exit(status);
}

void fxAbort(txMachine *the, int status)
{
	const char *why;
	switch (status) {
	case XS_STACK_OVERFLOW_EXIT: why = "stack overflow"; break;
	case XS_NOT_ENOUGH_MEMORY_EXIT: why = "out of memory"; break;
	case XS_NO_MORE_KEYS_EXIT: why = "out of memory (keys)"; break;
	case XS_UNHANDLED_EXCEPTION_EXIT: why = "unhandled exception"; break;
	case XS_UNHANDLED_REJECTION_EXIT: why = "unhandled rejection"; break;
	default: why = "fatal error"; break;
	}
	if (status == XS_NOT_ENOUGH_MEMORY_EXIT && gxshOutOfMemory)
		fprintf(stderr, "xsh: out of memory: %s\n", gxshOutOfMemory);
	else if (status == XS_UNHANDLED_REJECTION_EXIT && the) {
		xsSlot reason = mxException;    /* fxCheckUnhandledRejections put the reason there */
		mxException = mxUndefined;
		fprintf(stderr, "xsh: unhandled rejection: %s\n", fxToString(the, &reason));
	}
	else
		fprintf(stderr, "xsh: %s\n", why);
	if (gReport && the) xshReport(the, stderr);
	fflush(stdout);
	exit(status == XS_NOT_ENOUGH_MEMORY_EXIT || status == XS_NO_MORE_KEYS_EXIT ? 3 : 1);
}

int main(int argc, char *argv[])
{
	int stackBase;
	static const char *manifest = NULL;
	static size_t chunkCap = 0, slotCap = 0;
	/* XS grows its heaps by these steps: chunks (bytes) and slots (count); --heap-step changes them */
	size_t chunkStep = 8 * 1024, slotStep = 1024;
	int i;
	char *slash;

	xshStackInit(&stackBase);
	if (!realpath("/proc/self/exe", gxshExeDir)) {
		if (!realpath(argv[0], gxshExeDir)) { perror("xsh"); return 2; }
	}
	slash = strrchr(gxshExeDir, '/');
	if (slash) *slash = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] != '-') break;
		if (!strcmp(a, "--report")) gReport = 1;
		else if (i + 1 >= argc) usage();
		else if (!strcmp(a, "--manifest")) manifest = argv[++i];
		else if (!strcmp(a, "--chunks")) chunkCap = parseSize(argv[++i]);
		else if (!strcmp(a, "--slots")) slotCap = parseSize(argv[++i]);
		else if (!strcmp(a, "--native")) gxshNativeCap = parseSize(argv[++i]);
		else if (!strcmp(a, "--native-fail")) gxshNativeFailAt = (long)parseSize(argv[++i]);
		else if (!strcmp(a, "--chunk-fail")) gxshChunkFailAt = (unsigned long)parseSize(argv[++i]);
		else if (!strcmp(a, "--slot-fail")) gxshSlotFailAt = (unsigned long)parseSize(argv[++i]);
		else if (!strcmp(a, "--gc-stress")) gxshGcStress = (unsigned long)parseSize(argv[++i]);
		else if (!strcmp(a, "--heap-step")) {
			const char *v = argv[++i], *comma = strchr(v, ',');
			if (!comma) usage();
			chunkStep = parseSize(v);
			slotStep = parseSize(comma + 1);
			if (chunkStep < 1024 || slotStep < 64 || chunkStep > (64 << 20) || slotStep > (1 << 20)) usage();
		}
		else usage();
	}
	if (i >= argc) usage();
	gxshArgv = argv + i;
	gxshArgc = argc - i;

	mbedtls_platform_set_calloc_free(xshCalloc, xshFree);

	xsCreation creation = {
		32 * 1024,	/* initialChunkSize */
		(txSize)chunkStep,	/* incrementalChunkSize */
		4096,		/* initialHeapCount */
		(txSize)slotStep,	/* incrementalHeapCount */
		16 * 1024,	/* stackCount */
		2048 + 1024,/* initialKeyCount */
		1024,		/* incrementalKeyCount */
		1993,		/* nameModulo */
		127,		/* symbolModulo */
		64 * 1024,	/* parserBufferSize */
		1993,		/* parserTableModulo */
	};
	xsMachine *the = xsCreateMachine(&creation, "xsh", NULL);
	if (!the) { fprintf(stderr, "xsh: cannot create the XS machine\n"); return 2; }
	gxshMachine = the;

	xsBeginHost(the);
	{
		xsVars(8);
		xsTry {
			xshBuildGlobals(the);
			if (manifest)
				xshLoadManifest(the, manifest);
			else {
				char path[1200];
				snprintf(path, sizeof(path), "%s/../manifest.json", gxshExeDir);
				if (access(path, R_OK) == 0) xshLoadManifest(the, path);
			}
			xsCollectGarbage();
			gxshChunkCap = chunkCap;
			gxshSlotCap = slotCap;
			xshMemoryStartCaps(the);
			xshResetPeaks(the);
			{
				char path[PATH_MAX];
				const char *name = gxshArgv[0];
				if (realpath(name, path))
					name = path;
				xsResult = xsString(name);
				xsResult = xsAwaitImport(name, XS_IMPORT_NAMESPACE);
			}
		}
		xsCatch {
			xshFatalException(the);
		}
	}
	xsEndHost(the);

	xshLoop(the);
	/* a promise still rejected with no handler when the loop ends is an error */
	fxCheckUnhandledRejections(the, 1);

	if (gReport) xshReport(the, stderr);
	fflush(stdout);
	xsDeleteMachine(the);
	return gExitStatus;
}
