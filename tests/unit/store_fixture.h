/* A store in a temporary directory with one test event table, shared by
 * the unit tests that need real buffered rows (test_store_vtab,
 * test_runner, test_store_checkpoint). Include after check.h. */
#pragma once

#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { COL_time, COL_eid, COL_name, COL_secret, NCOLS };

static const struct column_def test_columns[NCOLS] = {
	[COL_time] = {"time", COLUMN_INTEGER, false, "Event time"},
	[COL_eid] = {"eid", COLUMN_TEXT, false, "Event id"},
	[COL_name] = {"name", COLUMN_TEXT, false, "A label"},
	[COL_secret] = {"secret", COLUMN_TEXT, true, "Returned only when named"},
};

static const struct table_def test_def = {
	.name = "unit_events",
	.description = "Rows written by test_store_vtab",
	.columns = test_columns,
	.ncolumns = NCOLS,
	.time_column = COL_time,
	.eid_column = COL_eid,
};

/* A store with its one table, in a temporary directory. */
struct fixture {
	char dir[64];
	char path[96];
	struct store *store;
	struct event_table *table;
	struct sysq_counters counters;
};

static inline void fixture_dir(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/sysq-unit-store-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(fx->path, sizeof(fx->path), "%s/sysq.db", fx->dir);
}

/* Opens the store with `opt` (its path is the fixture's) and adds the
 * table; the counters start at zero. */
static inline bool fixture_open_with(struct fixture *fx, struct store_options opt)
{
	char *err = NULL;

	opt.path = fx->path;

	memset(&fx->counters, 0, sizeof(fx->counters));
	if (!CHECK_EQ_INT(store_open(&opt, &fx->store, &err), 0)) {
		fprintf(stderr, "\t%s\n", err);
		free(err);
		return false;
	}
	fx->table = store_add_table(fx->store, &test_def, &fx->counters, &err);
	if (!CHECK(fx->table != NULL)) {
		fprintf(stderr, "\t%s\n", err);
		free(err);
		store_close(fx->store);
		return false;
	}
	return true;
}

/* Opens the store and adds the table; the counters start at zero. */
static inline bool fixture_open(struct fixture *fx, int64_t expiry, int64_t max, size_t queue_size)
{
	return fixture_open_with(fx, (struct store_options){.events_expiry = expiry,
							    .events_max = max,
							    .queue_size = queue_size});
}

static inline bool fixture_start(struct fixture *fx)
{
	char *err = NULL;

	if (CHECK_EQ_INT(store_start(fx->store, &err), 0))
		return true;
	fprintf(stderr, "\t%s\n", err);
	free(err);
	return false;
}

static inline void fixture_remove(struct fixture *fx)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[128];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", fx->path, suffixes[i]);
		unlink(path);
	}
	CHECK_EQ_INT(rmdir(fx->dir), 0);
}

static inline void submit(struct fixture *fx, int64_t time, const char *name, const char *secret)
{
	struct row *row = row_new(fx->table, NCOLS);

	row_set_int(row, COL_time, time);
	row_set_str(row, COL_name, name);
	if (secret)
		row_set_str(row, COL_secret, secret);
	store_submit(fx->store, row);
}

static inline uint64_t counter(const struct fixture *fx, enum counter_id id)
{
	return counter_get(&fx->counters, id);
}

