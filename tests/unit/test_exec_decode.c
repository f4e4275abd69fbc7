/* Unit tests for bpf/exec_decode.c: a well-formed exec record decodes to
 * its exact arguments, paths and ids; a cut argument area keeps the whole
 * arguments only; the syscall is told from the number and the descriptor
 * flag; and every malformed record (short, wrong version, a length beyond
 * its field or not adding up to the size, a NUL in a path, an argument
 * area that does not end with a NUL when not cut) is rejected. Fork, exit
 * and kill records decode to their kind's fields, and a wrong size, kind,
 * flag or foreign field rejects them. */
#include "bpf/exec_decode.h"
#include "sysq_exec_event.h"

#include "check.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Large enough for the biggest record the program can write. */
static uint8_t buf[sizeof(struct sysq_exec_event) + SYSQ_EXEC_DATA_MAX + 64];

/* A record of args (args_len bytes), path and cwd, for execve. */
static size_t build(const char *args, size_t args_len, const char *path, const char *cwd)
{
	struct sysq_exec_event *e = (struct sysq_exec_event *)buf;
	uint8_t *p = buf + sizeof(*e);

	memset(buf, 0, sizeof(buf));
	e->version = SYSQ_EXEC_EVENT_VERSION;
	e->kind = SYSQ_KIND_EXEC;
	e->syscall_nr = 59;
	e->pid = 100;
	e->ppid = 1;
	e->uid = 1000;
	e->euid = 0;
	e->auid = 4294967295u;
	e->mode = 0100755;
	e->flags = SYSQ_EXEC_HAVE_FILE;
	memcpy(e->comm, "true", 4);
	memcpy(p, args, args_len);
	e->args_len = (uint32_t)args_len;
	e->path_len = (uint16_t)strlen(path);
	memcpy(p + args_len, path, e->path_len);
	e->cwd_len = (uint16_t)strlen(cwd);
	memcpy(p + args_len + e->path_len, cwd, e->cwd_len);
	e->size = (uint32_t)(sizeof(*e) + args_len + e->path_len + e->cwd_len);
	return e->size;
}

static struct sysq_exec_event *rec(void)
{
	return (struct sysq_exec_event *)buf;
}

struct collected {
	char text[256];
	size_t n;
};

/* Joins the arguments with '|' to compare them in one string. */
static void collect(void *ctx, const char *arg, size_t len)
{
	struct collected *c = ctx;

	if (c->n)
		c->text[strlen(c->text)] = '|';
	strncat(c->text, arg, len);
	c->n++;
}

static void test_well_formed(void)
{
	static const char args[] = "true\0a b\0new\nline\0\xff\0";
	size_t size = build(args, sizeof(args) - 1, "/usr/bin/true", "/tmp/a dir");
	struct collected c = {{0}, 0};
	struct bpf_exec e;

	rec()->argc = 4;
	if (!CHECK_EQ_INT(exec_decode(buf, size, &e), 0))
		return;
	exec_args_each(&e, collect, &c);
	CHECK_EQ_INT(c.n, 4);
	CHECK_EQ_STR(c.text, "true|a b|new\nline|\xff");
	CHECK(e.args_complete);
	CHECK_EQ_MEM(e.path, e.path_len, "/usr/bin/true", 13);
	CHECK_EQ_MEM(e.cwd, e.cwd_len, "/tmp/a dir", 10);
	CHECK_EQ_STR(e.syscall, "execve");
	CHECK_EQ_STR(e.comm, "true");
	CHECK_EQ_UINT(e.uid, 1000);
	CHECK_EQ_UINT(e.auid, 4294967295u);
	CHECK(e.have_file);
	CHECK_EQ_UINT(e.mode, 0100755);
}

static void test_cut_arguments(void)
{
	static const char args[] = "true\0first\0sec";
	size_t size = build(args, sizeof(args) - 1, "/usr/bin/true", "/");
	struct collected c = {{0}, 0};
	struct bpf_exec e;

	rec()->argc = 3;
	rec()->flags |= SYSQ_EXEC_ARGS_TRUNCATED;
	if (!CHECK_EQ_INT(exec_decode(buf, size, &e), 0))
		return;
	exec_args_each(&e, collect, &c);
	CHECK_EQ_STR(c.text, "true|first");
	CHECK(!e.args_complete);
	/* Fewer arguments than the kernel counted: not complete either. */
	size = build("true\0", 5, "/usr/bin/true", "/");
	rec()->argc = 2;
	CHECK(exec_decode(buf, size, &e) == 0 && !e.args_complete);
}

static void test_syscalls(void)
{
	size_t size = build("true\0", 5, "/usr/bin/true", "/");
	struct bpf_exec e;

	rec()->argc = 1;
	rec()->flags |= SYSQ_EXEC_AT_FD;
	CHECK(exec_decode(buf, size, &e) == 0 && e.syscall && !strcmp(e.syscall, "execveat"));
	rec()->flags &= ~SYSQ_EXEC_AT_FD;
	rec()->syscall_nr = 322;
	CHECK(exec_decode(buf, size, &e) == 0 && e.syscall && !strcmp(e.syscall, "execveat"));
	rec()->syscall_nr = 11;
	rec()->flags |= SYSQ_EXEC_COMPAT;
	CHECK(exec_decode(buf, size, &e) == 0 && e.syscall && !strcmp(e.syscall, "execve"));
	rec()->syscall_nr = -1; /* the kernel's own exec: decodes, with no syscall */
	CHECK(exec_decode(buf, size, &e) == 0 && e.syscall == NULL);
}

