/* Control socket: listener, peer checks, one thread per client. */
#include "server.h"

#include "query.h"
#include "wire.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

struct client {
	int fd;
	struct control_server *cs;
	struct query_conn qc;
	bool in_use;
};

struct control_server {
	char *path;
	char *db_path;
	const struct catalog *cat;
	int query_timeout_s;
	int idle_timeout_s;
	uint64_t max_result_bytes;
	int listen_fd;
	int stop_fd;
	pthread_t accept_thread;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	struct client clients[CONTROL_MAX_CLIENTS];
	int nclients;
	bool stopping;
};

static void send_error(int fd, const char *msg)
{
	struct strbuf out = STRBUF_INIT;

	frame_append(&out, FRAME_ERROR, msg, strlen(msg));
	wire_write_all(fd, out.buf, out.len);
	sb_free(&out);
}

/* Opens the client's connection and publishes it under the lock, so
 * control_server_stop never sees a half-opened one. */
static int open_connection(struct client *c)
{
	struct query_conn qc;
	char *err = NULL;
	bool stopping;

	if (query_conn_open(&qc, c->cs->db_path, c->cs->cat, c->cs->query_timeout_s,
			    c->cs->max_result_bytes, &err) < 0) {
		send_error(c->fd, err);
		free(err);
		return -1;
	}
	pthread_mutex_lock(&c->cs->lock);
	stopping = c->cs->stopping;
	if (!stopping)
		c->qc = qc;
	pthread_mutex_unlock(&c->cs->lock);
	if (stopping) {
		query_conn_close(&qc);
		return -1;
	}
	return 0;
}

/* A client that sends nothing (or half a frame) for the idle timeout
 * gives its slot back. The read timeout covers waiting for a query and
 * reading one; the note is sent without blocking, as such a client may
 * not read either. */
static void set_idle_timeout(struct client *c)
{
	struct timeval tv = {.tv_sec = c->cs->idle_timeout_s};

	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		log_warn("control: cannot set the idle timeout: %s", strerror(errno));
}

static void close_idle(struct client *c)
{
	struct strbuf out = STRBUF_INIT;
	char *msg = xasprintf(WIRE_IDLE_PREFIX ": no query for %d s (--control_idle_timeout)",
			      c->cs->idle_timeout_s);

	frame_append(&out, FRAME_ERROR, msg, strlen(msg));
	(void)!send(c->fd, out.buf, out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	sb_free(&out);
	free(msg);
}

static void serve(struct client *c)
{
	struct strbuf payload = STRBUF_INIT;
	char kind;
	int rc;

	if (open_connection(c) < 0)
		return;
	set_idle_timeout(c);
	while ((rc = frame_read(c->fd, &kind, &payload)) == 0) {
		if (kind != FRAME_QUERY) {
			send_error(c->fd, "protocol error: expected a query");
			break;
		}
		rc = query_run(&c->qc, c->fd, payload.buf, payload.len);
		if (rc == -ETIMEDOUT)
			log_warn("control: dropped a client that did not read its result within "
				 "--control_query_timeout (%d s); its query was ended",
				 c->cs->query_timeout_s);
		if (rc < 0)
			break;
	}
	if (rc == -EAGAIN || rc == -EWOULDBLOCK)
		close_idle(c);
	sb_free(&payload);
}

static void *client_main(void *arg)
{
	struct client *c = arg;
	struct control_server *cs = c->cs;

	pthread_setname_np(pthread_self(), "sysq-client");
	serve(c);
	pthread_mutex_lock(&cs->lock);
	query_conn_close(&c->qc);
	close(c->fd);
	c->in_use = false;
	if (--cs->nclients == 0)
		pthread_cond_broadcast(&cs->idle);
	pthread_mutex_unlock(&cs->lock);
	return NULL;
}

/* Sends an error to a client that will not be served, then reads what it
 * already sent before closing: closing with unread data would reset the
 * connection and the client would never see the message. */
static void refuse(int fd, const char *msg)
{
	struct timeval tv = {.tv_usec = 200 * 1000};
	char sink[4096];
	size_t total = 0;
	ssize_t n;

	send_error(fd, msg);
	shutdown(fd, SHUT_WR);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (total < 65536 && (n = read(fd, sink, sizeof(sink))) > 0)
		total += (size_t)n;
	close(fd);
}

static bool peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == 0;
}

static struct client *claim_slot(struct control_server *cs, int fd)
{
	struct client *c = NULL;

	pthread_mutex_lock(&cs->lock);
	for (int i = 0; i < CONTROL_MAX_CLIENTS && !cs->stopping; i++) {
		if (!cs->clients[i].in_use) {
			c = &cs->clients[i];
			memset(c, 0, sizeof(*c));
			c->in_use = true;
			c->fd = fd;
			c->cs = cs;
			cs->nclients++;
			break;
		}
	}
	pthread_mutex_unlock(&cs->lock);
	return c;
}

static void release_slot(struct control_server *cs, struct client *c)
{
	pthread_mutex_lock(&cs->lock);
	c->in_use = false;
	if (--cs->nclients == 0)
		pthread_cond_broadcast(&cs->idle);
	pthread_mutex_unlock(&cs->lock);
}

