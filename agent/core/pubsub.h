/* Publish/subscribe between event sources and tables.
 *
 * Publishers own a source (the audit netlink reader, the BPF ring buffer
 * reader) and call pubsub_publish() from their thread. Subscribers
 * are table modules; their callback turns an event into rows and must not
 * block, because it runs on the publisher's reader thread.
 *
 * All registration happens before any publisher starts, so publishing
 * walks immutable lists and takes no lock. */
#pragma once

#include "counters.h"

#include <stdbool.h>
#include <stddef.h>

enum pubsub_event_kind {
	PUBSUB_AUDIT_EVENT,	 /* data: const struct audit_event * */
	PUBSUB_BPF_SOCKET_EVENT, /* data: const struct bpf_socket_call * */
};

struct pubsub_event {
	enum pubsub_event_kind kind;
	const void *data;
};

struct subscriber;
typedef void (*subscriber_fn)(struct subscriber *sub, void *ctx, const struct pubsub_event *ev);

struct publisher {
	char *name;
	struct sysq_counters counters;
	atomic_bool active;
	struct subscriber **subs;
	size_t nsubs;
	size_t cap;
};

struct subscriber {
	char *name;
	struct sysq_counters counters;
	bool active;
	subscriber_fn fn;
	void *ctx;
	void (*finalize)(void *ctx);
	struct publisher **pubs;
	size_t npubs;
	size_t cap;
};

struct pubsub;

struct pubsub *pubsub_new(void);
/* Calls each subscriber's finalizer, then frees everything. */
void pubsub_free(struct pubsub *ps);

struct publisher *pubsub_add_publisher(struct pubsub *ps, const char *name);
struct subscriber *pubsub_add_subscriber(struct pubsub *ps, const char *name, subscriber_fn fn,
					 void *ctx, void (*finalize)(void *ctx));
/* Connects a subscriber to a publisher by name. Returns 0 or -ENOENT. */
int pubsub_subscribe(struct pubsub *ps, struct subscriber *sub, const char *publisher);

struct publisher *pubsub_find_publisher(struct pubsub *ps, const char *name);
struct subscriber *pubsub_find_subscriber(struct pubsub *ps, const char *name);
size_t pubsub_publisher_count(const struct pubsub *ps);
size_t pubsub_subscriber_count(const struct pubsub *ps);
struct publisher *pubsub_publisher_at(const struct pubsub *ps, size_t i);
struct subscriber *pubsub_subscriber_at(const struct pubsub *ps, size_t i);

/* Delivers an event to every active subscriber of `pub` and counts it on
 * the publisher. Subscribers count the events they accept themselves. */
void pubsub_publish(struct publisher *pub, const struct pubsub_event *ev);
