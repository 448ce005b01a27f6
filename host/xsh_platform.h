/*
 * Platform header for xsh, the SecureSocket XS host (Linux and macOS, gcc or clang).
 * Selected by -DINCLUDE_XSPLATFORM -DXSPLATFORM="xsh_platform.h" when compiling the XS sources.
 */
#ifndef XSH_PLATFORM_H
#define XSH_PLATFORM_H

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__) || defined(__i386__) || defined(__arm__))
	#undef mxLittleEndian
	#define mxLittleEndian 1
	#if defined(__linux__)
		#undef mxLinux
		#define mxLinux 1
	#else
		#undef mxMacOSX
		#define mxMacOSX 1
	#endif
	#define mxExport extern
	#define mxImport extern
	#define XS_FUNCTION_NORETURN __attribute__((noreturn))
#else
	#error "xsh: unsupported compiler or processor"
#endif

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

#define mxUseDefaultBuildKeys 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

/* per-machine host state lives in one struct of ours (host/xsh.h) */
#define mxMachinePlatform \
	void* host; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

#if INTPTR_MAX == INT64_MAX
	#define mx32bitID 1
#endif


#endif /* XSH_PLATFORM_H */