static void accept_one(struct control_server *cs)
{
	int fd = accept4(cs->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	struct client *c;
	pthread_attr_t attr;

	if (fd < 0)
		return;
	if (!peer_is_root(fd)) {
		refuse(fd, "permission denied: the sysq control socket serves root only");
		return;
	}
	c = claim_slot(cs, fd);
	if (!c) {
		refuse(fd, WIRE_BUSY_PREFIX ": the daemon serves at most " CONTROL_MAX_CLIENTS_TEXT
					    " at once; try again later");
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&(pthread_t){0}, &attr, client_main, c) != 0) {
		send_error(fd, "the daemon cannot start a client thread");
		close(fd);
		release_slot(cs, c);
	}
	pthread_attr_destroy(&attr);
}

static void *accept_main(void *arg)
{
	struct control_server *cs = arg;
	struct pollfd fds[2] = {{.fd = cs->listen_fd, .events = POLLIN},
				{.fd = cs->stop_fd, .events = POLLIN}};

	pthread_setname_np(pthread_self(), "sysq-control");
	for (;;) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (fds[0].revents)
			accept_one(cs);
	}
	return NULL;
}

/* Removes a socket file nobody listens on; refuses a live one. */
static int clear_stale_socket(const struct sockaddr_un *addr, char **err)
{
	struct stat st;
	int fd, rc;

	if (lstat(addr->sun_path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		*err = xasprintf("%s exists and is not a socket", addr->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = fd < 0 ? -1 : connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	if (fd >= 0)
		close(fd);
	if (rc == 0) {
		*err = xasprintf("%s is in use by another running daemon", addr->sun_path);
		return -EADDRINUSE;
	}
	unlink(addr->sun_path);
	return 0;
}

static int bind_socket(struct control_server *cs, char **err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	mode_t old_umask;
	int rc;

	if (strlen(cs->path) >= sizeof(addr.sun_path)) {
		*err = xasprintf("control socket path is too long: %s", cs->path);
		return -ENAMETOOLONG;
	}
	strcpy(addr.sun_path, cs->path);
	rc = clear_stale_socket(&addr, err);
	if (rc < 0)
		return rc;
	cs->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cs->listen_fd < 0)
		goto fail;
	/* Created 0600 from the start, so there is no window in which
	 * others could connect. */
	old_umask = umask(0177);
	rc = bind(cs->listen_fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_umask);
	if (rc < 0 || chmod(cs->path, 0600) < 0 || listen(cs->listen_fd, 64) < 0)
		goto fail;
	return 0;
fail:
	rc = -errno;
	*err = xasprintf("cannot listen on %s: %s", cs->path, strerror(errno));
	return rc;
}

static void server_free(struct control_server *cs)
{
	if (cs->listen_fd >= 0)
		close(cs->listen_fd);
	if (cs->stop_fd >= 0)
		close(cs->stop_fd);
	pthread_mutex_destroy(&cs->lock);
	pthread_cond_destroy(&cs->idle);
	free(cs->path);
	free(cs->db_path);
	free(cs);
}

int control_server_start(const struct control_options *opt, struct control_server **ret,
			 char **err)
{
	struct control_server *cs = xcalloc(1, sizeof(*cs));
	int rc;

	cs->query_timeout_s = opt->query_timeout_s;
	cs->idle_timeout_s = opt->idle_timeout_s;
	cs->max_result_bytes = opt->max_result_bytes;
	cs->path = xstrdup(opt->path);
	cs->db_path = xstrdup(opt->db_path);
	cs->cat = opt->cat;
	cs->listen_fd = -1;
	pthread_mutex_init(&cs->lock, NULL);
	pthread_cond_init(&cs->idle, NULL);
	cs->stop_fd = eventfd(0, EFD_CLOEXEC);
	rc = cs->stop_fd < 0 ? -errno : bind_socket(cs, err);
	if (rc == 0) {
		rc = -pthread_create(&cs->accept_thread, NULL, accept_main, cs);
		if (rc < 0) {
			*err = xasprintf("cannot start the control thread: %s", strerror(-rc));
			unlink(cs->path);
		}
	} else if (cs->stop_fd < 0) {
		*err = xasprintf("eventfd: %s", strerror(-rc));
	}
	if (rc < 0) {
		server_free(cs);
		return rc;
	}
	*ret = cs;
	return 0;
}

void control_server_stop(struct control_server *cs)
{
	uint64_t one = 1;

	if (!cs)
		return;
	if (write(cs->stop_fd, &one, sizeof(one)) < 0)
		log_warn("control: cannot wake the accept thread: %s", strerror(errno));
	pthread_join(cs->accept_thread, NULL);
	unlink(cs->path);
	pthread_mutex_lock(&cs->lock);
	cs->stopping = true;
	/* Unblock clients: reads see EOF, running queries are interrupted. */
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		if (!cs->clients[i].in_use)
			continue;
		shutdown(cs->clients[i].fd, SHUT_RDWR);
		if (cs->clients[i].qc.db)
			sqlite3_interrupt(cs->clients[i].qc.db);
	}
	while (cs->nclients > 0)
		pthread_cond_wait(&cs->idle, &cs->lock);
	pthread_mutex_unlock(&cs->lock);
	server_free(cs);
}
