/*
 * Errors thrown by the natives: `new Error("crypto: bad tag")`, message exactly as written.
 */
#include "crypto_common.h"

void securesocket_throw(xsMachine *the, const char *constructor, const char *message)
{
	xsResult = xsNew1(xsGlobal, xsID((char *)constructor), xsString((char *)message));
	xsThrow(xsResult);
	for (;;) ;   /* not reached: xsThrow jumps */
}
