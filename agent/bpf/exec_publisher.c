/* The BPF exec publisher's reader thread and counters. */
#include "exec_publisher.h"

#include "exec_bpf.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct exec_publisher {
	struct exec_bpf *eb;
	struct publisher *pub;
	pthread_t thread;
	atomic_bool stop;
	int flush_ms;
};

static void deliver(void *ctx, const struct bpf_exec *e)
{
	struct exec_publisher *ep = ctx;

	if (!e) {
		counter_add(&ep->pub->counters, COUNTER_drop_malformed, 1);
		return;
	}
	pubsub_publish(ep->pub, e);
}

static void *reader(void *arg)
{
	struct exec_publisher *ep = arg;

	pthread_setname_np(pthread_self(), "sysq-bpf-exec");
	while (!atomic_load(&ep->stop)) {
		int n = exec_bpf_poll(ep->eb, ep->flush_ms, deliver, ep);

		if (n < 0 && n != -EINTR) {
			log_error("bpf: reading the exec ring buffer: %s", strerror(-n));
			break;
		}
		if (n > 0)
			counter_add(&ep->pub->counters, COUNTER_refreshes, 1);
	}
	return NULL;
}

int exec_publisher_start(const struct exec_publisher_options *opt, struct publisher *pub,
			 struct exec_publisher **ret, char **err)
{
	struct exec_bpf_options eopt = {.filters = opt->filters,
					.ring_size = opt->ring_size,
					.fork = opt->fork,
					.exit = opt->exit,
					.kill = opt->kill,
					.threads = opt->threads};
	struct exec_publisher *ep = xcalloc(1, sizeof(*ep));
	int rc;

	atomic_store(&pub->active, false);
	rc = exec_bpf_open(&eopt, &ep->eb, err);
	if (rc < 0) {
		free(ep);
		return rc;
	}
	ep->pub = pub;
	ep->flush_ms = opt->flush_ms;
	rc = pthread_create(&ep->thread, NULL, reader, ep);
	if (rc != 0) {
		*err = xasprintf("cannot start the exec reader thread: %s", strerror(rc));
		exec_bpf_close(ep->eb);
		free(ep);
		return -rc;
	}
	atomic_store(&pub->active, true);
	log_info("bpf: exec program attached; process_events comes from BPF");
	*ret = ep;
	return 0;
}

void exec_publisher_tick(struct exec_publisher *ep)
{
	uint64_t c[EXEC_BPF_COUNTERS];

	if (!ep)
		return;
	exec_bpf_counters(ep->eb, c);
	for (int i = 0; i < EXEC_BPF_COUNTERS; i++)
		counter_set(&ep->pub->counters, exec_bpf_counter_id(i), c[i]);
}

void exec_publisher_stop(struct exec_publisher *ep)
{
	if (!ep)
		return;
	atomic_store(&ep->stop, true);
	pthread_join(ep->thread, NULL);
	exec_bpf_poll(ep->eb, 0, deliver, ep); /* what arrived since */
	exec_publisher_tick(ep);
	atomic_store(&ep->pub->active, false);
	exec_bpf_close(ep->eb);
	free(ep);
}
