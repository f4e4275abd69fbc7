/* Control socket client: send a query, decode the frames. */
#include "client.h"

#include "control/wire.h"

#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int client_connect(struct client *c, const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	c->fd = -1;
	c->path = xstrdup(path);
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;

		close(c->fd);
		c->fd = -1;
		return err;
	}
	return 0;
}

int client_reconnect(struct client *c)
{
	char *path = c->path;
	int rc;

	if (c->fd >= 0)
		close(c->fd);
	rc = client_connect(c, path);
	free(path);
	return rc;
}

void client_disconnect(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->path);
	c->path = NULL;
}

static bool decode_columns(struct wire_reader *r, struct formatter *fmt, size_t *ret_n)
{
	struct shell_value *names;
	uint32_t n;
	bool ok = true;

	if (!wire_get_u32(r, &n) || n > r->left / 4)
		return false;
	names = xcalloc(n ? n : 1, sizeof(*names));
	for (uint32_t i = 0; i < n && ok; i++) {
		names[i].type = WIRE_TEXT;
		ok = wire_get_bytes(r, &names[i].s, &names[i].len);
	}
	if (ok) {
		formatter_columns(fmt, n, names);
		*ret_n = n;
	}
	free(names);
	return ok;
}

static bool decode_value(struct wire_reader *r, struct shell_value *v)
{
	uint8_t type;
	uint64_t u;

	if (!wire_get_u8(r, &type))
		return false;
	v->type = type;
	switch (type) {
	case WIRE_NULL:
		return true;
	case WIRE_INTEGER:
		if (!wire_get_u64(r, &u))
			return false;
		v->i = (int64_t)u;
		return true;
	case WIRE_REAL:
		if (!wire_get_u64(r, &u))
			return false;
		memcpy(&v->d, &u, sizeof(v->d));
		return true;
	case WIRE_TEXT:
	case WIRE_BLOB:
		return wire_get_bytes(r, &v->s, &v->len);
	default:
		return false;
	}
}

static bool decode_row(struct wire_reader *r, struct formatter *fmt, size_t ncols)
{
	struct shell_value *values = xcalloc(ncols ? ncols : 1, sizeof(*values));
	bool ok = true;

	for (size_t i = 0; i < ncols && ok; i++)
		ok = decode_value(r, &values[i]);
	if (ok)
		formatter_row(fmt, values);
	free(values);
	return ok;
}

/* What a connection-level ERROR frame, or a loss before any frame, means
 * for a query of which nothing arrived yet. */
static int unanswered(int rc, const char *error)
{
	if (rc < 0)
		return CLIENT_LOST_UNANSWERED;
	if (strncmp(error, WIRE_BUSY_PREFIX, strlen(WIRE_BUSY_PREFIX)) == 0)
		return CLIENT_BUSY;
	if (strncmp(error, WIRE_IDLE_PREFIX, strlen(WIRE_IDLE_PREFIX)) == 0)
		return CLIENT_IDLE_CLOSED;
	return rc;
}

/* Decodes one frame of an answer into `fmt`. Returns 0 to read on, 1 at
 * the end (DONE, or ERROR into *error), or -EPROTO. */
static int take_frame(char kind, const struct strbuf *buf, struct formatter *fmt, size_t *ncols,
		      bool *open_result, char **error)
{
	struct wire_reader r = {.p = (const unsigned char *)buf->buf, .left = buf->len};

	switch (kind) {
	case FRAME_COLUMNS:
		if (*open_result)
			formatter_end(fmt);
		if (!decode_columns(&r, fmt, ncols))
			return -EPROTO;
		*open_result = true;
		return 0;
	case FRAME_ROW:
		return *open_result && decode_row(&r, fmt, *ncols) ? 0 : -EPROTO;
	case FRAME_DONE:
		return 1;
	case FRAME_ERROR:
		*error = xstrndup(buf->buf, buf->len);
		return 1;
	default:
		return -EPROTO;
	}
}

int client_query(struct client *c, const char *sql, struct formatter *fmt, char **error)
{
	struct strbuf buf = STRBUF_INIT;
	size_t ncols = 0;
	bool open_result = false, answered = false;
	int rc;

	*error = NULL;
	frame_append(&buf, FRAME_QUERY, sql, strlen(sql));
	rc = wire_write_all(c->fd, buf.buf, buf.len);
	while (rc == 0) {
		char kind;

		rc = frame_read(c->fd, &kind, &buf);
		if (rc < 0)
			break;
		rc = take_frame(kind, &buf, fmt, &ncols, &open_result, error);
		if (rc == 0)
			answered = true;
	}
	if (open_result)
		formatter_end(fmt);
	sb_free(&buf);
	if (rc == 1 && !*error)
		return CLIENT_OK;
	if (!answered && rc != -EPROTO)
		return unanswered(rc, *error);
	return rc == -EPIPE ? -ECONNRESET : rc;
}
