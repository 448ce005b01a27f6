/*
 * The SDK's Timer: set(callback, interval = 0, repeat = 0), repeat(callback, interval),
 * schedule(timer, interval, repeat), clear(timer), delay(ms). Callbacks receive the timer.
 * A scheduled timer keeps itself and its callback alive; an unscheduled one is garbage.
 */
#include "xsh.h"

typedef struct xshTimerRecord xshTimer;
struct xshTimerRecord {
	xshTimer *next;
	double when;
	double repeat;          /* 0: one shot */
	int scheduled;
	unsigned long sequence; /* FIFO order among timers due at the same time */
	xsSlot self;
	xsSlot callback;
};

static xshTimer *gTimers = NULL;   /* scheduled timers, by due time */
static unsigned long gSequence = 0;
int gxshTimerCount = 0;

static void unlink_(xshTimer *t)
{
	xshTimer **p;
	for (p = &gTimers; *p; p = &(*p)->next) {
		if (*p == t) { *p = t->next; break; }
	}
	t->next = NULL;
}

static void insert(xshTimer *t)
{
	xshTimer **p;
	t->sequence = gSequence++;
	for (p = &gTimers; *p && (*p)->when <= t->when; p = &(*p)->next) ;
	t->next = *p;
	*p = t;
}

static void schedule(xsMachine *the, xshTimer *t, double interval, double repeat)
{
	if (t->scheduled) unlink_(t);
	else {
		xsRemember(t->self);
		xsRemember(t->callback);
		t->scheduled = 1;
		gxshTimerCount++;
	}
	t->when = xshNow() + (interval > 0 ? interval : 0);
	t->repeat = repeat > 0 ? repeat : 0;
	insert(t);
}

static void unschedule(xsMachine *the, xshTimer *t)
{
	if (!t->scheduled) return;
	unlink_(t);
	t->scheduled = 0;
	gxshTimerCount--;
	xsForget(t->callback);
	xsForget(t->self);
}

void xs_timer_destructor(void *data)
{
	if (data) free(data);
}

static xshTimer *getTimer(xsMachine *the, xsSlot *slot)
{
	xshTimer *t;
	if (xshHostDestructor(the, slot) != xs_timer_destructor)
		xshThrow(the, "TypeError", "timer: not a timer");
	t = xsGetHostData(*slot);
	if (!t) xshThrow(the, "TypeError", "timer: not a timer");
	return t;
}

static void create(xsMachine *the, double interval, double repeat)
{
	xshTimer *t;
	if (!xsIsInstanceOf(xsArg(0), xsFunctionPrototype)) xshThrow(the, "TypeError", "timer: callback is not a function");
	t = calloc(1, sizeof(xshTimer));
	if (!t) xshThrow(the, "Error", "timer: out of memory");
	xsResult = xsNewHostObject(xs_timer_destructor);
	xsSetHostData(xsResult, t);
	t->self = xsResult;
	t->callback = xsArg(0);
	schedule(the, t, interval, repeat);
}

void xs_timer_set(xsMachine *the)
{
	int c = xsToInteger(xsArgc);
	double interval = c > 1 ? xsToNumber(xsArg(1)) : 0;
	double repeat = c > 2 ? xsToNumber(xsArg(2)) : 0;
	create(the, interval, repeat);
}

void xs_timer_repeat(xsMachine *the)
{
	double interval = xsToInteger(xsArgc) > 1 ? xsToNumber(xsArg(1)) : 0;
	create(the, interval, interval > 0 ? interval : 1);
}

void xs_timer_schedule(xsMachine *the)
{
	int c = xsToInteger(xsArgc);
	xshTimer *t = getTimer(the, &xsArg(0));
	if (c < 2) { unschedule(the, t); return; }   /* schedule(timer) without interval: unschedule */
	schedule(the, t, xsToNumber(xsArg(1)), c > 2 ? xsToNumber(xsArg(2)) : 0);
}

void xs_timer_clear(xsMachine *the)
{
	if (!xsTest(xsArg(0))) return;
	unschedule(the, getTimer(the, &xsArg(0)));
}

void xs_timer_delay(xsMachine *the)
{
	double ms = xsToNumber(xsArg(0));
	if (ms > 0) {
		struct timespec ts = { (time_t)(ms / 1000), (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6) };
		nanosleep(&ts, NULL);
	}
}

int xshTimersPending(void) { return gTimers != NULL; }

double xshTimersNext(void)
{
	double d;
	if (!gTimers) return -1;
	d = gTimers->when - xshNow();
	return d > 0 ? d : 0;
}

void xshTimersFire(xsMachine *the)
{
	double now = xshNow();
	unsigned long limit = gSequence;  /* timers scheduled while firing wait for the next turn */
	while (gTimers && gTimers->when <= now) {
		xshTimer *t = gTimers;
		if (t->sequence >= limit) break;
		xsBeginHost(the);
		{
			xsVars(2);
			xsVar(0) = t->self;
			xsVar(1) = t->callback;
			if (t->repeat > 0) {
				unlink_(t);
				t->when += t->repeat;
				if (t->when < now) t->when = now;
				insert(t);
			}
			else
				unschedule(the, t);
			xsTry {
				xsCallFunction1(xsVar(1), xsVar(0), xsVar(0));
			}
			xsCatch {
				xshFatalException(the);
			}
		}
		xsEndHost(the);
	}
}
