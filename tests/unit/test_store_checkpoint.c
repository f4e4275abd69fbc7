/* The store's WAL is checkpointed by its own thread (store/checkpointer.c)
 * while the writer keeps writing: after more than a checkpoint's worth of
 * rows (1000 frames of 16 KiB), the database file itself has grown while
 * the store is still open, so the pages went from the WAL into it, and
 * every row is stored. Without the thread (SQLite's own checkpoints are
 * turned off by the WAL hook) the database file would stay at its first
 * page until close; so it did when the thread's connection had not read
 * the database yet and took it for one without a WAL. */
#include "check.h"
#include "store_fixture.h"

#include <sys/stat.h>

/* About 25 MiB of rows: more than the 1000 frames (16 MiB) a checkpoint
 * waits for. */
#define ROWS 25000
#define TEXT 1000
#define GREW (16 * 1024 * 1024)

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

int main(void)
{
	struct fixture fx;
	char text[TEXT + 1], wal[128];
	off_t before;
	int waited = 0;

	fixture_dir(&fx);
	snprintf(wal, sizeof(wal), "%s-wal", fx.path);
	memset(text, 'c', TEXT);
	text[TEXT] = '\0';
	if (!fixture_open(&fx, 0, 0, ROWS + 1) || !fixture_start(&fx))
		return check_finish();
	before = file_size(fx.path);
	for (int i = 0; i < ROWS; i++)
		submit(&fx, 1, text, NULL);
	/* The checkpoint runs beside the writer: give it up to 20 s. */
	while (waited++ < 200 &&
	       (counter(&fx, COUNTER_stored) < ROWS || file_size(fx.path) < before + GREW))
		usleep(100 * 1000);
	CHECK_EQ_INT(counter(&fx, COUNTER_stored), ROWS);
	if (!CHECK(file_size(fx.path) >= before + GREW))
		fprintf(stderr, "\tdatabase %lld bytes (was %lld), WAL %lld bytes\n",
			(long long)file_size(fx.path), (long long)before, (long long)file_size(wal));
	store_close(fx.store);
	/* Closed cleanly: SQLite checkpointed the rest and removed the WAL. */
	CHECK_EQ_INT(file_size(wal), -1);
	fixture_remove(&fx);
	return check_finish();
}
