/*
 * Module resolution and loading.
 *
 * Specifiers resolve the way an mcconfig build resolves them, from the same manifest.json:
 *   - the host's own modules ("socket", "timer", ...), compiled into xsh;
 *   - manifest "modules": "name": "./path/file" and "prefix/" + "*": "./dir/" + "*" (and "*": [...] lists,
 *     whose specifiers are the file names), following "include"d manifests;
 *     a manifest path P names build/js/P.js when tsc compiled P.ts, else P.js beside the manifest;
 *   - "./x" and "../x" relative to the importing file; absolute and cwd-relative file paths.
 * Module IDs are real file paths ("xsh:name" for the host's own modules).
 * A module written in plain JS may use the `@ "xs_name"` host syntax: the host functions it names
 * are bound through the same table as native().
 */
#include "xsh.h"
#include "xsScript.h"
#include <limits.h>
#include <sys/stat.h>

typedef struct {
	char *specifier;   /* exact, or a prefix when wildcard */
	char *path;        /* absolute path without extension, or a prefix when wildcard */
	int wildcard;
} xshMapping;

static xshMapping *gMappings = NULL;
static int gMappingsCount = 0;
static char gManifestDir[PATH_MAX] = "";
static char **gResources = NULL;      /* absolute paths of resource files */
static int gResourcesCount = 0;

const char *xshManifestDir(void) { return gManifestDir; }

static int isFile(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *dupString(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (!d) { fprintf(stderr, "xsh: out of memory\n"); exit(3); }
	memcpy(d, s, n);
	return d;
}

static void addMapping(const char *specifier, const char *dir, const char *path)
{
	char full[PATH_MAX];
	size_t n;
	if (strstr(path, "$(")) return;   /* SDK build variables: C sources for mcconfig, not modules */
	if (path[0] == '/') snprintf(full, sizeof(full), "%s", path);
	else snprintf(full, sizeof(full), "%s/%s", dir, (path[0] == '.' && path[1] == '/') ? path + 2 : path);
	gMappings = realloc(gMappings, (gMappingsCount + 1) * sizeof(xshMapping));
	if (!gMappings) { fprintf(stderr, "xsh: out of memory\n"); exit(3); }
	xshMapping *m = &gMappings[gMappingsCount++];
	n = strlen(specifier);
	m->wildcard = (n > 0 && specifier[n - 1] == '*');
	m->specifier = dupString(specifier);
	if (m->wildcard) m->specifier[n - 1] = 0;
	n = strlen(full);
	if (m->wildcard && n > 0 && full[n - 1] == '*') full[n - 1] = 0;
	m->path = dupString(full);
}

static void addResource(const char *dir, const char *path)
{
	char full[PATH_MAX], candidate[PATH_MAX + 8];
	static const char *extensions[] = { "", ".der", ".pem", ".bin", ".json", ".txt", ".dat", NULL };
	int i;
	if (path[0] == '/') snprintf(full, sizeof(full), "%s", path);
	else snprintf(full, sizeof(full), "%s/%s", dir, (path[0] == '.' && path[1] == '/') ? path + 2 : path);
	for (i = 0; extensions[i]; i++) {
		snprintf(candidate, sizeof(candidate), "%s%s", full, extensions[i]);
		if (isFile(candidate)) {
			gResources = realloc(gResources, (gResourcesCount + 1) * sizeof(char *));
			if (!gResources) { fprintf(stderr, "xsh: out of memory\n"); exit(3); }
			gResources[gResourcesCount++] = dupString(candidate);
			return;
		}
	}
}

int xshFindResource(const char *name, char *path, size_t size)
{
	int i;
	for (i = 0; i < gResourcesCount; i++) {
		const char *base = strrchr(gResources[i], '/');
		base = base ? base + 1 : gResources[i];
		if (!strcmp(base, name)) {
			if (path) snprintf(path, size, "%s", gResources[i]);
			return 1;
		}
	}
	return 0;
}

static char *readWholeFile(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	if (data && fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); data = NULL; }
	fclose(f);
	if (data) { data[n] = 0; if (size) *size = (size_t)n; }
	return data;
}

