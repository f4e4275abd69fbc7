/* sysq dump --bpf: prints every socket call and every exec the BPF
 * programs capture, as decoded by the same code the daemon uses, one line
 * (or JSON object) per event. Strings that come from the traced process
 * (comm, exe, UNIX paths, arguments) are escaped; execs are formatted by
 * dump_exec.c. */
#include "dump_bpf.h"

#include "dump_exec.h"

#include "bpf/exec_bpf.h"
#include "bpf/socket_bpf.h"
#include "sysq_socket_event.h"
#include "core/flags.h"

#include "common/escape.h"
#include "common/strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>


struct dump_bpf {
	bool json;
	struct strbuf line;
	unsigned long malformed;
};

static const char *family_name(int family)
{
	return family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "unix";
}

static void text_str(struct strbuf *out, const char *key, const char *val)
{
	sb_printf(out, " %s=\"", key);
	c_escape_append(out, val, strlen(val));
	sb_putc(out, '"');
}

static void text_endpoint(struct strbuf *out, const char *key, const struct endpoint *sa)
{
	if (sa->family == AF_UNIX) {
		text_str(out, key, sa->address);
		return;
	}
	sb_printf(out, " %s=%s%s%s:%d", key, sa->family == AF_INET6 ? "[" : "", sa->address,
		  sa->family == AF_INET6 ? "]" : "", sa->port);
}

static void text_event(struct strbuf *out, const struct bpf_socket_call *c)
{
	sb_printf(out, "%s pid=%" PRIu32 " tid=%" PRIu32 " ppid=%" PRIu32 " uid=%" PRIu32
		       " gid=%" PRIu32 " auid=%" PRIu32 " cgroup=%" PRIu64,
		  socket_action_name(c->action), c->pid, c->tid, c->ppid, c->uid, c->gid, c->auid,
		  c->cgroup_id);
	text_str(out, "comm", c->comm);
	text_str(out, "exe", c->exe);
	sb_printf(out, " fd=%d ret=%" PRId64 " family=%s", c->fd, c->ret, family_name(c->family));
	if (c->have_socket)
		sb_printf(out, " protocol=%d", c->protocol);
	if (c->recorded.family)
		text_endpoint(out, "addr", &c->recorded);
	if (c->have_local)
		text_endpoint(out, "local", &c->local);
	if (c->have_peer)
		text_endpoint(out, "peer", &c->peer);
	if (c->action == SYSQ_ACTION_SEND)
		sb_printf(out, " collapsed=%" PRIu32, c->collapsed);
}

static void json_str(struct strbuf *out, const char *key, const char *val)
{
	sb_printf(out, ",\"%s\":", key);
	json_append_string(out, val, strlen(val));
}

static void json_endpoint(struct strbuf *out, const char *key, const struct endpoint *sa)
{
	sb_printf(out, ",\"%s\":{\"address\":", key);
	json_append_string(out, sa->address, strlen(sa->address));
	if (sa->port >= 0)
		sb_printf(out, ",\"port\":%d", sa->port);
	sb_putc(out, '}');
}

static void json_event(struct strbuf *out, const struct bpf_socket_call *c)
{
	sb_printf(out, "{\"action\":\"%s\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ppid\":%" PRIu32
		       ",\"uid\":%" PRIu32 ",\"gid\":%" PRIu32 ",\"auid\":%" PRIu32
		       ",\"cgroup_id\":%" PRIu64 ",\"boot_ns\":%" PRIu64,
		  socket_action_name(c->action), c->pid, c->tid, c->ppid, c->uid, c->gid, c->auid,
		  c->cgroup_id, c->boot_ns);
	json_str(out, "comm", c->comm);
	json_str(out, "exe", c->exe);
	sb_printf(out, ",\"fd\":%d,\"ret\":%" PRId64 ",\"family\":%d", c->fd, c->ret, c->family);
	if (c->have_socket)
		sb_printf(out, ",\"protocol\":%d", c->protocol);
	if (c->recorded.family)
		json_endpoint(out, "addr", &c->recorded);
	if (c->have_local)
		json_endpoint(out, "local", &c->local);
	if (c->have_peer)
		json_endpoint(out, "peer", &c->peer);
	if (c->action == SYSQ_ACTION_SEND)
		sb_printf(out, ",\"collapsed\":%" PRIu32, c->collapsed);
	sb_putc(out, '}');
}

