/* sysq_events: one row per publisher and subscriber, with every counter.
 *
 * Example:
 *   SELECT name, type, events, stored, lost_kernel, drop_queue_full, evicted
 *     FROM sysq_events;
 *
 * Publishers count what their source lost (kernel backlog, socket overruns,
 * malformed and incomplete records); subscribers count what happened to
 * their rows (queue full, write errors, expiry, events_max evictions).
 * `buffered` is the number of rows a subscriber's table holds now.
 *
 * Each buffer of a shipping logger (kafka_producer; tls, and tls_status
 * for the fleet server's status lines) adds a row of type 'logger': events
 * are the lines it was given, stored the lines the broker confirmed,
 * buffered the lines waiting in the durable log buffer, evicted the lines
 * dropped past --buffered_log_max, drop_write_error the lines the
 * buffer could not keep, drop_too_large the lines over the logger's size
 * limit and drop_queue_full the status lines lost in front of it. */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "store/log_buffer.h"
#include "store/store.h"

#include "core/counters.h"
#include "core/pubsub.h"
#include "registry/table_module.h"

#include "common/strbuf.h"

enum {
	COL_name,
	COL_publisher,
	COL_type,
	COL_subscriptions,
	COL_active,
	COL_buffered,
	COL_first_counter,
};

static const struct column_def sysq_events_columns[] = {
	{"name", COLUMN_TEXT, false, "Publisher or subscriber name"},
	{"publisher", COLUMN_TEXT, false, "Publisher, or the publishers a subscriber reads"},
	{"type", COLUMN_TEXT, false, "publisher, subscriber or logger (a shipping logger)"},
	{"subscriptions", COLUMN_INTEGER, false,
	 "Subscribers of a publisher, or publishers of a subscriber"},
	{"active", COLUMN_INTEGER, false, "1 if running (publisher) or enabled (subscriber)"},
	{"buffered", COLUMN_INTEGER, false, "Rows buffered in the subscriber's table now"},
#define X(name, desc) {#name, COLUMN_INTEGER, false, desc},
	SYSQ_COUNTERS(X)
#undef X
};

static const struct table_def sysq_events_def = {
	.name = "sysq_events",
	.description = "Event publishers and subscribers, with events seen, stored and lost "
		       "by cause",
	.columns = sysq_events_columns,
	.ncolumns = sizeof(sysq_events_columns) / sizeof(sysq_events_columns[0]),
	.time_column = -1,
	.eid_column = -1,
};

static void set_counters(struct row *row, const struct sysq_counters *c)
{
	for (unsigned i = 0; i < COUNTER_COUNT; i++)
		row_set_int(row, COL_first_counter + i, (int64_t)counter_get(c, i));
}

static void add_publisher(struct snapshot_rows *out, struct publisher *p)
{
	struct row *row = snapshot_add_row(out, sysq_events_def.ncolumns);

	row_set_str(row, COL_name, p->name);
	row_set_str(row, COL_publisher, p->name);
	row_set_str(row, COL_type, "publisher");
	row_set_int(row, COL_subscriptions, (int64_t)p->nsubs);
	row_set_int(row, COL_active, atomic_load(&p->active));
	set_counters(row, &p->counters);
}

static void add_subscriber(struct snapshot_rows *out, struct subscriber *s, struct store *store)
{
	struct row *row = snapshot_add_row(out, sysq_events_def.ncolumns);
	struct event_table *t = store ? store_find_table(store, s->name) : NULL;
	struct strbuf pubs = STRBUF_INIT;

	for (size_t i = 0; i < s->npubs; i++)
		sb_printf(&pubs, "%s%s", i ? "," : "", s->pubs[i]->name);
	row_set_str(row, COL_name, s->name);
	row_set_strbuf(row, COL_publisher, &pubs);
	row_set_str(row, COL_type, "subscriber");
	row_set_int(row, COL_subscriptions, (int64_t)s->npubs);
	row_set_int(row, COL_active, s->active);
	if (t)
		row_set_int(row, COL_buffered, atomic_load(&t->buffered));
	set_counters(row, &s->counters);
	sb_free(&pubs);
}

static void add_logger(struct snapshot_rows *out, struct log_buffer *b, const char *from)
{
	struct row *row = snapshot_add_row(out, sysq_events_def.ncolumns);

	row_set_str(row, COL_name, log_buffer_sink(b));
	row_set_str(row, COL_publisher, from);
	row_set_str(row, COL_type, "logger");
	row_set_int(row, COL_subscriptions, 0);
	row_set_int(row, COL_active, 1);
	row_set_int(row, COL_buffered, log_buffer_pending(b));
	set_counters(row, log_buffer_counters(b));
}

static void fill_sysq_events(const void *ctx, struct snapshot_rows *out)
{
	const struct catalog *cat = ctx;

	if (!cat->pubsub)
		return;
	for (size_t i = 0; i < pubsub_publisher_count(cat->pubsub); i++)
		add_publisher(out, pubsub_publisher_at(cat->pubsub, i));
	for (size_t i = 0; i < pubsub_subscriber_count(cat->pubsub); i++)
		add_subscriber(out, pubsub_subscriber_at(cat->pubsub, i), cat->store);
	for (size_t i = 0; i < LOG_BUFFERS_MAX && cat->results_buffers[i]; i++)
		add_logger(out, cat->results_buffers[i], "scheduler");
	if (cat->status_buffer)
		add_logger(out, cat->status_buffer, "log");
}

const struct snapshot_module sysq_events_module = {
	.def = &sysq_events_def,
	.fill = fill_sysq_events,
	/* osquery's osquery_events columns, so its queries work unchanged. */
	.view_sql = "CREATE TEMP VIEW osquery_events AS "
		    "SELECT name, publisher, type, subscriptions, events, refreshes, active "
		    "FROM sysq_events",
	.view_doc = "### osquery_events\n\nA view over `sysq_events` with osquery's columns: "
		    "`name`, `publisher`, `type`, `subscriptions`, `events`, `refreshes`, "
		    "`active`.\n",
};
