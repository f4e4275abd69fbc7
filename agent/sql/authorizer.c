/* Read-only authorizer for query connections, and the allow-lists of
 * what a query may call: functions, virtual table modules and pragmas.
 * It also refuses to read the table of secrets (store/meta.h). */
#include "authorizer.h"

#include "store/meta.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Pragmas that only report; the ones marked `named` take a table or index
 * name rather than a value to set. */
static const struct {
	const char *name;
	bool named;
} readable_pragmas[] = {
	{"table_info", true},	 {"table_xinfo", true},	  {"table_list", true},
	{"index_list", true},	 {"index_info", true},	  {"index_xinfo", true},
	{"foreign_key_list", true}, {"integrity_check", true}, {"quick_check", true},
	{"database_list", false}, {"collation_list", false}, {"function_list", false},
	{"module_list", false},	 {"pragma_list", false},  {"compile_options", false},
	{"data_version", false}, {"schema_version", false}, {"user_version", false},
	{"page_count", false},	 {"page_size", false},	  {"freelist_count", false},
	{"journal_mode", false}, {"encoding", false},	  {"application_id", false},
};

/* The functions a query may call: SQLite's core scalar, aggregate, window,
 * math, date and JSON functions. Anything else, including whatever a
 * particular libsqlite3 build adds (fts3_tokenizer, which reads and writes
 * raw pointers; sqlite_log; rtree and fts helpers) and load_extension, is
 * refused: a new function reaches users only by being added here. */
static const char *const allowed_functions[] = {
	/* core scalar */
	"abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex",
	"ifnull", "iif", "instr", "length", "like", "likelihood", "likely", "lower",
	"ltrim", "max", "min", "nullif", "octet_length", "printf", "quote", "random",
	"randomblob", "replace", "round", "rtrim", "sign", "soundex", "substr",
	"substring", "trim", "typeof", "unhex", "unicode", "unlikely", "upper",
	"zeroblob", "changes", "total_changes", "last_insert_rowid", "sqlite_version",
	"sqlite_source_id",
	/* aggregate */
	"avg", "count", "group_concat", "string_agg", "sum", "total",
	/* window */
	"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag",
	"lead", "first_value", "last_value", "nth_value",
	/* math */
	"acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling",
	"cos", "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod",
	"pi", "pow", "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
	/* date and time */
	"date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",
	"current_date", "current_time", "current_timestamp",
	/* JSON; -> and ->> are the operators' names */
	"json", "json_array", "json_array_length", "json_extract", "json_insert",
	"json_object", "json_patch", "json_quote", "json_remove", "json_replace",
	"json_set", "json_type", "json_valid", "json_group_array", "json_group_object",
	"json_error_position", "->", "->>",
};

/* The virtual table modules the library brings that a query may read as
 * table-valued functions. sysq's own modules (sysq_event and the snapshot
 * tables') are registered by the catalog after the others are replaced;
 * pragma_* table-valued functions are not modules until used and go
 * through the pragma allow-list below. */
static const char *const allowed_modules[] = {"json_each", "json_tree"};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++) {
		if (strcasecmp(list[i], name) == 0)
			return true;
	}
	return false;
}

static bool pragma_is_read(const char *name, const char *arg)
{
	for (size_t i = 0; i < sizeof(readable_pragmas) / sizeof(readable_pragmas[0]); i++) {
		if (strcasecmp(name, readable_pragmas[i].name) == 0)
			return arg == NULL || readable_pragmas[i].named;
	}
	return false;
}

/* SQLite itself asks for UPDATE on the schema table's columns while a
 * pragma table-valued function such as pragma_table_xinfo() loads the
 * schema. Allowing that is safe: the connection is opened read-only and in
 * defensive mode, so a real write to the schema fails anyway. */
static bool is_schema_table(const char *name)
{
	return name && (strcmp(name, "sqlite_master") == 0 ||
			strcmp(name, "sqlite_temp_master") == 0 ||
			strcmp(name, "sqlite_schema") == 0 ||
			strcmp(name, "sqlite_temp_schema") == 0);
}

static const char *action_name(int action)
{
	switch (action) {
	case SQLITE_INSERT:
		return "INSERT";
	case SQLITE_UPDATE:
		return "UPDATE";
	case SQLITE_DELETE:
		return "DELETE";
	case SQLITE_ATTACH:
		return "ATTACH";
	case SQLITE_DETACH:
		return "DETACH";
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return "a transaction statement";
	case SQLITE_ALTER_TABLE:
		return "ALTER TABLE";
	case SQLITE_ANALYZE:
		return "ANALYZE";
	case SQLITE_REINDEX:
		return "REINDEX";
	case SQLITE_CREATE_VTABLE:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
		return "CREATE";
	case SQLITE_DROP_VTABLE:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER:
		return "DROP";
	default:
		return "this statement";
	}
}

static int deny(struct authorizer_state *st, const char *what)
{
	snprintf(st->reason, sizeof(st->reason),
		 "%s is not allowed: the sysq control socket is read-only", what);
	return SQLITE_DENY;
}

