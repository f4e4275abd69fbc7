/* The BPF socket publisher's reader thread and counters. */
#include "bpf_publisher.h"

#include "socket_bpf.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct bpf_publisher {
	struct socket_bpf *sb;
	struct publisher *pub;
	pthread_t thread;
	atomic_bool stop;
	int flush_ms;
};

static void deliver(void *ctx, const struct bpf_socket_call *call)
{
	struct bpf_publisher *bp = ctx;

	if (!call) {
		counter_add(&bp->pub->counters, COUNTER_drop_malformed, 1);
		return;
	}
	pubsub_publish(bp->pub, call);
}

/* The ring is the smallest buffer on the way to the store: when both CPUs
 * are busy, the reader must drain it ahead of the workload and the store
 * writer (whose queue is far larger), or the kernel drops events. So it
 * runs at a higher priority, as auditd does by default (priority_boost
 * 4). Without CAP_SYS_NICE it keeps the agent's priority. */
#define READER_NICE (-4)

static void boost_reader(void)
{
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), READER_NICE) < 0)
		log_info("bpf: reader stays at normal priority: %s", strerror(errno));
}

static void *reader(void *arg)
{
	struct bpf_publisher *bp = arg;

	pthread_setname_np(pthread_self(), "sysq-bpf");
	boost_reader();

	while (!atomic_load(&bp->stop)) {
		int n = socket_bpf_poll(bp->sb, bp->flush_ms, deliver, bp);

		if (n < 0 && n != -EINTR) {
			log_error("bpf: reading the ring buffer: %s", strerror(-n));
			break;
		}
		counter_add(&bp->pub->counters, COUNTER_refreshes, 1);
	}
	return NULL;
}

int bpf_publisher_start(const struct bpf_publisher_options *opt, struct publisher *pub,
			struct bpf_publisher **ret, char **err)
{
	struct socket_bpf_options sopt = {
		.filters = opt->filters,
		.allow_unix = opt->allow_unix,
		.ring_size = opt->ring_size,
		.self = getpid(),
		.syscall_exit = opt->syscall_exit,
		.sends = opt->sends,
		.send_dedup_ms = opt->send_dedup_ms,
	};
	struct bpf_publisher *bp = xcalloc(1, sizeof(*bp));
	int rc;

	atomic_store(&pub->active, false);
	rc = socket_bpf_open(&sopt, &bp->sb, err);
	if (rc < 0) {
		free(bp);
		return rc;
	}
	bp->pub = pub;
	bp->flush_ms = opt->flush_ms;
	rc = pthread_create(&bp->thread, NULL, reader, bp);
	if (rc != 0) {
		*err = xasprintf("cannot start the reader thread: %s", strerror(rc));
		socket_bpf_close(bp->sb);
		free(bp);
		return -rc;
	}
	atomic_store(&pub->active, true);
	log_info("bpf: socket programs attached (%s); socket_events comes from BPF",
		 opt->syscall_exit ? "sys_exit" : "socket hooks");
	*ret = bp;
	return 0;
}

void bpf_publisher_tick(struct bpf_publisher *bp)
{
	uint64_t c[SOCKET_BPF_COUNTERS];

	if (!bp)
		return;
	socket_bpf_counters(bp->sb, c);
	for (int i = 0; i < SOCKET_BPF_COUNTERS; i++)
		counter_set(&bp->pub->counters, socket_bpf_counter_id(i), c[i]);
}

/* Records still waiting in socket storage for their call's result when
 * the programs are gone never reach the table: counted lost, and said. */
#define DETACH_SETTLE_US 20000

static void count_waiting_at_stop(struct bpf_publisher *bp)
{
	struct sysq_counters *c = &bp->pub->counters;
	uint64_t waiting = counter_get(c, COUNTER_bpf_waiting);

	if (!waiting)
		return;
	counter_add(c, COUNTER_lost_pending, waiting);
	counter_set(c, COUNTER_bpf_waiting, 0);
	log_warn("bpf: %" PRIu64 " socket calls were still waiting for their result (a UDP "
		 "socket connected and not used since, a TCP handshake under way) and are not "
		 "in socket_events; counted in lost_pending",
		 waiting);
}

void bpf_publisher_stop(struct bpf_publisher *bp)
{
	if (!bp)
		return;
	atomic_store(&bp->stop, true);
	pthread_join(bp->thread, NULL);
	socket_bpf_detach(bp->sb);
	/* A program already running when its link went may still submit:
	 * give it a moment, then read what arrived since. */
	usleep(DETACH_SETTLE_US);
	socket_bpf_poll(bp->sb, 0, deliver, bp);
	bpf_publisher_tick(bp);
	count_waiting_at_stop(bp);
	atomic_store(&bp->pub->active, false);
	socket_bpf_close(bp->sb);
	free(bp);
}
