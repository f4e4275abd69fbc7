/* Publisher and subscriber registry, and event delivery. */
#include "pubsub.h"

#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>

static const char *const publisher_names[PUBLISHER_COUNT] = {
	[PUBLISHER_AUDIT] = "auditeventpublisher",
	[PUBLISHER_BPF_SOCKET] = "bpfsocketpublisher",
	[PUBLISHER_BPF_EXEC] = "bpfexecpublisher",
};

struct pubsub {
	struct publisher *by_id[PUBLISHER_COUNT];
	struct publisher **pubs; /* in the order they were added */
	size_t npubs;
	size_t pubs_cap;
	struct subscriber **subs;
	size_t nsubs;
	size_t subs_cap;
};

const char *publisher_name(enum publisher_id id)
{
	return publisher_names[id];
}

struct pubsub *pubsub_new(void)
{
	return xcalloc(1, sizeof(struct pubsub));
}

void pubsub_free(struct pubsub *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->nsubs; i++) {
		struct subscriber *s = ps->subs[i];

		if (s->finalize)
			s->finalize(s->ctx);
		free(s->pubs);
		free(s->name);
		free(s);
	}
	for (size_t i = 0; i < ps->npubs; i++) {
		free(ps->pubs[i]->subs);
		free(ps->pubs[i]);
	}
	free(ps->subs);
	free(ps->pubs);
	free(ps);
}

struct publisher *pubsub_add_publisher(struct pubsub *ps, enum publisher_id id)
{
	struct publisher *p = ps->by_id[id];

	if (p)
		return p;
	p = xcalloc(1, sizeof(*p));
	p->id = id;
	p->name = publisher_names[id];
	ps->pubs = xgrow(ps->pubs, &ps->pubs_cap, ps->npubs + 1, sizeof(*ps->pubs));
	ps->pubs[ps->npubs++] = p;
	ps->by_id[id] = p;
	return p;
}

struct subscriber *pubsub_add_subscriber(struct pubsub *ps, const char *name, void *ctx,
					 void (*finalize)(void *ctx))
{
	struct subscriber *s = xcalloc(1, sizeof(*s));

	s->name = xstrdup(name);
	s->ctx = ctx;
	s->finalize = finalize;
	s->active = true;
	ps->subs = xgrow(ps->subs, &ps->subs_cap, ps->nsubs + 1, sizeof(*ps->subs));
	ps->subs[ps->nsubs++] = s;
	return s;
}

struct publisher *pubsub_publisher(struct pubsub *ps, enum publisher_id id)
{
	return ps->by_id[id];
}

int pubsub_subscribe(struct pubsub *ps, struct subscriber *sub, enum publisher_id id,
		     subscriber_fn fn)
{
	struct publisher *p = ps->by_id[id];

	if (!p)
		return -ENOENT;
	p->subs = xgrow(p->subs, &p->cap, p->nsubs + 1, sizeof(*p->subs));
	p->subs[p->nsubs++] = (struct subscription){.sub = sub, .fn = fn};
	sub->pubs = xgrow(sub->pubs, &sub->cap, sub->npubs + 1, sizeof(*sub->pubs));
	sub->pubs[sub->npubs++] = p;
	return 0;
}

size_t pubsub_publisher_count(const struct pubsub *ps)
{
	return ps->npubs;
}

size_t pubsub_subscriber_count(const struct pubsub *ps)
{
	return ps->nsubs;
}

struct publisher *pubsub_publisher_at(const struct pubsub *ps, size_t i)
{
	return ps->pubs[i];
}

struct subscriber *pubsub_subscriber_at(const struct pubsub *ps, size_t i)
{
	return ps->subs[i];
}

void pubsub_publish(struct publisher *pub, const void *event)
{
	counter_add(&pub->counters, COUNTER_events, 1);
	for (size_t i = 0; i < pub->nsubs; i++) {
		struct subscriber *s = pub->subs[i].sub;

		if (s->active)
			pub->subs[i].fn(s, s->ctx, event);
	}
}