static void print_event(void *ctx, const struct bpf_socket_call *call)
{
	struct dump_bpf *d = ctx;

	if (!call) {
		d->malformed++;
		return;
	}
	sb_truncate(&d->line, 0);
	if (d->json)
		json_event(&d->line, call);
	else
		text_event(&d->line, call);
	sb_putc(&d->line, '\n');
	fwrite(d->line.buf, 1, d->line.len, stdout);
}

static void print_exec(void *ctx, const struct bpf_exec *e)
{
	struct dump_bpf *d = ctx;

	if (!e) {
		d->malformed++;
		return;
	}
	sb_truncate(&d->line, 0);
	dump_exec_format(&d->line, e, d->json);
	sb_putc(&d->line, '\n');
	fwrite(d->line.buf, 1, d->line.len, stdout);
}

static void print_counters(struct socket_bpf *sb, struct exec_bpf *eb, const struct dump_bpf *d)
{
	uint64_t c[SOCKET_BPF_COUNTERS], x[EXEC_BPF_COUNTERS];

	socket_bpf_counters(sb, c);
	fprintf(stderr, "sysq dump: malformed=%lu", d->malformed);
	for (int i = 0; i < SOCKET_BPF_COUNTERS; i++)
		fprintf(stderr, " %s=%" PRIu64, counter_names[socket_bpf_counter_id(i)], c[i]);
	if (eb) {
		exec_bpf_counters(eb, x);
		fprintf(stderr, " exec:");
		for (int i = 0; i < EXEC_BPF_COUNTERS; i++)
			fprintf(stderr, " %s=%" PRIu64, counter_names[exec_bpf_counter_id(i)], x[i]);
	}
	fputc('\n', stderr);
}

/* The exec program, unfiltered; without it the dump goes on with the
 * socket programs and says why. */
static struct exec_bpf *open_exec(uint64_t ring_size)
{
	struct exec_bpf_options opt = {.ring_size = ring_size};
	struct exec_bpf *eb;
	char *err = NULL;

	if (exec_bpf_open(&opt, &eb, &err) == 0)
		return eb;
	fprintf(stderr, "sysq dump: no exec events: %s\n", err);
	free(err);
	return NULL;
}

int dump_bpf_run(bool json, int sigfd)
{
	struct socket_bpf_options opt = {.allow_unix = true, .self = getpid()};
	struct dump_bpf d = {.json = json};
	struct sysq_flags defaults;
	int flush_ms;
	struct pollfd sig = {.fd = sigfd, .events = POLLIN};
	struct socket_bpf *sb;
	struct exec_bpf *eb;
	char *err = NULL;

	/* The daemon's defaults, so dump sees what an unconfigured daemon would. */
	flags_init(&defaults);
	opt.ring_size = (uint64_t)defaults.bpf_ring_buffer_size;
	flush_ms = (int)defaults.bpf_flush_ms;
	opt.syscall_exit = defaults.bpf_socket_syscall_exit;
	opt.sends = defaults.enable_bpf_send_events;
	opt.send_dedup_ms = (uint64_t)defaults.bpf_send_dedup_ms;
	flags_free(&defaults);
	if (socket_bpf_open(&opt, &sb, &err) < 0) {
		fprintf(stderr, "sysq dump: BPF is unavailable: %s\n", err);
		free(err);
		return 1;
	}
	eb = open_exec(opt.ring_size);
	for (;;) {
		int n = socket_bpf_poll(sb, flush_ms, print_event, &d);

		if (n < 0 && n != -EINTR)
			break;
		if (eb && (n = exec_bpf_poll(eb, 0, print_exec, &d)) < 0 && n != -EINTR)
			break;
		fflush(stdout);
		if (poll(&sig, 1, 0) > 0)
			break; /* Ctrl-C or SIGTERM: a clean stop */
	}
	print_counters(sb, eb, &d);
	exec_bpf_close(eb);
	socket_bpf_close(sb);
	sb_free(&d.line);
	return 0;
}
