/* cgroup ids and pids to cgroup paths and containers (cgroup_lookup.h).
 *
 * The cgroup v2 mount is found once (bpf/cgroup_root.h: /sys/fs/cgroup, or
 * /sys/fs/cgroup/unified on a hybrid host) and kept open. The cache is a
 * direct-mapped table: an id goes to one slot, and a new id in a taken
 * slot replaces the old one, so it never holds more than
 * CGROUP_CACHE_SLOTS paths however many cgroups come and go. */
#include "cgroup_lookup.h"

#include "proc_pid.h"

#include "bpf/cgroup_root.h"
#include "sysq_task_cgroup.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file handle type kernfs encodes its node ids with. */
#define FILEID_KERNFS 0xfe

/* /proc/<pid>/cgroup: a v1 line per hierarchy on a hybrid host, then the
 * v2 path. */
#define PROC_CGROUP_MAX (CGROUP_PATH_MAX + 1024)

static struct {
	pthread_once_t once;
	int err; /* why there is no mount: -errno */
	int fd;
	char path[CGROUP_PATH_MAX];
	size_t len;
} mount_root = {.once = PTHREAD_ONCE_INIT};

struct cache_slot {
	uint64_t id; /* 0: empty */
	char *path;
	size_t path_len;
	struct container_ref container;
};

/* Set once open_by_handle_at fails in a way no later id changes (no
 * CAP_DAC_READ_SEARCH, no file handles on the mount), so a storm of BPF
 * rows does not make a failing syscall each. */
static _Atomic int handles_refused;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int task_map_fd = -1;
static struct cache_slot cache[CGROUP_CACHE_SLOTS];