/* walks one manifest object (xsVar(0)) whose directory is dir: modules, resources, include */
static void walkManifest(xsMachine *the, const char *manifestPath, int depth);

static void walkEntries(xsMachine *the, const char *dir, const char *section, int resources)
{
	/* xsVar(0): manifest object */
	xsVar(1) = xsGet(xsVar(0), xsID((char *)section));
	if (!xsTest(xsVar(1))) return;
	xsVar(2) = xsGet(xsGlobal, xsID("Object"));
	xsVar(2) = xsCall1(xsVar(2), xsID("keys"), xsVar(1));
	int count = xsToInteger(xsGet(xsVar(2), xsID("length"))), i;
	for (i = 0; i < count; i++) {
		char key[256];
		xsVar(3) = xsGetAt(xsVar(2), xsInteger(i));
		snprintf(key, sizeof(key), "%s", xsToString(xsVar(3)));
		xsVar(4) = xsGetAt(xsVar(1), xsVar(3));
		if (xsIsInstanceOf(xsVar(4), xsArrayPrototype)) {
			int n = xsToInteger(xsGet(xsVar(4), xsID("length"))), j;
			for (j = 0; j < n; j++) {
				char value[PATH_MAX];
				xsVar(5) = xsGetAt(xsVar(4), xsInteger(j));
				snprintf(value, sizeof(value), "%s", xsToString(xsVar(5)));
				if (resources) addResource(dir, value);
				else if (!strcmp(key, "*")) {
					/* a "*" list: each file's specifier is its base name */
					const char *base = strrchr(value, '/');
					base = base ? base + 1 : value;
					if (!strcmp(base, "*")) {
						char prefix[PATH_MAX];
						snprintf(prefix, sizeof(prefix), "%s", value);
						addMapping("*", dir, prefix);
					}
					else addMapping(base, dir, value);
				}
				else addMapping(key, dir, value);
			}
		}
		else if (xsTypeOf(xsVar(4)) == xsStringType) {
			char value[PATH_MAX];
			snprintf(value, sizeof(value), "%s", xsToString(xsVar(4)));
			if (resources) addResource(dir, value);
			else if (!strcmp(key, "*")) {
				const char *base = strrchr(value, '/');
				base = base ? base + 1 : value;
				if (!strcmp(base, "*")) addMapping("*", dir, value);
				else addMapping(base, dir, value);
			}
			else addMapping(key, dir, value);
		}
	}
}

static void walkManifest(xsMachine *the, const char *manifestPath, int depth)
{
	char real[PATH_MAX], dir[PATH_MAX];
	char *text, *slash;
	if (depth > 8) xsUnknownError("xsh: manifest includes nest too deep");
	if (!realpath(manifestPath, real)) xsUnknownError("xsh: manifest not found: %s", manifestPath);
	text = readWholeFile(real, NULL);
	if (!text) xsUnknownError("xsh: cannot read %s", real);
	snprintf(dir, sizeof(dir), "%s", real);
	slash = strrchr(dir, '/');
	if (slash) *slash = 0;
	if (!gManifestDir[0]) snprintf(gManifestDir, sizeof(gManifestDir), "%s", dir);
	/* xsVar(0..6) are reserved by main() */
	xsVar(6) = xsString(text);
	free(text);
	xsVar(0) = xsGet(xsGlobal, xsID("JSON"));
	xsVar(0) = xsCall1(xsVar(0), xsID("parse"), xsVar(6));
	walkEntries(the, dir, "modules", 0);
	walkEntries(the, dir, "resources", 1);
	/* includes: a string or an array of manifest paths relative to this one */
	xsVar(1) = xsGet(xsVar(0), xsID("include"));
	if (xsTest(xsVar(1))) {
		int n = 1, j, count = 0;
		int isArray = xsIsInstanceOf(xsVar(1), xsArrayPrototype);
		char **includes;
		if (isArray) n = xsToInteger(xsGet(xsVar(1), xsID("length")));
		includes = calloc((size_t)n + 1, sizeof(char *));
		if (!includes) xsUnknownError("xsh: out of memory");
		for (j = 0; j < n; j++) {
			char include[PATH_MAX], full[PATH_MAX * 2];
			xsVar(2) = isArray ? xsGetAt(xsVar(1), xsInteger(j)) : xsVar(1);
			snprintf(include, sizeof(include), "%s", xsToString(xsVar(2)));
			if (strchr(include, '$')) continue;   /* SDK variables: not available in the host */
			if (include[0] == '/') snprintf(full, sizeof(full), "%s", include);
			else snprintf(full, sizeof(full), "%s/%s", dir, include);
			includes[count++] = dupString(full);
		}
		for (j = 0; j < count; j++) {
			walkManifest(the, includes[j], depth + 1);
			free(includes[j]);
		}
		free(includes);
	}
}

