/* Every metric sysq exposes, read from the daemon's parts as sysq_events
 * reads them (docs/metrics.md). Nothing here runs SQL or waits on another
 * thread: counters and gauges are atomics, the publisher and table lists
 * do not change once the daemon runs, and the database's size is a stat(). */
#include "sources.h"

#include "drop_reasons.h"
#include "exposition.h"

#include "audit/publisher.h"
#include "scheduler/scheduler.h"
#include "store/log_buffer.h"
#include "store/store.h"

#include "common/strbuf.h"
#include "core/pubsub.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void publisher_counter(struct strbuf *out, const struct metrics_sources *src,
			      const char *name, enum counter_id id, const char *help)
{
	expo_family(out, name, METRIC_COUNTER, help);
	for (size_t i = 0; i < pubsub_publisher_count(src->pubsub); i++) {
		struct publisher *p = pubsub_publisher_at(src->pubsub, i);
		struct metric_label l = {"publisher", p->name};

		expo_sample(out, name, &l, 1, counter_get(&p->counters, id));
	}
}

static void table_counter(struct strbuf *out, const struct metrics_sources *src, const char *name,
			  enum counter_id id, const char *help)
{
	expo_family(out, name, METRIC_COUNTER, help);
	for (size_t i = 0; i < pubsub_subscriber_count(src->pubsub); i++) {
		struct subscriber *s = pubsub_subscriber_at(src->pubsub, i);
		struct metric_label l = {"table", s->name};

		expo_sample(out, name, &l, 1, counter_get(&s->counters, id));
	}
}

static void publishers(struct strbuf *out, const struct metrics_sources *src)
{
	expo_family(out, "sysq_publisher_active", METRIC_GAUGE,
		    "1 while the publisher runs and reads its source (sysq_events.active)");
	for (size_t i = 0; i < pubsub_publisher_count(src->pubsub); i++) {
		struct publisher *p = pubsub_publisher_at(src->pubsub, i);
		struct metric_label l = {"publisher", p->name};

		expo_sample(out, "sysq_publisher_active", &l, 1, atomic_load(&p->active));
	}
	publisher_counter(out, src, "sysq_publisher_events_total", COUNTER_events,
			  "Events the publisher read from its source and published "
			  "(sysq_events.events of the publisher)");
	publisher_counter(out, src, "sysq_publisher_wakeups_total", COUNTER_refreshes,
			  "Times the publisher's reader woke up to read (sysq_events.refreshes)");
	expo_family(out, "sysq_bpf_waiting", METRIC_GAUGE,
		    "Socket calls whose record waits in the kernel for the call's result "
		    "(sysq_events.bpf_waiting)");
	for (size_t i = 0; i < pubsub_publisher_count(src->pubsub); i++) {
		struct publisher *p = pubsub_publisher_at(src->pubsub, i);
		struct metric_label l = {"publisher", p->name};

		expo_sample(out, "sysq_bpf_waiting", &l, 1,
			    counter_get(&p->counters, COUNTER_bpf_waiting));
	}
}

static void tables(struct strbuf *out, const struct metrics_sources *src)
{
	table_counter(out, src, "sysq_events_total", COUNTER_events,
		      "Rows the table built from its publishers' events (sysq_events.events "
		      "of the table)");
	table_counter(out, src, "sysq_events_stored_total", COUNTER_stored,
		      "Rows written to the event store (sysq_events.stored)");
	table_counter(out, src, "sysq_rows_cgroup_unknown_total", COUNTER_cgroup_unknown,
		      "Rows stored with NULL cgroup and container columns (sysq_events.cgroup_unknown)");
	table_counter(out, src, "sysq_rows_file_unread_total", COUNTER_file_unread,
		      "process_events rows stored with NULL file times (sysq_events.file_unread)");
	expo_family(out, "sysq_events_buffered", METRIC_GAUGE,
		    "Rows the table holds now (sysq_events.buffered)");
	for (size_t i = 0; i < pubsub_subscriber_count(src->pubsub); i++) {
		struct subscriber *s = pubsub_subscriber_at(src->pubsub, i);
		struct event_table *t = store_find_table(src->store, s->name);
		struct metric_label l = {"table", s->name};
		int64_t n = t ? atomic_load(&t->buffered) : 0;

		expo_sample(out, "sysq_events_buffered", &l, 1, n > 0 ? (uint64_t)n : 0);
	}
}