/* A function that is not on the allow-list. load_extension() keeps the
 * read-only wording: it would change the process, as a write would. */
static int deny_function(struct authorizer_state *st, const char *name)
{
	char what[80];

	snprintf(what, sizeof(what), "%.60s()", name ? name : "");
	if (name && strcasecmp(name, "load_extension") == 0)
		return deny(st, what);
	snprintf(st->reason, sizeof(st->reason),
		 "%s is not allowed: sysq queries may call only the functions docs/shell.md lists",
		 what);
	return SQLITE_DENY;
}

/* The table of secrets (store/meta.h: the fleet node key). SQLite asks
 * for SQLITE_READ of every column a statement reads, through views,
 * CTEs, subqueries and triggers alike, and once with an empty column for
 * a table it reads no column of (count(*)), so refusing the table here
 * refuses every way of reading it. Its schema (sqlite_master,
 * pragma_table_info) stays visible: the columns' names are no secret. */
static int deny_secret(struct authorizer_state *st, const char *table)
{
	snprintf(st->reason, sizeof(st->reason),
		 "%s is not allowed: it holds the fleet node key, which no query may read", table);
	return SQLITE_DENY;
}

static bool is_secret_table(const char *name)
{
	return name && strcasecmp(name, META_SECRET_TABLE) == 0;
}

int readonly_authorizer(void *ctx, int action, const char *arg1, const char *arg2,
			const char *db, const char *trigger)
{
	struct authorizer_state *st = ctx;
	char what[96];

	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_READ:
		return is_secret_table(arg1) ? deny_secret(st, META_SECRET_TABLE) : SQLITE_OK;
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_TRANSACTION:
		return st->internal ? SQLITE_OK : deny(st, "a transaction statement");
	case SQLITE_UPDATE:
		if (is_schema_table(arg1))
			return SQLITE_OK;
		return deny(st, "UPDATE");
	case SQLITE_DELETE:
		/* DROP first asks to delete its schema row, CREATE to insert one. */
		return deny(st, is_schema_table(arg1) ? "DROP" : "DELETE");
	case SQLITE_INSERT:
		return deny(st, is_schema_table(arg1) ? "CREATE" : "INSERT");
	case SQLITE_FUNCTION:
		if (in_list(allowed_functions, NELEMS(allowed_functions), arg2))
			return SQLITE_OK;
		return deny_function(st, arg2);
	case SQLITE_PRAGMA:
		if (arg1 && pragma_is_read(arg1, arg2))
			return SQLITE_OK;
		snprintf(what, sizeof(what), "PRAGMA %s%s%s", arg1 ? arg1 : "", arg2 ? "=" : "",
			 arg2 ? arg2 : "");
		return deny(st, what);
	default:
		return deny(st, action_name(action));
	}
}

/* Stands in for a module a query may not use. Without xCreate, SQLite
 * connects it as an eponymous table when a query names it, and the
 * failing xConnect turns that into an error naming the module. */
static int refused_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			   sqlite3_vtab **vtab, char **err)
{
	(void)db;
	(void)aux;
	(void)vtab;
	*err = sqlite3_mprintf("%s is not allowed: sysq queries may use only sysq's tables, "
			       "json_each, json_tree and the pragmas docs/shell.md lists",
			       argc > 0 ? argv[0] : "this module");
	return SQLITE_ERROR;
}

static const sqlite3_module refused_module = {.xConnect = refused_connect};

/* The names of the modules registered now, pragma table-valued functions
 * left out (the pragma allow-list governs those). */
static int list_modules(sqlite3 *db, char ***names, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
		db, "SELECT name FROM pragma_module_list WHERE substr(name, 1, 7) <> 'pragma_'",
		-1, &st, NULL);

	*names = NULL;
	*n = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **grown = sqlite3_realloc64(*names, (*n + 1) * sizeof(**names));
		char *name = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));

		if (grown)
			*names = grown;
		if (!grown || !name) {
			sqlite3_free(name);
			rc = SQLITE_NOMEM;
			break;
		}
		(*names)[(*n)++] = name;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int authorizer_restrict_modules(sqlite3 *db)
{
	const char *keep[NELEMS(allowed_modules) + 1] = {NULL};
	char **names = NULL;
	size_t n = 0;
	int rc = list_modules(db, &names, &n);

	for (size_t i = 0; i < NELEMS(allowed_modules); i++)
		keep[i] = allowed_modules[i];
	/* Dropping first keeps the allow-list even if a stand-in below fails. */
	if (rc == SQLITE_OK)
		rc = sqlite3_drop_modules(db, keep);
	for (size_t i = 0; i < n; i++) {
		if (rc == SQLITE_OK && !in_list(allowed_modules, NELEMS(allowed_modules), names[i]))
			rc = sqlite3_create_module_v2(db, names[i], &refused_module, NULL, NULL);
		sqlite3_free(names[i]);
	}
	sqlite3_free(names);
	return rc;
}
