/* process_events, inside its folder: the columns, and what the module
 * (module.c), the row builders of each source (audit.c, bpf.c) and their
 * shared helpers (row.c) give each other. Nothing outside
 * tables/process_events includes this file: the agent sees the table
 * through process_events_module (registry/table_module.h). */
#pragma once

#include "registry/table_module.h"

#include "audit/record.h"
#include "container/container_row.h"

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct audit_event;
struct bpf_exec;

/* X(name, type, hidden, description) */
#define PROCESS_EVENTS_COLUMNS(X)                                                                  \
	X(pid, INTEGER, false, "Process ID")                                                       \
	X(path, TEXT, false, "Path of the executed file (the SYSCALL record's exe)")               \
	X(mode, TEXT, false, "Mode of the executed file, from its PATH record")                    \
	X(cmdline, TEXT, false,                                                                    \
	  "Arguments joined by spaces; any argument with spaces, quotes or control bytes is "      \
	  "shell-quoted")                                                                          \
	X(cmdline_size, INTEGER, true, "Total bytes of the arguments")                             \
	X(env, TEXT, true, "Environment; audit does not record it, so NULL")                       \
	X(env_count, INTEGER, true, "Environment variable count; NULL, as env")                    \
	X(env_size, INTEGER, true, "Environment size; NULL, as env")                               \
	X(cwd, TEXT, false, "Working directory, decoded")                                          \
	X(auid, INTEGER, false, "Audit (login) user ID; 4294967295 when unset")                    \
	X(uid, INTEGER, false, "User ID")                                                          \
	X(euid, INTEGER, false, "Effective user ID")                                               \
	X(gid, INTEGER, false, "Group ID")                                                         \
	X(egid, INTEGER, false, "Effective group ID")                                              \
	X(owner_uid, INTEGER, false, "Owner of the executed file")                                 \
	X(owner_gid, INTEGER, false, "Group of the executed file")                                 \
	X(atime, INTEGER, false, "Access time of the executed file when the event was read")       \
	X(mtime, INTEGER, false, "Modification time of the executed file")                         \
	X(ctime, INTEGER, false, "Status change time of the executed file")                        \
	X(btime, INTEGER, false, "Birth time of the executed file, where the filesystem has it")   \
	X(overflows, TEXT, true, "'argv' when some arguments could not be recovered, else ''")     \
	X(parent, INTEGER, false, "Parent process ID")                                             \
	X(time, INTEGER, false, "Audit timestamp of the exec, in seconds since the epoch")         \
	X(uptime, INTEGER, false, "Seconds since boot at the time of the exec")                    \
	X(eid, TEXT, true, "Event ID")                                                             \
	X(fsuid, INTEGER, false, "Filesystem user ID")                                             \
	X(suid, INTEGER, false, "Saved user ID")                                                   \
	X(fsgid, INTEGER, false, "Filesystem group ID")                                            \
	X(sgid, INTEGER, false, "Saved group ID")                                                  \
	X(syscall, TEXT, false,                                                                    \
	  "execve or execveat; with the lifecycle flags also fork, vfork, clone, clone3, kill, "  \
	  "tkill, tgkill, exit or exit_group")                                                    \
	X(argv, TEXT, true, "The exact arguments as a JSON array; bytes that are not UTF-8 "       \
			    "appear as \\udcXX")                                                   \
	X(source, TEXT, true, "Where the row came from: audit or bpf")                             \
	X(cgroup_id, INTEGER, true, "ID of the process's cgroup v2 (NULL when it could not be read: cgroup_unknown)")                      \
	X(node, TEXT, true, "Host that logged the event (auditd's node=), from saved logs; NULL live") \
	X(target_pid, INTEGER, true,                                                               \
	  "kill rows: the process kill signalled, or the thread tkill or tgkill did (audit: the "  \
	  "argument as given, 0 or negative for a process group)")                                 \
	X(signal, INTEGER, true, "kill rows: the signal sent")                                     \
	X(exit_code, INTEGER, true, "exit rows: the status passed to exit or exit_group, 0-255") \
	X(cgroup_path, TEXT, true, "The process's cgroup v2 path, as /proc/<pid>/cgroup shows it")  \
	X(container_id, TEXT, true,                                                                \
	  "ID (or name) of the container the process ran in; NULL on the host")                   \
	X(container_runtime, TEXT, true,                                                           \
	  "docker, containerd, cri, podman, crio, systemd-nspawn or lxc; NULL on the host")        \
	X(file_inode, INTEGER, true, "Inode of the executed file, from its PATH record (audit rows)") \
	X(file_device, TEXT, true,                                                                 \
	  "Device of the executed file, major:minor in hex as audit writes it (audit rows)")

enum process_events_column {
#define X(name, ...) PE_##name,
	PROCESS_EVENTS_COLUMNS(X)
#undef X
	PE_COUNT
};

/* Builds the argument columns (cmdline, argv, cmdline_size, overflows)
 * one argument at a time, the same way for every source, so a cmdline
 * quotes exactly alike whichever source filled it. */
struct args_builder {
	struct strbuf *cmdline;
	struct strbuf json;
	size_t argc;
	size_t total;
};

void args_begin(struct args_builder *b, struct strbuf *cmdline);
void args_add(struct args_builder *b, const char *arg, size_t len);
/* Sets the columns and frees the builder; `complete` false sets
 * overflows to 'argv'. */
void args_finish(struct args_builder *b, struct row *row, bool complete);

/* The executable's file times, read when the row reaches the store
 * (table_def.before_store). */
void process_events_file_times(struct row *row);

/* The container columns (container.c), and what audit rows record of the
 * executed file's identity: its PATH record's inode and dev. */
extern const struct container_columns process_events_container_columns;
void process_events_file_identity(struct row *row, const struct audit_record *path);

/* statx of the executed file as its process saw it (file.c): through the
 * process's root while it lives, else the host's file when that is known
 * to be the one that ran. Returns 0 or -errno. */
int process_events_exec_statx(struct row *row, const char *path, unsigned mask,
			      struct statx *stx);

/* The audit publisher's events into rows (audit.c). */
void process_events_on_audit(struct subscriber *sub, void *ctx, const void *event);

/* The BPF exec publisher's events into rows (bpf.c). */
void process_events_on_bpf(struct subscriber *sub, void *ctx, const void *event);

/* Lifecycle rows (fork, kill, exit) from an audit event whose SYSCALL
 * record is not an exec (audit.c); false when the event is not one. */
bool process_events_audit_lifecycle(struct subscriber *sub, const struct table_ctx *tc,
				    const struct audit_event *ev);

/* Lifecycle rows from a BPF fork, exit or kill record (bpf.c). */
void process_events_bpf_lifecycle(struct subscriber *sub, const struct table_ctx *tc,
				  const struct bpf_exec *e);