/* One sample per reason that can happen on this kind of row. */
static void drops_of(struct strbuf *out, const char *kind, const char *name,
		     const struct sysq_counters *c, unsigned on)
{
	for (unsigned id = 0; id < COUNTER_COUNT; id++) {
		const struct drop_reason *r = &drop_reasons[id];
		struct metric_label l[2] = {{kind, name}, {"reason", r->reason}};

		if (r->reason && (r->on & on))
			expo_sample(out, "sysq_events_dropped_total", l, 2, counter_get(c, id));
	}
}

static void drops(struct strbuf *out, const struct metrics_sources *src)
{
	expo_family(out, "sysq_events_dropped_total", METRIC_COUNTER,
		    "Events lost, filtered or deleted, by publisher or table and reason (the "
		    "sysq_events column of each reason: docs/metrics.md)");
	for (size_t i = 0; i < pubsub_publisher_count(src->pubsub); i++) {
		struct publisher *p = pubsub_publisher_at(src->pubsub, i);

		drops_of(out, "publisher", p->name, &p->counters, DROP_ON_PUBLISHER);
	}
	for (size_t i = 0; i < pubsub_subscriber_count(src->pubsub); i++) {
		struct subscriber *s = pubsub_subscriber_at(src->pubsub, i);

		drops_of(out, "table", s->name, &s->counters, DROP_ON_TABLE);
	}
}

