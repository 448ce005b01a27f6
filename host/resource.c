/*
 * The SDK's Resource: a read-only host buffer with the contents of a file that manifest.json
 * lists under "resources", found by its file name (e.g. new Resource("ca.der")).
 */
#include "xsh.h"

void xs_resource_destructor(void *data)
{
	if (data) free(data);
}

static unsigned char *load(const char *name, size_t *size)
{
	char path[4096];
	FILE *f;
	long n;
	unsigned char *data;
	if (!xshFindResource(name, path, sizeof(path))) return NULL;
	f = fopen(path, "rb");
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc(n > 0 ? (size_t)n : 1);
	if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
	fclose(f);
	*size = (size_t)n;
	return data;
}

void xs_resource_construct(xsMachine *the)
{
	size_t size = 0, stack = xshStackExcludeBegin();
	/* a device maps its resources from flash: the host's file I/O is not counted (docs/HOST.md) */
	unsigned char *data = load(xsToString(xsArg(0)), &size);
	xshStackExcludeEnd(stack);
	if (!data) xshThrow(the, "URIError", "Resource: not found: %s", xsToString(xsArg(0)));
	xsSetHostData(xsThis, data);
	xsSetHostBuffer(xsThis, data, (xsIntegerValue)size);
	xsPetrifyHostBuffer(xsThis);
}

void xs_resource_exists(xsMachine *the)
{
	xsResult = xsBoolean(xshFindResource(xsToString(xsArg(0)), NULL, 0));
}
