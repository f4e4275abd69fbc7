/* Event table storage: create, convert from the column-per-value buffer,
 * repack on a layout change (see store_schema.h). */
#include "store_schema.h"

#include "packed.h"
#include "sql_util.h"
#include "time_bins.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char store_layouts_schema[] =
	"CREATE TABLE IF NOT EXISTS sysq_layouts (tbl TEXT PRIMARY KEY, columns TEXT NOT NULL);";

static bool table_is_empty(sqlite3 *db, const char *table)
{
	char *sql = xasprintf("SELECT 1 FROM \"%s\" LIMIT 1", table);
	bool empty = sql_query_int(db, sql, 0) == 0;

	free(sql);
	return empty;
}

/* Whether the rows of `old` can keep their eids in the (empty) rows
 * table `rows`: none of them may be at or below its sequence. */
static bool can_keep_eids(sqlite3 *db, const char *rows, const char *old)
{
	char *sql;
	int64_t seq, first;

	if (!table_is_empty(db, rows))
		return false;
	sql = xasprintf("SELECT seq FROM sqlite_sequence WHERE name = '%s'", rows);
	seq = sql_query_int(db, sql, -1);
	free(sql);
	sql = xasprintf("SELECT min(rowid) FROM \"%s\"", old);
	first = sql_query_int(db, sql, -1);
	free(sql);
	return seq < 0 || first < 0 || first > seq;
}

/* The quoted column, or NULL when `table` has no such column. */
static void column_or_null(struct strbuf *sql, sqlite3 *db, const char *table, const char *column)
{
	if (sql_has_column(db, table, column))
		sb_printf(sql, "\"%s\"", column);
	else
		sb_puts(sql, "NULL");
}

