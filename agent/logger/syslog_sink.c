/* Syslog datagrams on a local socket. */
#include "syslog_sink.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SEVERITY_INFO 6
/* How long one line may wait for room in a full syslog socket. */
#define SEND_WAIT_MS 200

struct syslog_sink {
	char *path;
	int facility;
	int fd;
	bool stalled; /* the last line found the socket full: do not wait again */
	struct strbuf msg;
};

struct syslog_sink *syslog_sink_new(const char *path, int facility)
{
	struct syslog_sink *s = xcalloc(1, sizeof(*s));

	s->path = xstrdup(path);
	s->facility = facility;
	s->fd = -1;
	return s;
}

static int connect_socket(struct syslog_sink *s)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	if (strlen(s->path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, s->path);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	if (connect(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;

		close(s->fd);
		s->fd = -1;
		return err;
	}
	return 0;
}

/* A syslog daemon that stops reading must not stall the scheduler (or
 * the daemon's shutdown): wait a little for room, then give up. */
static int send_bounded(struct syslog_sink *s)
{
	struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};

	for (int attempt = 0;; attempt++) {
		if (send(s->fd, s->msg.buf, s->msg.len, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) {
			s->stalled = false;
			return 0;
		}
		if (errno != EAGAIN || attempt > 0 || s->stalled)
			break;
		if (poll(&pfd, 1, SEND_WAIT_MS) <= 0) {
			errno = EAGAIN;
			break;
		}
	}
	s->stalled = errno == EAGAIN;
	return -errno;
}

int syslog_sink_send(struct syslog_sink *s, const char *line, size_t len)
{
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int rc;

	if (s->fd < 0 && (rc = connect_socket(s)) < 0)
		return rc;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	sb_truncate(&s->msg, 0);
	sb_printf(&s->msg, "<%d>%s sysq[%d]: ", s->facility * 8 + SEVERITY_INFO, stamp,
		  (int)getpid());
	sb_append(&s->msg, line, len);
	rc = send_bounded(s);
	if (rc < 0 && rc != -EAGAIN) {
		/* The daemon may have restarted: reconnect on the next line. */
		close(s->fd);
		s->fd = -1;
	}
	return rc;
}

void syslog_sink_free(struct syslog_sink *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	sb_free(&s->msg);
	free(s->path);
	free(s);
}
