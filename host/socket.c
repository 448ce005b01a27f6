/*
 * The SDK's Socket and Listener over non-blocking POSIX TCP, with the SDK's callback contract:
 *   callback(1)            connected (client sockets)
 *   callback(2, count)     data received: count bytes can be read now
 *   callback(3, count)     data sent: count bytes can be written now
 *   callback(-1)           disconnected by the peer
 *   callback(-2)           error (refused, unreachable, reset, name not resolved)
 * Every callback comes from the event loop, never from inside a constructor or a method.
 * Writes go to a fixed output buffer (kOutputSize); writing more than write() reports throws.
 */
#include "xsh.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/socket.h>

extern xsIntegerValue _xsmcGetBuffer(xsMachine *the, xsSlot *slot, void **data, xsUnsignedValue *count, xsBooleanValue writable);

#define kOutputSize (8 * 1024)
#define kInputMax (64 * 1024)
#define kPendingMax 16

int gxshSocketCount = 0;
unsigned long long gxshBytesRead = 0, gxshBytesWritten = 0;

enum { kConnecting, kConnected, kClosed };

typedef struct {
	xshWatch watch;
	xshDefer defer;
	int state;
	int remembered;
	xsSlot self;
	struct addrinfo *addresses, *address;
	int error;                 /* errno of a failure to report */
	int peerClosed;            /* EOF seen: report -1 once the data is delivered */
	int notifyConnect;
	int notifySent;            /* a write happened: report 3 when the output has drained */
	unsigned char *input;
	size_t inputOffset, inputLength, inputCapacity;
	int inputFilled;           /* the last recv filled the room it had */
	unsigned char output[kOutputSize];
	size_t outputLength;
} xshSocket;

typedef struct {
	xshWatch watch;
	xsSlot self;
	int remembered;
	int port;
	int pending[kPendingMax];
	int pendingCount;
} xshListener;

void xs_socket_destructor(void *data);
void xs_listener_destructor(void *data);

static void setNonBlocking(int fd)
{
	int flags = fcntl(fd, F_GETFL, 0);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void closeSocket(xsMachine *the, xshSocket *s)
{
	if (s->watch.fd >= 0) {
		xshWatchRemove(&s->watch);
		close(s->watch.fd);
		s->watch.fd = -1;
		gxshSocketCount--;
	}
	xshDeferCancel(&s->defer);
	if (s->addresses) { freeaddrinfo(s->addresses); s->addresses = NULL; }
	s->state = kClosed;
	if (s->remembered && the) {
		s->remembered = 0;
		xsForget(s->self);
	}
}

void xs_socket_destructor(void *data)
{
	xshSocket *s = data;
	if (!s) return;
	if (s->watch.fd >= 0) {
		xshWatchRemove(&s->watch);
		close(s->watch.fd);
		gxshSocketCount--;
	}
	xshDeferCancel(&s->defer);
	if (s->addresses) freeaddrinfo(s->addresses);
	free(s->input);
	free(s);
}

static xshSocket *getSocket(xsMachine *the)
{
	xshSocket *s;
	if (xshHostDestructor(the, &xsThis) != xs_socket_destructor)
		xshThrow(the, "TypeError", "socket: not a socket");
	s = xsGetHostData(xsThis);
	if (!s) xshThrow(the, "TypeError", "socket: not a socket");
	return s;
}

/* calls this.callback(message[, value]); returns 0 if the socket was closed meanwhile */
static void notify(xsMachine *the, xshSocket *s, int message, int hasValue, double value)
{
	xsBeginHost(the);
	{
		xsVars(3);
		xsVar(0) = s->self;
		xsVar(1) = xsGet(xsVar(0), xsID("callback"));
		if (xsIsInstanceOf(xsVar(1), xsFunctionPrototype)) {
			xsTry {
				if (hasValue)
					xsCallFunction2(xsVar(1), xsVar(0), xsInteger(message), xsNumber(value));
				else
					xsCallFunction1(xsVar(1), xsVar(0), xsInteger(message));
			}
			xsCatch {
				xshFatalException(the);
			}
		}
	}
	xsEndHost(the);
}

static void fail(xsMachine *the, xshSocket *s, int error)
{
	s->error = error ? error : ECONNRESET;
	if (s->watch.fd >= 0) {
		xshWatchRemove(&s->watch);
		close(s->watch.fd);
		s->watch.fd = -1;
		gxshSocketCount--;
	}
	xshDeferQueue(&s->defer);
}

static void updateEvents(xshSocket *s)
{
	if (s->watch.fd < 0) return;
	if (s->state == kConnecting) s->watch.events = POLLOUT;
	else {
		s->watch.events = 0;
		if (!s->peerClosed && s->inputLength - s->inputOffset < kInputMax) s->watch.events |= POLLIN;
		if (s->outputLength) s->watch.events |= POLLOUT;
	}
}

static void flush(xshSocket *s)
{
	while (s->outputLength && s->watch.fd >= 0) {
		ssize_t n = send(s->watch.fd, s->output, s->outputLength, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
			fail(gxshMachine, s, errno);
			return;
		}
		gxshBytesWritten += (unsigned long long)n;
		memmove(s->output, s->output + n, s->outputLength - (size_t)n);
		s->outputLength -= (size_t)n;
	}
	if (!s->outputLength && s->notifySent) xshDeferQueue(&s->defer);
	updateEvents(s);
}

static int startConnect(xshSocket *s)
{
	while (s->address) {
		struct addrinfo *a = s->address;
		int fd = socket(a->ai_family, SOCK_STREAM, 0), one = 1;
		if (fd < 0) { s->address = a->ai_next; continue; }
		setNonBlocking(fd);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
			s->watch.fd = fd;
			gxshSocketCount++;
			updateEvents(s);
			xshWatchAdd(&s->watch);
			return 1;
		}
		s->error = errno;
		close(fd);
		s->address = a->ai_next;
	}
	return 0;
}

