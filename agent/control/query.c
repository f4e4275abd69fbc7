/* Query execution for control-socket clients. */
#include "query.h"

#include "wire.h"

#include "sql/connection.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Frames are sent once this much is buffered. */
#define FLUSH_BYTES (64 * 1024)
int query_conn_open(struct query_conn *qc, const char *db_path, const struct catalog *cat,
		    int timeout_s, char **err)
{
	int rc;

	memset(qc, 0, sizeof(*qc));
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

static const char *error_message(struct query_conn *qc, int rc)
{
	/* SQLite reports a denial as a plain "not authorized"; the
	 * authorizer kept the reason. */
	if (qc->authz->reason[0])
		return qc->authz->reason;
	if (rc == SQLITE_INTERRUPT && qc->watch->timed_out)
		return "interrupted: the query ran longer than --control_query_timeout";
	return sqlite3_errmsg(qc->db);
}

static int flush(int fd, struct strbuf *out)
{
	int rc = wire_write_all(fd, out->buf, out->len);

	sb_truncate(out, 0);
	return rc;
}

/* Steps one statement to the end, streaming its rows. Returns SQLITE_DONE,
 * an SQLite error, or a negative errno from the socket. */
static int run_statement(int fd, sqlite3_stmt *st, struct strbuf *out, uint64_t *rows)
{
	struct strbuf p = STRBUF_INIT;
	int rc;

	append_columns(out, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		append_row(out, &p, st);
		(*rows)++;
		if (out->len >= FLUSH_BYTES && (rc = flush(fd, out)) < 0)
			break;
	}
	sb_free(&p);
	return rc;
}

int query_run(struct query_conn *qc, int fd, const char *sql, size_t len)
{
	struct strbuf out = STRBUF_INIT;
	const char *tail = sql, *end = sql + len;
	uint64_t rows = 0;
	int rc = SQLITE_OK;

	qc->authz->reason[0] = '\0';
	query_watch_start(qc->watch, fd);
	while (tail < end) {
		sqlite3_stmt *st = NULL;

		rc = sqlite3_prepare_v2(qc->db, tail, (int)(end - tail), &st, &tail);
		if (rc != SQLITE_OK)
			break;
		if (!st)
			continue; /* whitespace or a comment */
		rc = run_statement(fd, st, &out, &rows);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		else if (rc > 0)
			rc = sqlite3_errcode(qc->db);
		sqlite3_finalize(st);
		if (rc != SQLITE_OK)
			break;
	}
	query_watch_stop(qc->watch);
	if (rc < 0) {
		sb_free(&out);
		return rc;
	}
	if (rc != SQLITE_OK) {
		const char *msg = error_message(qc, rc);

		frame_append(&out, FRAME_ERROR, msg, strlen(msg));
	} else {
		struct strbuf p = STRBUF_INIT;

		wire_put_u64(&p, rows);
		frame_append(&out, FRAME_DONE, p.buf, p.len);
		sb_free(&p);
	}
	rc = flush(fd, &out);
	sb_free(&out);
	return rc;
}
