/* Virtual table over a store event table, with time and eid pushdown. */
#include "event_vtab.h"

#include "vtab_util.h"

#include "store/packed.h"
#include "store/scan.h"
#include "store/store.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Width of the zero-padded eid text; equal widths make text order match
 * numeric order, as osquery's padded eids do. */
#define EID_WIDTH 10

struct event_vtab {
	sqlite3_vtab base;
	sqlite3 *db;
	const struct event_table *table;
	struct scan_context *scan;
	int *slot; /* per table column: its place in the packed values, or -1 */
};

/* Columns of the rows table's SELECT (store/scan.h). */
enum { SEL_EID = STORE_SCAN_EID, SEL_TIME = STORE_SCAN_TIME, SEL_DATA = STORE_SCAN_DATA };

struct event_module_aux {
	struct store *store;
	struct scan_context *scan;
};

struct event_cursor {
	sqlite3_vtab_cursor base;
	sqlite3_stmt *stmt;
	struct packed_value *vals; /* the current row's packed values */
	int eof;
	bool tracked;	  /* an optimized scan: report where it stopped */
	int64_t last_eid; /* tracked: the last row read, or the cursor before any */
};

static int event_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			 sqlite3_vtab **ret, char **err)
{
	const struct event_module_aux *ea = aux;
	struct store *store = ea->store;
	const struct event_table *table;
	struct event_vtab *vt;
	char *sql;
	int rc;

	if (argc != 4) {
		*err = sqlite3_mprintf("sysq_event: expected one argument, the table name");
		return SQLITE_ERROR;
	}
	table = store_find_table(store, argv[3]);
	if (!table) {
		*err = sqlite3_mprintf("sysq_event: no event table named %s", argv[3]);
		return SQLITE_ERROR;
	}
	sql = vtab_schema_sql(table->def);
	rc = sqlite3_declare_vtab(db, sql);
	free(sql);
	if (rc != SQLITE_OK)
		return rc;
	/* Reading buffered events has no side effects, so the table is safe
	 * wherever SQL can name it. */
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	vt = vtab_zalloc(sizeof(*vt));
	if (!vt)
		return SQLITE_NOMEM;
	vt->slot = sqlite3_malloc64(table->def->ncolumns * sizeof(*vt->slot));
	if (!vt->slot) {
		sqlite3_free(vt);
		return SQLITE_NOMEM;
	}
	for (unsigned i = 0; i < table->def->ncolumns; i++)
		vt->slot[i] = -1;
	for (unsigned i = 0; i < table->layout.n; i++)
		vt->slot[table->layout.columns[i]] = (int)i;
	vt->db = db;
	vt->table = table;
	vt->scan = ea->scan;
	*ret = &vt->base;
	return SQLITE_OK;
}

static int event_disconnect(sqlite3_vtab *base)
{
	sqlite3_free(((struct event_vtab *)base)->slot);
	sqlite3_free(base);
	return SQLITE_OK;
}

/* Plan encoding. idxStr lists the pushed-down constraints, two characters
 * each: the column ('t' for time, 'e' for eid, 'r' for rowid, which is
 * the eid as an integer) then the operator ('=',
 * '>', 'g' for >=, '<', 'l' for <=). Constraint i gets argvIndex i+1, and
 * idxNum is the number of constraints. An eid value is pushed down only
 * when it is the 10-digit text form (see eid_bound in xFilter); others
 * are left to SQLite. No constraint is omitted, so SQLite re-checks every
 * row and pushdown can only narrow the scan, never change its result. */
static char op_code(unsigned char op)
{
	switch (op) {
	case SQLITE_INDEX_CONSTRAINT_EQ:
		return '=';
	case SQLITE_INDEX_CONSTRAINT_GT:
		return '>';
	case SQLITE_INDEX_CONSTRAINT_GE:
		return 'g';
	case SQLITE_INDEX_CONSTRAINT_LT:
		return '<';
	case SQLITE_INDEX_CONSTRAINT_LE:
		return 'l';
	default:
		return 0;
	}
}

static int event_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
	const struct table_def *def = ((struct event_vtab *)base)->table->def;
	char plan[64];
	int n = 0;
	double cost = 1e6;

	for (int i = 0; i < info->nConstraint && n < 30; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		char op = op_code(c->op);
		char col;

		if (!c->usable || !op)
			continue;
		if (c->iColumn == def->time_column)
			col = 't';
		else if (c->iColumn == def->eid_column)
			col = 'e';
		else if (c->iColumn == -1)
			col = 'r';
		else
			continue;
		plan[2 * n] = col;
		plan[2 * n + 1] = op;
		info->aConstraintUsage[i].argvIndex = ++n;
		cost /= op == '=' ? 1000 : 4;
	}
	plan[2 * n] = '\0';
	info->idxNum = n;
	info->idxStr = sqlite3_mprintf("%s", plan);
	info->needToFreeIdxStr = 1;
	info->estimatedCost = cost;
	/* Rows come out in eid order, which ORDER BY eid (or rowid) can use. */
	if (info->nOrderBy == 1 && !info->aOrderBy[0].desc &&
	    (info->aOrderBy[0].iColumn == def->eid_column || info->aOrderBy[0].iColumn == -1))
		info->orderByConsumed = 1;
	return SQLITE_OK;
}