static void readInput(xsMachine *the, xshSocket *s)
{
	size_t room;
	ssize_t n;
	if (s->inputOffset && s->inputOffset == s->inputLength) s->inputOffset = s->inputLength = 0;
	if (s->inputOffset > s->inputCapacity / 2) {
		memmove(s->input, s->input + s->inputOffset, s->inputLength - s->inputOffset);
		s->inputLength -= s->inputOffset;
		s->inputOffset = 0;
	}
	/* grow when nearly full, or when the last recv filled all the room it had (more is coming:
	   fewer, larger reads) */
	if (s->inputCapacity - s->inputLength < 2048 || s->inputFilled) {
		size_t capacity = s->inputCapacity ? s->inputCapacity * 2 : 4096;
		unsigned char *input;
		if (capacity > kInputMax + 4096) capacity = kInputMax + 4096;
		if (capacity > s->inputCapacity) {
			input = realloc(s->input, capacity);
			if (!input) { fail(the, s, ENOMEM); return; }
			s->input = input;
			s->inputCapacity = capacity;
		}
	}
	room = s->inputCapacity - s->inputLength;
	if (!room) { updateEvents(s); return; }
	n = recv(s->watch.fd, s->input + s->inputLength, room, 0);
	s->inputFilled = n > 0 && (size_t)n == room;
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
		fail(the, s, errno);
		return;
	}
	if (n == 0) {
		s->peerClosed = 1;
		updateEvents(s);
		xshDeferQueue(&s->defer);
		return;
	}
	gxshBytesRead += (unsigned long long)n;
	s->inputLength += (size_t)n;
	updateEvents(s);
	notify(the, s, 2, 1, (double)(s->inputLength - s->inputOffset));
	updateEvents(s);
}

