/* Loading, configuring and reading the socket BPF programs.
 *
 * One object holds both sets of programs (bpf/socket_events.bpf.c); only
 * the chosen set is loaded. The socket-hook set attaches to the cgroup v2
 * root through BPF links, and its two tracepoint programs through raw
 * tracepoint links, so everything detaches when the agent's descriptors
 * close, whichever way it exits. */
#include "socket_bpf.h"

#include "bpf_util.h"
#include "cgroup_root.h"

/* The skeleton declares the programs' globals, whose types come first. */
#include "sysq_socket_event.h"

#include "socket_events.skel.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The counters map, then the program's recursion misses. */
_Static_assert(SOCKET_BPF_COUNTERS == SYSQ_CNT_COUNT + 1, "counter count");

/* The reader wakes once this share of the ring is waiting, long before it
 * fills, and otherwise on its poll timeout. The ring's size is a power of
 * two, so this share is one too, as the program's wakeup test needs. */
#define WAKEUP_SHARE 16

/* More than the object has programs. */
#define MAX_LINKS 16

/* enum bpf_attach_type's BPF_CGROUP_UNIX_SENDMSG (kernel 6.7). libbpf 1.1
 * and the uapi headers of Debian 12 predate it: the program is declared
 * with a section libbpf knows for its type (cgroup/sendmsg4), given this
 * expected attach type by number before loading, and attached with
 * bpf_link_create(prog_fd, cgroup_fd, 50, NULL). The kernel's number is
 * part of its ABI and never changes. */
#define ATTACH_CGROUP_UNIX_SENDMSG 50

struct socket_bpf {
	struct socket_events *skel;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
	int unix_link; /* the UNIX send hook's link descriptor, or -1 */
	struct ring_buffer *rb;
	socket_bpf_fn fn;
	void *ctx;
	int ncpus;
	uint64_t *percpu; /* ncpus values: one read of a per-CPU counter */
};

/* Which sysq_events column each in-kernel counter feeds. */
static const enum counter_id counter_ids[SOCKET_BPF_COUNTERS] = {
	[SYSQ_CNT_FILTER_FAMILY] = COUNTER_filtered_family,
	[SYSQ_CNT_FILTER_PORT] = COUNTER_filtered_port,
	[SYSQ_CNT_FILTER_UNIX_PATH] = COUNTER_filtered_unix_path,
	[SYSQ_CNT_FILTER_PROCESS] = COUNTER_filtered_process,
	[SYSQ_CNT_DEDUP] = COUNTER_filtered_dedup,
	[SYSQ_CNT_RINGBUF_FULL] = COUNTER_lost_ringbuf,
	[SYSQ_CNT_PENDING_LOST] = COUNTER_lost_pending,
	[SYSQ_CNT_SCRATCH_BUSY] = COUNTER_lost_bpf_busy,
	[SYSQ_CNT_WAITING] = COUNTER_bpf_waiting,
	[SYSQ_CNT_COUNT] = COUNTER_lost_bpf_missed,
};

enum counter_id socket_bpf_counter_id(int i)
{
	return counter_ids[i];
}

static void set_port_bit(__u64 *bits, uint16_t port, bool on)
{
	__u64 bit = 1ull << (port & 63);

	bits[port >> 6] = on ? bits[port >> 6] | bit : bits[port >> 6] & ~bit;
}

/* One bit per port to drop: every port but the included ones when there
 * is an include list, then the excluded ones. */
static void fill_port_drop(__u64 *bits, const struct bpf_filters *f)
{
	memset(bits, f && f->ninclude_ports ? 0xff : 0, SYSQ_PORT_WORDS * sizeof(*bits));
	if (!f)
		return;
	for (size_t i = 0; i < f->ninclude_ports; i++)
		set_port_bit(bits, f->include_ports[i], false);
	for (size_t i = 0; i < f->nexclude_ports; i++)
		set_port_bit(bits, f->exclude_ports[i], true);
}

static uint32_t filter_bits(const struct bpf_filters *f)
{
	if (!f)
		return 0;
	return (f->ninclude_ports || f->nexclude_ports ? SYSQ_FILTER_PORTS : 0) |
	       (f->nexclude_unix_prefixes ? SYSQ_FILTER_UNIX_PREFIXES : 0) |
	       (f->nexclude_processes ? SYSQ_FILTER_PROCESSES : 0);
}

