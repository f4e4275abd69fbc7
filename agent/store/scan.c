/* SQL for readers of the store's event tables (scan.h). */
#include "scan.h"

#include "store.h"

#include "common/strbuf.h"

static const char *op_sql(enum store_scan_op op)
{
	switch (op) {
	case STORE_OP_EQ:
		return "=";
	case STORE_OP_GT:
		return ">";
	case STORE_OP_GE:
		return ">=";
	case STORE_OP_LT:
		return "<";
	default:
		return "<=";
	}
}

/* The eid range of the rows whose time compares with parameter `param`
 * by `op`, from the table's time bins (time_bins.h): the rows table has
 * no index on time, so this turns a time bound into a rowid range scan.
 * A bound no bin meets is NULL, and selects no row, as no row has such a
 * time. */
static void time_range_sql(struct strbuf *sql, const struct event_table *t,
			   enum store_scan_op op, int param)
{
	const char *name = t->def->name;

	if (op != STORE_OP_LT && op != STORE_OP_LE)
		sb_printf(sql, " AND eid >= (SELECT min(min_eid) FROM \"%s_time_bins\" WHERE bin %s ?%d)",
			  name, op_sql(op), param);
	if (op != STORE_OP_GT && op != STORE_OP_GE)
		sb_printf(sql, " AND eid <= (SELECT max(max_eid) FROM \"%s_time_bins\" WHERE bin %s ?%d)",
			  name, op_sql(op), param);
}

char *store_scan_sql(const struct event_table *t, const struct store_scan *scan)
{
	struct strbuf sql = STRBUF_INIT;

	sb_printf(&sql, "SELECT eid, time, data FROM \"%s\" WHERE 1", t->buffer_name);
	for (size_t i = 0; i < scan->nbounds; i++) {
		const struct store_bound *b = &scan->bounds[i];
		bool is_time = b->column == STORE_BOUND_TIME;

		sb_printf(&sql, " AND %s %s ?%d", is_time ? "time" : "eid", op_sql(b->op), b->param);
		if (is_time)
			time_range_sql(&sql, t, b->op, b->param);
	}
	if (scan->cursor_param > 0)
		sb_printf(&sql, " AND eid > ?%d", scan->cursor_param);
	sb_puts(&sql, " ORDER BY eid");
	return sb_detach(&sql);
}

int64_t store_newest_eid(sqlite3 *db, const struct event_table *t)
{
	sqlite3_stmt *st = NULL;
	int64_t eid = 0;

	if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence WHERE name = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, t->buffer_name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		eid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return eid;
}
