/* The control socket's framing, shared by the daemon and `sysq shell`.
 *
 * Every frame is one kind byte, a 32-bit big-endian payload length, then
 * the payload. The client sends QUERY (SQL text); the server answers each
 * statement with COLUMNS then one ROW per row, and ends with DONE, or with
 * ERROR (a message) as soon as something fails. Values keep their SQLite
 * type and exact bytes, so text that is not UTF-8 crosses unchanged and the
 * client decides how to escape it for its output format. */
#pragma once

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum frame_kind {
	FRAME_QUERY = 'Q',   /* SQL text */
	FRAME_COLUMNS = 'C', /* u32 count, then per column: u32 length, name */
	FRAME_ROW = 'R',     /* per column: u8 value type, then its encoding */
	FRAME_DONE = 'D',    /* u64 rows sent */
	FRAME_ERROR = 'E',   /* message text */
};

enum wire_value_type { WIRE_NULL, WIRE_INTEGER, WIRE_REAL, WIRE_TEXT, WIRE_BLOB };

#define FRAME_MAX (64u * 1024 * 1024)

/* How ERROR messages that are about the connection, not the query, begin:
 * the server is full (the client may retry shortly), or closed a
 * connection that sent nothing for --control_idle_timeout (the client may
 * reconnect and send its query again). */
#define WIRE_BUSY_PREFIX "too many clients"
#define WIRE_IDLE_PREFIX "idle connection closed"

struct timespec;

/* Appends a frame header and payload to `out`. */
void frame_append(struct strbuf *out, char kind, const void *payload, size_t len);

/* Writes all of buf to fd (MSG_NOSIGNAL). Returns 0 or -errno. */
int wire_write_all(int fd, const void *buf, size_t len);

/* As wire_write_all, but gives up with -ETIMEDOUT when the peer does not
 * take the bytes before `deadline` (CLOCK_MONOTONIC): a peer that stops
 * reading cannot hold the writer past it. */
int wire_write_until(int fd, const void *buf, size_t len, const struct timespec *deadline);

/* Reads one frame. Returns 0, -EPIPE at a clean end of stream, -EPROTO for
 * a frame over FRAME_MAX, or -errno. */
int frame_read(int fd, char *kind, struct strbuf *payload);

void wire_put_u8(struct strbuf *out, uint8_t v);
void wire_put_u32(struct strbuf *out, uint32_t v);
void wire_put_u64(struct strbuf *out, uint64_t v);
void wire_put_bytes(struct strbuf *out, const void *p, size_t len); /* u32 length + bytes */

/* A cursor over a received payload; every getter fails (returns false)
 * rather than read past the end. */
struct wire_reader {
	const unsigned char *p;
	size_t left;
};

bool wire_get_u8(struct wire_reader *r, uint8_t *v);
bool wire_get_u32(struct wire_reader *r, uint32_t *v);
bool wire_get_u64(struct wire_reader *r, uint64_t *v);
bool wire_get_bytes(struct wire_reader *r, const char **p, size_t *len);
