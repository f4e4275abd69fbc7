/* The metrics HTTP endpoint on libmicrohttpd (http.h). The listening
 * socket is sysq's own, bound before libmicrohttpd takes it, so a port in
 * use is reported as such rather than as a failed start. */
#include "http.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS	 16
#define CLIENT_TIMEOUT_S 10
#define TEXT_FORMAT	 "text/plain; version=0.0.4; charset=utf-8"

struct metrics_http {
	struct MHD_Daemon *mhd;
};

/* Queues a response with `body` (taken over) and its content type. */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct strbuf *body,
			     const char *type)
{
	size_t len = body->len;
	char *text = sb_detach(body);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct strbuf body = STRBUF_INIT;

	sb_puts(&body, text);
	return reply(c, status, &body, "text/plain; charset=utf-8");
}

static enum MHD_Result serve_health(struct MHD_Connection *c, const struct metrics_sources *src)
{
	struct strbuf body = STRBUF_INIT;

	if (metrics_health(src, &body)) {
		sb_puts(&body, "ok\n");
		return reply(c, MHD_HTTP_OK, &body, "text/plain; charset=utf-8");
	}
	return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, &body, "text/plain; charset=utf-8");
}

/* Answers every request at its first call: none of them has a body sysq
 * wants, and one with a body is refused before it is read. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	const struct metrics_sources *src = cls;
	bool metrics = strcmp(url, "/metrics") == 0, health = strcmp(url, "/healthz") == 0;
	struct strbuf body = STRBUF_INIT;

	(void)version;
	(void)upload_data;
	(void)upload_size;
	(void)con_cls;
	if (!metrics && !health)
		return reply_text(c, MHD_HTTP_NOT_FOUND,
				  "not found: sysq serves /metrics and /healthz\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: only GET\n");
	if (health)
		return serve_health(c, src);
	metrics_render(src, &body);
	return reply(c, MHD_HTTP_OK, &body, TEXT_FORMAT);
}

static int listen_socket(const struct listen_addr *addr)
{
	int one = 1;
	int fd = socket(addr->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&addr->sa, addr->len) < 0 ||
	    listen(fd, MAX_CLIENTS) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

int metrics_http_start(const struct listen_addr *addr, const char *text,
		       const struct metrics_sources *src, struct metrics_http **ret, char **err)
{
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
	int fd = listen_socket(addr);
	struct metrics_http *h;

	if (fd < 0) {
		/* The packaged unit allows only AF_UNIX and AF_NETLINK. */
		*err =
		    xasprintf("--metrics_listen: cannot listen on %s: %s%s", text, strerror(-fd),
			      fd == -EAFNOSUPPORT ? " (a systemd unit's RestrictAddressFamilies= "
						    "must allow it: see docs/metrics.md)"
						  : "");
		return fd;
	}
	if (addr->sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h = xcalloc(1, sizeof(*h));
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, (void *)src,
				  MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
				  (unsigned)MAX_CLIENTS, MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned)CLIENT_TIMEOUT_S, MHD_OPTION_END);
	if (!h->mhd) {
		*err = xasprintf("--metrics_listen: cannot start the HTTP server on %s", text);
		close(fd);
		free(h);
		return -EIO;
	}
	*ret = h;
	return 0;
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	/* Closes the listening socket too. */
	MHD_stop_daemon(h->mhd);
	free(h);
}
