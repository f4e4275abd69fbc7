/* Building the text of a struct path in a BPF program, as the kernel's
 * d_path() gives it: component by component from the dentry up, hopping
 * from each mount's root to its mount point, until the given root (the
 * task's fs->root, so a chrooted task's paths read as it sees them) or the
 * root of the mount tree.
 *
 * For any program, not one hook: the caller passes a buffer of
 * SYSQ_PATH_BUF bytes (a map value, as the stack is too small) and gets
 * back where the path starts in it and how long it is. The walk runs in
 * bpf_loop(), so the verifier checks one step rather than every
 * combination of steps. Paths longer than SYSQ_PATH_MAX come back cut,
 * keeping their last components, with `truncated` set; " (deleted)" and
 * other decorations of d_path() are not added.
 *
 * Needs sysq_core.h's struct dentry, mount, vfsmount and path. */
#pragma once

#include "sysq_core.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* The path is built backwards from SYSQ_PATH_END; the room after it takes
 * the overhang of a component write masked into range. */
#define SYSQ_PATH_END 4096
#define SYSQ_PATH_MAX (SYSQ_PATH_END - 1)
#define SYSQ_PATH_BUF (2 * SYSQ_PATH_END)
#define SYSQ_NAME_MASK 255 /* a component is at most NAME_MAX (255) bytes */
#define SYSQ_PATH_STEPS 2048

struct sysq_path_walk {
	struct dentry *d;
	struct mount *mnt;
	struct dentry *mnt_root; /* of mnt */
	struct dentry *stop_dentry; /* the root the path is relative to */
	struct vfsmount *stop_mnt;
	char *buf; /* SYSQ_PATH_BUF bytes */
	__u64 mnt_offset; /* of struct vfsmount inside struct mount */
	__u32 off;	  /* the path starts at buf[off] */
	__u32 truncated;
};

static __always_inline struct vfsmount *sysq_vfsmount(struct sysq_path_walk *w)
{
	return (struct vfsmount *)((char *)w->mnt + w->mnt_offset);
}

/* From a mount's root to where it is mounted; 1 at the top of the tree. */
static __always_inline long sysq_path_hop(struct sysq_path_walk *w)
{
	struct mount *mnt = w->mnt;
	struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

	if (up == mnt)
		return 1;
	w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
	w->mnt = up;
	w->mnt_root = BPF_CORE_READ(up, mnt.mnt_root);
	return 0;
}

/* One step up. Returns 1 to stop. Locals rather than w->... in the
 * BPF_CORE_READs: a relocation must be of a kernel type. */
static long sysq_path_step(__u64 index, void *arg)
{
	struct sysq_path_walk *w = arg;
	struct dentry *d = w->d;
	struct dentry *parent;
	const unsigned char *name;
	__u32 len, off = w->off;

	if (d == w->stop_dentry && sysq_vfsmount(w) == w->stop_mnt)
		return 1;
	parent = BPF_CORE_READ(d, d_parent);
	if (d == w->mnt_root || d == parent)
		return sysq_path_hop(w);
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	if (len + 1 > off) {
		w->truncated = 1;
		return 1;
	}
	off -= len;
	bpf_probe_read_kernel(w->buf + (off & (SYSQ_PATH_END - 1)), len & SYSQ_NAME_MASK, name);
	off -= 1;
	w->buf[off & (SYSQ_PATH_END - 1)] = '/';
	w->off = off;
	w->d = parent;
	return 0;
}

/* Builds the text of `p` relative to `root` (NULL: the top of the mount
 * tree) in buf. Returns the offset of its first byte in buf; its length is
 * SYSQ_PATH_END minus that. The root itself reads "/". */
static __always_inline __u32 sysq_path_build(const struct path *p, const struct path *root,
					     char *buf, __u32 *truncated)
{
	struct sysq_path_walk w = {.buf = buf, .off = SYSQ_PATH_END,
				   .mnt_offset = bpf_core_field_offset(struct mount, mnt)};
	struct vfsmount *vmnt = BPF_CORE_READ(p, mnt);

	w.d = BPF_CORE_READ(p, dentry);
	w.mnt = (struct mount *)((char *)vmnt - w.mnt_offset);
	w.mnt_root = BPF_CORE_READ(vmnt, mnt_root);
	if (root) {
		w.stop_dentry = BPF_CORE_READ(root, dentry);
		w.stop_mnt = BPF_CORE_READ(root, mnt);
	}
	if (w.d && vmnt)
		bpf_loop(SYSQ_PATH_STEPS, sysq_path_step, &w, 0);
	if (w.off == SYSQ_PATH_END) {
		w.off = SYSQ_PATH_END - 1;
		buf[SYSQ_PATH_END - 1] = '/';
	}
	*truncated = w.truncated;
	return w.off;
}
