/* What every BPF source of the agent does the same way around libbpf:
 * route libbpf's messages to sysq's log, explain a load error in one
 * line, size a ring buffer, sum a per-CPU counter. */
#pragma once

#include <stdint.h>

struct bpf_map;

/* Sends libbpf's messages (verifier logs included) to the debug log when
 * --verbose is on, one line each; otherwise drops them. */
void bpf_util_set_print(void);

/* A hint after strerror() for the errno a load or attach failed with:
 * missing privileges, a missing kernel type or tracepoint, the verifier. */
const char *bpf_util_hint(int err);

/* The ring buffer size for `v` bytes: a power of two, at least a page. */
uint64_t bpf_util_ring_size(uint64_t v);

/* Sums slot `key` of a per-CPU array over ncpus CPUs, using `scratch`
 * (ncpus values); 0 when it cannot be read. */
uint64_t bpf_util_percpu_sum(const struct bpf_map *map, uint32_t key, uint64_t *scratch,
			     int ncpus);
