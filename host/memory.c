/*
 * Memory accounting for measurements and budgets:
 *   - XS chunk and slot heaps: reserved from the system through here; with --chunks/--slots the
 *     reservation stops at baseline + cap, so XS collects and then fails with "out of memory";
 *     the chunks are one contiguous arena (one XS block, as a device's heap: free space in one
 *     piece after a collection), which chunkRoom() can cap at any moment above the live set;
 *     slotRoom() caps the slots in use the same way (checked at every slot allocation);
 *   - the native heap: every mbedtls allocation (mbedtls_calloc/free) and the natives' own, counted
 *     (current and peak), optionally capped, optionally failing the Nth allocation;
 *   - the C stack high-water mark: the stack below main() is painted, the deepest byte that
 *     changed is the peak.
 */
#include "xsh.h"

size_t gxshChunkCap = 0, gxshSlotCap = 0;
size_t gxshChunkReserved = 0, gxshSlotReserved = 0;
size_t gxshChunkBaseline = 0, gxshSlotBaseline = 0;
static int gCapping = 0;
static size_t gChunkUsedBaseline = 0;   /* live chunk bytes when capping started */
const char *gxshOutOfMemory = NULL;   /* which budget ran out, for the message */

void fxCreateMachinePlatform(txMachine *the) { the->host = NULL; }
void fxDeleteMachinePlatform(txMachine *the) { (void)the; }

#include <sys/mman.h>
#define ARENA ((size_t)256 << 20)
static unsigned char *gArena = NULL;
static size_t gArenaUsed = 0;
static size_t gRoomEnd = 0;   /* chunkRoom(): the arena may not grow past this offset */

void *fxAllocateChunks(txMachine *the, txSize size)
{
	void *p;
	/* like a device's one compacted chunk heap: live chunks plus this block must fit the budget
	   (free space stranded in earlier blocks does not count against it) */
	if (gCapping && gxshChunkCap && (size_t)the->currentChunksSize + (size_t)size > gChunkUsedBaseline + gxshChunkCap) {
		gxshOutOfMemory = "XS chunk heap (--chunks)";
		return NULL;
	}
	/* one contiguous arena: XS merges each growth into its one block, so that after a collection
	   all the free space is in one piece, as in a device's chunk heap */
	if (!gArena) {
		gArena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (gArena == MAP_FAILED) { gArena = NULL; return NULL; }
	}
	if ((size_t)size > ARENA - gArenaUsed) return NULL;
	if (gRoomEnd && gArenaUsed + (size_t)size > gRoomEnd) {
		gxshOutOfMemory = "XS chunk heap (chunkRoom)";
		return NULL;
	}
	p = gArena + gArenaUsed;
	gArenaUsed += (size_t)size;
	gxshChunkReserved += (size_t)size;
	return p;
}

void fxFreeChunks(txMachine *the, void *chunks)
{
	(void)the;
	(void)chunks;   /* the arena goes with the process */
}

/* xsh's chunkRoom(bytes): from now on XS may use at most `bytes` of chunks above what is live now,
   at any moment (not only when it grows its heap): after a collection, the one block's end is
   brought down to live + bytes (and growth stops there), so XS collects, then fails with "out of
   memory", when live chunks and a new one exceed it. Returns the room given. */
void xs_xsh_chunkRoom(xsMachine *the)
{
	txBlock *block;
	txByte *end;
	double room = xsToNumber(xsArg(0));
	if (!(room >= 0)) xshThrow(the, "RangeError", "xsh: bad room");
	fxCollect(the, XS_COMPACT_FLAG);
	block = the->firstBlock;
	if (!gArena || !block || block->nextBlock || (unsigned char *)block != gArena)
		xshThrow(the, "Error", "xsh: the chunk heap is not one block");
	end = block->current + (size_t)room;
	if (end < block->limit) {
		the->maximumChunksSize -= (txSize)(block->limit - end);
		block->limit = end;
		gArenaUsed = (size_t)((unsigned char *)end - gArena);
	}
	gRoomEnd = (size_t)((unsigned char *)end - gArena);
	the->minimumChunksSize = 16;   /* grow by what is needed: the room is exact */
	xsResult = xsNumber(room);
}

