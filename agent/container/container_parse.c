/* Container runtimes' cgroup names: the innermost path component that a
 * runtime's naming matches gives the runtime and the container's id.
 *
 *   docker-<64 hex>.scope            docker, systemd cgroup driver
 *   docker/<64 hex>                  docker, cgroupfs driver
 *   cri-containerd-<64 hex>.scope    containerd's CRI plugin (Kubernetes)
 *   crio-<64 hex>[.scope]            CRI-O
 *   kubepods/.../pod<uid>/<64 hex>   a pod's container, cgroupfs driver
 *   libpod-<64 hex>[.scope]          podman (libpod-conmon-<id> is conmon)
 *   systemd-nspawn@<name>.service    systemd-nspawn run as a unit
 *   machine.slice/machine-<name>.scope  a machine nspawn registered
 *   lxc.payload.<name>, lxc.payload/<name>, lxc/<name>  LXC and LXD
 *
 * Anything else (lxc.monitor.<name> included, which is LXC's monitor on
 * the host) is the host's. */
#include "container_parse.h"

#include <string.h>

#define HEX_ID_LEN 64

struct span {
	const char *p;
	size_t len;
};

static bool span_is(struct span s, const char *lit)
{
	return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

static bool span_starts(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static bool span_ends(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && memcmp(s.p + s.len - n, lit, n) == 0;
}

static struct span span_cut(struct span s, size_t head, size_t tail)
{
	return (struct span){s.p + head, s.len - head - tail};
}

static bool is_hex_id(struct span s)
{
	if (s.len != HEX_ID_LEN)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* A name as a runtime may choose it: printable, not empty, not too long. */
static bool set_name(struct container_ref *out, enum container_runtime rt, struct span s)
{
	if (s.len == 0 || s.len > CONTAINER_ID_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	memcpy(out->id, s.p, s.len);
	out->id[s.len] = '\0';
	out->runtime = rt;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A unit's instance or machine name with systemd's \xHH escapes undone
 * (a '-' in a machine name is \x2d in its scope's name). */
static bool set_unit_name(struct container_ref *out, struct span s)
{
	char buf[CONTAINER_ID_MAX];
	size_t n = 0;

	for (size_t i = 0; i < s.len; n++) {
		if (n == sizeof(buf))
			return false;
		if (s.len - i >= 4 && s.p[i] == '\\' && s.p[i + 1] == 'x' &&
		    hex_digit(s.p[i + 2]) >= 0 && hex_digit(s.p[i + 3]) >= 0) {
			buf[n] = (char)(hex_digit(s.p[i + 2]) * 16 + hex_digit(s.p[i + 3]));
			i += 4;
		} else {
			buf[n] = s.p[i++];
		}
	}
	return set_name(out, CONTAINER_NSPAWN, (struct span){buf, n});
}

static bool set_hex(struct container_ref *out, enum container_runtime rt, struct span id)
{
	if (!is_hex_id(id))
		return false;
	return set_name(out, rt, id);
}

/* "<prefix><64 hex>.scope", or without ".scope" when `bare` allows it. */
static bool match_scope(struct container_ref *out, struct span seg, const char *prefix,
			bool bare, enum container_runtime rt)
{
	size_t head = strlen(prefix);

	if (!span_starts(seg, prefix))
		return false;
	if (span_ends(seg, ".scope") && seg.len >= head + 6 &&
	    set_hex(out, rt, span_cut(seg, head, 6)))
		return true;
	return bare && set_hex(out, rt, span_cut(seg, head, 0));
}

/* machine-<name>.scope below machine.slice, except libvirt's machines
 * (machine-qemu\x2d..., machine-lxc\x2d...), whose names say so. */
static bool match_machine(struct container_ref *out, struct span seg, struct span parent)
{
	struct span name;

	if (!span_is(parent, "machine.slice") || !span_starts(seg, "machine-") ||
	    !span_ends(seg, ".scope") || seg.len < 14)
		return false;
	name = span_cut(seg, 8, 6);
	if (span_starts(name, "qemu\\x2d") || span_starts(name, "lxc\\x2d"))
		return false;
	return set_unit_name(out, name);
}

static bool match_unit(struct container_ref *out, struct span seg, struct span parent)
{
	if (span_starts(seg, "systemd-nspawn@") && span_ends(seg, ".service") && seg.len > 23)
		return set_unit_name(out, span_cut(seg, 15, 8));
	return match_machine(out, seg, parent);
}

static bool match_lxc(struct container_ref *out, struct span seg, struct span parent)
{
	if (span_starts(seg, "lxc.payload.") && seg.len > 12)
		return set_name(out, CONTAINER_LXC, span_cut(seg, 12, 0));
	if (span_is(parent, "lxc.payload") || span_is(parent, "lxc"))
		return set_name(out, CONTAINER_LXC, seg);
	return false;
}

/* One component, knowing its parent's (empty at the top) and the first
 * component of the path. */
static bool match_segment(struct container_ref *out, struct span seg, struct span parent,
			  struct span top)
{
	if (match_scope(out, seg, "docker-", false, CONTAINER_DOCKER) ||
	    match_scope(out, seg, "cri-containerd-", false, CONTAINER_CONTAINERD) ||
	    match_scope(out, seg, "crio-", true, CONTAINER_CRIO) ||
	    match_scope(out, seg, "libpod-", true, CONTAINER_PODMAN))
		return true;
	if (span_is(parent, "docker") && set_hex(out, CONTAINER_DOCKER, seg))
		return true;
	if (span_is(top, "kubepods") && span_starts(parent, "pod") &&
	    set_hex(out, CONTAINER_CRI, seg))
		return true;
	return match_unit(out, seg, parent) || match_lxc(out, seg, parent);
}

/* The component that ends just before `end` (a '/' or the path's end),
 * and where the path's components begin. */
static struct span segment_before(const char *start, const char *end)
{
	const char *p = end;

	while (p > start && p[-1] != '/')
		p--;
	return (struct span){p, (size_t)(end - p)};
}

static struct span first_segment(const char *path, size_t len)
{
	const char *p = path, *end = path + len;

	while (p < end && *p == '/')
		p++;
	const char *q = memchr(p, '/', (size_t)(end - p));

	return (struct span){p, (size_t)((q ? q : end) - p)};
}

bool container_from_cgroup_path(const char *path, size_t len, struct container_ref *out)
{
	struct span top = first_segment(path, len);
	const char *end = path + len;

	out->runtime = CONTAINER_NONE;
	out->id[0] = '\0';
	while (end > path) {
		struct span seg = segment_before(path, end);
		const char *before = seg.p > path ? seg.p - 1 : path;
		struct span parent = segment_before(path, before);

		if (seg.len && match_segment(out, seg, parent, top))
			return true;
		end = before;
	}
	out->runtime = CONTAINER_NONE;
	out->id[0] = '\0';
	return false;
}

const char *container_runtime_name(enum container_runtime runtime)
{
	static const char *const names[] = {
		[CONTAINER_DOCKER] = "docker", [CONTAINER_CONTAINERD] = "containerd",
		[CONTAINER_CRI] = "cri",       [CONTAINER_PODMAN] = "podman",
		[CONTAINER_CRIO] = "crio",     [CONTAINER_NSPAWN] = "systemd-nspawn",
		[CONTAINER_LXC] = "lxc",
	};

	if ((unsigned)runtime >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[runtime];
}

bool cgroup_v2_path_of(const char *text, size_t len, const char **path, size_t *path_len)
{
	for (size_t i = 0; i + 3 <= len; i++) {
		if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "0::", 3) == 0) {
			size_t n = len - i - 3;

			if (n && text[len - 1] == '\n')
				n--;
			if (n == 0 || text[i + 3] != '/')
				return false;
			*path = text + i + 3;
			*path_len = n;
			return true;
		}
	}
	return false;
}
