/* The shell's connection to the daemon's control socket. */
#pragma once

#include "format.h"

#include "common/strbuf.h"

struct client {
	int fd;
	char *path;
};

/* Connects; returns 0 or -errno. */
int client_connect(struct client *c, const char *path);
/* Drops the connection (keeping the path) and opens a fresh one. */
int client_reconnect(struct client *c);
/* Closes the socket but keeps the path, for a later client_reconnect. */
void client_disconnect(struct client *c);
void client_close(struct client *c);

enum client_result {
	CLIENT_OK = 0,
	CLIENT_QUERY_ERROR = 1, /* the daemon reported an error: *error */
	/* Nothing of the answer arrived and the connection is done: the
	 * daemon was full (*error holds its message), closed the connection
	 * for idleness (*error too), or the connection was lost before the
	 * first frame (*error NULL). Sending the query again on a fresh
	 * connection cannot duplicate any output. */
	CLIENT_BUSY = 2,
	CLIENT_IDLE_CLOSED = 3,
	CLIENT_LOST_UNANSWERED = 4,
};

/* Sends `sql` and feeds the result to `fmt`. Returns an enum
 * client_result, or -errno if the connection failed after part of the
 * answer arrived. *error, when set, is the caller's to free. */
int client_query(struct client *c, const char *sql, struct formatter *fmt, char **error);
