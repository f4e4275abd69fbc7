/* Unit tests for control/authorizer.c: on an in-memory database with the
 * read-only authorizer installed, SELECTs, reads and reporting pragmas
 * (including the pragma_table_xinfo() table-valued function) pass, and
 * writes, DDL, ATTACH, VACUUM (INTO), transactions, load_extension() and
 * pragmas that set a value are refused with a reason naming the statement
 * kind. Functions, modules and pragmas come from allow-lists: core,
 * date and JSON functions, json_each and the reporting pragmas pass;
 * fts3_tokenizer(), fts3tokenize, dbstat and other pragmas are refused,
 * named. The table of secrets (sysq_secret, the fleet node key) cannot be
 * read by any route: directly, counted, through a CTE, a subquery, a view
 * or sqlite_dbpage; its schema stays visible. */
#include "sql/authorizer.h"

#include "check.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

struct fixture {
	sqlite3 *db;
	struct authorizer_state st;
};

static bool fixture_open(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	if (!CHECK_EQ_INT(sqlite3_open(":memory:", &fx->db), SQLITE_OK))
		return false;
	/* The schema exists before the policy applies, as with the store. */
	if (!CHECK_EQ_INT(sqlite3_exec(fx->db,
				       "CREATE TABLE t(a INTEGER, b TEXT);"
				       "INSERT INTO t VALUES (1, 'x'), (2, 'y');"
				       "CREATE INDEX t_a ON t(a);"
				       "CREATE TABLE sysq_secret(key TEXT PRIMARY KEY, value TEXT);"
				       "INSERT INTO sysq_secret VALUES ('tls_node_key', 'K-SECRET');",
				       NULL, NULL, NULL),
			  SQLITE_OK))
		return false;
	/* As sql_connection_open does before the catalog and the policy. */
	if (!CHECK_EQ_INT(authorizer_restrict_modules(fx->db), SQLITE_OK))
		return false;
	sqlite3_set_authorizer(fx->db, readonly_authorizer, &fx->st);
	return true;
}

/* Runs every statement of `sql` to completion; returns the first error. */
static int run(struct fixture *fx, const char *sql)
{
	const char *tail = sql;
	int rc = SQLITE_OK;

	fx->st.reason[0] = '\0';
	while (rc == SQLITE_OK && *tail) {
		sqlite3_stmt *st = NULL;

		rc = sqlite3_prepare_v2(fx->db, tail, -1, &st, &tail);
		if (rc != SQLITE_OK || !st)
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_finalize(st);
	}
	return rc;
}

static void check_allowed(const char *file, int line, struct fixture *fx, const char *sql)
{
	int rc = run(fx, sql);

	if (!check_eq_int(file, line, sql, "SQLITE_OK", rc, SQLITE_OK))
		fprintf(stderr, "\t%s / %s\n", sqlite3_errmsg(fx->db), fx->st.reason);
	check_eq_str(file, line, "reason", "\"\"", fx->st.reason, "");
}

/* Refused, with the reason "<what> is not allowed: ...". SQLite reports
 * most denials as SQLITE_AUTH but a denied function as SQLITE_ERROR. */
static void check_refused(const char *file, int line, struct fixture *fx, const char *sql,
			  const char *what)
{
	char want[256];
	int rc = run(fx, sql);

	snprintf(want, sizeof(want), "%s is not allowed: the sysq control socket is read-only",
		 what);
	check_record(rc == SQLITE_AUTH || rc == SQLITE_ERROR, file, line, sql);
	check_contains(file, line, "sqlite3_errmsg", "\"not authorized\"", sqlite3_errmsg(fx->db),
		       "not authorized");
	check_eq_str(file, line, "reason", want, fx->st.reason, want);
}

#define CHECK_ALLOWED(fx, sql)	     check_allowed(__FILE__, __LINE__, fx, sql)
#define CHECK_REFUSED(fx, sql, what) check_refused(__FILE__, __LINE__, fx, sql, what)

static void test_reads_allowed(struct fixture *fx)
{
	CHECK_ALLOWED(fx, "SELECT * FROM t");
	CHECK_ALLOWED(fx, "SELECT a, upper(b) FROM t WHERE a > 1 ORDER BY b");
	CHECK_ALLOWED(fx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
			  "WHERE x < 5) SELECT sum(x) FROM c");
	CHECK_ALLOWED(fx, "SELECT * FROM pragma_table_xinfo('t')");
	CHECK_ALLOWED(fx, "SELECT name FROM sqlite_master");
	CHECK_ALLOWED(fx, "PRAGMA table_info(t)");
	CHECK_ALLOWED(fx, "PRAGMA index_list(t)");
	CHECK_ALLOWED(fx, "PRAGMA user_version");
	CHECK_ALLOWED(fx, "PRAGMA journal_mode");
	CHECK_ALLOWED(fx, "EXPLAIN SELECT * FROM t");
}