static void test_malformed(void)
{
	size_t size = build("true\0", 5, "/usr/bin/true", "/");
	struct bpf_exec e;

	rec()->argc = 1;
	CHECK_EQ_INT(exec_decode(buf, sizeof(struct sysq_exec_event) - 1, &e), -EINVAL);
	CHECK_EQ_INT(exec_decode(buf, size - 1, &e), -EINVAL);
	rec()->version = SYSQ_EXEC_EVENT_VERSION + 1;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	rec()->version = SYSQ_EXEC_EVENT_VERSION;
	rec()->size += 1;
	CHECK_EQ_INT(exec_decode(buf, size + 1, &e), -EINVAL); /* lengths do not add up */
	rec()->size -= 1;
	rec()->path_len = SYSQ_EXEC_PATH_MAX + 1;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	size = build("true\0", 5, "/usr/bXn/true", "/");
	buf[sizeof(struct sysq_exec_event) + 5 + 6] = '\0';
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL); /* a NUL in the path */
	size = build("true", 4, "/usr/bin/true", "/");
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL); /* not cut, yet no final NUL */
	size = build("true\0", 5, "/usr/bin/true", "/");
	rec()->args_len = SYSQ_EXEC_ARGS_MAX + 1;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
}

/* A fork, exit or kill record as the lifecycle hooks write it. */
static size_t build_life(uint16_t kind, int64_t nr)
{
	struct sysq_life_event *e = (struct sysq_life_event *)buf;

	memset(buf, 0, sizeof(buf));
	e->version = SYSQ_EXEC_EVENT_VERSION;
	e->kind = kind;
	e->size = sizeof(*e);
	e->syscall_nr = nr;
	e->pid = 200;
	e->ppid = 100;
	e->uid = 1000;
	e->auid = 4294967295u;
	memcpy(e->comm, "sh", 2);
	return sizeof(*e);
}

static struct sysq_life_event *life(void)
{
	return (struct sysq_life_event *)buf;
}

/* Each kind decodes to its own fields and its syscall's name, 64-bit or
 * compat; a number that is not one of the kind's calls gives no name. */
static void test_lifecycle(void)
{
	struct bpf_exec e;
	size_t size = build_life(SYSQ_KIND_FORK, 435);

	if (CHECK_EQ_INT(exec_decode(buf, size, &e), 0)) {
		CHECK_EQ_INT(e.kind, BPF_EXEC_FORK);
		CHECK_EQ_STR(e.syscall, "clone3");
		CHECK_EQ_UINT(e.pid, 200);
		CHECK_EQ_UINT(e.ppid, 100);
		CHECK_EQ_UINT(e.uid, 1000);
		CHECK_EQ_STR(e.comm, "sh");
	}
	size = build_life(SYSQ_KIND_EXIT, 252);
	life()->flags = SYSQ_LIFE_COMPAT;
	life()->exit_code = 255;
	CHECK(exec_decode(buf, size, &e) == 0 && e.kind == BPF_EXEC_EXIT && e.exit_code == 255 &&
	      e.syscall && !strcmp(e.syscall, "exit_group"));
	size = build_life(SYSQ_KIND_KILL, 234);
	life()->target_pid = 300;
	life()->signal = 15;
	CHECK(exec_decode(buf, size, &e) == 0 && e.kind == BPF_EXEC_KILL && e.target_pid == 300 &&
	      e.signal == 15 && e.syscall && !strcmp(e.syscall, "tgkill"));
	size = build_life(SYSQ_KIND_KILL, 57); /* fork's number on a kill */
	CHECK(exec_decode(buf, size, &e) == 0 && e.syscall == NULL);
}

/* A wrong size, kind or flag, or a field another kind owns, is malformed. */
static void test_lifecycle_malformed(void)
{
	struct bpf_exec e;
	size_t size = build_life(SYSQ_KIND_FORK, 57);

	CHECK_EQ_INT(exec_decode(buf, size - 1, &e), -EINVAL);
	CHECK_EQ_INT(exec_decode(buf, size + 1, &e), -EINVAL);
	CHECK_EQ_INT(exec_decode(buf, 3, &e), -EINVAL);
	life()->kind = SYSQ_KIND_KILL + 1;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	life()->kind = 0;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	size = build_life(SYSQ_KIND_FORK, 57);
	life()->flags = 0x80;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	size = build_life(SYSQ_KIND_FORK, 57);
	life()->signal = 9;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	size = build_life(SYSQ_KIND_KILL, 62);
	life()->exit_code = 1;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	size = build_life(SYSQ_KIND_EXIT, 231);
	life()->exit_code = 256;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
	size = build_life(SYSQ_KIND_EXIT, 231);
	life()->size = 0;
	CHECK_EQ_INT(exec_decode(buf, size, &e), -EINVAL);
}

int main(void)
{
	test_well_formed();
	test_cut_arguments();
	test_syscalls();
	test_malformed();
	test_lifecycle();
	test_lifecycle_malformed();
	return check_finish();
}
