/* WAL checkpoints on their own thread and connection. */
#include "checkpointer.h"

#include "db.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The WAL the writer lets grow before it checkpoints itself: 4 x 1000
 * frames of 16 KiB, the 64 MiB journal_size_limit keeps (store.c). */
#define CAP_FACTOR 4

struct checkpointer {
	sqlite3 *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	/* Held while a checkpoint runs, by the thread or by the writer. */
	pthread_mutex_t running;
	int frames;  /* checkpoint once the WAL holds this many frames */
	bool due;    /* the writer's WAL passed `frames` since the last pass */
	bool stopping;
};

/* SQLite calls this on the writer's thread after each commit, with the
 * WAL's length in frames. Normally it only raises `due`. A WAL past
 * CAP_FACTOR times `frames` means the thread's checkpoints have not let
 * it restart: the writer appends while they copy, and SQLite restarts a
 * WAL only when a transaction begins with every frame copied. Then the
 * writer checkpoints once itself, between its transactions, so nothing
 * is appended meanwhile and its next transaction restarts the WAL (unless
 * a query still reads an old snapshot). If the thread is copying just
 * then, the writer waits for it rather than give up: a PASSIVE checkpoint
 * that finds another one running returns at once, and a writer that gave
 * up each time let a storm's WAL pass twice the cap. The wait is one
 * checkpoint's copy, most of which the thread has done. */
static int on_commit(void *arg, sqlite3 *db, const char *schema, int wal_frames)
{
	struct checkpointer *c = arg;

	if (wal_frames < c->frames)
		return SQLITE_OK;
	if (wal_frames >= CAP_FACTOR * c->frames) {
		pthread_mutex_lock(&c->running);
		sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_unlock(&c->running);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&c->lock);
	if (!c->due) {
		c->due = true;
		pthread_cond_signal(&c->wake);
	}
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

static void checkpoint(struct checkpointer *c)
{
	int logged = 0, copied = 0;
	int rc;

	pthread_mutex_lock(&c->running);
	rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &logged, &copied);
	pthread_mutex_unlock(&c->running);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warn("store: checkpoint: %s", sqlite3_errmsg(c->db));
}

static void *checkpointer_main(void *arg)
{
	struct checkpointer *c = arg;

	pthread_setname_np(pthread_self(), "sysq-checkpoint");
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->due && !c->stopping)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->stopping)
			break;
		c->due = false;
		pthread_mutex_unlock(&c->lock);
		checkpoint(c);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int checkpointer_start(const char *path, int frames, struct checkpointer **ret, char **err)
{
	struct checkpointer *c = xcalloc(1, sizeof(*c));
	int rc;

	c->frames = frames;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->running, NULL);
	pthread_cond_init(&c->wake, NULL);
	rc = db_open(path, DB_HELPER, &c->db, err);
	if (rc < 0)
		goto fail;
	/* A connection that has not read the database yet does not know it
	 * is in WAL mode, and its checkpoints would do nothing. */
	if (sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: %s", path, sqlite3_errmsg(c->db));
		rc = -EIO;
		goto fail;
	}
	rc = pthread_create(&c->thread, NULL, checkpointer_main, c);
	if (rc != 0) {
		*err = xasprintf("cannot start the checkpoint thread: %s", strerror(rc));
		rc = -rc;
		goto fail;
	}
	*ret = c;
	return 0;
fail:
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->running);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return rc;
}

void checkpointer_attach(struct checkpointer *c, sqlite3 *db)
{
	sqlite3_wal_hook(db, on_commit, c);
}

void checkpointer_stop(struct checkpointer *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->running);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
