/* WAL checkpoints on a thread of their own.
 *
 * SQLite checkpoints a WAL database on the connection that commits past
 * wal_autocheckpoint pages, so the store's writer used to stop for each
 * one: copying 16 MB of pages into the database and two fdatasync() calls
 * held it 40-80 ms on the development machine, every quarter of a second
 * in a connect() storm, while rows piled up in the queue. Here the writer
 * only notes how long the WAL has grown (checkpointer_note_commit, from
 * SQLite's WAL hook) and this thread, on its own connection, runs a
 * PASSIVE checkpoint, which never blocks the writer or a query. A WAL the
 * checkpoint has fully copied is restarted by the writer's next
 * transaction, and truncated to a limit (store.c sets journal_size_limit).
 * A writer that never pauses would never find it fully copied, so past
 * four times the checkpoint size the writer checkpoints once itself,
 * which bounds the WAL.
 */
#pragma once

#include <sqlite3.h>

struct checkpointer;

/* Opens its own connection to `path` and starts the thread; after
 * `frames` WAL frames it checkpoints. 0, or a negative errno with *err. */
int checkpointer_start(const char *path, int frames, struct checkpointer **ret, char **err);

/* Installs the WAL hook on the writer's connection `db`, replacing
 * SQLite's automatic checkpoints. */
void checkpointer_attach(struct checkpointer *c, sqlite3 *db);

/* Stops the thread (after the checkpoint in progress) and closes its
 * connection. NULL is fine. */
void checkpointer_stop(struct checkpointer *c);