/* XSH_ROOM_CENSUS (a diagnostic): the live instances by kind or constructor name, with their own slots
   (the instance and its properties), counted when slotRoom() starts and where the room ran out; the
   difference is printed (slots not in an instance's list, e.g. closures' variables, as "(other)") */
#define CENSUS 1024
typedef struct { char name[64]; long count[2], slots[2]; } txCensusRow;
static txCensusRow *gCensus = NULL;
static int gCensusRows = 0;

static const char *censusName(txMachine *the, txSlot *instance, char *buffer, size_t size)
{
	txSlot *first = instance->next, *proto, *p;
	if (first && (first->flag & XS_INTERNAL_FLAG)) {
		switch (first->kind) {
		case XS_CODE_KIND: case XS_CODE_X_KIND: case XS_CALLBACK_KIND: case XS_CALLBACK_X_KIND:
			return "function";
		case XS_ARRAY_BUFFER_KIND: return "ArrayBuffer";
		case XS_TYPED_ARRAY_KIND:
			if (first->next && first->next->kind == XS_DATA_VIEW_KIND && first->next->next && first->next->next->kind == XS_REFERENCE_KIND) {
				txSlot *buffer2 = first->next->next->value.reference->next;
				snprintf(buffer, size, "TypedArray %d of %d", (int)first->next->value.dataView.size,
					buffer2 && buffer2->kind == XS_ARRAY_BUFFER_KIND ? (int)(buffer2->next ? buffer2->next->value.bufferInfo.length : -1) : -1);
				return buffer;
			}
			return "TypedArray";
		case XS_ARRAY_KIND: return "Array";
		case XS_HOST_KIND: break;
		default: break;
		}
	}
	proto = instance->value.instance.prototype;
	if (proto) {
		/* a class instance: named by its prototype's first two property keys (constructor, a method) */
		const char *a = NULL, *b = NULL;
		for (p = proto->next; p && !b; p = p->next)
			if (p->ID != XS_NO_ID && !(p->flag & XS_INTERNAL_FLAG)) {
				const char *k = fxGetKeyName(the, p->ID);
				if (!k) continue;
				if (!a) a = k; else b = k;
			}
		snprintf(buffer, size, "{%s %s}", a ? a : "", b ? b : "");
		return buffer;
	}
	return "(no prototype)";
}

static int censusAdd(const char *name, int which, long slots)
{
	int i;
	for (i = 0; i < gCensusRows && strncmp(gCensus[i].name, name, sizeof(gCensus[i].name) - 1); i++) ;
	if (i == gCensusRows) {
		if (gCensusRows == CENSUS) i = CENSUS - 1;
		else { gCensusRows++; memset(&gCensus[i], 0, sizeof(gCensus[i])); snprintf(gCensus[i].name, sizeof(gCensus[i].name), "%s", name); }
	}
	gCensus[i].count[which]++;
	gCensus[i].slots[which] += slots;
	return i;
}

static void census(txMachine *the, int which)
{
	txSlot *block, *slot, *limit, *p;
	long total = 0;
	char buffer[96];
	if (!gCensus) gCensus = calloc(CENSUS, sizeof(txCensusRow));
	if (!gCensus) return;
	for (block = the->firstHeap; block; block = block->next)
		for (slot = block + 1, limit = block->value.reference; slot < limit; slot++) {
			long n = 1;
			if (slot->kind != XS_INSTANCE_KIND) continue;
			for (p = slot->next; p; p = p->next) n++;
			censusAdd(censusName(the, slot, buffer, sizeof(buffer)), which, n);
			total += n;
		}
	gCensus[censusAdd("(other)", which, (long)the->currentHeapCount - total)].count[which]--;
}