static void audit_gauges(struct strbuf *out, const struct metrics_sources *src)
{
	struct audit_publisher_health h;

	if (!src->audit)
		return;
	audit_publisher_health(src->audit, &h);
	expo_single(out, "sysq_audit_backlog", METRIC_GAUGE,
		    "Records in the kernel's audit backlog, as of the last once-a-second check",
		    h.backlog);
	expo_single(out, "sysq_audit_backlog_limit", METRIC_GAUGE,
		    "The kernel's audit backlog limit: past it records are lost (kernel_lost)",
		    h.backlog_limit);
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static uint64_t resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long long size = 0, resident = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void store_gauges(struct strbuf *out, const struct metrics_sources *src)
{
	struct strbuf wal = STRBUF_INIT;

	expo_single(out, "sysq_store_queue_rows", METRIC_GAUGE, "Rows waiting for the store writer",
		    store_queue_length(src->store));
	expo_single(out, "sysq_store_queue_bytes", METRIC_GAUGE,
		    "Bytes the rows waiting for the store writer take",
		    store_queue_bytes(src->store));
	expo_single(out, "sysq_store_writer_stalled_seconds", METRIC_GAUGE,
		    "Seconds rows have waited on a writer that finished no write (0: none "
		    "waits, or the writer keeps up)",
		    (uint64_t)store_writer_stalled_ms(src->store, NULL) / 1000);
	sb_printf(&wal, "%s-wal", src->db_path);
	expo_single(out, "sysq_database_size_bytes", METRIC_GAUGE, "Size of the database file",
		    file_size(src->db_path));
	expo_single(out, "sysq_database_wal_size_bytes", METRIC_GAUGE,
		    "Size of the database's write-ahead log", file_size(sb_str(&wal)));
	sb_free(&wal);
}

static void process_gauges(struct strbuf *out, const struct metrics_sources *src)
{
	uint64_t runs = 0, failures = 0;

	expo_single(out, "sysq_resident_memory_bytes", METRIC_GAUGE,
		    "Resident memory of the daemon", resident_bytes());
	if (src->scheduler)
		scheduler_counts(src->scheduler, &runs, &failures);
	expo_single(out, "sysq_scheduled_query_runs_total", METRIC_COUNTER,
		    "Scheduled query runs since the daemon started", runs);
	expo_single(out, "sysq_scheduled_query_failures_total", METRIC_COUNTER,
		    "Scheduled query runs that ended in an error (logged) since the daemon "
		    "started",
		    failures);
}

/* Why a shipping logger dropped lines: the sysq_events column of each
 * reason. */
static const struct {
	enum counter_id id;
	const char *reason;
} log_drops[] = {
    {COUNTER_evicted, "buffer_full"},
    {COUNTER_drop_malformed, "undeliverable"},
    {COUNTER_drop_write_error, "write_error"},
    {COUNTER_drop_too_large, "too_large"},
    {COUNTER_drop_queue_full, "queue_full"},
};

enum { LINES, LINES_SENT, LINES_BUFFERED, LINES_DROPPED };

/* Family `f`'s samples for one logger's buffer. */
static void shipping_samples(struct strbuf *out, const char *family, int f, struct log_buffer *b)
{
	const struct sysq_counters *c = log_buffer_counters(b);
	struct metric_label l[2] = {{"logger", log_buffer_sink(b)}, {"reason", NULL}};
	int64_t pending = log_buffer_pending(b);

	switch (f) {
	case LINES:
		expo_sample(out, family, l, 1, counter_get(c, COUNTER_events));
		break;
	case LINES_SENT:
		expo_sample(out, family, l, 1, counter_get(c, COUNTER_stored));
		break;
	case LINES_BUFFERED:
		expo_sample(out, family, l, 1, pending > 0 ? (uint64_t)pending : 0);
		break;
	default:
		for (size_t i = 0; i < sizeof(log_drops) / sizeof(log_drops[0]); i++) {
			l[1].value = log_drops[i].reason;
			expo_sample(out, family, l, 2, counter_get(c, log_drops[i].id));
		}
	}
}

/* The shipping loggers' lines (the sysq_events rows of type 'logger'). */
static void shipping(struct strbuf *out, const struct metrics_sources *src)
{
	/* In the order of LINES... */
	static const struct {
		const char *name;
		enum metric_type type;
		const char *help;
	} families[] = {
	    {"sysq_log_lines_total", METRIC_COUNTER,
	     "Lines given to a shipping logger (sysq_events.events)"},
	    {"sysq_log_lines_sent_total", METRIC_COUNTER,
	     "Lines the broker or fleet server acknowledged (sysq_events.stored)"},
	    {"sysq_log_lines_buffered", METRIC_GAUGE,
	     "Lines waiting in the durable log buffer (sysq_events.buffered)"},
	    {"sysq_log_lines_dropped_total", METRIC_COUNTER,
	     "Lines a shipping logger dropped, by reason (docs/metrics.md)"},
	};

	if (!src->log_buffers[0])
		return;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		expo_family(out, families[f].name, families[f].type, families[f].help);
		for (size_t i = 0; src->log_buffers[i]; i++)
			shipping_samples(out, families[f].name, (int)f, src->log_buffers[i]);
	}
}

void metrics_render(const struct metrics_sources *src, struct strbuf *out)
{
	struct metric_label version = {"version", SYSQ_VERSION};

	expo_family(out, "sysq_build_info", METRIC_GAUGE, "Always 1; the version is a label");
	expo_sample(out, "sysq_build_info", &version, 1, 1);
	expo_single(out, "sysq_healthy", METRIC_GAUGE,
		    "1 when /healthz would answer 200, else 0 (docs/metrics.md)",
		    metrics_health(src, NULL));
	publishers(out, src);
	tables(out, src);
	drops(out, src);
	audit_gauges(out, src);
	store_gauges(out, src);
	process_gauges(out, src);
	shipping(out, src);
}
