/* Query execution for control-socket clients. */
#include "query.h"

#include "wire.h"

#include "sql/connection.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Frames are sent once this much is buffered. */
#define FLUSH_BYTES (64 * 1024)
/* The last frames (DONE or ERROR) get at least this long to leave, so a
 * query that used up its time can still say why it ended. */
#define FINAL_GRACE_S 2
int query_conn_open(struct query_conn *qc, const char *db_path, const struct catalog *cat,
		    int timeout_s, uint64_t max_result_bytes, char **err)
{
	int rc;

	memset(qc, 0, sizeof(*qc));
	qc->max_result_bytes = max_result_bytes;
	/* On the heap: the authorizer keeps pointing at it after a copy. */
	qc->authz = xcalloc(1, sizeof(*qc->authz));
	rc = sql_connection_open(db_path, cat, NULL, qc->authz, &qc->db, err);
	if (rc < 0) {
		query_conn_close(qc);
		return rc;
	}
	qc->watch = xcalloc(1, sizeof(*qc->watch));
	query_watch_install(qc->db, qc->watch, timeout_s);
	return 0;
}

void query_conn_close(struct query_conn *qc)
{
	if (qc->db)
		sqlite3_close(qc->db);
	qc->db = NULL;
	free(qc->authz);
	qc->authz = NULL;
	free(qc->watch);
	qc->watch = NULL;
}

static void append_columns(struct strbuf *out, sqlite3_stmt *st)
{
	struct strbuf p = STRBUF_INIT;
	int n = sqlite3_column_count(st);

	wire_put_u32(&p, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);

		wire_put_bytes(&p, name, strlen(name));
	}
	frame_append(out, FRAME_COLUMNS, p.buf, p.len);
	sb_free(&p);
}

static void append_row(struct strbuf *out, struct strbuf *p, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);

	sb_truncate(p, 0);
	for (int i = 0; i < n; i++) {
		int type = sqlite3_column_type(st, i);
		union {
			double d;
			uint64_t u;
		} real;

		switch (type) {
		case SQLITE_INTEGER:
			wire_put_u8(p, WIRE_INTEGER);
			wire_put_u64(p, (uint64_t)sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			real.d = sqlite3_column_double(st, i);
			wire_put_u8(p, WIRE_REAL);
			wire_put_u64(p, real.u);
			break;
		case SQLITE_TEXT:
			wire_put_u8(p, WIRE_TEXT);
			wire_put_bytes(p, sqlite3_column_text(st, i),
				       (size_t)sqlite3_column_bytes(st, i));
			break;
		case SQLITE_BLOB:
			wire_put_u8(p, WIRE_BLOB);
			wire_put_bytes(p, sqlite3_column_blob(st, i),
				       (size_t)sqlite3_column_bytes(st, i));
			break;
		default:
			wire_put_u8(p, WIRE_NULL);
		}
	}
	frame_append(out, FRAME_ROW, p->buf, p->len);
}

/* One query's run: where its frames go and what it has sent so far. */
struct run {
	struct query_conn *qc;
	int fd;
	struct strbuf out;
	uint64_t rows;
	uint64_t stmt_bytes; /* frames of the current statement's rows */
	char *fail;	     /* an error of our own, not SQLite's */
};

/* Encoded size of the current row's frame, known before encoding, so an
 * oversized row is refused without copying it. */
static uint64_t row_frame_size(sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);
	uint64_t size = 5;

	for (int i = 0; i < n; i++) {
		int type = sqlite3_column_type(st, i);

		if (type == SQLITE_TEXT || type == SQLITE_BLOB)
			size += 1 + 4 + (uint64_t)sqlite3_column_bytes(st, i);
		else
			size += type == SQLITE_NULL ? 1 : 9;
	}
	return size;
}

static char *size_text(uint64_t bytes)
{
	if (bytes % (1024 * 1024) == 0)
		return xasprintf("%" PRIu64 " MiB", bytes / (1024 * 1024));
	return xasprintf("%" PRIu64 " bytes", bytes);
}

/* Refuses a row that would take the statement past its limit, or that is
 * larger than one frame may be. Returns true if the row may be sent. */
