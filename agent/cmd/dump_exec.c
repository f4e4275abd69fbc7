/* Text and JSON forms of an exec event for `sysq dump --bpf`. */
#include "dump_exec.h"

#include "common/escape.h"

#include <string.h>

#include <inttypes.h>

struct args_out {
	struct strbuf *out;
	bool json;
	bool first;
};

static void put_arg(void *ctx, const char *arg, size_t len)
{
	struct args_out *a = ctx;

	if (!a->first)
		sb_putc(a->out, a->json ? ',' : ' ');
	a->first = false;
	if (a->json) {
		json_append_string(a->out, arg, len);
		return;
	}
	sb_putc(a->out, '"');
	c_escape_append(a->out, arg, len);
	sb_putc(a->out, '"');
}

static void text_str(struct strbuf *out, const char *key, const char *val, size_t len)
{
	sb_printf(out, " %s=\"", key);
	c_escape_append(out, val, len);
	sb_putc(out, '"');
}

static void json_str(struct strbuf *out, const char *key, const char *val, size_t len)
{
	sb_printf(out, ",\"%s\":", key);
	json_append_string(out, val, len);
}

static void format_text(struct strbuf *out, const struct bpf_exec *e)
{
	struct args_out a = {.out = out, .first = true};

	sb_printf(out, "exec pid=%" PRIu32 " old_pid=%" PRIu32 " ppid=%" PRIu32 " uid=%" PRIu32
		       " euid=%" PRIu32 " gid=%" PRIu32 " egid=%" PRIu32 " auid=%" PRIu32
		       " cgroup=%" PRIu64 " syscall=%s",
		  e->pid, e->old_pid, e->ppid, e->uid, e->euid, e->gid, e->egid, e->auid,
		  e->cgroup_id, e->syscall ? e->syscall : "none");
	text_str(out, "comm", e->comm, strlen(e->comm));
	text_str(out, "exe", e->path, e->path_len);
	text_str(out, "cwd", e->cwd, e->cwd_len);
	if (e->have_file)
		sb_printf(out, " mode=%#o owner=%" PRIu32 ":%" PRIu32, (unsigned)e->mode,
			  e->owner_uid, e->owner_gid);
	sb_printf(out, " argc=%" PRIu32 "%s argv=[", e->argc, e->args_complete ? "" : " cut");
	exec_args_each(e, put_arg, &a);
	sb_putc(out, ']');
}

static void format_json(struct strbuf *out, const struct bpf_exec *e)
{
	struct args_out a = {.out = out, .json = true, .first = true};

	sb_printf(out, "{\"action\":\"exec\",\"pid\":%" PRIu32 ",\"old_pid\":%" PRIu32
		       ",\"ppid\":%" PRIu32 ",\"uid\":%" PRIu32 ",\"euid\":%" PRIu32
		       ",\"gid\":%" PRIu32 ",\"egid\":%" PRIu32 ",\"auid\":%" PRIu32
		       ",\"cgroup_id\":%" PRIu64 ",\"boot_ns\":%" PRIu64,
		  e->pid, e->old_pid, e->ppid, e->uid, e->euid, e->gid, e->egid, e->auid,
		  e->cgroup_id, e->boot_ns);
	if (e->syscall)
		sb_printf(out, ",\"syscall\":\"%s\"", e->syscall);
	json_str(out, "comm", e->comm, strlen(e->comm));
	json_str(out, "exe", e->path, e->path_len);
	json_str(out, "cwd", e->cwd, e->cwd_len);
	if (e->have_file)
		sb_printf(out, ",\"mode\":%" PRIu32 ",\"owner_uid\":%" PRIu32 ",\"owner_gid\":%" PRIu32,
			  e->mode, e->owner_uid, e->owner_gid);
	sb_printf(out, ",\"argc\":%" PRIu32 ",\"complete\":%s,\"argv\":[", e->argc,
		  e->args_complete ? "true" : "false");
	exec_args_each(e, put_arg, &a);
	sb_puts(out, "]}");
}

void dump_exec_format(struct strbuf *out, const struct bpf_exec *e, bool json)
{
	if (json)
		format_json(out, e);
	else
		format_text(out, e);
}