static void set_settings(struct socket_events *skel, const struct socket_bpf_options *opt,
			 uint64_t ring)
{
	const struct bpf_filters *f = opt->filters;
	uint32_t families = f && f->families
				    ? f->families
				    : (1u << AF_INET) | (1u << AF_INET6) | (1u << AF_UNIX);

	if (!opt->allow_unix)
		families &= ~(1u << AF_UNIX);
	skel->rodata->cfg.families = families;
	skel->rodata->cfg.filters = filter_bits(f);
	skel->rodata->cfg.self_tgid = (uint32_t)opt->self;
	skel->rodata->cfg.wakeup_bytes = (uint32_t)(ring / WAKEUP_SHARE);
	skel->rodata->cfg.dedup_ns = f ? (uint64_t)f->dedup_window_ms * 1000000ull : 0;
	skel->rodata->cfg.send_dedup_ns = opt->send_dedup_ms * 1000000ull;
	fill_port_drop(skel->bss->port_drop, f);
}

/* "@name" is an abstract name: the kernel's form starts with a NUL. */
static int fill_unix_prefixes(struct bpf_map *map, char **prefixes, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		struct sysq_unix_prefix_key key = {0};
		size_t len = strlen(prefixes[i]);

		if (len > sizeof(key.path))
			return -EINVAL;
		memcpy(key.path, prefixes[i], len);
		if (key.path[0] == '@')
			key.path[0] = '\0';
		key.prefixlen = (uint32_t)(len * 8);
		rc = bpf_util_set_add(map, &key, sizeof(key));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int fill_filters(struct socket_events *skel, const struct bpf_filters *f)
{
	int rc;

	if (!f)
		return 0;
	rc = fill_unix_prefixes(skel->maps.exclude_unix_prefixes, f->exclude_unix_prefixes,
				     f->nexclude_unix_prefixes);
	return rc ? rc
		  : bpf_util_set_add_comms(skel->maps.exclude_processes, SYSQ_COMM_LEN,
					   f->exclude_processes, f->nexclude_processes);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct socket_bpf *sb = ctx;
	struct bpf_socket_call call;

	sb->fn(sb->ctx, socket_decode(data, size, &call) == 0 ? &call : NULL);
	return 0;
}

static int fail(struct socket_bpf *sb, char **err, int rc, const char *step)
{
	*err = xasprintf("%s: %s%s", step, strerror(-rc), bpf_util_hint(-rc));
	socket_bpf_close(sb);
	return rc;
}

/* Loads either the sys_exit program or the socket-hook set, and the
 * datagram send hooks when sends are wanted (with the send tracepoint,
 * which settles them, in either set). */
static void choose_programs(struct socket_events *skel, const struct socket_bpf_options *opt)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		bool exit_prog = prog == skel->progs.sysq_sock_exit;
		bool send_prog = prog == skel->progs.sysq_sock_sendmsg4 ||
				 prog == skel->progs.sysq_sock_sendmsg6 ||
				 prog == skel->progs.sysq_sock_sendmsg_unix;

		if (send_prog)
			bpf_program__set_autoload(prog, opt->sends);
		else if (prog == skel->progs.sysq_sock_send)
			bpf_program__set_autoload(prog, !opt->syscall_exit || opt->sends);
		else
			bpf_program__set_autoload(prog, exit_prog == opt->syscall_exit);
	}
}

static int keep_link(struct socket_bpf *sb, struct bpf_link *link)
{
	if (!link)
		return -errno;
	if (sb->nlinks == MAX_LINKS) {
		bpf_link__destroy(link);
		return -E2BIG;
	}
	sb->links[sb->nlinks++] = link;
	return 0;
}

/* Tracepoint programs attach where their section says; cgroup and
 * sockops programs to the cgroup v2 root, through links (bpf_link_create)
 * rather than the older attach call, so they detach with the agent. */
static int attach_all(struct socket_bpf *sb, char **err)
{
	char root[PATH_MAX];
	struct bpf_program *prog;
	int cg = -1, rc = 0;

	bpf_object__for_each_program(prog, sb->skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (bpf_program__type(prog) == BPF_PROG_TYPE_TRACING) {
			rc = keep_link(sb, bpf_program__attach(prog));
			if (rc < 0)
				break; /* prog names the one that failed */
			continue;
		}
		if (cg < 0) {
			rc = cgroup2_root(root, sizeof(root));
			if (rc < 0) {
				*err = xasprintf("finding the cgroup v2 root in /proc/self/mountinfo: %s",
						 strerror(-rc));
				break;
			}
			cg = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			rc = cg < 0 ? -errno : 0;
			if (rc < 0) {
				*err = xasprintf("opening the cgroup v2 root %s: %s", root, strerror(-rc));
				break;
			}
		}
		if (prog == sb->skel->progs.sysq_sock_sendmsg_unix) {
			sb->unix_link = bpf_link_create(bpf_program__fd(prog), cg,
							ATTACH_CGROUP_UNIX_SENDMSG, NULL);
			rc = sb->unix_link < 0 ? -errno : 0;
		} else {
			rc = keep_link(sb, bpf_program__attach_cgroup(prog, cg));
		}
		if (rc < 0)
			break;
	}
	if (rc < 0 && !*err)
		*err = xasprintf("attaching %s: %s%s", bpf_program__name(prog), strerror(-rc),
				 bpf_util_hint(-rc));
	if (cg >= 0)
		close(cg);
	return rc;
}

