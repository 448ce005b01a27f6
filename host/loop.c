/*
 * The event loop: poll(2) over the watched file descriptors, timers, deferred callbacks and
 * promise jobs. It ends when nothing is left to wait for: no socket, listener, timer or job.
 */
#include "xsh.h"
#include <errno.h>

static xshWatch *gWatches = NULL;
static xshDefer *gDefers = NULL;
int gxshPromiseJobs = 0;
unsigned long gxshTurns = 0;

void fxQueuePromiseJobs(txMachine *the)
{
	(void)the;
	gxshPromiseJobs = 1;
}

double xshNow(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void xshWatchAdd(xshWatch *watch)
{
	xshWatch **p;
	for (p = &gWatches; *p; p = &(*p)->next)
		if (*p == watch) return;
	watch->next = gWatches;
	gWatches = watch;
}

void xshWatchRemove(xshWatch *watch)
{
	xshWatch **p;
	for (p = &gWatches; *p; p = &(*p)->next) {
		if (*p == watch) {
			*p = watch->next;
			watch->next = NULL;
			return;
		}
	}
}

void xshDeferQueue(xshDefer *defer)
{
	xshDefer **p;
	if (defer->queued) return;
	defer->queued = 1;
	defer->next = NULL;
	for (p = &gDefers; *p; p = &(*p)->next) ;
	*p = defer;
}

void xshDeferCancel(xshDefer *defer)
{
	xshDefer **p;
	if (!defer->queued) return;
	for (p = &gDefers; *p; p = &(*p)->next) {
		if (*p == defer) {
			*p = defer->next;
			break;
		}
	}
	defer->queued = 0;
	defer->next = NULL;
}

static void runPromiseJobs(xsMachine *the)
{
	while (gxshPromiseJobs) {
		gxshPromiseJobs = 0;
		xsBeginHost(the);
		{
			xsTry {
				fxRunPromiseJobs(the);
			}
			xsCatch {
				xshFatalException(the);
			}
		}
		xsEndHost(the);
	}
	fxCheckUnhandledRejections(the, 0);
}

static void runDefers(void)
{
	/* only those queued before this turn: callbacks may queue more */
	xshDefer *list = gDefers, *d;
	gDefers = NULL;
	while ((d = list)) {
		list = d->next;
		d->next = NULL;
		d->queued = 0;
		d->callback(d->refcon);
		runPromiseJobs(gxshMachine);
	}
}

void xshLoop(xsMachine *the)
{
	struct pollfd *fds = NULL;
	xshWatch **watches = NULL;
	int capacity = 0;
	for (;;) {
		int count = 0, i, timeout;
		xshWatch *w;
		runPromiseJobs(the);
		if (gDefers) runDefers();
		xshTimersFire(the);
		runPromiseJobs(the);
		for (w = gWatches; w; w = w->next) count++;
		if (!count && !gDefers && !xshTimersPending() && !gxshPromiseJobs) break;
		if (count > capacity) {
			capacity = count + 8;
			fds = realloc(fds, capacity * sizeof(struct pollfd));
			watches = realloc(watches, capacity * sizeof(xshWatch *));
			if (!fds || !watches) { fprintf(stderr, "xsh: out of memory\n"); exit(3); }
		}
		i = 0;
		for (w = gWatches; w; w = w->next, i++) {
			fds[i].fd = w->fd;
			fds[i].events = w->events;
			fds[i].revents = 0;
			watches[i] = w;
		}
		if (gDefers || gxshPromiseJobs) timeout = 0;
		else {
			double next = xshTimersNext();
			timeout = next < 0 ? -1 : (int)(next + 0.999);
		}
		if (poll(fds, (nfds_t)count, timeout) < 0) {
			if (errno == EINTR) continue;
			perror("xsh: poll");
			exit(1);
		}
		gxshTurns++;
		for (i = 0; i < count; i++) {
			if (!fds[i].revents) continue;
			/* the watch may have been removed by an earlier callback of this turn */
			for (w = gWatches; w; w = w->next)
				if (w == watches[i]) break;
			if (!w || w->fd != fds[i].fd) continue;
			w->callback(w, fds[i].revents);
			runPromiseJobs(the);
		}
	}
	free(fds);
	free(watches);
}