/* XSH_ROOM_KEYS=<class>: the property keys of each live instance of that class ("{constructor start}") */
static void censusKeys(txMachine *the, const char *which)
{
	txSlot *block, *slot, *limit, *p;
	char buffer[96];
	for (block = the->firstHeap; block; block = block->next)
		for (slot = block + 1, limit = block->value.reference; slot < limit; slot++) {
			if (slot->kind != XS_INSTANCE_KIND || strcmp(censusName(the, slot, buffer, sizeof(buffer)), which)) continue;
			fprintf(stderr, "%s:", which);
			for (p = slot->next; p; p = p->next) {
				const char *k = p->ID != XS_NO_ID ? fxGetKeyName(the, p->ID) : NULL;
				fprintf(stderr, " %s", k ? k : p->kind == XS_PRIVATE_KIND ? "(private)" : "?");
			}
			fprintf(stderr, "\n");
		}
}

static int censusOrder(const void *a, const void *b)
{
	const txCensusRow *x = a, *y = b;
	long dx = x->slots[1] - x->slots[0], dy = y->slots[1] - y->slots[0];
	return dx < dy ? 1 : dx > dy ? -1 : 0;
}

static void censusPrint(void)
{
	int i;
	qsort(gCensus, (size_t)gCensusRows, sizeof(txCensusRow), censusOrder);
	fprintf(stderr, "census: slots / instances more than at slotRoom()\n");
	for (i = 0; i < gCensusRows; i++)
		if (gCensus[i].slots[1] != gCensus[i].slots[0])
			fprintf(stderr, "  %5ld %5ld  %s\n", gCensus[i].slots[1] - gCensus[i].slots[0], gCensus[i].count[1] - gCensus[i].count[0], gCensus[i].name);
}

/* xsh's slotRoom(count): from now on at most `count` slots above what is live now may be in use
   at any moment, as in a device's fixed slot heap of live + count: at the allocation that would
   pass it XS collects, then exits 3 ("XS slot heap (slotRoom)") if it is still full. Checked in
   the fxNewSlot wrapper below (fxDuplicateSlot's allocation inside xsMemory.c is seen at the next
   one). slotRoom(Infinity) lifts the cap. Returns the live count it counted from. */
static txSize gSlotRoomLimit = 0;   /* 0: no slotRoom() */

void xs_xsh_slotRoom(xsMachine *the)
{
	double room = xsToNumber(xsArg(0));
	if (!(room >= 0)) xshThrow(the, "RangeError", "xsh: bad room");
	gSlotRoomLimit = 0;
	if (room > 0x3fffffff) {   /* Infinity: no cap from now on */
		if (getenv("XSH_ROOM_CENSUS") && gCensus && getenv("XSH_ROOM_LIFT")) {   /* what changed while the room held */
			fxCollect(the, XS_ORGANIC_FLAG);
			census(the, 1);
			censusPrint();
		}
		xsResult = xsNumber(the->currentHeapCount);
		return;
	}
	fxCollect(the, XS_ORGANIC_FLAG);
	xsResult = xsNumber(the->currentHeapCount);
	if (getenv("XSH_ROOM_CENSUS")) census(the, 0);
	/* the result's slot is on the stack, not in the heap: the live count stands */
	gSlotRoomLimit = the->currentHeapCount + (txSize)room;
}

/* the JS frames, innermost first, on stderr */
static void printFrames(txMachine *the)
{
	txSlot *frame;
	char name[128];
	for (frame = the->frame; frame; frame = frame->next) {
		txSlot *environment = mxFrameToEnvironment(frame);
		name[0] = 0;
		fxBufferFrameName(the, name, sizeof(name), frame, "");
		fprintf(stderr, "  at %s (%s:%d)\n", name, environment->ID != XS_NO_ID ? fxGetKeyName(the, environment->ID) : "?",
			(int)environment->value.environment.line);
	}
}