void xshLoadManifest(xsMachine *the, const char *path)
{
	walkManifest(the, path, 0);
}

/* a manifest path (no extension) to a file: tsc output first, then a .js beside it */
static int findModuleFile(const char *base, char *out)
{
	char candidate[PATH_MAX * 2];
	size_t dirLength = strlen(gManifestDir);
	if (dirLength && !strncmp(base, gManifestDir, dirLength) && base[dirLength] == '/') {
		snprintf(candidate, sizeof(candidate), "%s/js%s.js", gxshExeDir, base + dirLength);
		if (isFile(candidate) && realpath(candidate, out)) return 1;
	}
	snprintf(candidate, sizeof(candidate), "%s.js", base);
	if (isFile(candidate) && realpath(candidate, out)) return 1;
	snprintf(candidate, sizeof(candidate), "%s", base);
	if (isFile(candidate) && realpath(candidate, out)) return 1;
	return 0;
}

static int findMapped(const char *name, char *out)
{
	int i;
	char base[PATH_MAX * 2];
	for (i = 0; i < gMappingsCount; i++) {
		xshMapping *m = &gMappings[i];
		if (!m->wildcard) {
			if (!strcmp(m->specifier, name) && findModuleFile(m->path, out)) return 1;
		}
	}
	for (i = 0; i < gMappingsCount; i++) {
		xshMapping *m = &gMappings[i];
		size_t n = strlen(m->specifier);
		if (m->wildcard && !strncmp(m->specifier, name, n)) {
			snprintf(base, sizeof(base), "%s%s", m->path, name + n);
			if (findModuleFile(base, out)) return 1;
		}
	}
	return 0;
}

txID fxFindModule(txMachine *the, txSlot *realm, txID moduleID, txSlot *slot)
{
	char name[PATH_MAX], path[PATH_MAX * 2], real[PATH_MAX];
	int i;
	(void)realm;
	fxToStringBuffer(the, slot, name, sizeof(name));
	for (i = 0; i < gxshBuiltinModulesCount; i++) {
		if (!strcmp(gxshBuiltinModules[i].specifier, name)) {
			snprintf(path, sizeof(path), "xsh:%s", name);
			return fxNewNameC(the, path);
		}
	}
	if ((name[0] == '.' && name[1] == '/') || (name[0] == '.' && name[1] == '.' && name[2] == '/')) {
		const char *importer;
		char *slash;
		if (moduleID == XS_NO_ID) {
			if (!getcwd(path, sizeof(path))) return XS_NO_ID;
		}
		else {
			importer = fxGetKeyName(the, moduleID);
			if (!importer || importer[0] != '/') return XS_NO_ID;
			snprintf(path, sizeof(path), "%s", importer);
			slash = strrchr(path, '/');
			if (slash) *slash = 0;
		}
		{
			size_t n = strlen(path);
			snprintf(path + n, sizeof(path) - n, "/%s", name);
		}
		if (findModuleFile(path, real)) return fxNewNameC(the, real);
		return XS_NO_ID;
	}
	if (name[0] == '/') {
		if (findModuleFile(name, real)) return fxNewNameC(the, real);
		return XS_NO_ID;
	}
	if (findMapped(name, real)) return fxNewNameC(the, real);
	return XS_NO_ID;
}

