/* Store upgrades (store/store_schema.c), read back through the virtual
 * table as queries see them:
 *  - the "<name>_buffer" table of an older sysq (one column per value,
 *    lacking a column the table has gained, with the time index of older
 *    versions) becomes "<name>_rows": every row keeps its eid and values,
 *    the new column is NULL, the AUTOINCREMENT sequence carries over (an
 *    event deleted before the upgrade is not reused), time bins are built,
 *    and the old table is gone; after a downgrade and back, rows of the
 *    older sysq's restarted table get eids after every eid handed out;
 *  - a table whose columns changed between runs (added, removed, moved)
 *    has its rows repacked by column name, and switching back works too;
 *  - a row whose packed values were damaged is skipped by queries, the
 *    rows around it still read. */
#include "check.h"

#include "store/row.h"
#include "store/store.h"
#include "sql/event_vtab.h"

#include "common/xalloc.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

struct db_file {
	char dir[48];
	char path[64];
};

static void db_file_init(struct db_file *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/sysq-migration-XXXXXX");
	if (!mkdtemp(f->dir))
		abort();
	snprintf(f->path, sizeof(f->path), "%s/db", f->dir);
}

static void db_file_remove(struct db_file *f)
{
	char wal[80], shm[80];

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	snprintf(shm, sizeof(shm), "%s-shm", f->path);
	unlink(f->path);
	unlink(wal);
	unlink(shm);
	rmdir(f->dir);
}

static void exec_raw(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	sqlite3_open(path, &db);
	if (!CHECK_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK))
		fprintf(stderr, "\t%s: %s\n", sql, msg);
	sqlite3_free(msg);
	sqlite3_close(db);
}

/* First column of the first row of `sql` as text ("(null)" for NULL,
 * "(none)" without rows), on a plain connection or, with `store`, through
 * the sysq_event module over table `vtab`. Free the result. */
static char *query(const char *path, struct store *store, const char *vtab, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *text = NULL;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (store) {
		char *create = sqlite3_mprintf("CREATE VIRTUAL TABLE temp.\"%s\" USING "
					       "sysq_event(%s)", vtab, vtab);

		char *msg = NULL;

		event_vtab_register(db, store, NULL);
		if (!CHECK_EQ_INT(sqlite3_exec(db, create, NULL, NULL, &msg), SQLITE_OK))
			fprintf(stderr, "\t%s\n", msg);
		sqlite3_free(msg);
		sqlite3_free(create);
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		text = xasprintf("(error: %s)", sqlite3_errmsg(db));
	} else if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		text = strdup(v ? (const char *)v : "(null)");
	} else {
		text = strdup("(none)");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return text;
}

static void check_query(const char *file, int line, const char *path, struct store *store,
			const char *vtab, const char *sql, const char *want)
{
	char *got = query(path, store, vtab, sql);

	check_eq_str(file, line, sql, want, got, want);
	free(got);
}

#define CHECK_SQL(path, sql, want)	 check_query(__FILE__, __LINE__, path, NULL, NULL, sql, want)
#define CHECK_VTAB(path, s, t, sql, want) check_query(__FILE__, __LINE__, path, s, t, sql, want)

/* Opens a store with the one table `def`; *t is it. */
static struct store *open_store(const char *path, const struct table_def *def,
				struct sysq_counters *counters, struct event_table **t)
{
	struct store_options opt = {.path = path, .queue_size = 16};
	struct store *s = NULL;
	char *err = NULL;

	if (!CHECK_EQ_INT(store_open(&opt, &s, &err), 0))
		return NULL;
	*t = store_add_table(s, def, counters, &err);
	if (!CHECK(*t != NULL)) {
		fprintf(stderr, "\tstore_add_table: %s\n", err ? err : "");
		free(err);
		store_close(s);
		return NULL;
	}
	return s;
}

/* ---- an older sysq's buffer table ---- */

enum { M_TIME, M_EID, M_OLD, M_NEW, M_NCOLS };

static const struct column_def m_columns[] = {
	{"time", COLUMN_INTEGER, false, "event time"},
	{"eid", COLUMN_TEXT, true, "event id"},
	{"old", COLUMN_TEXT, false, "a column the old schema had"},
	{"new", COLUMN_INTEGER, false, "a column added since"},
};

static const struct table_def m_def = {
	.name = "migrating",
	.description = "test table",
	.columns = m_columns,
	.ncolumns = M_NCOLS,
	.time_column = M_TIME,
	.eid_column = M_EID,
};