static void onSocket(xshWatch *watch, short revents)
{
	xshSocket *s = watch->refcon;
	xsMachine *the = gxshMachine;
	if (s->state == kConnecting) {
		int error = 0;
		socklen_t length = sizeof(error);
		if (getsockopt(watch->fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0) error = errno;
		if (error) {
			/* try the next address of the name, if any */
			xshWatchRemove(&s->watch);
			close(s->watch.fd);
			s->watch.fd = -1;
			gxshSocketCount--;
			s->error = error;
			s->address = s->address ? s->address->ai_next : NULL;
			if (!startConnect(s)) xshDeferQueue(&s->defer);
			return;
		}
		s->state = kConnected;
		freeaddrinfo(s->addresses);
		s->addresses = s->address = NULL;
		updateEvents(s);
		notify(the, s, 1, 0, 0);
		if (s->state == kConnected) flush(s);
		return;
	}
	if (s->state != kConnected) return;
	if (revents & POLLOUT) flush(s);
	if (s->state == kConnected && s->watch.fd >= 0 && (revents & (POLLIN | POLLHUP | POLLERR))) {
		if ((revents & POLLERR) && !(revents & POLLIN)) {
			int error = 0;
			socklen_t length = sizeof(error);
			getsockopt(watch->fd, SOL_SOCKET, SO_ERROR, &error, &length);
			fail(the, s, error);
			return;
		}
		readInput(the, s);
	}
}

/* deferred events, in order: error, sent, disconnected */
static void onDefer(void *refcon)
{
	xshSocket *s = refcon;
	xsMachine *the = gxshMachine;
	if (s->state == kClosed) return;
	if (s->error) {
		closeSocket(the, s);
		notify(the, s, -2, 0, 0);
		return;
	}
	if (s->notifySent && !s->outputLength && s->state == kConnected) {
		s->notifySent = 0;
		notify(the, s, 3, 1, (double)kOutputSize);
		if (s->state == kClosed) return;
	}
	if (s->peerClosed && s->state == kConnected) {
		closeSocket(the, s);
		notify(the, s, -1, 0, 0);
	}
}

static xshSocket *newSocket(xsMachine *the)
{
	xshSocket *s = calloc(1, sizeof(xshSocket));
	if (!s) xshThrow(the, "Error", "socket: out of memory");
	s->watch.fd = -1;
	s->watch.callback = onSocket;
	s->watch.refcon = s;
	s->defer.callback = onDefer;
	s->defer.refcon = s;
	xsSetHostData(xsThis, s);
	s->self = xsThis;
	s->remembered = 1;
	xsRemember(s->self);
	return s;
}

static xshListener *getListener(xsMachine *the, xsSlot *slot)
{
	xshListener *l;
	if (xshHostDestructor(the, slot) != xs_listener_destructor)
		xshThrow(the, "TypeError", "socket: listener is not a Listener");
	l = xsGetHostData(*slot);
	if (!l) xshThrow(the, "TypeError", "socket: listener is closed");
	return l;
}

/* constructor body: this.construct(dictionary) */
void xs_socket_construct(xsMachine *the)
{
	xshSocket *s;
	char host[256], service[16];
	struct addrinfo hints, *result = NULL;
	const char *name;
	size_t stack, length;
	int status, port;
	xsVars(2);
	if (xsTypeOf(xsArg(0)) != xsReferenceType) xshThrow(the, "TypeError", "socket: dictionary required");
	if (xsHas(xsArg(0), xsID("listener"))) {
		xshListener *l;
		int fd;
		xsVar(0) = xsGet(xsArg(0), xsID("listener"));
		l = getListener(the, &xsVar(0));
		if (!l->pendingCount) xshThrow(the, "Error", "socket: no pending connection");
		fd = l->pending[0];
		memmove(l->pending, l->pending + 1, (size_t)(--l->pendingCount) * sizeof(int));
		s = newSocket(the);
		s->watch.fd = fd;
		gxshSocketCount++;
		s->state = kConnected;
		updateEvents(s);
		xshWatchAdd(&s->watch);
		return;
	}
	if (xsHas(xsArg(0), xsID("host")))
		xsVar(0) = xsGet(xsArg(0), xsID("host"));
	else if (xsHas(xsArg(0), xsID("address")))
		xsVar(0) = xsGet(xsArg(0), xsID("address"));
	else
		xshThrow(the, "TypeError", "socket: host or address required");
	name = xsToString(xsVar(0));
	length = strlen(name);   /* not snprintf: its 1.5 KB of stack is glibc's, not a device's */
	if (length >= sizeof(host)) length = sizeof(host) - 1;
	memcpy(host, name, length);
	host[length] = 0;
	xsVar(1) = xsGet(xsArg(0), xsID("port"));
	port = xsToInteger(xsVar(1));
	if (port <= 0 || port > 65535) xshThrow(the, "RangeError", "socket: bad port");
	s = newSocket(the);
	s->state = kConnecting;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	stack = xshStackExcludeBegin();   /* the resolver's stack is not the connection's (docs/HOST.md) */
	snprintf(service, sizeof(service), "%d", port);
	status = getaddrinfo(host, service, &hints, &result);
	if (status == EAI_BADFLAGS || (status != 0 && status != EAI_NONAME)) {
		hints.ai_flags = 0;
		status = getaddrinfo(host, service, &hints, &result);
	}
	xshStackExcludeEnd(stack);
	if (status != 0 || !result) {
		s->error = EHOSTUNREACH;
		xshDeferQueue(&s->defer);
		return;
	}
	/* IPv4 first: a local server often listens on 127.0.0.1 only */
	{
		struct addrinfo *v4 = NULL, **v4tail = &v4, *v6 = NULL, **v6tail = &v6, *a, *next;
		for (a = result; a; a = next) {
			next = a->ai_next;
			a->ai_next = NULL;
			if (a->ai_family == AF_INET) { *v4tail = a; v4tail = &a->ai_next; }
			else { *v6tail = a; v6tail = &a->ai_next; }
		}
		*v4tail = v6;
		result = v4;
	}
	s->addresses = s->address = result;
	if (!startConnect(s)) xshDeferQueue(&s->defer);
}

void xs_socket_close(xsMachine *the)
{
	xshSocket *s = getSocket(the);
	if (s->state != kClosed) closeSocket(the, s);
}

void xs_socket_available(xsMachine *the)
{
	xshSocket *s = getSocket(the);
	xsResult = xsInteger((int)(s->inputLength - s->inputOffset));
}

/* readBytes(until): an ArrayBuffer of what is available, stopping after `until` bytes (number) or
   after the first occurrence of the first character of `until` (string); undefined when empty */
void xs_socket_readBytes(xsMachine *the)
{
	xshSocket *s = getSocket(the);
	size_t available = s->inputLength - s->inputOffset, count = available;
	int argc = xsToInteger(xsArgc);
	if (!available) return;
	if (argc > 0 && xsTypeOf(xsArg(0)) == xsStringType) {
		const char *until = xsToString(xsArg(0));
		unsigned char *found;
		if (!until[0]) xshThrow(the, "RangeError", "socket: empty terminator");
		found = memchr(s->input + s->inputOffset, (unsigned char)until[0], available);
		if (found) count = (size_t)(found - (s->input + s->inputOffset)) + 1;
	}
	else if (argc > 0 && xsTypeOf(xsArg(0)) != xsUndefinedType) {
		double n = xsToNumber(xsArg(0));
		if (n < 0 || n != n) xshThrow(the, "RangeError", "socket: bad count");
		if (n < (double)count) count = (size_t)n;
	}
	xsResult = xsArrayBuffer(NULL, (xsIntegerValue)count);
	s = getSocket(the);
	memcpy(xsToArrayBuffer(xsResult), s->input + s->inputOffset, count);
	s->inputOffset += count;
	updateEvents(s);
}

/* readInto(view, offset, count): copies up to count available bytes into view[offset...] (a
   Uint8Array; no allocation); returns how many (0 when none). Bytes stay readable after the peer
   closed, until close(). */
void xs_socket_readInto(xsMachine *the)
{
	xshSocket *s = getSocket(the);
	size_t available = s->inputLength - s->inputOffset;
	void *data;
	xsUnsignedValue length;
	double offset, count;
	_xsmcGetBuffer(the, &xsArg(0), &data, &length, 1);
	offset = xsToNumber(xsArg(1));
	count = xsToNumber(xsArg(2));
	if (!(offset >= 0) || !(count >= 0) || offset + count > (double)length)
		xshThrow(the, "RangeError", "socket: readInto out of the buffer");
	s = getSocket(the);
	if ((double)available > count) available = (size_t)count;
	if (available) {
		memcpy((unsigned char *)data + (size_t)offset, s->input + s->inputOffset, available);
		s->inputOffset += available;
		updateEvents(s);
	}
	xsResult = xsInteger((int)available);
}

/* readByte(): the next byte as a number, or undefined */
void xs_socket_readByte(xsMachine *the)
{
	xshSocket *s = getSocket(the);
	if (s->inputOffset == s->inputLength) return;
	xsResult = xsInteger(s->input[s->inputOffset++]);
	updateEvents(s);
}

/* skip(count): drops count bytes (all when undefined); returns how many */
void xs_socket_skip(xsMachine *the)
{
	xshSocket *s = getSocket(the);
	size_t available = s->inputLength - s->inputOffset, count = available;
	if (xsToInteger(xsArgc) > 0 && xsTypeOf(xsArg(0)) != xsUndefinedType) {
		double n = xsToNumber(xsArg(0));
		if (n < 0 || n != n) xshThrow(the, "RangeError", "socket: bad count");
		if (n < (double)count) count = (size_t)n;
	}
	s->inputOffset += count;
	updateEvents(s);
	xsResult = xsInteger((int)count);
}

/* write(...items): strings, bytes (numbers) and buffers; write() returns the room left */
void xs_socket_write(xsMachine *the)
{
	xshSocket *s = getSocket(the);
	int argc = xsToInteger(xsArgc), i;
	size_t needed = 0;
	if (argc == 0) {
		xsResult = xsInteger(s->state == kConnected ? (int)(kOutputSize - s->outputLength) : 0);
		return;
	}
	if (s->state != kConnected) xshThrow(the, "Error", s->state == kClosed ? "socket: closed" : "socket: not connected");
	for (i = 0; i < argc; i++) {
		xsType type = xsTypeOf(xsArg(i));
		if (type == xsStringType) needed += strlen(xsToString(xsArg(i)));
		else if (type == xsIntegerType || type == xsNumberType) {
			double v = xsToNumber(xsArg(i));
			if (v < 0 || v > 255 || v != (int)v) xshThrow(the, "RangeError", "socket: byte out of range");
			needed += 1;
		}
		else if (type == xsReferenceType) {
			void *data;
			xsUnsignedValue count;
			_xsmcGetBuffer(the, &xsArg(i), &data, &count, 0);
			needed += count;
		}
		else xshThrow(the, "TypeError", "socket: cannot write this type");
	}
	if (needed > kOutputSize - s->outputLength) xshThrow(the, "Error", "socket: write overflow (%d bytes, %d free)", (int)needed, (int)(kOutputSize - s->outputLength));
	for (i = 0; i < argc; i++) {
		xsType type = xsTypeOf(xsArg(i));
		if (type == xsStringType) {
			const char *str = xsToString(xsArg(i));
			size_t n = strlen(str);
			memcpy(s->output + s->outputLength, str, n);
			s->outputLength += n;
		}
		else if (type == xsIntegerType || type == xsNumberType)
			s->output[s->outputLength++] = (unsigned char)xsToInteger(xsArg(i));
		else {
			void *data;
			xsUnsignedValue count;
			_xsmcGetBuffer(the, &xsArg(i), &data, &count, 0);
			memcpy(s->output + s->outputLength, data, count);
			s->outputLength += count;
		}
	}
	s->notifySent = 1;
	flush(s);
}

/* ---- Listener ---- */

void xs_listener_destructor(void *data)
{
	xshListener *l = data;
	int i;
	if (!l) return;
	if (l->watch.fd >= 0) {
		xshWatchRemove(&l->watch);
		close(l->watch.fd);
		gxshSocketCount--;
	}
	for (i = 0; i < l->pendingCount; i++) close(l->pending[i]);
	free(l);
}

static void onListener(xshWatch *watch, short revents)
{
	xshListener *l = watch->refcon;
	xsMachine *the = gxshMachine;
	(void)revents;
	for (;;) {
		int fd, one = 1;
		if (l->watch.fd < 0) return;
		fd = accept(l->watch.fd, NULL, NULL);
		if (fd < 0) return;
		setNonBlocking(fd);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (l->pendingCount >= kPendingMax) { close(fd); continue; }
		l->pending[l->pendingCount++] = fd;
		xsBeginHost(the);
		{
			xsVars(2);
			xsVar(0) = l->self;
			xsVar(1) = xsGet(xsVar(0), xsID("callback"));
			if (xsIsInstanceOf(xsVar(1), xsFunctionPrototype)) {
				xsTry {
					xsCallFunction0(xsVar(1), xsVar(0));
				}
				xsCatch {
					xshFatalException(the);
				}
			}
		}
		xsEndHost(the);
		/* a connection the callback did not accept is closed */
		while (l->pendingCount) close(l->pending[--l->pendingCount]);
	}
}

void xs_listener_construct(xsMachine *the)
{
	xshListener *l;
	int port = 0, fd, one = 1;
	char address[64] = "0.0.0.0";
	struct sockaddr_in sin;
	socklen_t length = sizeof(sin);
	xsVars(1);
	if (xsTypeOf(xsArg(0)) == xsReferenceType) {
		if (xsHas(xsArg(0), xsID("port"))) {
			xsVar(0) = xsGet(xsArg(0), xsID("port"));
			port = xsToInteger(xsVar(0));
		}
		if (xsHas(xsArg(0), xsID("address"))) {
			xsVar(0) = xsGet(xsArg(0), xsID("address"));
			snprintf(address, sizeof(address), "%s", xsToString(xsVar(0)));
		}
	}
	if (port < 0 || port > 65535) xshThrow(the, "RangeError", "listener: bad port");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, address, &sin.sin_addr) != 1) xshThrow(the, "RangeError", "listener: bad address");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) xshThrow(the, "Error", "listener: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 64) < 0) {
		int error = errno;
		close(fd);
		xshThrow(the, "Error", "listener: %s", strerror(error));
	}
	setNonBlocking(fd);
	getsockname(fd, (struct sockaddr *)&sin, &length);
	l = calloc(1, sizeof(xshListener));
	if (!l) { close(fd); xshThrow(the, "Error", "listener: out of memory"); }
	l->watch.fd = fd;
	l->watch.events = POLLIN;
	l->watch.callback = onListener;
	l->watch.refcon = l;
	l->port = ntohs(sin.sin_port);
	xsSetHostData(xsThis, l);
	l->self = xsThis;
	l->remembered = 1;
	xsRemember(l->self);
	gxshSocketCount++;
	xshWatchAdd(&l->watch);
}

void xs_listener_close(xsMachine *the)
{
	xshListener *l;
	if (xshHostDestructor(the, &xsThis) != xs_listener_destructor)
		xshThrow(the, "TypeError", "listener: not a listener");
	l = xsGetHostData(xsThis);
	if (!l || l->watch.fd < 0) return;
	xshWatchRemove(&l->watch);
	close(l->watch.fd);
	l->watch.fd = -1;
	gxshSocketCount--;
	while (l->pendingCount) close(l->pending[--l->pendingCount]);
	if (l->remembered) { l->remembered = 0; xsForget(l->self); }
}

void xs_listener_get_port(xsMachine *the)
{
	xshListener *l;
	if (xshHostDestructor(the, &xsThis) != xs_listener_destructor)
		xshThrow(the, "TypeError", "listener: not a listener");
	l = xsGetHostData(xsThis);
	xsResult = xsInteger(l ? l->port : 0);
}
