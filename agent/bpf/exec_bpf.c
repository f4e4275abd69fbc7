/* Loading, configuring and reading the exec BPF program. */
#include "exec_bpf.h"

/* The skeleton declares the program's globals, whose types come first. */
#include "sysq_exec_event.h"

#include "process_events.skel.h"

#include "bpf_util.h"

#include "common/xalloc.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(EXEC_BPF_COUNTERS == SYSQ_EXEC_CNT_COUNT + 1, "counter count");

/* The ring holds at least a few of the largest records (128 KiB of
 * arguments and two paths), whatever --bpf_ring_buffer_size says. */
#define MIN_RING (1u << 20)

struct exec_bpf {
	struct process_events *skel;
	struct ring_buffer *rb;
	exec_bpf_fn fn;
	void *ctx;
	int ncpus;
	uint64_t *percpu; /* ncpus values: one read of a per-CPU counter */
};

/* Which sysq_events column each in-kernel counter feeds. */
static const enum counter_id counter_ids[EXEC_BPF_COUNTERS] = {
	[SYSQ_EXEC_CNT_FILTER_PROCESS] = COUNTER_filtered_process,
	[SYSQ_EXEC_CNT_FILTER_PATH] = COUNTER_filtered_exec_path,
	[SYSQ_EXEC_CNT_RINGBUF_FULL] = COUNTER_lost_ringbuf,
	[SYSQ_EXEC_CNT_FILTER_THREAD] = COUNTER_filtered_thread,
	[SYSQ_EXEC_CNT_COUNT] = COUNTER_lost_bpf_missed,
};

enum counter_id exec_bpf_counter_id(int i)
{
	return counter_ids[i];
}

static uint32_t filter_bits(const struct bpf_filters *f)
{
	if (!f)
		return 0;
	return (f->nexclude_processes ? SYSQ_EXEC_FILTER_PROCESSES : 0) |
	       (f->nexclude_exec_paths ? SYSQ_EXEC_FILTER_PATHS : 0);
}

static int fill_paths(struct bpf_map *map, char **prefixes, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		struct sysq_exec_prefix_key key = {0};
		size_t len = strlen(prefixes[i]);

		if (len > SYSQ_EXEC_PREFIX_MAX)
			return -EINVAL;
		memcpy(key.path, prefixes[i], len);
		key.prefixlen = (uint32_t)(len * 8);
		rc = bpf_util_set_add(map, &key, sizeof(key));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int fill_filters(struct process_events *skel, const struct bpf_filters *f)
{
	int rc;

	if (!f)
		return 0;
	rc = fill_paths(skel->maps.exec_exclude_paths, f->exclude_exec_paths,
			f->nexclude_exec_paths);
	return rc ? rc
		  : bpf_util_set_add_comms(skel->maps.exec_exclude_processes, SYSQ_EXEC_COMM_LEN,
					   f->exclude_processes, f->nexclude_processes);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct exec_bpf *eb = ctx;
	struct bpf_exec e;

	eb->fn(eb->ctx, exec_decode(data, size, &e) == 0 ? &e : NULL);
	return 0;
}

static int fail(struct exec_bpf *eb, char **err, int rc, const char *step)
{
	*err = xasprintf("%s: %s%s", step, strerror(-rc), bpf_util_hint(-rc));
	exec_bpf_close(eb);
	return rc;
}

/* Sizes the maps and writes the settings, before the load. */
static void configure(struct exec_bpf *eb, const struct exec_bpf_options *opt)
{
	uint64_t ring = bpf_util_ring_size(opt->ring_size < MIN_RING ? MIN_RING : opt->ring_size);

	eb->skel->rodata->cfg.filters = filter_bits(opt->filters);
	eb->skel->rodata->cfg.lifecycle = opt->threads ? SYSQ_LIFE_THREADS : 0;
	/* A hook not asked for is neither loaded nor attached. */
	bpf_program__set_autoload(eb->skel->progs.sysq_fork, opt->fork);
	bpf_program__set_autoload(eb->skel->progs.sysq_exit, opt->exit);
	bpf_program__set_autoload(eb->skel->progs.sysq_kill, opt->kill);
	bpf_map__set_max_entries(eb->skel->maps.exec_events, (uint32_t)ring);
	bpf_map__set_max_entries(eb->skel->maps.scratch, (uint32_t)eb->ncpus);
}

int exec_bpf_open(const struct exec_bpf_options *opt, struct exec_bpf **out, char **err)
{
	struct exec_bpf *eb = xcalloc(1, sizeof(*eb));
	int rc;

	*out = NULL;
	bpf_util_set_print();
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(eb, err, -ENOENT, "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
	eb->ncpus = libbpf_num_possible_cpus();
	if (eb->ncpus <= 0)
		return fail(eb, err, eb->ncpus ? eb->ncpus : -EINVAL, "counting the CPUs");
	eb->percpu = xcalloc((size_t)eb->ncpus, sizeof(*eb->percpu));
	eb->skel = process_events__open();
	if (!eb->skel)
		return fail(eb, err, -errno, "opening the embedded exec BPF object");
	configure(eb, opt);
	rc = process_events__load(eb->skel);
	if (rc < 0)
		return fail(eb, err, rc, "loading the exec program");
	rc = fill_filters(eb->skel, opt->filters);
	if (rc < 0)
		return fail(eb, err, rc, "writing bpf_filters into the exec maps");
	rc = process_events__attach(eb->skel);
	if (rc < 0)
		return fail(eb, err, rc, "attaching the exec program and its lifecycle hooks");
	eb->rb = ring_buffer__new(bpf_map__fd(eb->skel->maps.exec_events), on_record, eb, NULL);
	if (!eb->rb)
		return fail(eb, err, -errno, "opening the exec ring buffer");
	*out = eb;
	return 0;
}

int exec_bpf_poll(struct exec_bpf *eb, int timeout_ms, exec_bpf_fn fn, void *ctx)
{
	eb->fn = fn;
	eb->ctx = ctx;
	return ring_buffer__poll(eb->rb, timeout_ms);
}

/* Events the kernel did not run a program for, because it was already
 * running on that CPU (preempted, on a preemptible kernel). */
static uint64_t prog_misses(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	if (!bpf_program__autoload(prog))
		return 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.recursion_misses;
}

static uint64_t recursion_misses(struct exec_bpf *eb)
{
	return prog_misses(eb->skel->progs.sysq_exec) + prog_misses(eb->skel->progs.sysq_fork) +
	       prog_misses(eb->skel->progs.sysq_exit) + prog_misses(eb->skel->progs.sysq_kill);
}

void exec_bpf_counters(struct exec_bpf *eb, uint64_t *out)
{
	out[SYSQ_EXEC_CNT_COUNT] = recursion_misses(eb);
	for (uint32_t i = 0; i < SYSQ_EXEC_CNT_COUNT; i++)
		out[i] = bpf_util_percpu_sum(eb->skel->maps.exec_counters, i, eb->percpu,
					     eb->ncpus);
}

void exec_bpf_close(struct exec_bpf *eb)
{
	if (!eb)
		return;
	ring_buffer__free(eb->rb);
	process_events__destroy(eb->skel);
	free(eb->percpu);
	free(eb);
}
