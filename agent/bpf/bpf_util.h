/* What every BPF source of the agent does the same way around libbpf:
 * route libbpf's messages to sysq's log, explain a load error in one
 * line, size a ring buffer, sum a per-CPU counter. */
#pragma once

#include <stddef.h>
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
uint64_t bpf_util_percpu_sum(const struct bpf_map *map, uint32_t key, uint64_t *scratch, int ncpus);

/* Adds `key` to a map used as a set (its value a single byte, 1).
 * Returns 0 or -errno. */
int bpf_util_set_add(struct bpf_map *map, const void *key, size_t key_size);

/* Adds each process name to a set keyed by a comm of comm_size bytes (the
 * kernel's 16, NUL-padded; longer names are cut as the kernel cuts them).
 * Returns 0 or the first -errno. */
int bpf_util_set_add_comms(struct bpf_map *map, size_t comm_size, char **names, size_t n);