static void test_writes_refused(struct fixture *fx)
{
	CHECK_REFUSED(fx, "INSERT INTO t VALUES (3, 'z')", "INSERT");
	CHECK_REFUSED(fx, "DELETE FROM t", "DELETE");
	CHECK_REFUSED(fx, "UPDATE t SET a = 0", "UPDATE");
	CHECK_REFUSED(fx, "REPLACE INTO t VALUES (1, 'q')", "INSERT");
	CHECK_REFUSED(fx, "CREATE TABLE u(x)", "CREATE");
	CHECK_REFUSED(fx, "CREATE TEMP TABLE u(x)", "CREATE");
	CHECK_REFUSED(fx, "CREATE VIEW v AS SELECT 1", "CREATE");
	CHECK_REFUSED(fx, "CREATE INDEX t_b ON t(b)", "CREATE");
	CHECK_REFUSED(fx, "DROP TABLE t", "DROP");
	CHECK_REFUSED(fx, "DROP INDEX t_a", "DROP");
	CHECK_REFUSED(fx, "ALTER TABLE t ADD COLUMN c", "ALTER TABLE");
	CHECK_REFUSED(fx, "ATTACH ':memory:' AS other", "ATTACH");
	CHECK_REFUSED(fx, "DETACH main", "DETACH");
	CHECK_REFUSED(fx, "BEGIN", "a transaction statement");
	CHECK_REFUSED(fx, "SAVEPOINT s", "a transaction statement");
	CHECK_REFUSED(fx, "ANALYZE", "ANALYZE");
	CHECK_REFUSED(fx, "REINDEX", "REINDEX");
	CHECK_REFUSED(fx, "SELECT load_extension('/tmp/x.so')", "load_extension()");
	CHECK_REFUSED(fx, "SELECT LOAD_EXTENSION('/tmp/x.so')", "load_extension()");
	CHECK_REFUSED(fx, "PRAGMA user_version=3", "PRAGMA user_version=3");
	CHECK_REFUSED(fx, "PRAGMA journal_mode=DELETE", "PRAGMA journal_mode=DELETE");
	CHECK_REFUSED(fx, "PRAGMA writable_schema=ON", "PRAGMA writable_schema=ON");
	CHECK_REFUSED(fx, "PRAGMA optimize", "PRAGMA optimize");
	/* A refused statement after an allowed one still stops the batch. */
	CHECK_REFUSED(fx, "SELECT 1; DELETE FROM t", "DELETE");
}

static void check_function_refused(const char *file, int line, struct fixture *fx,
				   const char *sql, const char *name)
{
	char want[256];
	int rc = run(fx, sql);

	snprintf(want, sizeof(want),
		 "%s() is not allowed: sysq queries may call only the functions docs/shell.md lists",
		 name);
	check_record(rc != SQLITE_OK, file, line, sql);
	check_eq_str(file, line, "reason", want, fx->st.reason, want);
}

/* A refused module fails in SQLite itself, so the error, not the
 * authorizer's reason, names it. */
static void check_module_refused(const char *file, int line, struct fixture *fx,
				 const char *sql, const char *module)
{
	char want[128];
	int rc = run(fx, sql);

	snprintf(want, sizeof(want), "%s is not allowed", module);
	check_record(rc != SQLITE_OK, file, line, sql);
	check_contains(file, line, "sqlite3_errmsg", want, sqlite3_errmsg(fx->db), want);
}

#define CHECK_FUNCTION_REFUSED(fx, sql, name) \
	check_function_refused(__FILE__, __LINE__, fx, sql, name)
#define CHECK_MODULE_REFUSED(fx, sql, module) \
	check_module_refused(__FILE__, __LINE__, fx, sql, module)

