/* libbpf plumbing shared by the agent's BPF sources. */
#include "bpf_util.h"

#include "common/log.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reason a load failed is reported by the caller in one line; the
 * details (a verifier log comes as one message of many lines) are for
 * --verbose. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *text, *line, *save = NULL;

	if (level == LIBBPF_DEBUG || !log_is_verbose())
		return 0;
	if (vasprintf(&text, fmt, ap) < 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_debug("libbpf: %s", line);
	free(text);
	return 0;
}

void bpf_util_set_print(void)
{
	libbpf_set_print(libbpf_log);
}

const char *bpf_util_hint(int err)
{
	if (err == EPERM)
		return " (the agent needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)";
	if (err == ENOENT || err == ESRCH)
		return " (the kernel lacks a type or tracepoint the program uses)";
	if (err == EACCES || err == EINVAL)
		return " (rejected by the verifier; run the daemon with --verbose for its log)";
	return "";
}

uint64_t bpf_util_ring_size(uint64_t v)
{
	uint64_t p = 4096;

	while (p < v)
		p <<= 1;
	return p;
}

uint64_t bpf_util_percpu_sum(const struct bpf_map *map, uint32_t key, uint64_t *scratch, int ncpus)
{
	uint64_t sum = 0;

	if (bpf_map__lookup_elem(map, &key, sizeof(key), scratch, (size_t)ncpus * sizeof(*scratch),
				 0) < 0)
		return 0;
	for (int c = 0; c < ncpus; c++)
		sum += scratch[c];
	return sum;
}

int bpf_util_set_add(struct bpf_map *map, const void *key, size_t key_size)
{
	uint8_t one = 1;

	return bpf_map__update_elem(map, key, key_size, &one, sizeof(one), BPF_ANY) < 0 ? -errno
											: 0;
}

int bpf_util_set_add_comms(struct bpf_map *map, size_t comm_size, char **names, size_t n)
{
	char comm[64];
	int rc;

	if (comm_size > sizeof(comm))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		memset(comm, 0, comm_size);
		strncpy(comm, names[i], comm_size - 1);
		rc = bpf_util_set_add(map, comm, comm_size);
		if (rc < 0)
			return rc;
	}
	return 0;
}