int socket_bpf_open(const struct socket_bpf_options *opt, struct socket_bpf **out, char **err)
{
	struct socket_bpf *sb = xcalloc(1, sizeof(*sb));
	uint64_t ring = bpf_util_ring_size(opt->ring_size);
	int rc;

	sb->unix_link = -1;
	*out = NULL;
	*err = NULL;
	bpf_util_set_print();
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(sb, err, -ENOENT, "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
	sb->ncpus = libbpf_num_possible_cpus();
	if (sb->ncpus <= 0)
		return fail(sb, err, sb->ncpus ? sb->ncpus : -EINVAL, "counting the CPUs");
	sb->percpu = xcalloc((size_t)sb->ncpus, sizeof(*sb->percpu));
	sb->skel = socket_events__open();
	if (!sb->skel)
		return fail(sb, err, -errno, "opening the embedded BPF object");
	set_settings(sb->skel, opt, ring);
	choose_programs(sb->skel, opt);
	bpf_program__set_expected_attach_type(sb->skel->progs.sysq_sock_sendmsg_unix,
					      (enum bpf_attach_type)ATTACH_CGROUP_UNIX_SENDMSG);
	bpf_map__set_max_entries(sb->skel->maps.events, (uint32_t)ring);
	rc = socket_events__load(sb->skel);
	if (rc < 0)
		return fail(sb, err, rc, "loading the socket programs");
	rc = fill_filters(sb->skel, opt->filters);
	if (rc < 0)
		return fail(sb, err, rc, "writing bpf_filters into the maps");
	rc = attach_all(sb, err);
	if (rc < 0) {
		socket_bpf_close(sb);
		return rc;
	}
	sb->rb = ring_buffer__new(bpf_map__fd(sb->skel->maps.events), on_record, sb, NULL);
	if (!sb->rb)
		return fail(sb, err, -errno, "opening the ring buffer");
	*out = sb;
	return 0;
}

int socket_bpf_poll(struct socket_bpf *sb, int timeout_ms, socket_bpf_fn fn, void *ctx)
{
	int n, more;

	sb->fn = fn;
	sb->ctx = ctx;
	/* Records are submitted without a wakeup until a batch waits, so a
	 * timeout is normal: read whatever is there either way. */
	n = ring_buffer__poll(sb->rb, timeout_ms);
	if (n < 0)
		return n;
	more = ring_buffer__consume(sb->rb);
	return more < 0 ? more : n + more;
}

/* Runs the kernel skipped because the program was already running on
 * that CPU (preempted, on a preemptible kernel), over the loaded tracing
 * programs. For sys_exit an upper bound on socket calls missed: most exits
 * are other syscalls. */
static uint64_t recursion_misses(struct socket_bpf *sb)
{
	struct bpf_program *prog;
	uint64_t sum = 0;

	bpf_object__for_each_program(prog, sb->skel->obj) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (bpf_program__autoload(prog) &&
		    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
			sum += info.recursion_misses;
	}
	return sum;
}

void socket_bpf_counters(struct socket_bpf *sb, uint64_t *out)
{
	out[SYSQ_CNT_COUNT] = recursion_misses(sb);
	for (uint32_t i = 0; i < SYSQ_CNT_COUNT; i++)
		out[i] = bpf_util_percpu_sum(sb->skel->maps.counters, i, sb->percpu, sb->ncpus);
	/* The gauge's CPUs are read one after another: a record settled on a
	 * CPU read before the one that made it wait can take the sum below
	 * zero for a moment. */
	if (out[SYSQ_CNT_WAITING] > INT64_MAX)
		out[SYSQ_CNT_WAITING] = 0;
}

void socket_bpf_detach(struct socket_bpf *sb)
{
	for (int i = 0; i < sb->nlinks; i++)
		bpf_link__destroy(sb->links[i]);
	sb->nlinks = 0;
	if (sb->unix_link >= 0)
		close(sb->unix_link);
	sb->unix_link = -1;
}

void socket_bpf_close(struct socket_bpf *sb)
{
	if (!sb)
		return;
	ring_buffer__free(sb->rb);
	socket_bpf_detach(sb);
	socket_events__destroy(sb->skel);
	free(sb->percpu);
	free(sb);
}