static void checkSlotRoom(txMachine *the)
{
	if (!gSlotRoomLimit || the->currentHeapCount < gSlotRoomLimit)
		return;
	fxCollect(the, XS_ORGANIC_FLAG);
	if (the->currentHeapCount >= gSlotRoomLimit) {
		if (getenv("XSH_ROOM_STACK"))   /* where the room ran out */
			printFrames(the);
		if (getenv("XSH_ROOM_CENSUS")) {
			census(the, 1);
			censusPrint();
		}
		if (getenv("XSH_ROOM_KEYS"))
			censusKeys(the, getenv("XSH_ROOM_KEYS"));
		gxshOutOfMemory = "XS slot heap (slotRoom)";
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	}
}

txSlot *fxAllocateSlots(txMachine *the, txSize count)
{
	txSlot *p;
	(void)the;
	if (gCapping && gxshSlotCap && gxshSlotReserved + (size_t)count > gxshSlotBaseline + gxshSlotCap) {
		gxshOutOfMemory = "XS slot heap (--slots)";
		return NULL;
	}
	p = malloc((size_t)count * sizeof(txSlot));
	if (p) gxshSlotReserved += (size_t)count;
	return p;
}

void fxFreeSlots(txMachine *the, void *slots)
{
	(void)the;
	free(slots);
}

/* From here on, caps apply above what is in use now (the host's own start-up: builtins, manifest).
   Small growth steps make the cap precise. */
void xshMemoryStartCaps(txMachine *the)
{
	gxshChunkBaseline = gxshChunkReserved;
	gxshSlotBaseline = gxshSlotReserved;
	gChunkUsedBaseline = (size_t)the->currentChunksSize;
	if (gxshChunkCap) {
		/* count what is free in the reserved blocks as part of the budget */
		size_t used = (size_t)the->currentChunksSize;
		gxshChunkBaseline = used + (gxshChunkReserved - the->maximumChunksSize);
		if (gxshChunkBaseline > gxshChunkReserved) gxshChunkBaseline = gxshChunkReserved;
		the->minimumChunksSize = 1024;
	}
	if (gxshSlotCap) {
		size_t used = (size_t)the->currentHeapCount;
		gxshSlotBaseline = used + (gxshSlotReserved - the->maximumHeapCount);
		if (gxshSlotBaseline > gxshSlotReserved) gxshSlotBaseline = gxshSlotReserved;
		the->minimumHeapCount = 64;
	}
	gCapping = 1;
}

/* ---- XS chunk and slot allocations: counted, and the Nth one made to fail ----
   The link wraps XS's allocators (host/Makefile: -Wl,--wrap): every call from another XS file, a
   native or the host goes through here (calls inside xsMemory.c itself, e.g. fxRenewChunk moving a
   chunk, do not). They count from the start of the module (xshMemoryStartCaps), not the host's
   start-up. XS cannot recover from a chunk or slot it cannot get: it collects garbage, grows the
   heap, and when that fails too calls fxAbort(XS_NOT_ENOUGH_MEMORY_EXIT) there and then. A failed
   allocation here does the same at once, so the host's fxAbort ends the run: exit status 3 and
   "xsh: out of memory: XS chunk allocation N (--chunk-fail)". */

unsigned long gxshChunkCount = 0, gxshSlotCount = 0;
unsigned long gxshChunkFailAt = 0, gxshSlotFailAt = 0;
static char gFailMessage[64];

void *__real_fxNewChunk(txMachine *the, txSize size);
void *__real_fxNewGrowableChunk(txMachine *the, txSize size, txSize capacity);
txSlot *__real_fxNewSlot(txMachine *the);
void *__wrap_fxNewChunk(txMachine *the, txSize size);
void *__wrap_fxNewGrowableChunk(txMachine *the, txSize size, txSize capacity);
txSlot *__wrap_fxNewSlot(txMachine *the);

/* --gc-stress N: a collection before every Nth XS allocation of the module (slots and chunks
   counted together), where XS itself would collect when a heap is full: the C stack figure then
   includes the collector's marking beneath the deepest allocation, wherever collections fall */
unsigned long gxshGcStress = 0;
static unsigned long gStressCount = 0;

/* XSH_STACK_WHERE=1: each time an XS allocation is made deeper in the C stack than any before it (while
   the caps count), its depth and the JS frames on stderr: the last one printed is where the deepest
   allocation was, beneath which a collection's marking would go (what --gc-stress's figure measures);
   searched again from each Instrumentation.resetPeaks(), which prints "-- peaks reset" */