static int event_open(sqlite3_vtab *base, sqlite3_vtab_cursor **ret)
{
	const struct event_table *t = ((struct event_vtab *)base)->table;
	struct event_cursor *cur = vtab_zalloc(sizeof(*cur));

	if (!cur)
		return SQLITE_NOMEM;
	cur->vals = sqlite3_malloc64((t->layout.n ? t->layout.n : 1) * sizeof(*cur->vals));
	if (!cur->vals) {
		sqlite3_free(cur);
		return SQLITE_NOMEM;
	}
	*ret = &cur->base;
	return SQLITE_OK;
}

/* An optimized scan abandoned before its end read only up to last_eid. */
static void report_stop(struct event_cursor *cur)
{
	const struct event_vtab *vt = (const struct event_vtab *)cur->base.pVtab;

	if (cur->tracked && !cur->eof)
		vt->scan->stopped(vt->scan->arg, vt->table->def->name, cur->last_eid);
	cur->tracked = false;
}

/* Decodes the packed values of the row the SELECT is on; false (and a
 * warning) when they are malformed, which only a damaged database has. */
static bool decode_row(struct event_cursor *cur)
{
	const struct event_table *t = ((struct event_vtab *)cur->base.pVtab)->table;
	const void *blob = sqlite3_column_blob(cur->stmt, SEL_DATA);
	int size = sqlite3_column_bytes(cur->stmt, SEL_DATA);

	if (packed_decode(blob, (size_t)size, cur->vals, t->layout.n) >= 0)
		return true;
	log_warn("%s: skipping event %lld: its stored values are malformed", t->def->name,
		 (long long)sqlite3_column_int64(cur->stmt, SEL_EID));
	return false;
}

/* Steps the rows table's SELECT to the next row that decodes and, for a
 * tracked scan (the only reader of last_eid, in report_stop), notes the
 * eid of the row it reached. */
