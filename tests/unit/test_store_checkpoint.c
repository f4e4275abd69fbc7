/* The store's WAL is checkpointed by its own thread (store/checkpointer.c)
 * while the writer keeps writing: after more than a checkpoint's worth of
 * rows (1000 frames of 16 KiB), the database file itself has grown while
 * the store is still open, so the pages went from the WAL into it; every
 * row is stored, and the rows read back. Without the thread (SQLite's own
 * checkpoints turned off by the WAL hook and nothing doing them) the
 * database file would stay at its first few pages until close. */
#include "check.h"

#include "store/row.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

enum { C_TIME, C_EID, C_TEXT, NCOLS };

static const struct column_def columns[] = {
	{"time", COLUMN_INTEGER, false, ""},
	{"eid", COLUMN_TEXT, true, ""},
	{"text", COLUMN_TEXT, false, ""},
};

static const struct table_def def = {.name = "ckpt_events", .columns = columns,
				     .ncolumns = NCOLS, .time_column = C_TIME,
				     .eid_column = C_EID};

/* About 25 MiB of rows: more than the 1000 frames (16 MiB) a checkpoint
 * waits for. */
#define ROWS 25000
#define TEXT 1000

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

int main(void)
{
	char dir[] = "/tmp/sysq-checkpoint-XXXXXX";
	char path[64], wal[80], shm[80], text[TEXT];
	struct store_options opt = {.path = path, .queue_size = ROWS + 1};
	struct sysq_counters counters = {0};
	struct event_table *t;
	struct store *s = NULL;
	char *err = NULL;
	off_t before;
	int waited = 0;

	if (!CHECK(mkdtemp(dir) != NULL))
		return check_finish();
	snprintf(path, sizeof(path), "%s/db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	memset(text, 'c', sizeof(text));
	if (!CHECK_EQ_INT(store_open(&opt, &s, &err), 0))
		return check_finish();
	t = store_add_table(s, &def, &counters, &err);
	if (!CHECK(t != NULL) || !CHECK_EQ_INT(store_start(s, &err), 0))
		return check_finish();
	before = file_size(path);
	for (int i = 0; i < ROWS; i++) {
		struct row *row = row_new(t, NCOLS);

		row_set_int(row, C_TIME, 1);
		row_set_text(row, C_TEXT, text, sizeof(text));
		store_submit(s, row);
	}
	/* The checkpoint runs beside the writer: give it up to 20 s. */
	while (waited++ < 200 && (counter_get(&counters, COUNTER_stored) < ROWS ||
				  file_size(path) < before + 16 * 1024 * 1024))
		usleep(100 * 1000);
	CHECK_EQ_INT(counter_get(&counters, COUNTER_stored), ROWS);
	if (!CHECK(file_size(path) >= before + 16 * 1024 * 1024))
		fprintf(stderr, "\tdatabase %lld bytes (was %lld), WAL %lld bytes\n",
			(long long)file_size(path), (long long)before, (long long)file_size(wal));
	store_close(s);
	/* Closed cleanly: SQLite checkpointed the rest and removed the WAL. */
	CHECK_EQ_INT(file_size(wal), -1);
	unlink(path);
	unlink(wal);
	unlink(shm);
	rmdir(dir);
	return check_finish();
}
