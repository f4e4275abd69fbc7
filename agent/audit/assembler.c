/* Audit event assembler: pending events in arrival order, matched by id. */
#include "assembler.h"

#include "record_types.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct audit_assembler {
	audit_event_fn on_event;
	void *ctx;
	uint32_t timeout_ms;
	uint32_t max_pending;
	/* Pending events in arrival order (oldest gives up first), and a hash
	 * of them by serial. Normally one or two are pending; when the kernel
	 * drops records, events missing their EOE pile up to max_pending, and
	 * every record must still find its event in constant time. */
	struct audit_event *oldest;
	struct audit_event *newest;
	struct audit_event **buckets;
	size_t nbuckets; /* a power of two */
	size_t npending;
	uint64_t incomplete;
	bool log_input;
};

struct audit_assembler *audit_assembler_new(audit_event_fn on_event, void *ctx,
					    uint32_t timeout_ms, uint32_t max_pending)
{
	struct audit_assembler *a = xcalloc(1, sizeof(*a));

	a->on_event = on_event;
	a->ctx = ctx;
	a->timeout_ms = timeout_ms;
	a->max_pending = max_pending ? max_pending : 1;
	a->nbuckets = 16;
	while (a->nbuckets < 2 * (size_t)a->max_pending)
		a->nbuckets *= 2;
	a->buckets = xcalloc(a->nbuckets, sizeof(*a->buckets));
	return a;
}

static void event_free(struct audit_event *ev)
{
	struct audit_record *r = ev->first;

	while (r) {
		struct audit_record *next = r->next;

		audit_record_free(r);
		r = next;
	}
	free(ev);
}

void audit_assembler_free(struct audit_assembler *a)
{
	if (!a)
		return;
	while (a->oldest) {
		struct audit_event *next = a->oldest->newer;

		event_free(a->oldest);
		a->oldest = next;
	}
	free(a->buckets);
	free(a);
}

static struct audit_event **bucket_of(struct audit_assembler *a, uint64_t serial)
{
	return &a->buckets[serial & (a->nbuckets - 1)];
}

static bool same_id(const struct audit_event *ev, const struct audit_record *rec)
{
	return ev->serial == rec->serial && ev->sec == rec->sec && ev->msec == rec->msec;
}

static struct audit_event *find_pending(struct audit_assembler *a, const struct audit_record *rec)
{
	for (struct audit_event *ev = *bucket_of(a, rec->serial); ev; ev = ev->hash_next) {
		if (same_id(ev, rec))
			return ev;
	}
	return NULL;
}

static void add_pending(struct audit_assembler *a, struct audit_event *ev)
{
	struct audit_event **bucket = bucket_of(a, ev->serial);

	ev->hash_next = *bucket;
	*bucket = ev;
	ev->older = a->newest;
	ev->newer = NULL;
	if (a->newest)
		a->newest->newer = ev;
	else
		a->oldest = ev;
	a->newest = ev;
	a->npending++;
}

static void remove_pending(struct audit_assembler *a, struct audit_event *ev)
{
	struct audit_event **p = bucket_of(a, ev->serial);

	while (*p != ev)
		p = &(*p)->hash_next;
	*p = ev->hash_next;
	if (ev->older)
		ev->older->newer = ev->newer;
	else
		a->oldest = ev->newer;
	if (ev->newer)
		ev->newer->older = ev->older;
	else
		a->newest = ev->older;
	a->npending--;
}

static void event_append(struct audit_event *ev, struct audit_record *rec)
{
	rec->next = NULL;
	if (ev->last)
		ev->last->next = rec;
	else
		ev->first = rec;
	ev->last = rec;
	ev->nrecords++;
	if (rec->type == AUDIT_TYPE_SYSCALL)
		ev->has_syscall = true;
}

static struct audit_event *event_new(const struct audit_record *rec, uint64_t now_ms)
{
	struct audit_event *ev = xcalloc(1, sizeof(*ev));

