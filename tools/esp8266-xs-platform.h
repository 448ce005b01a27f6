/*
 * A minimal XS platform header for compiling the interpreter with xtensa-lx106-elf-gcc, only to read
 * its frame sizes (tools/size-esp8266.sh: -fstack-usage). Not a device port: the Moddable SDK's own
 * ESP8266 platform is what runs on a device.
 */
#ifndef ESP8266_XS_PLATFORM_H
#define ESP8266_XS_PLATFORM_H
#undef mxLittleEndian
#define mxLittleEndian 1
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))
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
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1
#define mxMachinePlatform void* host;
#endif