#define M_ROWS                                                                                     \
	"SELECT group_concat(eid || ':' || time || ':' || old || ':' || coalesce(new, '-')) "      \
	"FROM (SELECT eid, time, old, new FROM migrating ORDER BY eid)"

static void test_convert_buffer(void)
{
	struct sysq_counters counters = {0};
	struct db_file f;
	struct event_table *t;
	struct store *s;
	struct row *row;

	db_file_init(&f);
	/* Eid 4 was written and deleted: the sequence is past the last row. */
	exec_raw(f.path, "CREATE TABLE migrating_buffer (eid INTEGER PRIMARY KEY AUTOINCREMENT, "
			 "time INTEGER, old TEXT);"
			 "CREATE INDEX migrating_buffer_time ON migrating_buffer(time);"
			 "INSERT INTO migrating_buffer (time, old) VALUES (1, 'a'), (1, 'b'), "
			 "(5, 'c'), (6, 'gone');"
			 "DELETE FROM migrating_buffer WHERE old = 'gone';");
	s = open_store(f.path, &m_def, &counters, &t);
	if (!s)
		return;
	CHECK_EQ_INT(atomic_load(&t->buffered), 3);
	CHECK_SQL(f.path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'migrating_buffer%'",
		  "0");
	CHECK_SQL(f.path, "SELECT seq FROM sqlite_sequence WHERE name = 'migrating_rows'", "4");
	CHECK_SQL(f.path, "SELECT columns FROM sysq_layouts WHERE tbl = 'migrating'", "old,new");
	CHECK_SQL(f.path,
		  "SELECT group_concat(bin || ':' || min_eid || '-' || max_eid) FROM "
		  "(SELECT * FROM migrating_time_bins ORDER BY bin)",
		  "1:1-2,5:3-3");
	CHECK_EQ_INT(store_start(s, &(char *){NULL}), 0);
	row = row_new(t, M_NCOLS);
	row_set_int(row, M_TIME, 2);
	row_set_str(row, M_OLD, "written");
	row_set_int(row, M_NEW, 7);
	store_submit(s, row);
	store_stop(s);
	CHECK_EQ_INT(counter_get(&counters, COUNTER_stored), 1);
	CHECK_VTAB(f.path, s, "migrating", M_ROWS,
		   "0000000001:1:a:-,0000000002:1:b:-,0000000003:5:c:-,0000000005:2:written:7");
	CHECK_VTAB(f.path, s, "migrating", "SELECT group_concat(old) FROM migrating WHERE time < 5",
		   "a,b,written");
	store_close(s);
	db_file_remove(&f);
}

/* A downgrade and back: this sysq wrote eids 1-5, all expired; the older
 * one started its own table over at eid 1. Its rows must come after 5, or
 * scheduled queries (whose cursors are at 5) would never see them. */
static void test_downgrade_and_back(void)
{
	struct sysq_counters counters = {0};
	struct db_file f;
	struct event_table *t;
	struct store *s;

	db_file_init(&f);
	s = open_store(f.path, &m_def, &counters, &t);
	if (!s)
		return;
	CHECK_EQ_INT(store_start(s, &(char *){NULL}), 0);
	for (int i = 0; i < 5; i++) {
		struct row *row = row_new(t, M_NCOLS);

		row_set_int(row, M_TIME, 1);
		row_set_str(row, M_OLD, "new");
		store_submit(s, row);
	}
	store_close(s);
	exec_raw(f.path, "DELETE FROM migrating_rows;"
			 "CREATE TABLE migrating_buffer (eid INTEGER PRIMARY KEY AUTOINCREMENT, "
			 "time INTEGER, old TEXT);"
			 "INSERT INTO migrating_buffer (time, old) VALUES (2, 'x'), (2, 'y');");
	s = open_store(f.path, &m_def, &counters, &t);
	if (!s)
		return;
	CHECK_SQL(f.path, "SELECT group_concat(eid || ':' || time) FROM migrating_rows", "6:2,7:2");
	CHECK_SQL(f.path, "SELECT seq FROM sqlite_sequence WHERE name = 'migrating_rows'", "7");
	CHECK_SQL(f.path, "SELECT count(*) FROM sqlite_sequence WHERE name = 'migrating_rows'",
		  "1");
	store_close(s);
	db_file_remove(&f);
}