static uintptr_t gDeepest = 0;
static int gStackWhere = -1;

static void noteDepth(txMachine *the)
{
	volatile char here = 0;
	uintptr_t at = (uintptr_t)&here;
	if (gStackWhere < 0)
		gStackWhere = getenv("XSH_STACK_WHERE") != NULL;
	if (!gStackWhere || (gDeepest && at >= gDeepest))
		return;
	gDeepest = at;
	fprintf(stderr, "deepest allocation so far: %p\n", (void *)at);
	printFrames(the);
}

static void countAllocation(txMachine *the, unsigned long *count, unsigned long failAt, const char *what)
{
	if (!gCapping)
		return;
	noteDepth(the);
	if (gxshGcStress && ++gStressCount % gxshGcStress == 0)
		/* as XS collects when a heap is full: slots without compaction (whose marking recurses
		   deeper), chunks with it */
		fxCollect(the, count == &gxshSlotCount ? XS_ORGANIC_FLAG : XS_COMPACT_FLAG | XS_ORGANIC_FLAG);
	(*count)++;
	if (failAt && (*count == failAt)) {
		snprintf(gFailMessage, sizeof(gFailMessage), "XS %s allocation %lu (--%s-fail)", what, failAt, what);
		gxshOutOfMemory = gFailMessage;
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	}
}

void *__wrap_fxNewChunk(txMachine *the, txSize size)
{
	countAllocation(the, &gxshChunkCount, gxshChunkFailAt, "chunk");
	return __real_fxNewChunk(the, size);
}

void *__wrap_fxNewGrowableChunk(txMachine *the, txSize size, txSize capacity)
{
	countAllocation(the, &gxshChunkCount, gxshChunkFailAt, "chunk");
	return __real_fxNewGrowableChunk(the, size, capacity);
}

txSlot *__wrap_fxNewSlot(txMachine *the)
{
	countAllocation(the, &gxshSlotCount, gxshSlotFailAt, "slot");
	checkSlotRoom(the);
	return __real_fxNewSlot(the);
}

/* XS asks for the C stack's limit when it creates a machine and each time it compiles a regular
   expression or a script; on Linux that is glibc's pthread_getattr_np, which parses /proc/self/maps
   with sscanf (about 2.5 KB of stack on x86-64), where a device reads a variable: asked once */
char *__real_fxCStackLimit(void);
char *__wrap_fxCStackLimit(void);
char *__wrap_fxCStackLimit(void)
{
	static char *limit = NULL;
	if (!limit) limit = __real_fxCStackLimit();
	return limit;
}

/* ---- the counted native heap ---- */

size_t gxshNativeCurrent = 0, gxshNativePeak = 0, gxshNativeCap = 0;
long gxshNativeFailAt = 0;
unsigned long gxshNativeCount = 0;

typedef union { size_t size; long double align1; void *align2; long long align3; } xshHeader;

void *xshMalloc(size_t size)
{
	xshHeader *h;
	gxshNativeCount++;
	if (gxshNativeFailAt && (long)gxshNativeCount == gxshNativeFailAt) return NULL;
	if (gxshNativeCap && gxshNativeCurrent + size > gxshNativeCap) return NULL;
	h = malloc(sizeof(xshHeader) + size);
	if (!h) return NULL;
	h->size = size;
	gxshNativeCurrent += size;
	if (gxshNativePeak < gxshNativeCurrent) gxshNativePeak = gxshNativeCurrent;
	return h + 1;
}

void *xshCalloc(size_t count, size_t size)
{
	void *p;
	if (size && count > (size_t)-1 / size) return NULL;
	p = xshMalloc(count * size);
	if (p) memset(p, 0, count * size);
	return p;
}

void xshFree(void *p)
{
	xshHeader *h;
	if (!p) return;
	h = (xshHeader *)p - 1;
	gxshNativeCurrent -= h->size;
	free(h);
}

