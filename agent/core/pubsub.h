/* Publish/subscribe between event sources and tables.
 *
 * Publishers own a source (the audit netlink reader, the BPF ring buffer
 * reader) and call pubsub_publish() from their thread. Subscribers are
 * table modules; a subscriber gives one callback per publisher it reads,
 * and each callback knows the type of that publisher's events. Callbacks
 * must not block: they run on the publisher's reader thread.
 *
 * All registration happens before any publisher starts, so publishing
 * walks immutable lists and takes no lock. */
#pragma once

#include "counters.h"

#include <stdbool.h>
#include <stddef.h>

/* Every publisher sysq has, and the type of the events it publishes. */
enum publisher_id {
	PUBLISHER_AUDIT,      /* const struct audit_event * (audit/assembler.h) */
	PUBLISHER_BPF_SOCKET, /* const struct bpf_socket_call * (bpf/socket_decode.h) */
	PUBLISHER_BPF_EXEC,   /* const struct bpf_exec * (bpf/exec_decode.h) */
	PUBLISHER_COUNT
};

/* The name sysq_events shows ("auditeventpublisher" is osquery's). */
const char *publisher_name(enum publisher_id id);

struct subscriber;
/* `event` has the type its publisher's id names. */
typedef void (*subscriber_fn)(struct subscriber *sub, void *ctx, const void *event);

struct subscription {
	struct subscriber *sub;
	subscriber_fn fn;
};

struct publisher {
	enum publisher_id id;
	const char *name;
	struct sysq_counters counters;
	atomic_bool active;
	struct subscription *subs;
	size_t nsubs;
	size_t cap;
};

struct subscriber {
	char *name;
	struct sysq_counters counters;
	bool active;
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

/* Adds the publisher `id`; adding one twice returns the first. */
struct publisher *pubsub_add_publisher(struct pubsub *ps, enum publisher_id id);
struct subscriber *pubsub_add_subscriber(struct pubsub *ps, const char *name, void *ctx,
					 void (*finalize)(void *ctx));
/* Delivers the events of publisher `id` to `sub` through `fn`. Returns 0,
 * or -ENOENT when that publisher was not added. */
int pubsub_subscribe(struct pubsub *ps, struct subscriber *sub, enum publisher_id id,
		     subscriber_fn fn);

/* The publisher `id`, or NULL when it was not added. */
struct publisher *pubsub_publisher(struct pubsub *ps, enum publisher_id id);
/* Publishers and subscribers in the order they were added. */
size_t pubsub_publisher_count(const struct pubsub *ps);
size_t pubsub_subscriber_count(const struct pubsub *ps);
struct publisher *pubsub_publisher_at(const struct pubsub *ps, size_t i);
struct subscriber *pubsub_subscriber_at(const struct pubsub *ps, size_t i);

/* Delivers an event to every active subscriber of `pub` and counts it on
 * the publisher. Subscribers count the events they accept themselves. */
void pubsub_publish(struct publisher *pub, const void *event);
