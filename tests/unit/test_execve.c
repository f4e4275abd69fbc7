/* Unit tests for audit/execve.c: rebuilding argv from the EXECVE records of
 * one event. Arguments are placed by numeric index (a10 after a9, whatever
 * the field order), split arguments (aN_len, aN[i]) are joined in chunk
 * order from quoted and hex chunks, argv may span several records, and a
 * missing argument, chunk or argc marks the result incomplete. */
#include "audit/execve.h"
#include "audit/record_types.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>

/* Appends a parsed record to a hand-built event. */
static void add_record(struct audit_event *ev, uint16_t type, const char *text)
{
	struct audit_record *rec = NULL;

	if (!CHECK_EQ_INT(audit_record_parse(type, text, strlen(text), &rec), 0))
		abort();
	if (ev->last)
		ev->last->next = rec;
	else
		ev->first = rec;
	ev->last = rec;
	ev->nrecords++;
}

static void free_event(struct audit_event *ev)
{
	struct audit_record *r = ev->first;

	while (r) {
		struct audit_record *next = r->next;

		audit_record_free(r);
		r = next;
	}
	memset(ev, 0, sizeof(*ev));
}

static bool check_arg(const char *file, int line, const struct exec_args *args, size_t i,
		      const char *want, size_t want_len)
{
	const char *p;
	size_t len;

	if (!check_record(i < args->argc, file, line, "argument index < argc"))
		return false;
	p = exec_arg(args, i, &len);
	return check_eq_mem(file, line, "argument", want, p, len, want, want_len);
}

/* `want` must be a string literal. */
#define CHECK_ARG(args, i, want) check_arg(__FILE__, __LINE__, args, i, want, sizeof(want) - 1)

static void test_simple(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_SYSCALL,
		   "audit(1.000:1): arch=c000003e syscall=59 a0=7ffd a1=2");
	add_record(&ev, AUDIT_TYPE_EXECVE,
		   "audit(1.000:1): argc=3 a0=\"ls\" a1=\"-l\" a2=\"/tmp\"");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_EQ_UINT(args.argc, 3);
		CHECK_EQ_UINT(args.argc_kernel, 3);
		CHECK(args.complete);
		/* The SYSCALL record's a0/a1 registers are not arguments. */
		CHECK_ARG(&args, 0, "ls");
		CHECK_ARG(&args, 1, "-l");
		CHECK_ARG(&args, 2, "/tmp");
		CHECK_EQ_UINT(args.off[3], args.data.len);
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_numeric_order(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_EXECVE,
		   "audit(1.000:2): argc=12 a0=\"p\" a1=\"1\" a10=\"10\" a11=\"11\" a2=\"2\" "
		   "a3=\"3\" a4=\"4\" a5=\"5\" a6=\"6\" a7=\"7\" a9=\"9\" a8=\"8\"");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_EQ_UINT(args.argc, 12);
		CHECK(args.complete);
		CHECK_ARG(&args, 0, "p");
		CHECK_ARG(&args, 2, "2");
		CHECK_ARG(&args, 8, "8");
		CHECK_ARG(&args, 9, "9");
		CHECK_ARG(&args, 10, "10");
		CHECK_ARG(&args, 11, "11");
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_hex_argument(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	/* The kernel hex-encodes an argument with a space, quote or NUL. */
	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:3): argc=2 a0=6563686F a1=61200062");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK(args.complete);
		CHECK_ARG(&args, 0, "echo");
		CHECK_ARG(&args, 1, "a \0b");
	}
	exec_args_free(&args);
	free_event(&ev);
}