/* The layout the rows of `t` were packed with; NULL if none is recorded. */
static char *recorded_layout(sqlite3 *db, const struct event_table *t)
{
	sqlite3_stmt *st = NULL;
	char *names = NULL;

	if (sqlite3_prepare_v2(db, "SELECT columns FROM sysq_layouts WHERE tbl = ?1", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, t->def->name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			names = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return names;
}

static int record_layout(sqlite3 *db, const struct event_table *t, const char *names, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO sysq_layouts VALUES (?1, ?2)", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, t->def->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, names, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = 0;
	}
	if (rc < 0)
		*err = xasprintf("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

/* sysq_pack(v1, ..., vn): the values packed in argument order. INTEGER
 * stays an integer, NULL stays NULL, anything else becomes its text. */
static void sql_pack(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	struct packer p;

	packer_begin(&p, &out);
	for (int i = 0; i < argc; i++) {
		int type = sqlite3_value_type(argv[i]);

		if (type == SQLITE_NULL)
			packer_null(&p);
		else if (type == SQLITE_INTEGER)
			packer_int(&p, sqlite3_value_int64(argv[i]));
		else
			packer_text(&p, sqlite3_value_text(argv[i]),
				    (size_t)sqlite3_value_bytes(argv[i]));
	}
	packer_end(&p);
	sqlite3_result_blob64(ctx, out.buf ? out.buf : "", out.len, SQLITE_TRANSIENT);
	sb_free(&out);
}

/* Converts the "<name>_buffer" table of an older sysq, one column per
 * value, into the rows table, keeping eids and the eid sequence. */
static int convert_buffer(sqlite3 *db, struct event_table *t, const char *old, char **err)
{
	const struct table_def *def = t->def;
	struct strbuf sql = STRBUF_INIT;
	int rc;

	rc = sqlite3_create_function_v2(db, "sysq_pack", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					NULL, sql_pack, NULL, NULL, NULL) == SQLITE_OK
		     ? 0
		     : -EIO;
	if (rc < 0) {
		*err = xasprintf("%s", sqlite3_errmsg(db));
		return rc;
	}
	/* The old rows keep their eids unless an eid the rows table has
	 * handed out (its sequence) could come again: after a downgrade and
	 * back, the older sysq may have started its eids over. Then they get
	 * new ones, after all of those. */
	sb_printf(&sql, "INSERT INTO \"%s\" (eid, time, data) SELECT %s, ", t->buffer_name,
		  can_keep_eids(db, t->buffer_name, old) ? "rowid" : "NULL");
	column_or_null(&sql, db, old, def->columns[def->time_column].name);
	sb_puts(&sql, ", sysq_pack(");
	for (unsigned i = 0; i < t->layout.n; i++) {
		if (i)
			sb_puts(&sql, ", ");
		column_or_null(&sql, db, old, def->columns[t->layout.columns[i]].name);
	}
	sb_printf(&sql, ") FROM \"%s\" ORDER BY rowid;", old);
	/* AUTOINCREMENT: the sequence, not the largest eid left, says where
	 * eids go on (the scheduler's cursors rely on it), so the new one is
	 * the largest of both tables' sequences and of the eids now there. */
	sb_printf(&sql,
		  "CREATE TEMP TABLE sysq_seq AS SELECT max(s) AS s FROM "
		  "(SELECT seq AS s FROM sqlite_sequence WHERE name IN ('%1$s', '%2$s') "
		  "UNION ALL SELECT max(eid) FROM \"%1$s\");"
		  "DELETE FROM sqlite_sequence WHERE name = '%1$s';"
		  "INSERT INTO sqlite_sequence (name, seq) SELECT '%1$s', s FROM temp.sysq_seq "
		  "WHERE s IS NOT NULL;"
		  "DROP TABLE temp.sysq_seq;"
		  "DROP TABLE \"%2$s\";",
		  t->buffer_name, old);
	rc = sql_exec(db, sb_str(&sql), err);
	sb_free(&sql);
	if (rc == 0)
		log_info("store: converted %s into %s (packed rows)", old, t->buffer_name);
	return rc;
}

/* What sysq_repack() needs: for each value of the current layout, its
 * index in the old one, or -1. */
struct repack_map {
	unsigned old_n;
	unsigned n;
	int *from;
	struct packed_value *vals;
};

/* sysq_repack(data): data, packed with the old layout, packed with the
 * current one. A malformed blob is left as it is (queries skip it). */
static void sql_repack(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct repack_map *m = sqlite3_user_data(ctx);
	const void *blob = sqlite3_value_blob(argv[0]);
	size_t size = (size_t)sqlite3_value_bytes(argv[0]);
	struct strbuf out = STRBUF_INIT;
	struct packer p;

	(void)argc;
	if (packed_decode(blob, size, m->vals, m->old_n) < 0) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	packer_begin(&p, &out);
	for (unsigned i = 0; i < m->n; i++) {
		const struct packed_value *v = m->from[i] < 0 ? NULL : &m->vals[m->from[i]];

		if (v && v->kind == ROW_INT)
			packer_int(&p, v->i);
		else if (v && v->kind == ROW_TEXT)
			packer_text(&p, v->text, v->len);
		else
			packer_null(&p);
	}
	packer_end(&p);
	sqlite3_result_blob64(ctx, out.buf ? out.buf : "", out.len, SQLITE_TRANSIENT);
	sb_free(&out);
}

/* Index of `name` in the comma-separated `names`, or -1. */
static int name_index(const char *names, const char *name)
{
	size_t len = strlen(name);
	int i = 0;

	for (const char *s = names; *s; i++) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);

		if (n == len && memcmp(s, name, len) == 0)
			return i;
		s += n + (end ? 1 : 0);
	}
	return -1;
}

static unsigned count_names(const char *names)
{
	unsigned n = *names ? 1 : 0;

	for (const char *s = names; *s; s++)
		n += *s == ',';
	return n;
}

static int repack(sqlite3 *db, struct event_table *t, const char *old_names, char **err)
{
	struct repack_map m = {.n = t->layout.n};
	char *sql;
	int rc;

	m.old_n = count_names(old_names);
	m.from = xcalloc(m.n ? m.n : 1, sizeof(*m.from));
	for (unsigned i = 0; i < m.n; i++)
		m.from[i] = name_index(old_names, t->def->columns[t->layout.columns[i]].name);
	m.vals = xcalloc(m.old_n ? m.old_n : 1, sizeof(*m.vals));
	rc = sqlite3_create_function_v2(db, "sysq_repack", 1, SQLITE_UTF8, &m, sql_repack, NULL,
					NULL, NULL) == SQLITE_OK
		     ? 0
		     : -EIO;
	if (rc < 0) {
		*err = xasprintf("%s", sqlite3_errmsg(db));
	} else {
		sql = xasprintf("UPDATE \"%s\" SET data = sysq_repack(data)", t->buffer_name);
		rc = sql_exec(db, sql, err);
		free(sql);
		/* The function points at m, which goes now. */
		sqlite3_create_function_v2(db, "sysq_repack", 1, SQLITE_UTF8, NULL, NULL, NULL,
					   NULL, NULL);
	}
	if (rc == 0)
		log_info("store: repacked %s: columns were %s", t->buffer_name, old_names);
	free(m.vals);
	free(m.from);
	return rc;
}

/* Inside the transaction: the rows table, converted or repacked as
 * needed, and its layout recorded. */
static int setup_in_transaction(sqlite3 *db, struct event_table *t, const char *names, char **err)
{
	char *old = xasprintf("%s_buffer", t->def->name);
	/* No constraint on data: a constraint that can fail makes SQLite keep
	 * a statement journal (a copy of every page a statement touches) so
	 * it can undo a multi-row INSERT halfway, which doubled the cost of
	 * an insert. The writer never binds a NULL. */
	char *sql = xasprintf("CREATE TABLE IF NOT EXISTS \"%s\" (eid INTEGER PRIMARY KEY "
			      "AUTOINCREMENT, time INTEGER, data BLOB)",
			      t->buffer_name);
	char *recorded = recorded_layout(db, t);
	int rc = sql_exec(db, sql, err);

	if (rc == 0 && recorded && strcmp(recorded, names) != 0)
		rc = repack(db, t, recorded, err);
	if (rc == 0 && sql_table_exists(db, old)) {
		rc = convert_buffer(db, t, old, err);
		if (rc == 0)
			rc = time_bins_rebuild(db, t, err);
	}
	if (rc == 0 && (!recorded || strcmp(recorded, names) != 0))
		rc = record_layout(db, t, names, err);
	free(recorded);
	free(sql);
	free(old);
	return rc;
}

int store_schema_setup(sqlite3 *db, struct event_table *t, char **err)
{
	char *names = packed_layout_names(&t->layout, t->def);
	int rc = sql_exec(db, "BEGIN IMMEDIATE", err);

	if (rc == 0) {
		rc = setup_in_transaction(db, t, names, err);
		if (rc < 0)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		else if (sql_exec(db, "COMMIT", err) < 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			rc = -EIO;
		}
	}
	free(names);
	return rc;
}