void *xshRealloc(void *p, size_t size)
{
	void *q;
	size_t old;
	if (!p) return xshMalloc(size);
	old = ((xshHeader *)p - 1)->size;
	q = xshMalloc(size);
	if (!q) return NULL;
	memcpy(q, p, old < size ? old : size);
	xshFree(p);
	return q;
}

/* ---- C stack high-water mark ---- */

#define STACK_WINDOW (256 * 1024)
#define STACK_PATTERN 0x5A
#define STACK_WORD 0x5A5A5A5A5A5A5A5AULL
static unsigned char *gStackBase = NULL;   /* address of a local in main(): depth 0 */
static unsigned char *gStackLow = NULL;    /* the lowest painted byte */
static size_t gStackCarried = 0;           /* the peak before the last excluded call (xshStackExcludeEnd) */

static __attribute__((noinline)) void paintFrom(unsigned char *top)
{
	/* stay clear of this frame: its loop keeps everything in registers (even at -O0 its locals are
	   within 32 bytes of the frame address), so 64 bytes are enough; the bytes left unpainted below
	   the caller set the zero of the next figure (docs/HOST.md): keep them few. Painted a word at a
	   time (gStackLow is word aligned): the whole window is painted at each reset and after each
	   excluded call, and byte stores made that a visible part of a handshake's time */
	unsigned char *limit = (unsigned char *)__builtin_frame_address(0) - 64;
	volatile uint64_t *w = (volatile uint64_t *)gStackLow;
	unsigned char *p;
	(void)top;
	for (; (unsigned char *)(w + 1) <= limit; w++) *w = STACK_WORD;
	for (p = (unsigned char *)w; p < limit; p++) *(volatile unsigned char *)p = STACK_PATTERN;
}

static __attribute__((noinline)) void growStack(void)
{
	/* make the whole window part of the stack mapping before painting it */
	volatile unsigned char window[STACK_WINDOW];
	size_t i;
	for (i = 0; i < sizeof(window); i += 4096) window[i] = STACK_PATTERN;
	gStackLow = (unsigned char *)(((uintptr_t)&window[0] + 64 + 7) & ~(uintptr_t)7);
}

void xshStackInit(void *base)
{
	gStackBase = base;
	growStack();
	xshStackPaint();
}

void xshStackPaint(void)
{
	gStackCarried = 0;
	paintFrom(gStackBase);
}

size_t xshStackPeak(void)
{
	const uint64_t *w = (const uint64_t *)gStackLow;
	unsigned char *p;
	size_t peak;
	while ((unsigned char *)(w + 1) <= gStackBase && *w == STACK_WORD) w++;   /* a word at a time, then the bytes */
	p = (unsigned char *)w;
	while (p < gStackBase && *p == STACK_PATTERN) p++;
	peak = (size_t)(gStackBase - p);
	return peak > gStackCarried ? peak : gStackCarried;
}

/* A host-only call whose stack a device does not spend there (the resolver: glibc's getaddrinfo
   takes about 7 KB on x86-64, where a device's lwIP resolves asynchronously) is left out of the peak:
   the peak so far is carried, and the stack the call dirtied is painted again. */
size_t xshStackExcludeBegin(void)
{
	return xshStackPeak();
}

void xshStackExcludeEnd(size_t before)
{
	paintFrom(gStackBase);
	gStackCarried = before;
}

size_t gxshChunkPeakBase = 0, gxshSlotPeakBase = 0;

void xshResetPeaks(xsMachine *the)
{
	the->peakChunksSize = the->currentChunksSize;
	the->peakHeapCount = the->currentHeapCount;
	gxshChunkPeakBase = (size_t)the->currentChunksSize;
	gxshSlotPeakBase = (size_t)the->currentHeapCount;
	gxshNativePeak = gxshNativeCurrent;
	xshStackPaint();
	if (gStackWhere > 0) {   /* XSH_STACK_WHERE: the deepest allocation is searched again from here */
		gDeepest = 0;
		fprintf(stderr, "-- peaks reset\n");
	}
}
