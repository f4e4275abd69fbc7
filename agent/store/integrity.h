/* The database's health at start: whether its path can be used at all,
 * whether the file is an intact SQLite database, and setting a damaged
 * one aside.
 *
 * A damaged file (garbage over some pages, a truncated file, something
 * that is not SQLite at all) is never used: the writer would fail a share
 * of its writes for as long as it runs. It is moved aside as
 * `<path>.corrupt-<unix time>` with its -wal, -shm and -journal files, and
 * the store starts a fresh database. Before the move, whatever can still
 * be read of sysq_meta and the secret table (meta.h) is copied out, above
 * all the audit restore record and the node key, and written into the
 * fresh database with a record of the replacement (META_REPLACED_*),
 * which a user can query. */
#pragma once

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct store_meta_row {
	char *key;
	char *value;
};

struct store_salvage {
	struct store_meta_row *rows; /* meta.h's rows read from the damaged file */
	size_t n, cap;
	char *moved_to; /* where the damaged file went; NULL if it was intact */
	char *reason;	/* what the check found */
	int64_t time;	/* when it was set aside (unix time) */
};

/* Whether `path` can hold the database: its directory exists (or can be
 * made) and the path is, or can become, a regular file sysq may read and
 * write. Creates an empty file when none exists (SQLite takes an empty
 * file for a new database). Returns 0, or -errno with *err naming the
 * path and the reason (free it). */
int store_path_check(const char *path, char **err);

/* Checks the database at `path` when it exists. Returns 0 when it is
 * intact or new, 1 when it was damaged and has been set aside (*salvage
 * says where and why, and holds the sysq_meta rows that could be read),
 * or -errno with *err set when it cannot even be checked (an I/O or
 * permission error: nothing is moved). */
int store_integrity_check(const char *path, struct store_salvage *salvage, char **err);

/* Writes the salvaged rows and the replacement record into the fresh
 * database on `db`. Returns 0 or -EIO (logged). */
int store_salvage_write(sqlite3 *db, const struct store_salvage *salvage);

void store_salvage_free(struct store_salvage *salvage);
