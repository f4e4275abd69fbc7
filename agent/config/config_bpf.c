/* The "bpf_filters" config object: what the BPF programs drop in the
 * kernel, before a record reaches a ring buffer.
 *
 *   "bpf_filters": {
 *     "families": ["inet", "inet6", "unix"],
 *     "include_ports": [443], "exclude_ports": [53],
 *     "exclude_unix_prefixes": ["/run/systemd/", "@/tmp/.X11-unix"],
 *     "exclude_processes": ["chronyd"],
 *     "exclude_exec_paths": ["/usr/lib/nagios/"],
 *     "dedup_window_ms": 1000
 *   }
 *
 * Every key is optional and the defaults keep everything. exclude_processes
 * applies to socket calls and to execs, exclude_exec_paths to execs only.
 * Limits match the kernel maps (agent/bpf/socket_bpf.c, exec_bpf.c), so a
 * config that loads here also fits there. */
#include "config_internal.h"

#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const struct {
	const char *name;
	int family;
} family_names[] = {{"inet", AF_INET}, {"inet6", AF_INET6}, {"unix", AF_UNIX}};

static bool parse_family(struct cfg_ctx *c, const cJSON *e, const char *path, uint32_t *mask)
{
	for (size_t i = 0; cJSON_IsString(e) && i < sizeof(family_names) / sizeof(family_names[0]);
	     i++) {
		if (strcmp(e->valuestring, family_names[i].name) == 0) {
			*mask |= 1u << family_names[i].family;
			return true;
		}
	}
	cfg_error(c, path, false, "expected \"inet\", \"inet6\" or \"unix\"");
	return false;
}

static void parse_families(struct cfg_ctx *c, const cJSON *item, const char *path,
			   uint32_t *mask)
{
	const cJSON *e;
	size_t i = 0;

	if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) == 0) {
		cfg_error(c, path, false, "expected a non-empty array of family names");
		return;
	}
	cJSON_ArrayForEach(e, item) {
		struct cfg_path p;
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i++);
		if (!parse_family(c, e, cfg_path_join(&p, path, idx), mask))
			return;
	}
}

static void parse_ports(struct cfg_ctx *c, const cJSON *item, const char *path, uint16_t **ports,
			size_t *n)
{
	const cJSON *e;
	size_t i = 0;

	if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) > BPF_FILTER_MAX_PORTS) {
		cfg_error(c, path, false, "expected an array of at most %d port numbers",
			  BPF_FILTER_MAX_PORTS);
		return;
	}
	*ports = xcalloc((size_t)cJSON_GetArraySize(item) + 1, sizeof(**ports));
	cJSON_ArrayForEach(e, item) {
		struct cfg_path p;
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > 65535 ||
		    e->valuedouble != (double)(int)e->valuedouble) {
			cfg_error(c, cfg_path_join(&p, path, idx), false,
				  "expected a port number from 1 to 65535");
			return;
		}
		(*ports)[i++] = (uint16_t)e->valuedouble;
	}
	*n = i;
}

/* Checks the strings of an array already copied by cfg_string_array. */
static void check_names(struct cfg_ctx *c, const char *path, char **names, size_t n,
			size_t max_len, const char *what)
{
	if (n > BPF_FILTER_MAX_NAMES) {
		cfg_error(c, path, false, "at most %d entries", BPF_FILTER_MAX_NAMES);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		struct cfg_path p;
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		if (len == 0 || len > max_len) {
			cfg_error(c, cfg_path_join(&p, path, idx), false,
				  "%s must be 1 to %zu bytes long", what, max_len);
			return;
		}
	}
}

/* Executable paths are absolute, as the kernel gives them: a prefix
 * without the leading slash could never match. */
static void check_exec_paths(struct cfg_ctx *c, const char *path, char **names, size_t n)
{
	check_names(c, path, names, n, BPF_FILTER_EXEC_PATH_MAX, "an executable path prefix");
	for (size_t i = 0; !c->failed && i < n; i++) {
		struct cfg_path p;
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		if (names[i][0] != '/')
			cfg_error(c, cfg_path_join(&p, path, idx), false,
				  "an executable path prefix must start with /");
	}
}

void cfg_parse_bpf_filters(struct cfg_ctx *c, const cJSON *item, struct bpf_filters *out)
{
	static const char *const keys[] = {"families",		    "include_ports",
					   "exclude_ports",	    "exclude_unix_prefixes",
					   "exclude_processes",	    "dedup_window_ms",
					   "exclude_exec_paths",    NULL};
	const cJSON *v;
	struct cfg_path p;

	if (!cfg_require_object(c, item, "bpf_filters"))
		return;
	if ((v = cJSON_GetObjectItemCaseSensitive(item, "families")))
		parse_families(c, v, cfg_path_join(&p, "bpf_filters", "families"), &out->families);
	if (!c->failed && (v = cJSON_GetObjectItemCaseSensitive(item, "include_ports")))
		parse_ports(c, v, cfg_path_join(&p, "bpf_filters", "include_ports"),
			    &out->include_ports, &out->ninclude_ports);
	if (!c->failed && (v = cJSON_GetObjectItemCaseSensitive(item, "exclude_ports")))
		parse_ports(c, v, cfg_path_join(&p, "bpf_filters", "exclude_ports"),
			    &out->exclude_ports, &out->nexclude_ports);
	if (!c->failed && (v = cJSON_GetObjectItemCaseSensitive(item, "exclude_unix_prefixes")) &&
	    cfg_string_array(c, v, cfg_path_join(&p, "bpf_filters", "exclude_unix_prefixes"),
			     &out->exclude_unix_prefixes, &out->nexclude_unix_prefixes))
		check_names(c, p.buf, out->exclude_unix_prefixes, out->nexclude_unix_prefixes,
			    BPF_FILTER_UNIX_PATH_MAX, "a UNIX path prefix");
	if (!c->failed && (v = cJSON_GetObjectItemCaseSensitive(item, "exclude_processes")) &&
	    cfg_string_array(c, v, cfg_path_join(&p, "bpf_filters", "exclude_processes"),
			     &out->exclude_processes, &out->nexclude_processes))
		check_names(c, p.buf, out->exclude_processes, out->nexclude_processes,
			    BPF_FILTER_PROCESS_NAME_MAX,
			    "a process name (the kernel's comm, at most 15 bytes)");
	if (!c->failed && (v = cJSON_GetObjectItemCaseSensitive(item, "exclude_exec_paths")) &&
	    cfg_string_array(c, v, cfg_path_join(&p, "bpf_filters", "exclude_exec_paths"),
			     &out->exclude_exec_paths, &out->nexclude_exec_paths))
		check_exec_paths(c, p.buf, out->exclude_exec_paths, out->nexclude_exec_paths);
	if (!c->failed)
		cfg_int(c, item, "bpf_filters", "dedup_window_ms", 0, BPF_FILTER_DEDUP_MAX_MS,
			&out->dedup_window_ms);
	cfg_warn_unknown(c, item, "bpf_filters", keys);
}

void cfg_free_bpf_filters(struct bpf_filters *f)
{
	free(f->include_ports);
	free(f->exclude_ports);
	cfg_free_strings(f->exclude_unix_prefixes, f->nexclude_unix_prefixes);
	cfg_free_strings(f->exclude_processes, f->nexclude_processes);
	cfg_free_strings(f->exclude_exec_paths, f->nexclude_exec_paths);
	memset(f, 0, sizeof(*f));
}
