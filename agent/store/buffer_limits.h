/* events_max and events_expiry, as the store's writer applies them to
 * each buffer table between batches and inside a batch's transaction. */
#pragma once

#include "store.h"

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

struct store_limits {
	sqlite3 *db;	       /* the writer's connection */
	int64_t events_max;    /* rows per table; 0 for no limit */
	int64_t events_expiry; /* seconds; 0 keeps rows until events_max */
	sqlite3_stmt *horizon; /* the read cursors' horizon, prepared on first use */
};

/* Deletes the oldest rows of t over events_max, read or not, and counts
 * them at once. */
void limits_enforce_max(struct store_limits *l, struct event_table *t);

/* In the batch's transaction: deletes the rows t's batch would put over
 * events_max, left in t->batch_evicted and t->batch_unread for
 * limits_count_eviction once the transaction commits. */
void limits_evict_for_batch(struct store_limits *l, struct event_table *t);

/* Counts n evicted rows of t, `unread` of them not read by a scheduled
 * query, and logs it. */
void limits_count_eviction(const struct store_limits *l, struct event_table *t, int64_t n,
			   int64_t unread);

/* Deletes t's rows older than events_expiry that every scheduled query
 * has read, and counts them. */
void limits_expire(struct store_limits *l, struct event_table *t, time_t now);

void limits_close(struct store_limits *l);