static void test_allow_lists(struct fixture *fx)
{
	/* Functions: core, aggregate, window, math, date, JSON. */
	CHECK_ALLOWED(fx, "SELECT upper(b), length(b), coalesce(NULL, a), printf('%d', a) FROM t");
	CHECK_ALLOWED(fx, "SELECT count(*), group_concat(b), max(a) FROM t");
	CHECK_ALLOWED(fx, "SELECT row_number() OVER (ORDER BY a), lag(b) OVER () FROM t");
	CHECK_ALLOWED(fx, "SELECT datetime(0, 'unixepoch'), strftime('%Y', 'now'), unixepoch()");
	CHECK_ALLOWED(fx, "SELECT json_extract('{\"a\":1}', '$.a'), '{\"a\":2}' ->> '$.a'");
	CHECK_ALLOWED(fx, "SELECT zeroblob(10), hex(randomblob(4)), sqlite_version()");
	/* Modules: json_each and json_tree. */
	CHECK_ALLOWED(fx, "SELECT key, value FROM json_each('[1, 2]')");
	CHECK_ALLOWED(fx, "SELECT count(*) FROM json_tree('{\"a\": [1]}')");
	/* Pragmas that report, as statements and table-valued functions. */
	CHECK_ALLOWED(fx, "PRAGMA table_xinfo(t)");
	CHECK_ALLOWED(fx, "SELECT name FROM pragma_table_list");
	CHECK_ALLOWED(fx, "SELECT * FROM pragma_index_list('t')");

	CHECK_FUNCTION_REFUSED(fx, "SELECT hex(fts3_tokenizer('simple'))", "fts3_tokenizer");
	CHECK_FUNCTION_REFUSED(fx, "SELECT fts3_tokenizer('simple', x'4141414141414141')",
			       "fts3_tokenizer");
	CHECK_FUNCTION_REFUSED(fx, "SELECT sqlite_log(1, 'x')", "sqlite_log");
	CHECK_FUNCTION_REFUSED(fx, "SELECT a FROM t WHERE rtreenode(2, x'00') IS NULL",
			       "rtreenode");
	CHECK_MODULE_REFUSED(fx, "SELECT token FROM fts3tokenize WHERE input = 'x'",
			     "fts3tokenize");
	CHECK_MODULE_REFUSED(fx, "SELECT * FROM dbstat", "dbstat");
	CHECK_MODULE_REFUSED(fx, "SELECT * FROM sqlite_stmt", "sqlite_stmt");
	CHECK_REFUSED(fx, "PRAGMA cache_size", "PRAGMA cache_size");
	CHECK_REFUSED(fx, "SELECT * FROM pragma_cache_size", "PRAGMA cache_size");
	CHECK_REFUSED(fx, "PRAGMA trusted_schema=1", "PRAGMA trusted_schema=1");
}

/* VACUUM INTO would write a copy of the database anywhere the daemon can
 * write. SQLite asks for ATTACH for it, which the policy refuses. */
static void test_vacuum_into_refused(struct fixture *fx)
{
	char path[] = "/tmp/sysq-unit-authz-XXXXXX";
	char *sql;
	int fd = mkstemp(path);

	if (!CHECK(fd >= 0))
		return;
	close(fd);
	unlink(path);
	sql = sqlite3_mprintf("VACUUM INTO %Q", path);
	CHECK(run(fx, sql) != SQLITE_OK);
	CHECK(fx->st.reason[0] != '\0');
	CHECK(access(path, F_OK) != 0);
	unlink(path);
	sqlite3_free(sql);
	CHECK(run(fx, "VACUUM") != SQLITE_OK);
}

/* Refused with the reason naming the table, however the query names
 * or reaches it. */
static void check_secret_refused(const char *file, int line, struct fixture *fx,
				 const char *sql)
{
	static const char want[] =
		"sysq_secret is not allowed: it holds the fleet node key, which no query may read";
	int rc = run(fx, sql);

	check_record(rc == SQLITE_AUTH, file, line, sql);
	check_eq_str(file, line, "reason", want, fx->st.reason, want);
}

#define CHECK_SECRET_REFUSED(fx, sql) check_secret_refused(__FILE__, __LINE__, fx, sql)

/* Whether the first column of any row of `sql` contains `needle`; a
 * statement that fails yields no rows. */
static bool yields(struct fixture *fx, const char *sql, const char *needle)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(fx->db, sql, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *v = (const char *)sqlite3_column_text(st, 0);

			found = found || (v && strstr(v, needle));
		}
	}
	sqlite3_finalize(st);
	return found;
}

/* A view over the secret, as if planted in the schema: made with the
 * policy off, and only for this test (pragma_table_list would resolve its
 * columns, which the policy refuses and SQLite then passes over). */
