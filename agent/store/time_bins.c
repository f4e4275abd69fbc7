/* Time bins: per-second eid ranges in place of an index on time. */
#include "time_bins.h"

#include "sql_util.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>

struct time_bin {
	int64_t bin, min_eid, max_eid;
};

int time_bins_rebuild(sqlite3 *db, struct event_table *t, char **err)
{
	char *sql = xasprintf("DELETE FROM \"%1$s_time_bins\"; "
			      "INSERT INTO \"%1$s_time_bins\" SELECT time, min(rowid), max(rowid) "
			      "FROM \"%2$s\" WHERE typeof(time) = 'integer' GROUP BY time;",
			      t->def->name, t->buffer_name);
	int rc = sql_exec(db, sql, err);

	free(sql);
	return rc;
}

int time_bins_setup(sqlite3 *db, struct event_table *t, char **err)
{
	char *sql = xasprintf("CREATE TABLE IF NOT EXISTS \"%s_time_bins\" (bin INTEGER PRIMARY "
			      "KEY, min_eid INTEGER NOT NULL, max_eid INTEGER NOT NULL)",
			      t->def->name);
	int rc = sql_exec(db, sql, err);

	free(sql);
	if (rc < 0)
		return rc;
	sql = xasprintf("INSERT INTO \"%s_time_bins\" VALUES (?1, ?2, ?3) ON CONFLICT(bin) DO "
			"UPDATE SET min_eid = min(min_eid, excluded.min_eid), "
			"max_eid = max(max_eid, excluded.max_eid)",
			t->def->name);
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       (sqlite3_stmt **)&t->bins_upsert, NULL) != SQLITE_OK) {
		*err = xasprintf("%s", sqlite3_errmsg(db));
		rc = -EIO;
	}
	free(sql);
	return rc;
}

void time_bins_note(struct event_table *t, int64_t time, int64_t eid)
{
	struct time_bin *b = t->bins;

	/* A batch spans a second or two: the last bin is almost always it. */
	for (size_t i = t->nbins; i-- > 0;) {
		if (b[i].bin == time) {
			b[i].min_eid = eid < b[i].min_eid ? eid : b[i].min_eid;
			b[i].max_eid = eid > b[i].max_eid ? eid : b[i].max_eid;
			return;
		}
	}
	t->bins = xgrow(t->bins, &t->bins_cap, t->nbins + 1, sizeof(*b));
	t->bins[t->nbins++] = (struct time_bin){time, eid, eid};
}

bool time_bins_flush(sqlite3 *db, struct event_table *t)
{
	sqlite3_stmt *st = t->bins_upsert;
	bool ok = true;

	for (size_t i = 0; i < t->nbins && ok; i++) {
		sqlite3_bind_int64(st, 1, t->bins[i].bin);
		sqlite3_bind_int64(st, 2, t->bins[i].min_eid);
		sqlite3_bind_int64(st, 3, t->bins[i].max_eid);
		ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
	}
	if (!ok)
		log_warn("store: cannot write the time bins of %s: %s", t->def->name,
			 sqlite3_errmsg(db));
	t->nbins = 0;
	return ok;
}

void time_bins_discard(struct event_table *t)
{
	t->nbins = 0;
}

void time_bins_prune(sqlite3 *db, struct event_table *t)
{
	char *sql;

	if (!t->bins_prune) {
		sql = xasprintf("DELETE FROM \"%s_time_bins\" WHERE max_eid < "
				"coalesce((SELECT min(rowid) FROM \"%s\"), 9223372036854775807)",
				t->def->name, t->buffer_name);
		if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				       (sqlite3_stmt **)&t->bins_prune, NULL) != SQLITE_OK)
			t->bins_prune = NULL;
		free(sql);
		if (!t->bins_prune) {
			log_warn("store: %s", sqlite3_errmsg(db));
			return;
		}
	}
	if (sqlite3_step(t->bins_prune) != SQLITE_DONE)
		log_warn("store: cannot prune the time bins of %s: %s", t->def->name,
			 sqlite3_errmsg(db));
	sqlite3_reset(t->bins_prune);
}

void time_bins_free(struct event_table *t)
{
	sqlite3_finalize(t->bins_upsert);
	sqlite3_finalize(t->bins_prune);
	free(t->bins);
	t->bins = NULL;
	t->nbins = t->bins_cap = 0;
}