static void find_mount(void)
{
	int rc = cgroup2_root(mount_root.path, sizeof(mount_root.path));

	if (rc < 0) {
		mount_root.err = rc == -ENOENT ? -ENODEV : rc;
		return;
	}
	/* Not O_PATH: open_by_handle_at refuses such a mount_fd (EBADF). */
	mount_root.fd = open(mount_root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mount_root.err = mount_root.fd < 0 ? -errno : 0;
	mount_root.len = strlen(mount_root.path);
}

static int mount_fd(void)
{
	pthread_once(&mount_root.once, find_mount);
	return mount_root.err < 0 ? mount_root.err : mount_root.fd;
}

static struct cache_slot *slot_of(uint64_t id)
{
	/* Ids are handed out in sequence: Fibonacci hashing spreads them. */
	return &cache[(id * 0x9E3779B97F4A7C15ull) >> 54];
}

static bool cache_get(uint64_t id, struct cgroup_info *out)
{
	struct cache_slot *s;
	bool hit;

	pthread_mutex_lock(&cache_lock);
	s = slot_of(id);
	hit = s->id == id;
	if (hit) {
		memcpy(out->path, s->path, s->path_len + 1);
		out->path_len = s->path_len;
		out->container = s->container;
		out->id = id;
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_put(const struct cgroup_info *info)
{
	char *copy = malloc(info->path_len + 1);
	struct cache_slot *s;
	char *old;

	if (!copy)
		return; /* not cached: looked up again next time */
	memcpy(copy, info->path, info->path_len + 1);
	pthread_mutex_lock(&cache_lock);
	s = slot_of(info->id);
	old = s->path;
	*s = (struct cache_slot){.id = info->id, .path = copy, .path_len = info->path_len,
				 .container = info->container};
	pthread_mutex_unlock(&cache_lock);
	free(old);
}

/* What d_path appends to the path of a removed directory. */
#define DELETED " (deleted)"
#define DELETED_LEN (sizeof(DELETED) - 1)

/* The path of an open cgroup directory below the mount: the link
 * /proc/self/fd/<fd> names, less the mount point ("/" for the root). */
static int path_below_mount(int fd, struct cgroup_info *out)
{
	char link[64], target[CGROUP_PATH_MAX + 16];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	/* Not below the mount, or removed since it was opened: */
	if ((size_t)n < mount_root.len || memcmp(target, mount_root.path, mount_root.len) != 0 ||
	    ((size_t)n > mount_root.len && target[mount_root.len] != '/') ||
	    ((size_t)n >= DELETED_LEN && memcmp(target + n - DELETED_LEN, DELETED, DELETED_LEN) == 0))
		return -ENOENT;
	if ((size_t)n - mount_root.len >= CGROUP_PATH_MAX)
		return -ENAMETOOLONG;
	out->path_len = (size_t)n - mount_root.len;
	memcpy(out->path, target + mount_root.len, out->path_len);
	if (out->path_len == 0)
		out->path[out->path_len++] = '/';
	out->path[out->path_len] = '\0';
	return 0;
}

static int resolve_id(int root, uint64_t id, struct cgroup_info *out)
{
	union {
		struct file_handle fh;
		char bytes[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	int fd, rc;

	h.fh.handle_bytes = sizeof(uint64_t);
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(root, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ESTALE ? -ENOENT : -errno;
		if (rc == -EPERM || rc == -EOPNOTSUPP)
			atomic_store(&handles_refused, rc);
		return rc;
	}
	rc = path_below_mount(fd, out);
	close(fd);
	return rc;
}

int cgroup_info_by_id(uint64_t id, struct cgroup_info *out)
{
	int root = mount_fd(), rc;

	if (root < 0)
		return root;
	if (id == 0)
		return -ENOENT;
	if (atomic_load(&handles_refused))
		return atomic_load(&handles_refused);
	if (cache_get(id, out))
		return 0;
	rc = resolve_id(root, id, out);
	if (rc < 0)
		return rc;
	out->id = id;
	container_from_cgroup_path(out->path, out->path_len, &out->container);
	cache_put(out);
	return 0;
}

/* The id of the cgroup at `path` below the mount: its inode number. */
static uint64_t id_of_path(int root, const char *path)
{
	struct statx stx;
	const char *rel = path[1] ? path + 1 : ".";

	if (statx(root, rel, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, STATX_INO, &stx) < 0)
		return 0;
	return stx.stx_ino;
}

void cgroup_lookup_use_task_map(int fd)
{
	atomic_store(&task_map_fd, fd);
}

/* From the task map: 0, -ESRCH for the entry of a process that started
 * after the event (its pid was reused; /proc would say the same), or
 * -ENOENT when the map has no entry or none resolves: /proc decides. */
static int by_task_map(pid_t pid, int64_t event_ms, struct cgroup_info *out)
{
	int fd = atomic_load(&task_map_fd);
	struct sysq_task_cgroup v;
	__u32 key = (__u32)pid;

	if (fd < 0 || bpf_map_lookup_elem(fd, &key, &v) < 0)
		return -ENOENT;
	if (proc_started_after(v.start_ns, event_ms))
		return -ESRCH;
	return cgroup_info_by_id(v.cgroup_id, out) < 0 ? -ENOENT : 0;
}

static int by_proc(pid_t pid, int64_t event_ms, bool with_id, struct cgroup_info *out)
{
	int root = mount_fd(), dirfd;
	char text[PROC_CGROUP_MAX];
	const char *path;
	ssize_t n;
	int rc;

	if (root < 0)
		return root;
	dirfd = proc_pid_open(pid, event_ms);
	if (dirfd < 0)
		return dirfd;
	n = proc_read_at(dirfd, "cgroup", text, sizeof(text));
	rc = n < 0 ? (int)n : (size_t)n + 1 >= sizeof(text) ? -ENAMETOOLONG : 0;
	if (rc < 0)
		goto out;
	rc = -ENODATA;
	if (!cgroup_v2_path_of(text, (size_t)n, &path, &out->path_len) ||
	    out->path_len >= CGROUP_PATH_MAX)
		goto out;
	memcpy(out->path, path, out->path_len);
	out->path[out->path_len] = '\0';
	out->id = with_id ? id_of_path(root, out->path) : 0;
	container_from_cgroup_path(out->path, out->path_len, &out->container);
	rc = 0;
out:
	close(dirfd);
	return rc;
}

int cgroup_info_by_pid(pid_t pid, int64_t event_ms, bool with_id, struct cgroup_info *out)
{
	int rc = by_task_map(pid, event_ms, out);

	if (rc == -ENOENT)
		return by_proc(pid, event_ms, with_id, out);
	if (rc == 0 && !with_id)
		out->id = 0;
	return rc;
}
