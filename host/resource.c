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

/*
 * A resource's bytes in C, as a Moddable device's mcGetResource gives them (its resources are mapped
 * from flash, valid for the program's life): NULL when the manifest does not list it. The host reads
 * each file once and keeps it until exit (native/x509_chain.c reads the CA store this way).
 */
#define CACHED_RESOURCES 32
static struct { char name[64]; unsigned char *data; size_t size; } cached[CACHED_RESOURCES];

const void *mcGetResource(xsMachine *the, const char *name, size_t *size)
{
	size_t i, stack;
	(void)the;
	for (i = 0; (i < CACHED_RESOURCES) && cached[i].data; i++)
		if (!strcmp(cached[i].name, name)) {
			*size = cached[i].size;
			return cached[i].data;
		}
	if ((i == CACHED_RESOURCES) || (strlen(name) >= sizeof(cached[i].name)))
		return NULL;
	stack = xshStackExcludeBegin();
	cached[i].data = load(name, &cached[i].size);
	xshStackExcludeEnd(stack);
	if (!cached[i].data)
		return NULL;
	strcpy(cached[i].name, name);
	*size = cached[i].size;
	return cached[i].data;
}
