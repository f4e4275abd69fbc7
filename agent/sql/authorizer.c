/* Read-only authorizer for query connections. */
#include "authorizer.h"

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

int readonly_authorizer(void *ctx, int action, const char *arg1, const char *arg2,
			const char *db, const char *trigger)
{
	struct authorizer_state *st = ctx;
	char what[96];

	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
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
		if (arg2 && strcasecmp(arg2, "load_extension") == 0)
			return deny(st, "load_extension()");
		return SQLITE_OK;
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