static bool row_fits(struct run *r, sqlite3_stmt *st)
{
	uint64_t size = row_frame_size(st);
	char *limit;

	if (size - 5 > FRAME_MAX) {
		r->fail = xasprintf("a row of the result is larger than %u MiB; "
				    "select fewer or shorter columns",
				    FRAME_MAX / (1024 * 1024));
		return false;
	}
	if (r->stmt_bytes + size <= r->qc->max_result_bytes) {
		r->stmt_bytes += size;
		return true;
	}
	limit = size_text(r->qc->max_result_bytes);
	r->fail = xasprintf("result larger than %s (--control_max_result_bytes); "
			    "add a LIMIT or narrow the columns",
			    limit);
	free(limit);
	return false;
}

static const char *error_message(struct run *r, int rc)
{
	struct query_conn *qc = r->qc;
	const char *why = query_watch_reason(qc->watch, rc);

	if (r->fail)
		return r->fail;
	/* SQLite reports a denial as a plain "not authorized"; the
	 * authorizer kept the reason. */
	if (qc->authz->reason[0])
		return qc->authz->reason;
	return why ? why : sqlite3_errmsg(qc->db);
}

/* Sends what is buffered, within the query's deadline: the time a client
 * takes to read counts against --control_query_timeout. */
static int flush(struct run *r, const struct timespec *deadline)
{
	int rc = wire_write_until(r->fd, r->out.buf, r->out.len, deadline);

	sb_truncate(&r->out, 0);
	return rc;
}

/* Steps one statement to the end, streaming its rows. Returns SQLITE_DONE,
 * an SQLite error, SQLITE_TOOBIG for a result over the limit, or a
 * negative errno from the socket. */
static int run_statement(struct run *r, sqlite3_stmt *st)
{
	struct strbuf p = STRBUF_INIT;
	int rc;

	r->stmt_bytes = 0;
	append_columns(&r->out, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!row_fits(r, st)) {
			rc = SQLITE_TOOBIG;
			break;
		}
		append_row(&r->out, &p, st);
		r->rows++;
		if (r->out.len >= FLUSH_BYTES && (rc = flush(r, &r->qc->watch->deadline)) < 0)
			break;
	}
	sb_free(&p);
	return rc;
}

/* Runs the statements of `sql` in turn. Returns SQLITE_OK, the first
 * SQLite error, or a negative errno from the socket. Every statement is
 * finalized before this returns, which ends its read transaction. */
static int run_all(struct run *r, const char *sql, size_t len)
{
	const char *tail = sql, *end = sql + len;
	int rc = SQLITE_OK;

	while (tail < end && rc == SQLITE_OK) {
		sqlite3_stmt *st = NULL;

		rc = sqlite3_prepare_v2(r->qc->db, tail, (int)(end - tail), &st, &tail);
		if (rc != SQLITE_OK || !st)
			continue; /* an error ends the loop; no statement is a comment */
		rc = run_statement(r, st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		else if (rc > 0 && !r->fail)
			rc = sqlite3_errcode(r->qc->db);
		sqlite3_finalize(st);
	}
	return rc;
}

/* The DONE or ERROR frame that ends the answer, sent with a short grace
 * past the deadline. */
static int finish(struct run *r, int rc)
{
	struct timespec deadline;

	if (rc != SQLITE_OK) {
		const char *msg = error_message(r, rc);

		frame_append(&r->out, FRAME_ERROR, msg, strlen(msg));
	} else {
		struct strbuf p = STRBUF_INIT;

		wire_put_u64(&p, r->rows);
		frame_append(&r->out, FRAME_DONE, p.buf, p.len);
		sb_free(&p);
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += FINAL_GRACE_S;
	if (deadline.tv_sec < r->qc->watch->deadline.tv_sec)
		deadline = r->qc->watch->deadline;
	return flush(r, &deadline);
}

int query_run(struct query_conn *qc, int fd, const char *sql, size_t len)
{
	struct run r = {.qc = qc, .fd = fd, .out = STRBUF_INIT};
	int rc;

	qc->authz->reason[0] = '\0';
	query_watch_start(qc->watch, fd);
	rc = run_all(&r, sql, len);
	query_watch_stop(qc->watch);
	if (rc >= 0)
		rc = finish(&r, rc);
	sb_free(&r.out);
	free(r.fail);
	return rc;
}
