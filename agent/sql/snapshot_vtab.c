/* In-memory virtual tables filled at query time, with an optional key
 * column whose equality constraint fills only the rows of that key. */
#include "snapshot_vtab.h"

#include "vtab_util.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct snapshot_module {
	const struct table_def *def;
	snapshot_fill_fn fill;
	struct snapshot_key key; /* key.fill NULL: no key column */
	const void *ctx;
};

/* idxNum of a plan that reads one key (argv[0]) rather than every row. */
#define IDX_KEY 1

struct snapshot_vtab {
	sqlite3_vtab base;
	const struct snapshot_module *mod;
};

struct snapshot_cursor {
	sqlite3_vtab_cursor base;
	struct snapshot_rows rows;
	size_t pos;
};

struct row *snapshot_add_row(struct snapshot_rows *out, unsigned ncolumns)
{
	out->rows = xgrow(out->rows, &out->cap, out->n + 1, sizeof(*out->rows));
	out->rows[out->n] = row_new(NULL, ncolumns);
	return out->rows[out->n++];
}

void snapshot_drop_last(struct snapshot_rows *out)
{
	if (out->n > 0)
		row_free(out->rows[--out->n]);
}

static void rows_clear(struct snapshot_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		row_free(rows->rows[i]);
	free(rows->rows);
	memset(rows, 0, sizeof(*rows));
}

static int snap_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **ret, char **err)
{
	const struct snapshot_module *mod = aux;
	struct snapshot_vtab *vt;
	char *sql;
	int rc;

	(void)argc;
	(void)argv;
	(void)err;
	sql = vtab_schema_sql(mod->def);
	rc = sqlite3_declare_vtab(db, sql);
	free(sql);
	if (rc != SQLITE_OK)
		return rc;
	/* Counters and flag values: reading them changes nothing. */
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	vt = vtab_zalloc(sizeof(*vt));
	if (!vt)
		return SQLITE_NOMEM;
	vt->mod = mod;
	*ret = &vt->base;
	return SQLITE_OK;
}

static int snap_disconnect(sqlite3_vtab *base)
{
	sqlite3_free(base);
	return SQLITE_OK;
}

static int snap_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
	const struct snapshot_module *mod = ((struct snapshot_vtab *)base)->mod;

	info->estimatedCost = 100;
	for (int i = 0; mod->key.fill && i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];

		if (!c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ ||
		    c->iColumn != (int)mod->key.column)
			continue;
		/* Not omitted: SQLite compares each row too, so a value the
		 * key fill does not take (text, a real) still filters right. */
		info->aConstraintUsage[i].argvIndex = 1;
		info->idxNum = IDX_KEY;
		info->estimatedCost = 1;
		info->estimatedRows = 1;
		break;
	}
	return SQLITE_OK;
}

static int snap_open(sqlite3_vtab *base, sqlite3_vtab_cursor **ret)
{
	struct snapshot_cursor *cur = vtab_zalloc(sizeof(*cur));

	(void)base;
	if (!cur)
		return SQLITE_NOMEM;
	*ret = &cur->base;
	return SQLITE_OK;
}

static int snap_close(sqlite3_vtab_cursor *base)
{
	struct snapshot_cursor *cur = (struct snapshot_cursor *)base;

	rows_clear(&cur->rows);
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int snap_filter(sqlite3_vtab_cursor *base, int idx_num, const char *idx_str, int argc,
		       sqlite3_value **argv)
{
	struct snapshot_cursor *cur = (struct snapshot_cursor *)base;
	const struct snapshot_module *mod = ((struct snapshot_vtab *)base->pVtab)->mod;

	(void)idx_str;
	rows_clear(&cur->rows);
	cur->pos = 0;
	if (idx_num == IDX_KEY && argc == 1) {
		int type = sqlite3_value_numeric_type(argv[0]);

		/* NULL equals nothing; an integer is a key; anything else
		 * (2.5, 'x') reads every row and lets SQLite compare. */
		if (type == SQLITE_NULL)
			return SQLITE_OK;
		if (type == SQLITE_INTEGER) {
			mod->key.fill(mod->ctx, sqlite3_value_int64(argv[0]), &cur->rows);
			return SQLITE_OK;
		}
	}
	mod->fill(mod->ctx, &cur->rows);
	return SQLITE_OK;
}

static int snap_next(sqlite3_vtab_cursor *base)
{
	((struct snapshot_cursor *)base)->pos++;
	return SQLITE_OK;
}

static int snap_eof(sqlite3_vtab_cursor *base)
{
	struct snapshot_cursor *cur = (struct snapshot_cursor *)base;

	return cur->pos >= cur->rows.n;
}

static int snap_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx, int col)
{
	struct snapshot_cursor *cur = (struct snapshot_cursor *)base;
	const struct row *row = cur->rows.rows[cur->pos];
	const struct row_value *v = &row->values[col];

	if (v->kind == ROW_INT)
		sqlite3_result_int64(ctx, v->i);
	else if (v->kind == ROW_TEXT)
		sqlite3_result_text64(ctx, row->text.buf + v->off, v->len, SQLITE_TRANSIENT,
				      SQLITE_UTF8);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

/* With a key column the key is the rowid: a WHERE with OR reads one
 * filter per term and merges them by rowid, which must then name the row
 * across filters (a position would make every filter's first row one). */
static int snap_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *ret)
{
	struct snapshot_cursor *cur = (struct snapshot_cursor *)base;
	const struct snapshot_module *mod = ((struct snapshot_vtab *)base->pVtab)->mod;
	const struct row_value *key;

	*ret = (sqlite3_int64)cur->pos;
	if (mod->key.fill) {
		key = &cur->rows.rows[cur->pos]->values[mod->key.column];
		if (key->kind == ROW_INT)
			*ret = key->i;
	}
	return SQLITE_OK;
}

static const sqlite3_module snapshot_module_methods = {
	.iVersion = 0,
	.xCreate = snap_connect,
	.xConnect = snap_connect,
	.xBestIndex = snap_best_index,
	.xDisconnect = snap_disconnect,
	.xDestroy = snap_disconnect,
	.xOpen = snap_open,
	.xClose = snap_close,
	.xFilter = snap_filter,
	.xNext = snap_next,
	.xEof = snap_eof,
	.xColumn = snap_column,
	.xRowid = snap_rowid,
};

int snapshot_vtab_create(sqlite3 *db, const struct table_def *def, snapshot_fill_fn fill,
			 const struct snapshot_key *key, const void *ctx, char **err)
{
	struct snapshot_module *mod = xcalloc(1, sizeof(*mod));
	char *name = xasprintf("%s_module", def->name);
	char *sql, *msg = NULL;
	int rc;

	mod->def = def;
	mod->fill = fill;
	if (key)
		mod->key = *key;
	mod->ctx = ctx;
	rc = sqlite3_create_module_v2(db, name, &snapshot_module_methods, mod, free);
	if (rc != SQLITE_OK) {
		*err = xasprintf("%s: %s", name, sqlite3_errmsg(db));
		free(name);
		return rc;
	}
	sql = xasprintf("CREATE VIRTUAL TABLE temp.\"%s\" USING \"%s\"", def->name, name);
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		*err = xasprintf("%s: %s", def->name, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	free(sql);
	free(name);
	return rc;
}
