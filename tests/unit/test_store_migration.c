/* Store migration: a buffer table written by an older sysq, which lacks
 * columns a table has gained since, gets the new columns added and keeps
 * its rows, and new rows can be written. Its index on time is replaced by
 * time bins built from the rows it had. */
#include "check.h"

#include "store/row.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

enum { COL_TIME, COL_EID, COL_OLD, COL_NEW, NCOLS };

static const struct column_def columns[] = {
	{"time", COLUMN_INTEGER, false, "event time"},
	{"eid", COLUMN_TEXT, true, "event id"},
	{"old", COLUMN_TEXT, false, "a column the old schema had"},
	{"new", COLUMN_INTEGER, false, "a column added since"},
};

static const struct table_def def = {
	.name = "migrating",
	.description = "test table",
	.columns = columns,
	.ncolumns = NCOLS,
	.time_column = COL_TIME,
	.eid_column = COL_EID,
};

static int64_t query_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	sqlite3_open(path, &db);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

int main(void)
{
	char dir[] = "/tmp/sysq-migration-XXXXXX";
	char path[64];
	struct store_options opt = {.path = path, .queue_size = 16};
	struct sysq_counters counters = {0};
	struct event_table *t;
	struct store *s = NULL;
	struct row *row;
	char *err = NULL;
	sqlite3 *db = NULL;

	if (!CHECK(mkdtemp(dir) != NULL))
		return check_finish();
	snprintf(path, sizeof(path), "%s/db", dir);
	sqlite3_open(path, &db);
	CHECK_EQ_INT(sqlite3_exec(db,
				  "CREATE TABLE migrating_buffer (eid INTEGER PRIMARY KEY "
				  "AUTOINCREMENT, time INTEGER, old TEXT);"
				  "CREATE INDEX migrating_buffer_time ON migrating_buffer(time);"
				  "INSERT INTO migrating_buffer (time, old) VALUES (1, 'kept'), "
				  "(1, 'kept'), (5, 'kept');",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(db);

	CHECK_EQ_INT(store_open(&opt, &s, &err), 0);
	t = store_add_table(s, &def, &counters, &err);
	if (!CHECK(t != NULL)) {
		fprintf(stderr, "store_add_table: %s\n", err ? err : "");
		return check_finish();
	}
	CHECK_EQ_INT(atomic_load(&t->buffered), 3);
	CHECK_EQ_INT(store_start(s, &err), 0);
	row = row_new(t, NCOLS);
	row_set_int(row, COL_TIME, 2);
	row_set_str(row, COL_OLD, "written");
	row_set_int(row, COL_NEW, 7);
	store_submit(s, row);
	store_close(s);

	CHECK_EQ_INT(counter_get(&counters, COUNTER_stored), 1);
	CHECK_EQ_INT(counter_get(&counters, COUNTER_drop_write_error), 0);
	CHECK_EQ_INT(query_int(path, "SELECT count(*) FROM migrating_buffer WHERE old = 'kept' "
				     "AND new IS NULL"),
		     3);
	CHECK_EQ_INT(query_int(path, "SELECT new FROM migrating_buffer WHERE old = 'written'"), 7);
	/* The index is gone; a bin per second holds its rows' eid range:
	 * the old rows' (eids 1-2 at time 1, 3 at time 5) and the new row's. */
	CHECK_EQ_INT(query_int(path, "SELECT count(*) FROM sqlite_master WHERE name = "
				     "'migrating_buffer_time'"), 0);
	CHECK_EQ_INT(query_int(path, "SELECT group_concat(bin || ':' || min_eid || '-' || max_eid) "
				     "= '1:1-2,2:4-4,5:3-3' FROM (SELECT * FROM migrating_time_bins "
				     "ORDER BY bin)"),
		     1);
	unlink(path);
	rmdir(dir);
	return check_finish();
}