	ev->sec = rec->sec;
	ev->msec = rec->msec;
	ev->serial = rec->serial;
	ev->arrived_ms = now_ms;
	return ev;
}

static void deliver(struct audit_assembler *a, struct audit_event *ev)
{
	a->on_event(a->ctx, ev);
	event_free(ev);
}

void audit_assembler_set_log_input(struct audit_assembler *a, bool log_input)
{
	a->log_input = log_input;
}

/* An event whose EOE never came: deliver what is not a syscall event,
 * drop and count what is. */
static void give_up(struct audit_assembler *a, struct audit_event *ev)
{
	if (ev->has_syscall && !a->log_input) {
		a->incomplete++;
		event_free(ev);
		return;
	}
	deliver(a, ev);
}

/* True when `rec` comes from a later event than `ev`: a higher serial in
 * the same boot, or a clock far ahead (the serial restarts at a reboot). */
static bool is_later(const struct audit_event *ev, const struct audit_record *rec)
{
	return rec->serial > ev->serial || rec->sec > ev->sec + 2;
}

/* Log input: a record of a new, later event completes the pending syscall
 * events before it, since a log has no EOE to end them. */
static void complete_earlier(struct audit_assembler *a, const struct audit_record *rec)
{
	struct audit_event *ev = a->oldest;

	while (ev) {
		struct audit_event *next = ev->newer;

		if (ev->has_syscall && is_later(ev, rec)) {
			remove_pending(a, ev);
			deliver(a, ev);
		}
		ev = next;
	}
}

/* EOE ends an event; so does PROCTITLE, which the kernel sends last. */
static bool ends_event(const struct audit_event *ev, const struct audit_record *rec)
{
	return rec->type == AUDIT_TYPE_EOE || (rec->type == AUDIT_TYPE_PROCTITLE && ev->has_syscall);
}

void audit_assembler_feed(struct audit_assembler *a, struct audit_record *rec, uint64_t now_ms)
{
	struct audit_event *ev = find_pending(a, rec);

	if (!ev && a->log_input && !audit_type_is_standalone(rec->type))
		complete_earlier(a, rec);

	if (!ev && rec->type == AUDIT_TYPE_EOE) {
		/* The end of an event already given up: nothing left to end. */
		audit_record_free(rec);
		return;
	}
	if (!ev && audit_type_is_standalone(rec->type)) {
		ev = event_new(rec, now_ms);
		event_append(ev, rec);
		deliver(a, ev);
		return;
	}
	if (!ev) {
		if (a->npending >= a->max_pending) {
			struct audit_event *oldest = a->oldest;

			remove_pending(a, oldest);
			give_up(a, oldest);
		}
		ev = event_new(rec, now_ms);
		add_pending(a, ev);
	}
	if (!ends_event(ev, rec)) {
		event_append(ev, rec);
		return;
	}
	if (rec->type == AUDIT_TYPE_EOE)
		audit_record_free(rec);
	else
		event_append(ev, rec);
	remove_pending(a, ev);
	deliver(a, ev);
}

void audit_assembler_tick(struct audit_assembler *a, uint64_t now_ms)
{
	/* Events are in arrival order, so the expired ones are the oldest. */
	while (a->oldest && now_ms - a->oldest->arrived_ms >= a->timeout_ms) {
		struct audit_event *ev = a->oldest;

		remove_pending(a, ev);
		give_up(a, ev);
	}
}

void audit_assembler_flush(struct audit_assembler *a)
{
	while (a->oldest) {
		struct audit_event *ev = a->oldest;

		remove_pending(a, ev);
		give_up(a, ev);
	}
}

uint64_t audit_assembler_incomplete(const struct audit_assembler *a)
{
	return a->incomplete;
}

const struct audit_record *audit_event_record(const struct audit_event *ev, uint16_t type)
{
	for (const struct audit_record *r = ev->first; r; r = r->next) {
		if (r->type == type)
			return r;
	}
	return NULL;
}
