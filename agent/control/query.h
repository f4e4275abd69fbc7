/* Runs one client's SQL on a read-only connection and streams the result
 * as wire frames. */
#pragma once

#include "sql/authorizer.h"
#include "watch.h"

#include <sqlite3.h>
#include <stdint.h>

struct catalog;

/* Copyable: the authorizer's state lives on the heap, where the
 * authorizer callback keeps pointing after a copy. */
struct query_conn {
	sqlite3 *db;
	struct authorizer_state *authz;
	struct query_watch *watch;
	uint64_t max_result_bytes; /* per statement: frames of its rows */
};

/* Opens the database read-only, attaches the catalog and installs the
 * authorizer. A query running longer than `timeout_s`, or whose client
 * has hung up, is interrupted; the time spent writing the result to the
 * client counts. A statement whose rows come to more than
 * `max_result_bytes` is ended with an error. Returns 0 or -errno with
 * *err set. */
int query_conn_open(struct query_conn *qc, const char *db_path, const struct catalog *cat,
		    int timeout_s, uint64_t max_result_bytes, char **err);
void query_conn_close(struct query_conn *qc);

/* Runs every statement in `sql`, writing COLUMNS/ROW frames per statement
 * then DONE, or ERROR on the first failure. Returns 0, -ETIMEDOUT if the
 * client did not take the result before the query's deadline (the
 * statement is finalized first, so no read transaction is left open), or
 * -errno if the client went away. */
int query_run(struct query_conn *qc, int fd, const char *sql, size_t len);
