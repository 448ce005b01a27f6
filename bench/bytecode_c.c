/*
 * bench-bytecode: the size of the bytecode XS compiles from each module, for npm run bench's code
 * size row. Parses each file given with XS's own parser and code generator (the same calls as the
 * host's module loader, host/modules.c), and prints one JSON line per file:
 * {"file", "code" (bytes of bytecode), "symbols" (bytes of the symbol table), "debugCode" (bytecode
 * with the debug flag xsh uses: line numbers)}. Built by bench/run.mjs with cc against the host's
 * objects (everything but main.o, whose globals this file defines).
 */
#include "xsAll.h"
#include "xsScript.h"
#include "xsh.h"

txMachine *gxshMachine = NULL;
char gxshExeDir[1024];
char **gxshArgv = NULL;
int gxshArgc = 0;

void xshFatalException(xsMachine *the) { (void)the; fprintf(stderr, "bench-bytecode: exception\n"); exit(1); }
void xshExit(int status) { exit(status); }
void fxAbort(txMachine *the, int status) { (void)the; fprintf(stderr, "bench-bytecode: abort %d\n", status); exit(1); }

static void reportError(txParser *parser, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)parser;
	fprintf(stderr, "%s:%d: ", path ? path : "?", (int)line);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
}

static txScript *parse(txMachine *the, const char *path, txUnsigned flags)
{
	txParser _parser;
	txParser *parser = &_parser;
	txParserJump jump;
	txScript *volatile script = NULL;
	FILE *volatile file = NULL;
	fxInitializeParser(parser, the, the->parserBufferSize, the->parserTableModulo);
	parser->reportError = reportError;
	parser->reportWarning = reportError;
	parser->firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser->path = fxNewParserSymbol(parser, (txString)path);
		file = fopen(path, "r");
		mxParserThrowElse(file);
		fxParserTree(parser, file, (txGetter)fgetc, flags, NULL);
		fclose(file);
		file = NULL;
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
	}
	if (file) fclose(file);
	fxTerminateParser(parser);
	return script;
}

int main(int argc, char *argv[])
{
	xsCreation creation = { 32 * 1024, 8 * 1024, 4096, 1024, 16 * 1024, 2048 + 1024, 1024, 1993, 127, 64 * 1024, 1993 };
	xsMachine *the = xsCreateMachine(&creation, "bench-bytecode", NULL);
	if (!the) return 2;
	gxshMachine = the;
	for (int i = 1; i < argc; i++) {
		txScript *plain = parse(the, argv[i], mxCFlag);
		txScript *debug = parse(the, argv[i], mxDebugFlag | mxCFlag);
		if (!plain || !debug) { fprintf(stderr, "bench-bytecode: cannot parse %s\n", argv[i]); return 1; }
		printf("{\"file\": \"%s\", \"code\": %ld, \"symbols\": %ld, \"debugCode\": %ld}\n", argv[i],
			(long)plain->codeSize, (long)plain->symbolsSize, (long)debug->codeSize);
		fxDeleteScript(plain);
		fxDeleteScript(debug);
	}
	xsDeleteMachine(the);
	return 0;
}