static int step_row(struct event_cursor *cur)
{
	int rc;

	do
		rc = sqlite3_step(cur->stmt);
	while (rc == SQLITE_ROW && !decode_row(cur));
	cur->eof = rc != SQLITE_ROW;
	if (!cur->eof && cur->tracked)
		cur->last_eid = sqlite3_column_int64(cur->stmt, SEL_EID);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int event_close(sqlite3_vtab_cursor *base)
{
	struct event_cursor *cur = (struct event_cursor *)base;

	report_stop(cur);
	sqlite3_finalize(cur->stmt);
	sqlite3_free(cur->vals);
	sqlite3_free(cur);
	return SQLITE_OK;
}

/* The store's name for a plan's operator character. */
static enum store_scan_op scan_op(char op)
{
	switch (op) {
	case '=':
		return STORE_OP_EQ;
	case '>':
		return STORE_OP_GT;
	case 'g':
		return STORE_OP_GE;
	case '<':
		return STORE_OP_LT;
	default:
		return STORE_OP_LE;
	}
}

/* An eid constraint value is usable when it is 1-20 digits of text whose
 * width is EID_WIDTH, or an integer: the padded text then sorts exactly
 * as the number does. */
static bool eid_bound(sqlite3_value *v, sqlite3_int64 *ret)
{
	const unsigned char *s;
	int len;

	if (sqlite3_value_type(v) == SQLITE_INTEGER) {
		/* "eid > 5" compares TEXT with an integer, which SQLite
		 * decides by storage class, not value: no pushdown. */
		return false;
	}
	if (sqlite3_value_type(v) != SQLITE_TEXT)
		return false;
	s = sqlite3_value_text(v);
	len = sqlite3_value_bytes(v);
	if (len != EID_WIDTH)
		return false;
	*ret = 0;
	for (int i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*ret = *ret * 10 + (s[i] - '0');
	}
	return true;
}

/* Asks the store for the SELECT of the plan's usable bounds (use[i]
 * says which constraint values were usable); `cursor_param` > 0 adds
 * "eid > ?cursor_param" (events_optimize). Constraint i keeps parameter
 * i+1. */
static char *select_sql(const struct event_table *t, const char *plan, sqlite3_value **argv,
			bool *use, int cursor_param)
{
	struct store_bound bounds[32];
	struct store_scan scan = {.bounds = bounds, .cursor_param = cursor_param};
	sqlite3_int64 eid;

	for (int i = 0; plan[2 * i]; i++) {
		use[i] = plan[2 * i] != 'e' || eid_bound(argv[i], &eid);
		if (!use[i])
			continue;
		bounds[scan.nbounds++] = (struct store_bound){
			.column = plan[2 * i] == 't' ? STORE_BOUND_TIME : STORE_BOUND_EID,
			.op = scan_op(plan[2 * i + 1]),
			.param = i + 1,
		};
	}
	return store_scan_sql(t, &scan);
}

/* events_optimize applies to a scan on a connection with a scan context,
 * unless the query put its own constraint on time. */
static bool scan_optimized(const struct event_vtab *vt, const char *plan)
{
	if (!vt->scan || !vt->scan->optimize)
		return false;
	for (int i = 0; plan && plan[2 * i]; i++) {
		if (plan[2 * i] == 't')
			return false;
	}
	return true;
}

static int event_filter(sqlite3_vtab_cursor *base, int idx_num, const char *idx_str, int argc,
			sqlite3_value **argv)
{
	struct event_cursor *cur = (struct event_cursor *)base;
	struct event_vtab *vt = (struct event_vtab *)base->pVtab;
	bool use[32] = {false};
	bool optimized;
	int cursor_param;
	char *sql;
	int rc;

	(void)argc;
	report_stop(cur);
	sqlite3_finalize(cur->stmt);
	cur->stmt = NULL;
	optimized = scan_optimized(vt, idx_str);
	cursor_param = optimized ? idx_num + 1 : 0;
	sql = select_sql(vt->table, idx_str ? idx_str : "", argv, use, cursor_param);
	rc = sqlite3_prepare_v2(vt->db, sql, -1, &cur->stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		vt->base.zErrMsg = sqlite3_mprintf("%s", sqlite3_errmsg(vt->db));
		return rc;
	}
	for (int i = 0; idx_str && idx_str[2 * i]; i++) {
		sqlite3_int64 eid;

		if (!use[i])
			continue;
		if (idx_str[2 * i] == 'e' && eid_bound(argv[i], &eid))
			sqlite3_bind_int64(cur->stmt, i + 1, eid);
		else
			sqlite3_bind_value(cur->stmt, i + 1, argv[i]);
	}
	if (vt->scan) {
		const char *name = vt->table->def->name;

		vt->scan->scanned(vt->scan->arg, name, optimized);
		if (optimized) {
			cur->last_eid = vt->scan->cursor(vt->scan->arg, name);
			cur->tracked = true;
			sqlite3_bind_int64(cur->stmt, cursor_param, cur->last_eid);
		}
	}
	return step_row(cur);
}

static int event_next(sqlite3_vtab_cursor *base)
{
	return step_row((struct event_cursor *)base);
}

static int event_eof(sqlite3_vtab_cursor *base)
{
	return ((struct event_cursor *)base)->eof;
}

static int event_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx, int col)
{
	struct event_cursor *cur = (struct event_cursor *)base;
	const struct event_vtab *vt = (const struct event_vtab *)base->pVtab;
	const struct table_def *def = vt->table->def;
	const struct packed_value *v;

	if (col == def->eid_column) {
		char eid[32];

		snprintf(eid, sizeof(eid), "%0*lld", EID_WIDTH,
			 (long long)sqlite3_column_int64(cur->stmt, SEL_EID));
		sqlite3_result_text(ctx, eid, -1, SQLITE_TRANSIENT);
		return SQLITE_OK;
	}
	if (col == def->time_column) {
		sqlite3_result_value(ctx, sqlite3_column_value(cur->stmt, SEL_TIME));
		return SQLITE_OK;
	}
	if (col < 0 || (unsigned)col >= def->ncolumns || vt->slot[col] < 0) {
		sqlite3_result_null(ctx);
		return SQLITE_OK;
	}
	v = &cur->vals[vt->slot[col]];
	if (v->kind == ROW_INT)
		sqlite3_result_int64(ctx, v->i);
	else if (v->kind == ROW_TEXT)
		sqlite3_result_text64(ctx, v->text, v->len, SQLITE_TRANSIENT, SQLITE_UTF8);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

static int event_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *ret)
{
	struct event_cursor *cur = (struct event_cursor *)base;

	*ret = sqlite3_column_int64(cur->stmt, SEL_EID);
	return SQLITE_OK;
}

static const sqlite3_module event_module = {
	.iVersion = 0,
	.xCreate = event_connect,
	.xConnect = event_connect,
	.xBestIndex = event_best_index,
	.xDisconnect = event_disconnect,
	.xDestroy = event_disconnect,
	.xOpen = event_open,
	.xClose = event_close,
	.xFilter = event_filter,
	.xNext = event_next,
	.xEof = event_eof,
	.xColumn = event_column,
	.xRowid = event_rowid,
};

int event_vtab_register(sqlite3 *db, struct store *store, struct scan_context *scan)
{
	struct event_module_aux *aux = sqlite3_malloc(sizeof(*aux));

	if (!aux)
		return SQLITE_NOMEM;
	aux->store = store;
	aux->scan = scan;
	return sqlite3_create_module_v2(db, "sysq_event", &event_module, aux, sqlite3_free);
}
