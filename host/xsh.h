/*
 * xsh: the SecureSocket XS host. Shared declarations of its parts:
 *   main.c       command line, machine creation, running the main module, exit report
 *   modules.c    module resolution from manifest.json, loading, `@ "name"` host bindings
 *   natives.c    the native()/Native() globals, trace(), the "xsh" and "debug" modules
 *   loop.c       the event loop: file descriptors, timers, promise jobs
 *   timer.c      the SDK's Timer
 *   socket.c     the SDK's Socket and Listener over non-blocking POSIX TCP
 *   resource.c   the SDK's Resource over the files manifest.json names
 *   memory.c     XS chunk/slot allocation with caps, the counted native heap, C stack high-water
 *   instrumentation.c   the SDK's Instrumentation (get/map/name) plus peaks
 */
#ifndef XSH_H
#define XSH_H

#include "xsAll.h"
#include "xs.h"
#include <poll.h>

/* ---- main.c ---- */
extern txMachine *gxshMachine;
extern char gxshExeDir[1024];
extern char **gxshArgv;
extern int gxshArgc;
void xshFatalException(xsMachine *the);   /* print the pending exception and its stack, exit(1) */
void xshExit(int status);                 /* leave the loop and exit with status after the report */

/* ---- modules.c ---- */
void xshLoadManifest(xsMachine *the, const char *path);
const char *xshManifestDir(void);
int xshFindResource(const char *name, char *path, size_t size);

/* ---- natives.c ---- */
typedef struct {
	const char *name;
	void *address;
	int kind;       /* 0: host function, 1: destructor */
} xshNative;
extern const xshNative gxshNatives[];
extern const int gxshNativesCount;
const xshNative *xshFindNative(const char *name, int kind);
void xshBuildGlobals(xsMachine *the);
/* throws new <constructor>(message): messages exactly as written, e.g. "socket: closed" */
void xshThrow(xsMachine *the, const char *constructor, const char *format, ...) __attribute__((noreturn, format(printf, 3, 4)));
/* the destructor of a host object, NULL for anything else (xsGetHostDestructor throws a SyntaxError
   "C: xsGetHostDestructor: no host object" for a plain object) */
static inline xsDestructor xshHostDestructor(xsMachine *the, xsSlot *slot)
{
	txSlot *host;
	(void)the;
	if (slot->kind != XS_REFERENCE_KIND) return NULL;
	host = slot->value.reference->next;
	if (!host || !(host->flag & XS_INTERNAL_FLAG) || host->kind != XS_HOST_KIND || (host->flag & XS_HOST_HOOKS_FLAG)) return NULL;
	return host->value.host.variant.destructor;
}
typedef struct { const char *specifier; const char *source; } xshBuiltinModule;
extern const xshBuiltinModule gxshBuiltinModules[];
extern const int gxshBuiltinModulesCount;

/* ---- loop.c ---- */
typedef struct xshWatchRecord xshWatch;
typedef void (*xshWatchCallback)(xshWatch *watch, short revents);
struct xshWatchRecord {
	xshWatch *next;
	int fd;
	short events;
	xshWatchCallback callback;
	void *refcon;
};
void xshWatchAdd(xshWatch *watch);
void xshWatchRemove(xshWatch *watch);
typedef struct xshDeferRecord xshDefer;
struct xshDeferRecord {
	xshDefer *next;
	void (*callback)(void *refcon);
	void *refcon;
	int queued;
};
void xshDeferQueue(xshDefer *defer);     /* run callback on the next turn of the loop */
void xshDeferCancel(xshDefer *defer);
double xshNow(void);                      /* milliseconds, monotonic */
void xshLoop(xsMachine *the);
extern int gxshPromiseJobs;
extern unsigned long gxshTurns;

/* ---- timer.c ---- */
int xshTimersPending(void);
double xshTimersNext(void);               /* ms until the next timer, or -1 */
void xshTimersFire(xsMachine *the);
extern int gxshTimerCount;

/* ---- socket.c ---- */
extern int gxshSocketCount;
extern unsigned long long gxshBytesRead, gxshBytesWritten;

/* ---- memory.c ---- */
extern size_t gxshChunkCap, gxshSlotCap;              /* 0: no cap; else bytes/slots above the baseline */
extern size_t gxshChunkReserved, gxshSlotReserved;    /* bytes/slots reserved from the system */
extern size_t gxshChunkBaseline, gxshSlotBaseline;    /* reserved when capping started */
extern size_t gxshNativeCurrent, gxshNativePeak, gxshNativeCap;
extern long gxshNativeFailAt;                         /* fail the Nth native allocation (1-based), 0: never */
extern unsigned long gxshNativeCount;
/* XS chunk and slot allocations since the module started; fail the Nth (1-based), 0: never */
extern unsigned long gxshChunkCount, gxshSlotCount, gxshChunkFailAt, gxshSlotFailAt, gxshGcStress;
void xshMemoryStartCaps(xsMachine *the);
void *xshMalloc(size_t size);
void *xshCalloc(size_t count, size_t size);
void *xshRealloc(void *p, size_t size);
void xshFree(void *p);
void xshStackInit(void *base);
void xshStackPaint(void);
size_t xshStackPeak(void);
size_t xshStackExcludeBegin(void);
void xshStackExcludeEnd(size_t before);
void xshResetPeaks(xsMachine *the);
extern size_t gxshChunkPeakBase, gxshSlotPeakBase; /* values at the last reset */
extern const char *gxshOutOfMemory;

/* ---- instrumentation.c ---- */
void xshReport(xsMachine *the, FILE *out);

#endif
