/*
 * The SDK's Instrumentation (get/map/name, 1-based indexes, the SDK's names for what exists in a
 * host) plus the figures a budget is written in: peaks of XS chunk bytes and slots, of the native
 * heap and of the C stack, since the last resetPeaks().
 */
#include "xsh.h"

enum {
	kNetworkBytesRead = 1,
	kNetworkBytesWritten,
	kNetworkSockets,
	kTimers,
	kTurns,
	kSlotHeapUsed,
	kChunkHeapUsed,
	kKeysUsed,
	kGarbageCollectionCount,
	kModulesLoaded,
	kStackUsed,
	kChunkHeapPeak,
	kSlotsUsed,
	kSlotsPeak,
	kNativeHeapUsed,
	kNativeHeapPeak,
	kCStackPeak,
	kNativeAllocations,
	kCount
};

static const char *const gNames[kCount] = {
	NULL,
	"Network Bytes Read",
	"Network Bytes Written",
	"Network Sockets",
	"Timers",
	"Turns",
	"XS Slot Heap Used",        /* bytes, as in the SDK */
	"XS Chunk Heap Used",       /* bytes */
	"XS Keys Used",
	"XS Garbage Collection Count",
	"XS Modules Loaded",
	"XS Stack Used",            /* bytes of the XS stack */
	"XS Chunk Heap Peak",       /* bytes, since resetPeaks() */
	"XS Slots Used",            /* slots (16 bytes on a 32-bit MCU, 32 here) */
	"XS Slots Peak",            /* slots, since resetPeaks() */
	"Native Heap Used",         /* bytes: mbedtls and the natives */
	"Native Heap Peak",         /* bytes, since resetPeaks() */
	"C Stack Peak",             /* bytes below main(), since resetPeaks() */
	"Native Allocations",       /* count of native allocations so far */
};

static double sample(txMachine *the, int which)
{
	switch (which) {
	case kNetworkBytesRead: return (double)gxshBytesRead;
	case kNetworkBytesWritten: return (double)gxshBytesWritten;
	case kNetworkSockets: return gxshSocketCount;
	case kTimers: return gxshTimerCount;
	case kTurns: return (double)gxshTurns;
	case kSlotHeapUsed: return (double)the->currentHeapCount * sizeof(txSlot);
	case kChunkHeapUsed: return (double)the->currentChunksSize;
	case kKeysUsed: return (double)(the->keyIndex - the->keyOffset);
	case kGarbageCollectionCount: return the->garbageCollectionCount;
	case kModulesLoaded: return the->loadedModulesCount;
	case kStackUsed: return (double)((the->stackTop - the->stack) * sizeof(txSlot));
	case kChunkHeapPeak: return (double)the->peakChunksSize;
	case kSlotsUsed: return (double)the->currentHeapCount;
	case kSlotsPeak: return (double)the->peakHeapCount;
	case kNativeHeapUsed: return (double)gxshNativeCurrent;
	case kNativeHeapPeak: return (double)gxshNativePeak;
	case kCStackPeak: return (double)xshStackPeak();
	case kNativeAllocations: return (double)gxshNativeCount;
	}
	return 0;
}

void xs_instrumentation_get(xsMachine *the)
{
	int which = xsToInteger(xsArg(0));
	if (which < 1 || which >= kCount) return;
	xsResult = xsNumber(sample(the, which));
}

void xs_instrumentation_map(xsMachine *the)
{
	const char *name = xsToString(xsArg(0));
	int i;
	for (i = 1; i < kCount; i++)
		if (!strcmp(gNames[i], name)) { xsResult = xsInteger(i); return; }
}

void xs_instrumentation_name(xsMachine *the)
{
	int which = xsToInteger(xsArg(0));
	if (which < 1 || which >= kCount) return;
	xsResult = xsString(gNames[which]);
}

void xs_instrumentation_resetPeaks(xsMachine *the)
{
	xshResetPeaks(the);
}

void xshReport(xsMachine *the, FILE *out)
{
	fprintf(out, "{\"xsh\":\"report\",\"chunksPeak\":%ld,\"chunksUsed\":%ld,\"chunksBaseline\":%ld,"
		"\"slotsPeak\":%ld,\"slotsUsed\":%ld,\"slotsBaseline\":%ld,\"slotBytes\":%d,"
		"\"nativePeak\":%ld,\"nativeUsed\":%ld,\"nativeAllocations\":%lu,\"chunkAllocations\":%lu,"
		"\"slotAllocations\":%lu,\"stackPeak\":%ld,"
		"\"gcCount\":%d,\"chunkCap\":%ld,\"slotCap\":%ld}\n",
		(long)the->peakChunksSize, (long)the->currentChunksSize, (long)gxshChunkPeakBase,
		(long)the->peakHeapCount, (long)the->currentHeapCount, (long)gxshSlotPeakBase, (int)sizeof(txSlot),
		(long)gxshNativePeak, (long)gxshNativeCurrent, gxshNativeCount, gxshChunkCount, gxshSlotCount,
		(long)xshStackPeak(),
		(int)the->garbageCollectionCount, (long)gxshChunkCap, (long)gxshSlotCap);
	fflush(out);
}
