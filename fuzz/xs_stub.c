/*
 * The XS engine, as far as the libFuzzer harnesses link it: not at all. The harnesses call the
 * natives' plain-C helpers, never their xs_ host functions; the host functions are still in the
 * objects, so the XS functions they name are defined here, and abort if a harness ever reaches one.
 */
#include <stdio.h>
#include <stdlib.h>

#define XS_STUB(name) void name(void); void name(void) { fprintf(stderr, "fuzz: XS called (%s)\n", #name); abort(); }

/* the list: the fx and _xs names that nm -u shows for the objects of build/obj/native */
XS_STUB(_xsArgc)
XS_STUB(_xsSet)
XS_STUB(_xsmcGetBuffer)
XS_STUB(fxArrayBuffer)
XS_STUB(fxBoolean)
XS_STUB(fxCheckArg)
XS_STUB(fxGetHostData)
XS_STUB(fxGetHostDataValidate)
XS_STUB(fxID)
XS_STUB(fxIncrementalVars)
XS_STUB(fxInteger)
XS_STUB(fxNewID)
XS_STUB(fxOverflow)
XS_STUB(fxRunCount)
XS_STUB(fxSetHostData)
XS_STUB(fxString)
XS_STUB(fxStringX)
XS_STUB(fxThrow)
XS_STUB(fxToBoolean)
XS_STUB(fxToInteger)
XS_STUB(fxToString)
XS_STUB(fxTypeOf)
XS_STUB(fxUndefined)