/* ---- loading and the `@` host syntax ---- */

static xsHostBuilder *gBuilders = NULL;
static int gBuildersCount = 0;

static void xshHostsCallback(txMachine *the)
{
	xsResult = xsBuildHosts(gBuildersCount, gBuilders);
}

static void prepareHosts(txMachine *the, txScript *script)
{
	txByte *p = script->hostsBuffer;
	txID c, id;
	int i;
	mxDecodeID(p, c);
	gBuilders = calloc((size_t)c, sizeof(xsHostBuilder));
	if (!gBuilders) xsUnknownError("xsh: out of memory");
	gBuildersCount = c;
	for (i = 0; i < c; i++) {
		txS1 length = *(txS1 *)p++;
		const xshNative *native;
		mxDecodeID(p, id);
		(void)id;
		native = xshFindNative((const char *)p, length < 0 ? 1 : 0);
		if (!native) xsUnknownError("xsh: no host function %s", (const char *)p);
		gBuilders[i].callback = (xsCallback)native->address;
		gBuilders[i].length = length;
		gBuilders[i].id = XS_NO_ID;
		p += strlen((const char *)p) + 1;
	}
	script->callback = xshHostsCallback;
}

/* XS is built with mxNoConsole (no "exception:" chatter for every throw): syntax errors and
   warnings are printed here */
static void reportParserError(void *console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	fprintf(stderr, "%s:%d: error: ", path ? path : "?", (int)line);
	vfprintf(stderr, format, arguments);
	fputc('\n', stderr);
}

static void reportParserWarning(void *console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	fprintf(stderr, "%s:%d: warning: ", path ? path : "?", (int)line);
	vfprintf(stderr, format, arguments);
	fputc('\n', stderr);
}

typedef struct { const char *p; } xshStringStream;
static int xshStringGetter(void *stream)
{
	xshStringStream *s = stream;
	int c = (unsigned char)*s->p;
	if (!c) return C_EOF;
	s->p++;
	return c;
}

static txScript *parse(txMachine *the, const char *path, const char *source)
{
	txParser _parser;
	txParser *parser = &_parser;
	txParserJump jump;
	txScript *volatile script = NULL;
	FILE *volatile file = NULL;
	xshStringStream stream;
	fxInitializeParser(parser, the, the->parserBufferSize, the->parserTableModulo);
	parser->reportError = reportParserError;
	parser->reportWarning = reportParserWarning;
	parser->firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		txUnsigned flags = mxDebugFlag | mxCFlag;
		parser->path = fxNewParserSymbol(parser, (txString)path);
		if (source) {
			stream.p = source;
			fxParserTree(parser, &stream, xshStringGetter, flags, NULL);
		}
		else {
			file = fopen(path, "r");
			mxParserThrowElse(file);
			fxParserTree(parser, file, (txGetter)fgetc, flags, NULL);
			fclose(file);
			file = NULL;
		}
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
	}
	if (file) fclose(file);
	if (parser->errorCount && parser->console) {
		/* the parser printed its errors through fxReport; say which file */
	}
	fxTerminateParser(parser);
	return script;
}

void fxLoadModule(txMachine *the, txSlot *module, txID moduleID)
{
	const char *path = fxGetKeyName(the, moduleID);
	const char *source = NULL;
	txScript *script;
	int i;
	if (!strncmp(path, "xsh:", 4)) {
		for (i = 0; i < gxshBuiltinModulesCount; i++)
			if (!strcmp(gxshBuiltinModules[i].specifier, path + 4)) source = gxshBuiltinModules[i].source;
		if (!source) return;
	}
	script = parse(the, path, source);
	if (!script) {
		fprintf(stderr, "xsh: cannot parse %s\n", path);
		return;
	}
	if (script->hostsBuffer) prepareHosts(the, script);
	fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
	free(gBuilders);
	gBuilders = NULL;
	gBuildersCount = 0;
}
