/* Time bins: per-second eid ranges in place of an index on time. */
#include "time_bins.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>

struct time_bin {
	int64_t bin, min_eid, max_eid;
};

static const char *time_name(const struct event_table *t)
{
	return t->def->columns[t->def->time_column].name;
}

static int exec_fmt(sqlite3 *db, char **err, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*err = xasprintf("%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static bool has_index(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* An older sysq indexed time and kept no bins (or let them fall behind):
 * rebuild them from the rows, then drop the index. */
static int migrate_index(sqlite3 *db, struct event_table *t, char **err)
{
	char *index = xasprintf("%s_time", t->buffer_name);
	char *sql = NULL;
	int rc = 0;

	if (has_index(db, index)) {
		sql = xasprintf("BEGIN; DELETE FROM \"%1$s_time_bins\"; "
				"INSERT INTO \"%1$s_time_bins\" SELECT \"%2$s\", min(rowid), max(rowid) "
				"FROM \"%3$s\" WHERE typeof(\"%2$s\") = 'integer' GROUP BY \"%2$s\"; "
				"DROP INDEX \"%4$s\"; COMMIT;",
				t->def->name, time_name(t), t->buffer_name, index);
		rc = exec_fmt(db, err, sql);
		if (rc < 0)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		else
			log_info("store: %s: time index replaced by time bins", t->buffer_name);
	}
	free(sql);
	free(index);
	return rc;
}

int time_bins_setup(sqlite3 *db, struct event_table *t, char **err)
{
	char *sql = xasprintf("CREATE TABLE IF NOT EXISTS \"%s_time_bins\" (bin INTEGER PRIMARY "
			      "KEY, min_eid INTEGER NOT NULL, max_eid INTEGER NOT NULL)",
			      t->def->name);
	int rc = exec_fmt(db, err, sql);

	free(sql);
	if (rc == 0)
		rc = migrate_index(db, t, err);
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
