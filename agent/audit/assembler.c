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
	/* Oldest first; usually one or two entries, so a linear search from
	 * the newest end beats any index. */
	struct audit_event **pending;
	size_t npending;
	size_t cap;
	uint64_t incomplete;
};

struct audit_assembler *audit_assembler_new(audit_event_fn on_event, void *ctx,
					    uint32_t timeout_ms, uint32_t max_pending)
{
	struct audit_assembler *a = xcalloc(1, sizeof(*a));

	a->on_event = on_event;
	a->ctx = ctx;
	a->timeout_ms = timeout_ms;
	a->max_pending = max_pending ? max_pending : 1;
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
	for (size_t i = 0; i < a->npending; i++)
		event_free(a->pending[i]);
	free(a->pending);
	free(a);
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

/* An event whose EOE never came: deliver what is not a syscall event,
 * drop and count what is. */
static void give_up(struct audit_assembler *a, struct audit_event *ev)
{
	if (ev->has_syscall) {
		a->incomplete++;
		event_free(ev);
		return;
	}
	deliver(a, ev);
}

static void remove_pending(struct audit_assembler *a, size_t i)
{
	memmove(&a->pending[i], &a->pending[i + 1], (a->npending - i - 1) * sizeof(a->pending[0]));
	a->npending--;
}

static ssize_t find_pending(const struct audit_assembler *a, const struct audit_record *rec)
{
	for (size_t i = a->npending; i-- > 0;) {
		const struct audit_event *ev = a->pending[i];

		if (ev->serial == rec->serial && ev->sec == rec->sec && ev->msec == rec->msec)
			return (ssize_t)i;
	}
	return -1;
}

void audit_assembler_feed(struct audit_assembler *a, struct audit_record *rec, uint64_t now_ms)
{
	ssize_t i = find_pending(a, rec);
	struct audit_event *ev;

	if (i < 0 && rec->type == AUDIT_TYPE_EOE) {
		/* The end of an event already given up: nothing left to end. */
		audit_record_free(rec);
		return;
	}
	if (i < 0 && audit_type_is_standalone(rec->type)) {
		ev = event_new(rec, now_ms);
		event_append(ev, rec);
		deliver(a, ev);
		return;
	}
	if (i < 0) {
		if (a->npending >= a->max_pending) {
			give_up(a, a->pending[0]);
			remove_pending(a, 0);
		}
		a->pending = xgrow(a->pending, &a->cap, a->npending + 1, sizeof(a->pending[0]));
		i = (ssize_t)a->npending++;
		a->pending[i] = event_new(rec, now_ms);
	}
	ev = a->pending[i];
	if (rec->type == AUDIT_TYPE_EOE) {
		audit_record_free(rec);
		remove_pending(a, (size_t)i);
		deliver(a, ev);
		return;
	}
	event_append(ev, rec);
}

void audit_assembler_tick(struct audit_assembler *a, uint64_t now_ms)
{
	/* Events are in arrival order, so the expired ones are at the front. */
	while (a->npending > 0 && now_ms - a->pending[0]->arrived_ms >= a->timeout_ms) {
		struct audit_event *ev = a->pending[0];

		remove_pending(a, 0);
		give_up(a, ev);
	}
}

void audit_assembler_flush(struct audit_assembler *a)
{
	while (a->npending > 0) {
		struct audit_event *ev = a->pending[0];

		remove_pending(a, 0);
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
