/* The daemon's own log messages as osquery's status lines, for the TLS
 * logger (tls_logger.h).
 *
 * A hook on common/log.h copies each message (error, warning, info; not
 * debug) into a bounded queue in memory. The hook runs on whatever thread
 * logged, so it only copies under a mutex: it never touches SQLite or the
 * network, and what it might log could not reach it again (log.h). The
 * TLS logger's thread moves the queue into the durable buffer as status
 * lines: {hostIdentifier, calendarTime, unixTime, severity (0 info,
 * 1 warning, 2 error), filename, line, message, version, and the
 * decorations of results lines when there are any}, every value a string
 * as osquery writes them. */
#pragma once

#include "store/log_buffer.h"

#include "common/log.h"

#include <cjson/cJSON.h>
#include <stddef.h>

struct status_log;

/* Installs the hook; messages are queued from now on, at most `max`
 * (more are dropped and counted). `host` is copied. */
struct status_log *status_log_open(const char *host, size_t max);

/* Appends the queued messages to `b` as status lines and counts those the
 * queue dropped in b's drop_queue_full. Each occurrence of `secret` (the
 * node key; NULL or "" for none) in a message is replaced, so no status
 * line can carry it. `decorations` (a JSON object, or NULL) is added to
 * each line. */
void status_log_flush(struct status_log *s, struct log_buffer *b, const char *secret,
		      const char *decorations);

/* Removes the hook and frees what is still queued; NULL is a no-op. */
void status_log_close(struct status_log *s);

/* One status line (JSON, no newline) for a message, its `secret`
 * replaced, with `decorations` (may be NULL). Free it. Exposed for the
 * unit tests. */
char *status_line_format(const char *host, const struct log_record *rec, const char *secret,
			 const cJSON *decorations);