/* A bare value that is not valid hex is kept as it came. */
static void test_undecodable_kept(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:4): argc=2 a0=xyz a1=414");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_ARG(&args, 0, "xyz");
		CHECK_ARG(&args, 1, "414");
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_chunks(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	/* Quoted and hex chunks mixed, and out of order in the record. */
	add_record(&ev, AUDIT_TYPE_EXECVE,
		   "audit(1.000:5): argc=3 a0=\"echo\" a1_len=15 a1[1]=776F726C64 "
		   "a1[0]=\"hello\" a1[2]=\"again\" a2=\"end\"");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_EQ_UINT(args.argc, 3);
		CHECK(args.complete);
		CHECK_ARG(&args, 0, "echo");
		CHECK_ARG(&args, 1, "helloworldagain");
		CHECK_ARG(&args, 2, "end");
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_several_records(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_SYSCALL, "audit(1.000:6): syscall=59");
	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:6): argc=5 a0=\"a\" a1=\"b\"");
	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:6): a2_len=6 a2[0]=\"abc\"");
	add_record(&ev, AUDIT_TYPE_CWD, "audit(1.000:6): cwd=\"/\"");
	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:6): a2[1]=646566 a3=\"c\" a4=\"d\"");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_EQ_UINT(args.argc, 5);
		CHECK(args.complete);
		CHECK_ARG(&args, 0, "a");
		CHECK_ARG(&args, 1, "b");
		CHECK_ARG(&args, 2, "abcdef");
		CHECK_ARG(&args, 3, "c");
		CHECK_ARG(&args, 4, "d");
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_missing_argument(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:7): argc=3 a0=\"a\" a2=\"c\"");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_EQ_UINT(args.argc, 3);
		CHECK(!args.complete);
		CHECK_ARG(&args, 0, "a");
		CHECK_ARG(&args, 1, "");
		CHECK_ARG(&args, 2, "c");
	}
	exec_args_free(&args);
	free_event(&ev);
}

/* Fewer arguments arrived than argc says: the tail is missing. */
static void test_missing_tail(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:8): argc=4 a0=\"a\" a1=\"b\"");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_EQ_UINT(args.argc, 4);
		CHECK(!args.complete);
		CHECK_ARG(&args, 1, "b");
		CHECK_ARG(&args, 3, "");
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void check_chunks_incomplete(const char *file, int line, const char *text)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_EXECVE, text);
	if (check_eq_int(file, line, "exec_args_collect", "0", exec_args_collect(&ev, &args), 0)) {
		check_eq_uint(file, line, "argc", "2", args.argc, 2);
		check_record(!args.complete, file, line, text);
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_missing_chunk(void)
{
	/* A chunk missing in the middle, at the start, and every chunk. */
	check_chunks_incomplete(__FILE__, __LINE__,
				"audit(1.000:9): argc=2 a0=\"x\" a1_len=9 a1[0]=\"abc\" "
				"a1[2]=\"ghi\"");
	check_chunks_incomplete(__FILE__, __LINE__,
				"audit(1.000:9): argc=2 a0=\"x\" a1_len=6 a1[1]=\"def\"");
	check_chunks_incomplete(__FILE__, __LINE__, "audit(1.000:9): argc=2 a0=\"x\" a1_len=6");
}

static void test_no_argc(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:10): a0=\"x\" a1=\"y\" a2=\"z\"");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK(!args.complete);
		CHECK_EQ_UINT(args.argc_kernel, 3);
		CHECK_EQ_UINT(args.argc, 3);
		CHECK_ARG(&args, 2, "z");
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_argc_zero(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_EXECVE, "audit(1.000:11): argc=0");
	if (CHECK_EQ_INT(exec_args_collect(&ev, &args), 0)) {
		CHECK_EQ_UINT(args.argc, 0);
		CHECK(args.complete);
		CHECK_EQ_UINT(args.off[0], 0);
	}
	exec_args_free(&args);
	free_event(&ev);
}

static void test_no_execve_record(void)
{
	struct audit_event ev = {0};
	struct exec_args args;

	add_record(&ev, AUDIT_TYPE_SYSCALL, "audit(1.000:12): syscall=59 a0=1 a1=2");
	add_record(&ev, AUDIT_TYPE_CWD, "audit(1.000:12): cwd=\"/\"");
	CHECK_EQ_INT(exec_args_collect(&ev, &args), -ENOENT);
	CHECK_EQ_UINT(args.argc, 0);
	exec_args_free(&args);
	free_event(&ev);

	CHECK_EQ_INT(exec_args_collect(&ev, &args), -ENOENT);
	exec_args_free(&args);
}

int main(void)
{
	test_simple();
	test_numeric_order();
	test_hex_argument();
	test_undecodable_kept();
	test_chunks();
	test_several_records();
	test_missing_argument();
	test_missing_tail();
	test_missing_chunk();
	test_no_argc();
	test_argc_zero();
	test_no_execve_record();
	return check_finish();
}
