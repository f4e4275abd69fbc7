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
void client_close(struct client *c);

/* Sends `sql` and feeds the result to `fmt`. Returns 0, 1 when the daemon
 * reported an error (in *error, free it), or -errno if the connection
 * failed. */
int client_query(struct client *c, const char *sql, struct formatter *fmt, char **error);
