/* The control socket server: a UNIX socket that serves SQL to root.
 *
 * The socket is created mode 0600 and every peer's uid is checked with
 * SO_PEERCRED; only uid 0 is served. Each client gets a thread and its own
 * read-only SQLite connection, so a slow query never holds up the store's
 * writer. At most CONTROL_MAX_CLIENTS are served at once; more are refused
 * with a "too many clients" error (the shell retries). A client that sends
 * no query for --control_idle_timeout is disconnected, one that does not
 * read its result within --control_query_timeout is dropped, and one
 * statement's result may not exceed --control_max_result_bytes. */
#pragma once

#include <stdint.h>

struct catalog;
struct control_server;

#define CONTROL_MAX_CLIENTS	 16
#define CONTROL_MAX_CLIENTS_TEXT "16"

struct control_options {
	const char *path;    /* the socket */
	const char *db_path; /* the database its queries read */
	const struct catalog *cat;
	int query_timeout_s;	   /* --control_query_timeout */
	int idle_timeout_s;	   /* --control_idle_timeout */
	uint64_t max_result_bytes; /* --control_max_result_bytes */
};

/* Binds opt->path (replacing a stale socket, refusing a live one) and
 * starts the accept thread. Returns 0 or -errno with *err set (free it). */
int control_server_start(const struct control_options *opt, struct control_server **ret,
			 char **err);

/* Closes the socket, interrupts running queries, waits for client threads
 * and removes the socket file. */
void control_server_stop(struct control_server *cs);