/* ---- a table whose columns changed ---- */

enum { A_TIME, A_EID, A_NUM, A_WORD, A_NCOLS };

static const struct column_def a_columns[] = {
	{"time", COLUMN_INTEGER, false, ""},
	{"eid", COLUMN_TEXT, true, ""},
	{"num", COLUMN_INTEGER, false, ""},
	{"word", COLUMN_TEXT, false, ""},
};

static const struct table_def a_def = {.name = "shifting", .columns = a_columns,
				       .ncolumns = A_NCOLS, .time_column = A_TIME,
				       .eid_column = A_EID};

/* The same table later: a column added in front, the other two swapped,
 * time moved to the end. */
enum { B_EXTRA, B_WORD, B_EID, B_NUM, B_TIME, B_NCOLS };

static const struct column_def b_columns[] = {
	{"extra", COLUMN_TEXT, false, ""},
	{"word", COLUMN_TEXT, false, ""},
	{"eid", COLUMN_TEXT, true, ""},
	{"num", COLUMN_INTEGER, false, ""},
	{"time", COLUMN_INTEGER, false, ""},
};

static const struct table_def b_def = {.name = "shifting", .columns = b_columns,
				       .ncolumns = B_NCOLS, .time_column = B_TIME,
				       .eid_column = B_EID};

#define S_ROWS(cols)                                                                               \
	"SELECT group_concat(" cols ", ';') FROM (SELECT * FROM shifting ORDER BY eid)"

static void write_one(struct store *s, struct event_table *t, struct row *row)
{
	CHECK_EQ_INT(store_start(s, &(char *){NULL}), 0);
	store_submit(s, row);
	store_stop(s);
	(void)t;
}

static void test_layout_change(void)
{
	struct sysq_counters counters = {0};
	struct db_file f;
	struct event_table *t;
	struct store *s;
	struct row *row;

	db_file_init(&f);
	s = open_store(f.path, &a_def, &counters, &t);
	if (!s)
		return;
	row = row_new(t, A_NCOLS);
	row_set_int(row, A_TIME, 10);
	row_set_int(row, A_NUM, -3);
	row_set_str(row, A_WORD, "first");
	write_one(s, t, row);
	store_close(s);

	s = open_store(f.path, &b_def, &counters, &t);
	if (!s)
		return;
	CHECK_SQL(f.path, "SELECT columns FROM sysq_layouts WHERE tbl = 'shifting'",
		  "extra,word,num");
	row = row_new(t, B_NCOLS);
	row_set_int(row, B_TIME, 11);
	row_set_str(row, B_EXTRA, "more");
	row_set_str(row, B_WORD, "second");
	row_set_int(row, B_NUM, 4);
	write_one(s, t, row);
	CHECK_VTAB(f.path, s, "shifting",
		   S_ROWS("coalesce(extra, '-') || ',' || word || ',' || num || ',' || time"),
		   "-,first,-3,10;more,second,4,11");
	store_close(s);

	/* Back to the first layout: extra is dropped, the rest kept. */
	s = open_store(f.path, &a_def, &counters, &t);
	if (!s)
		return;
	CHECK_VTAB(f.path, s, "shifting", S_ROWS("time || ',' || num || ',' || word"),
		   "10,-3,first;11,4,second");
	store_close(s);
	db_file_remove(&f);
}

static void test_damaged_row_skipped(void)
{
	struct sysq_counters counters = {0};
	struct db_file f;
	struct event_table *t;
	struct store *s;

	db_file_init(&f);
	s = open_store(f.path, &a_def, &counters, &t);
	if (!s)
		return;
	CHECK_EQ_INT(store_start(s, &(char *){NULL}), 0);
	for (int i = 1; i <= 3; i++) {
		struct row *row = row_new(t, A_NCOLS);

		row_set_int(row, A_TIME, i);
		row_set_int(row, A_NUM, i);
		store_submit(s, row);
	}
	store_stop(s);
	/* Text of three bytes with none there. */
	exec_raw(f.path, "UPDATE shifting_rows SET data = x'05' WHERE eid = 2");
	CHECK_VTAB(f.path, s, "shifting", S_ROWS("num"), "1;3");
	store_close(s);
	db_file_remove(&f);
}

int main(void)
{
	test_convert_buffer();
	test_downgrade_and_back();
	test_layout_change();
	test_damaged_row_skipped();
	return check_finish();
}
