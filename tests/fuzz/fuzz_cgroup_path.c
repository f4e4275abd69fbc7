/* fuzz_cgroup_path: container_from_cgroup_path and cgroup_v2_path_of.
 *
 * Why untrusted: cgroup names are chosen by whoever may create cgroups (a
 * rootless container runtime, a user's systemd manager with delegation)
 * and may hold any byte but '/' and NUL; /proc/<pid>/cgroup prints them
 * unescaped, newlines included.
 *
 * Input: the text of a /proc/<pid>/cgroup file. Its v2 path, when there
 * is one, and the whole input as a path both go to the runtime parser.
 * Checks: the v2 path lies inside the input; a container has a runtime
 * name and an id of 1 to CONTAINER_ID_MAX printable bytes; the host has
 * neither. */
#include "container/container_parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_ref(bool found, const struct container_ref *ref)
{
	size_t len = strnlen(ref->id, sizeof(ref->id));

	if (len == sizeof(ref->id))
		abort(); /* not terminated */
	if (found != (container_runtime_name(ref->runtime) != NULL))
		abort();
	if (found != (len > 0))
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)ref->id[i];

		if (c < 0x20 || c == 0x7f)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy, so ASan flags any read past `size`. */
	char *text = malloc(size ? size : 1);
	struct container_ref ref;
	const char *path;
	size_t len;

	memcpy(text, data, size);
	check_ref(container_from_cgroup_path(text, size, &ref), &ref);
	if (cgroup_v2_path_of(text, size, &path, &len)) {
		if (path < text || path + len > text + size || len == 0 || path[0] != '/')
			abort();
		check_ref(container_from_cgroup_path(path, len, &ref), &ref);
	}
	free(text);
	return 0;
}
