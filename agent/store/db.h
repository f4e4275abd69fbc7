/* Opening a connection to the database: the one place that chooses open
 * flags, the busy timeout and, for connections that run other people's
 * SQL, the hardening.
 *
 * Every connection the agent opens comes from db_open, so they cannot
 * drift apart (the two read-only query connections once differed in
 * whether extension loading was off). Pragmas that belong to one user
 * (the writer's page size and WAL settings, the checkpointer's
 * journal_mode) stay with that user. */
#pragma once

#include <sqlite3.h>

enum db_mode {
	/* The store writer: read-write, creating the database if missing. */
	DB_WRITER,
	/* A read-write connection beside the writer (checkpointer, scheduler
	 * state, meta), on the database the writer has created. */
	DB_HELPER,
	/* Read-only, for control-socket and scheduled queries: defensive,
	 * no extension loading, no attached databases, no fts3_tokenizer
	 * pointers, an untrusted schema, and limits on the size of a value,
	 * the SQL text and the compiled statement (db.c says which). */
	DB_QUERY,
};

/* Opens `path` for `mode` with a 5-second busy timeout. Returns 0 with
 * *ret set, or a negative errno with *err set to a message naming the
 * path (free it) and *ret untouched. */
int db_open(const char *path, enum db_mode mode, sqlite3 **ret, char **err);