static void secret_view(struct fixture *fx, bool make)
{
	sqlite3_set_authorizer(fx->db, NULL, NULL);
	CHECK_EQ_INT(sqlite3_exec(fx->db,
				  make ? "CREATE VIEW secret_view AS SELECT value FROM sysq_secret" :
					 "DROP VIEW secret_view",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_set_authorizer(fx->db, readonly_authorizer, &fx->st);
}

static void test_secret_refused(struct fixture *fx)
{
	CHECK_SECRET_REFUSED(fx, "SELECT * FROM sysq_secret");
	CHECK_SECRET_REFUSED(fx, "SELECT value FROM sysq_secret WHERE key = 'tls_node_key'");
	CHECK_SECRET_REFUSED(fx, "SELECT value FROM main.sysq_secret");
	CHECK_SECRET_REFUSED(fx, "SELECT value FROM \"SYSQ_SECRET\"");
	CHECK_SECRET_REFUSED(fx, "SELECT rowid FROM sysq_secret");
	CHECK_SECRET_REFUSED(fx, "SELECT count(*) FROM sysq_secret");
	CHECK_SECRET_REFUSED(fx, "SELECT 1 FROM sysq_secret");
	CHECK_SECRET_REFUSED(fx, "SELECT EXISTS (SELECT 1 FROM sysq_secret WHERE value LIKE 'K%')");
	CHECK_SECRET_REFUSED(fx, "WITH s AS (SELECT * FROM sysq_secret) SELECT value FROM s");
	CHECK_SECRET_REFUSED(fx, "SELECT a, (SELECT value FROM sysq_secret) FROM t");
	CHECK_SECRET_REFUSED(fx, "SELECT a FROM t UNION SELECT value FROM sysq_secret");
	secret_view(fx, true);
	CHECK_SECRET_REFUSED(fx, "SELECT value FROM secret_view");
	secret_view(fx, false);
	CHECK_SECRET_REFUSED(fx, "SELECT json_group_array(value) FROM sysq_secret");
	CHECK_SECRET_REFUSED(fx, "SELECT key FROM sysq_secret INDEXED BY "
				 "sqlite_autoindex_sysq_secret_1");
	CHECK_SECRET_REFUSED(fx, "EXPLAIN SELECT value FROM sysq_secret");
	/* The raw pages: a refused module where the library has it, else
	 * no such table; either way no row. */
	CHECK(run(fx, "SELECT data FROM sqlite_dbpage") != SQLITE_OK);
	CHECK(!yields(fx, "SELECT hex(data) FROM sqlite_dbpage", "4B2D534543524554"));
	/* The schema is no secret, and shows no value. */
	CHECK_ALLOWED(fx, "SELECT name FROM pragma_table_info('sysq_secret')");
	CHECK_ALLOWED(fx, "PRAGMA table_info(sysq_secret)");
	CHECK_ALLOWED(fx, "SELECT sql FROM sqlite_master WHERE name = 'sysq_secret'");
	CHECK(yields(fx, "SELECT name FROM pragma_table_info('sysq_secret')", "value"));
	CHECK(!yields(fx, "SELECT sql FROM sqlite_master", "K-SECRET"));
	CHECK(!yields(fx, "SELECT group_concat(name) FROM pragma_table_info('sysq_secret')",
		      "K-SECRET"));
}

/* The refusals changed nothing. */
static void test_data_intact(struct fixture *fx)
{
	static const char sql[] =
		"SELECT count(*), sum(a), (SELECT user_version FROM pragma_user_version) FROM t";
	sqlite3_stmt *st = NULL;

	if (!CHECK_EQ_INT(sqlite3_prepare_v2(fx->db, sql, -1, &st, NULL), SQLITE_OK)) {
		fprintf(stderr, "\t%s\n", sqlite3_errmsg(fx->db));
		return;
	}
	if (CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW)) {
		CHECK_EQ_INT(sqlite3_column_int(st, 0), 2);
		CHECK_EQ_INT(sqlite3_column_int(st, 1), 3);
		CHECK_EQ_INT(sqlite3_column_int(st, 2), 0);
	}
	sqlite3_finalize(st);
}

int main(void)
{
	struct fixture fx;

	if (fixture_open(&fx)) {
		test_reads_allowed(&fx);
		test_writes_refused(&fx);
		test_allow_lists(&fx);
		test_vacuum_into_refused(&fx);
		test_secret_refused(&fx);
		test_data_intact(&fx);
	}
	sqlite3_close(fx.db);
	return check_finish();
}
