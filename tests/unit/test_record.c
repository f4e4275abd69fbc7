/* Unit tests for audit/record.c: tokenising kernel record text (header id,
 * bare, "quoted", hex and msg='...' values, AVC prose), rejecting
 * malformed records, decoding values and numbers, and the auditd log line
 * form written by --audit_debug and read back by the golden replayer. */
#include "audit/record.h"
#include "audit/record_types.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>

/* Parses a literal (its length excludes the final NUL of the literal). */
#define PARSE(type, lit, ret) audit_record_parse(type, lit, sizeof(lit) - 1, ret)

static void check_field(const char *file, int line, const struct audit_record *rec,
			const char *key, const char *want, char quote)
{
	const struct audit_field *f = audit_record_field(rec, key);

	if (!check_record(f != NULL, file, line, key))
		return;
	check_eq_mem(file, line, key, want, f->val, f->val_len, want, strlen(want));
	check_eq_int(file, line, "quote", "expected quote", f->quote, quote);
}

#define CHECK_FIELD(rec, key, want, quote) check_field(__FILE__, __LINE__, rec, key, want, quote)

static void test_syscall_record(void)
{
	static const char text[] =
		"audit(1700000000.123:4567): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 "
		"items=2 ppid=100 pid=101 auid=4294967295 uid=0 comm=\"ls\" exe=\"/usr/bin/ls\" "
		"key=\"sysq\"";
	struct audit_record *rec = NULL;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_SYSCALL, text, &rec), 0))
		return;
	CHECK_EQ_INT(rec->type, AUDIT_TYPE_SYSCALL);
	CHECK_EQ_UINT(rec->sec, 1700000000);
	CHECK_EQ_UINT(rec->msec, 123);
	CHECK_EQ_UINT(rec->serial, 4567);
	CHECK_EQ_UINT(rec->nfields, 13);
	CHECK_EQ_MEM(rec->text, rec->text_len, text, sizeof(text) - 1);
	CHECK_FIELD(rec, "arch", "c000003e", 0);
	CHECK_FIELD(rec, "syscall", "59", 0);
	CHECK_FIELD(rec, "comm", "ls", '"');
	CHECK_FIELD(rec, "exe", "/usr/bin/ls", '"');
	CHECK_FIELD(rec, "key", "sysq", '"');
	CHECK(audit_record_field(rec, "missing") == NULL);
	/* Lookups match whole keys, not prefixes. */
	CHECK(audit_record_field(rec, "a") == NULL);
	CHECK(audit_record_field(rec, "pid") != NULL &&
	      audit_record_field(rec, "pid") != audit_record_field(rec, "ppid"));
	audit_record_free(rec);
}

static void test_value_forms(void)
{
	static const char text[] =
		"audit(1.000:2): proctitle=2F62696E2F7368002D63 cwd=(null) name=\"a b=c\" "
		"empty= quoted_null=\"(null)\"";
	struct audit_record *rec = NULL;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_PROCTITLE, text, &rec), 0))
		return;
	CHECK_EQ_UINT(rec->msec, 0);
	CHECK_EQ_UINT(rec->nfields, 5);
	CHECK_FIELD(rec, "proctitle", "2F62696E2F7368002D63", 0);
	CHECK_FIELD(rec, "cwd", "(null)", 0);
	/* A quoted value may hold spaces and '='. */
	CHECK_FIELD(rec, "name", "a b=c", '"');
	CHECK_FIELD(rec, "empty", "", 0);
	CHECK_FIELD(rec, "quoted_null", "(null)", '"');
	audit_record_free(rec);
}

static void test_user_msg(void)
{
	static const char text[] =
		"audit(1700000000.001:99): pid=1 uid=0 auid=4294967295 ses=4294967295 "
		"msg='op=PAM:session_open acct=\"root\" exe=\"/usr/sbin/sshd\" res=success'";
	static const char odd[] = "audit(1.1:1): msg='a'b c' res=1";
	struct audit_record *rec = NULL;

	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_USER_START, text, &rec), 0)) {
		CHECK_EQ_UINT(rec->nfields, 5);
		CHECK_FIELD(rec, "msg",
			    "op=PAM:session_open acct=\"root\" exe=\"/usr/sbin/sshd\" res=success",
			    '\'');
		/* The payload's own fields are not the record's. */
		CHECK(audit_record_field(rec, "acct") == NULL);
		audit_record_free(rec);
	}
	/* The payload ends at the first quote followed by a space or the end. */
	rec = NULL;
	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_USER, odd, &rec), 0)) {
		CHECK_FIELD(rec, "msg", "a'b c", '\'');
		CHECK_FIELD(rec, "res", "1", 0);
		audit_record_free(rec);
	}
}

static void test_trailing_bytes_stripped(void)
{
	static const char text[] = "audit(5.006:7): a=b\n\0\0";
	static const char spaced[] = "audit(5.006:7): a=b   ";
	struct audit_record *rec = NULL;

	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_CWD, text, &rec), 0)) {
		CHECK_EQ_STR(rec->text, "audit(5.006:7): a=b");
		CHECK_EQ_UINT(rec->text_len, strlen("audit(5.006:7): a=b"));
		CHECK_FIELD(rec, "a", "b", 0);
		audit_record_free(rec);
	}
	rec = NULL;
	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_CWD, spaced, &rec), 0)) {
		CHECK_FIELD(rec, "a", "b", 0);
		audit_record_free(rec);
	}
}

static void test_avc_words_skipped(void)
{
	static const char text[] =
		"audit(1700000000.000:5): avc:  denied  { read } for  pid=1 comm=\"x\" "
		"scontext=u:r:t:s0 tclass=file permissive=0";
	struct audit_record *rec = NULL;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_AVC, text, &rec), 0))
		return;
	CHECK_EQ_UINT(rec->nfields, 5);
	CHECK_FIELD(rec, "pid", "1", 0);
	CHECK_FIELD(rec, "scontext", "u:r:t:s0", 0);
	CHECK_FIELD(rec, "permissive", "0", 0);
	CHECK(audit_record_field(rec, "avc:") == NULL);
	audit_record_free(rec);
}

static void check_named(const char *file, int line, const struct audit_record *rec, uint32_t i,
			const char *key, const char *want)
{
	const struct audit_field *f;

	if (!check_record(i < rec->nnamed, file, line, key))
		return;
	f = &rec->named[i];
	check_eq_mem(file, line, "named key", key, f->key, f->key_len, key, strlen(key));
	check_eq_mem(file, line, key, want, f->val, f->val_len, want, strlen(want));
	check_record(audit_record_field(rec, key) == f, file, line, "found by audit_record_field");
}

#define CHECK_NAMED(rec, i, key, want) check_named(__FILE__, __LINE__, rec, i, key, want)

/* An SELinux AVC's result and permission set, from the prose before its
 * pairs, as auparse names them (go-libaudit auparse-test2.log line 1,
 * audit-userspace test.log line 1). */
static void test_avc_named(void)
{
	static const char one[] =
		"type=AVC msg=audit(1170021493.977:293): avc:  denied  { read } for  pid=13010 "
		"comm=\"pickup\" name=\"maildrop\" dev=hda7 ino=14911367 "
		"scontext=system_u:system_r:postfix_pickup_t:s0 "
		"tcontext=system_u:object_r:postfix_spool_maildrop_t:s0 tclass=dir";
	static const char two[] =
		"type=AVC msg=audit(1170021493.977:293): avc:  denied  { read write } for  "
		"pid=13010 comm=\"pickup\" name=\"maildrop\" dev=hda7 ino=14911367 "
		"scontext=system_u:system_r:postfix_pickup_t:s0 "
		"tcontext=system_u:object_r:postfix_spool_maildrop_t:s0 tclass=dir";
	struct audit_record *rec = NULL;

	if (CHECK_EQ_INT(audit_record_parse_log_line(one, sizeof(one) - 1, &rec), 0)) {
		CHECK_EQ_UINT(rec->nfields, 8);
		CHECK_FIELD(rec, "pid", "13010", 0);
		CHECK_FIELD(rec, "tclass", "dir", 0);
		CHECK_EQ_UINT(rec->nnamed, 2);
		CHECK_NAMED(rec, 0, "seresult", "denied");
		CHECK_NAMED(rec, 1, "seperms", "read");
		audit_record_free(rec);
	}
	if (CHECK_EQ_INT(audit_record_parse_log_line(two, sizeof(two) - 1, &rec), 0)) {
		CHECK_EQ_UINT(rec->nfields, 8);
		CHECK_EQ_UINT(rec->nnamed, 2);
		CHECK_NAMED(rec, 0, "seresult", "denied");
		CHECK_NAMED(rec, 1, "seperms", "read,write");
		audit_record_free(rec);
	}
	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_AVC,
			       "audit(1.000:2): avc:  granted  {setenforce} for pid=1 permissive=0",
			       &rec),
			 0)) {
		CHECK_EQ_UINT(rec->nfields, 2);
		CHECK_EQ_UINT(rec->nnamed, 2);
		CHECK_NAMED(rec, 0, "seresult", "granted");
		CHECK_NAMED(rec, 1, "seperms", "setenforce");
		audit_record_free(rec);
	}
	/* Other AVC prose names nothing: a notice, an unclosed set. */
	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_AVC,
			       "audit(1.000:3): avc:  received setenforce notice (enforcing=1)",
			       &rec),
			 0)) {
		CHECK_EQ_UINT(rec->nnamed, 0);
		CHECK_EQ_UINT(rec->nfields, 1);
		audit_record_free(rec);
	}
	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_AVC, "audit(1.000:4): avc:  denied  { read pid=1", &rec),
			 0)) {
		CHECK_EQ_UINT(rec->nfields, 1);
		CHECK_EQ_UINT(rec->nnamed, 1);
		CHECK_NAMED(rec, 0, "seresult", "denied");
		audit_record_free(rec);
	}
}

/* The old LOGIN format (go-libaudit auparse-test2.log line 7): "old auid=
 * new auid=" become old_auid and new_auid, so "auid" is not there twice;
 * the newer kernel's old-auid= and anything else is left as it was. */
static void test_old_new_named(void)
{
	static const char login[] = "type=LOGIN msg=audit(1170021601.343:296): login pid=13015 "
				    "uid=0 old auid=4294967295 new auid=0";
	static const char modern[] = "audit(1170021601.343:296): pid=2288 uid=0 "
				     "subj=system_u:system_r:init_t:s0 old-auid=4294967295 "
				     "auid=42 tty=(none) old-ses=4294967295 ses=1 res=1";
	static const char quoted[] = "audit(1.000:5): pid=1 comm=\"old \" exe=\"new x\" "
				     "msg='op=x old auid=1 res=success'";
	struct audit_record *rec = NULL;
	struct audit_field msg[8];

	if (CHECK_EQ_INT(audit_record_parse_log_line(login, sizeof(login) - 1, &rec), 0)) {
		CHECK_EQ_UINT(rec->nfields, 2);
		CHECK_FIELD(rec, "pid", "13015", 0);
		CHECK_FIELD(rec, "uid", "0", 0);
		CHECK(audit_record_field(rec, "auid") == NULL);
		CHECK_EQ_UINT(rec->nnamed, 2);
		CHECK_NAMED(rec, 0, "old_auid", "4294967295");
		CHECK_NAMED(rec, 1, "new_auid", "0");
		audit_record_free(rec);
	}
	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_LOGIN, modern, &rec), 0)) {
		CHECK_EQ_UINT(rec->nfields, 9);
		CHECK_EQ_UINT(rec->nnamed, 0);
		CHECK_FIELD(rec, "old-auid", "4294967295", 0);
		CHECK_FIELD(rec, "auid", "42", 0);
		audit_record_free(rec);
	}
	/* "old"/"new" inside values, or not right before a pair, name nothing;
	 * a user message's payload is split as before. */
	if (CHECK_EQ_INT(PARSE(1100, quoted, &rec), 0)) {
		CHECK_EQ_UINT(rec->nfields, 4);
		CHECK_EQ_UINT(rec->nnamed, 0);
		CHECK_EQ_INT(audit_msg_fields(audit_record_field(rec, "msg"), msg, 8), 3);
		CHECK(audit_fields_find(msg, 3, "auid") != NULL);
		audit_record_free(rec);
	}
	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_LOGIN, "audit(1.000:6): old x auid=1 new", &rec), 0)) {
		CHECK_EQ_UINT(rec->nnamed, 0);
		CHECK_FIELD(rec, "auid", "1", 0);
		audit_record_free(rec);
	}
}

/* The named fields survive the log line round trip the golden replayer
 * relies on. */
static void test_named_round_trip(void)
{
	static const char text[] = "audit(3.000:7): avc:  denied  { read  write } for pid=2 "
				   "old auid=1 new auid=2";
	struct audit_record *rec = NULL, *back = NULL;
	struct strbuf line = STRBUF_INIT;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_AVC, text, &rec), 0))
		return;
	audit_record_format_line(rec, &line);
	if (CHECK_EQ_INT(audit_record_parse_log_line(line.buf, line.len, &back), 0)) {
		CHECK_EQ_UINT(back->nfields, 1);
		CHECK_EQ_UINT(back->nnamed, 4);
		CHECK_NAMED(back, 0, "seresult", "denied");
		CHECK_NAMED(back, 1, "seperms", "read,write");
		CHECK_NAMED(back, 2, "old_auid", "1");
		CHECK_NAMED(back, 3, "new_auid", "2");
		audit_record_free(back);
	}
	sb_free(&line);
	audit_record_free(rec);
}

static void test_header_only(void)
{
	struct audit_record *rec = NULL;

	if (CHECK_EQ_INT(PARSE(AUDIT_TYPE_EOE, "audit(1.999:18446744073709551615):", &rec), 0)) {
		CHECK_EQ_UINT(rec->nfields, 0);
		CHECK_EQ_UINT(rec->msec, 999);
		CHECK_EQ_UINT(rec->serial, UINT64_MAX);
		audit_record_free(rec);
	}
}

/* The parse must fail with -EINVAL and leave *ret alone. */
static void check_rejected(const char *file, int line, const char *text, size_t len)
{
	struct audit_record *sentinel = (struct audit_record *)&sentinel;
	struct audit_record *rec = sentinel;
	int rc = audit_record_parse(AUDIT_TYPE_SYSCALL, text, len, &rec);

	if (!check_eq_int(file, line, "audit_record_parse", "-EINVAL", rc, -EINVAL)) {
		check_print_bytes("input", text, len);
		if (rc == 0)
			audit_record_free(rec);
		return;
	}
	check_record(rec == sentinel, file, line, "*ret untouched on failure");
}

#define CHECK_REJECTED(lit) check_rejected(__FILE__, __LINE__, lit, sizeof(lit) - 1)

static void test_malformed(void)
{
	CHECK_REJECTED("");
	CHECK_REJECTED("\n\0");
	CHECK_REJECTED("1.000:1): a=b");
	CHECK_REJECTED("audix(1.000:1): a=b");
	CHECK_REJECTED("audit(");
	CHECK_REJECTED("audit(.000:1): a=b");
	CHECK_REJECTED("audit(1:1): a=b");
	CHECK_REJECTED("audit(1.1000:1): a=b");
	CHECK_REJECTED("audit(1.000:): a=b");
	CHECK_REJECTED("audit(1.000-1): a=b");
	CHECK_REJECTED("audit(1.000:1) a=b");
	CHECK_REJECTED("audit(1.000:1)");
	CHECK_REJECTED("audit(1.000:1x): a=b");
	CHECK_REJECTED("audit(99999999999999999999.000:1): a=b"); /* sec overflows u64 */
	CHECK_REJECTED("audit(1.000:1): comm=\"ls");
	CHECK_REJECTED("audit(1.000:1): msg='op=x res=1");
	CHECK_REJECTED("audit(1.000:1): msg='it'x");
	CHECK_REJECTED("audit(1.000:1): =x");
	CHECK_REJECTED("audit(1.000:1): a=1 =x b=2");
	CHECK_REJECTED("audit(1.000:1): a=b\0c=d");
	CHECK_REJECTED("\0audit(1.000:1): a=b");
}

static void test_length_limit(void)
{
	static const char head[] = "audit(1.000:1): a=";
	char *buf = malloc(AUDIT_RECORD_MAX + 2);
	struct audit_record *rec = NULL;

	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'x', AUDIT_RECORD_MAX + 1 - (sizeof(head) - 1));
	buf[AUDIT_RECORD_MAX + 1] = '\0';
	if (CHECK_EQ_INT(audit_record_parse(AUDIT_TYPE_SYSCALL, buf, AUDIT_RECORD_MAX, &rec), 0)) {
		CHECK_EQ_UINT(rec->text_len, AUDIT_RECORD_MAX);
		CHECK_EQ_UINT(audit_record_field(rec, "a")->val_len,
			      AUDIT_RECORD_MAX - (sizeof(head) - 1));
		audit_record_free(rec);
	}
	check_rejected(__FILE__, __LINE__, buf, AUDIT_RECORD_MAX + 1);
	/* Trailing newlines are stripped before the limit applies. */
	buf[AUDIT_RECORD_MAX] = '\n';
	rec = NULL;
	if (CHECK_EQ_INT(audit_record_parse(AUDIT_TYPE_SYSCALL, buf, AUDIT_RECORD_MAX + 1, &rec),
			 0))
		audit_record_free(rec);
	free(buf);
}

/* Decodes field `key` of a parsed record into a buffer holding "pre:". */
static int decode(const struct audit_record *rec, const char *key, struct strbuf *out)
{
	sb_truncate(out, 0);
	sb_puts(out, "pre:");
	return audit_record_decode(rec, key, out);
}

static void test_value_decode(void)
{
	static const char text[] =
		"audit(1.000:1): q=\"a b\" up=414243 low=6c73 mixed=4a6B nul=61006200 odd=414 "
		"bad=41G1 null=(null) qnull=\"(null)\" empty=";
	struct audit_record *rec = NULL;
	struct strbuf out = STRBUF_INIT;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_EXECVE, text, &rec), 0))
		return;
	CHECK_EQ_INT(decode(rec, "q", &out), 0);
	CHECK_EQ_STR(sb_str(&out), "pre:a b");
	CHECK_EQ_INT(decode(rec, "up", &out), 0);
	CHECK_EQ_STR(sb_str(&out), "pre:ABC");
	CHECK_EQ_INT(decode(rec, "low", &out), 0);
	CHECK_EQ_STR(sb_str(&out), "pre:ls");
	CHECK_EQ_INT(decode(rec, "mixed", &out), 0);
	CHECK_EQ_STR(sb_str(&out), "pre:Jk");
	CHECK_EQ_INT(decode(rec, "nul", &out), 0);
	CHECK_EQ_MEM(out.buf, out.len, "pre:a\0b\0", 8);
	CHECK_EQ_INT(decode(rec, "empty", &out), 0);
	CHECK_EQ_STR(sb_str(&out), "pre:");
	CHECK_EQ_INT(decode(rec, "qnull", &out), 0);
	CHECK_EQ_STR(sb_str(&out), "pre:(null)");
	/* Failures leave what was in the buffer as it was. */
	CHECK_EQ_INT(decode(rec, "odd", &out), -EINVAL);
	CHECK_EQ_STR(sb_str(&out), "pre:");
	CHECK_EQ_INT(decode(rec, "bad", &out), -EINVAL);
	CHECK_EQ_MEM(out.buf, out.len, "pre:", 4);
	CHECK_EQ_INT(decode(rec, "null", &out), -ENOENT);
	CHECK_EQ_STR(sb_str(&out), "pre:");
	CHECK_EQ_INT(decode(rec, "absent", &out), -ENOENT);
	sb_free(&out);
	audit_record_free(rec);
}

static int field_i64(const struct audit_record *rec, const char *key, int64_t *v)
{
	*v = 12345;
	return audit_record_i64(rec, key, v);
}

static void test_field_i64(void)
{
	static const char text[] =
		"audit(1.000:1): neg=-1 auid=4294967295 max=9223372036854775807 "
		"over=9223372036854775808 min=-9223372036854775808 under=-9223372036854775809 "
		"huge=18446744073709551616 junk=12x empty= dash=- plus=+5 q=\"7\"";
	struct audit_record *rec = NULL;
	int64_t v;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_SYSCALL, text, &rec), 0))
		return;
	CHECK_EQ_INT(field_i64(rec, "neg", &v), 0);
	CHECK_EQ_INT(v, -1);
	CHECK_EQ_INT(field_i64(rec, "auid", &v), 0);
	CHECK_EQ_INT(v, 4294967295LL);
	CHECK_EQ_INT(field_i64(rec, "max", &v), 0);
	CHECK_EQ_INT(v, INT64_MAX);
	CHECK_EQ_INT(field_i64(rec, "min", &v), 0);
	CHECK_EQ_INT(v, INT64_MIN);
	CHECK_EQ_INT(field_i64(rec, "over", &v), -EINVAL);
	CHECK_EQ_INT(field_i64(rec, "under", &v), -EINVAL);
	CHECK_EQ_INT(field_i64(rec, "huge", &v), -EINVAL);
	CHECK_EQ_INT(field_i64(rec, "junk", &v), -EINVAL);
	CHECK_EQ_INT(field_i64(rec, "empty", &v), -EINVAL);
	CHECK_EQ_INT(field_i64(rec, "dash", &v), -EINVAL);
	CHECK_EQ_INT(field_i64(rec, "plus", &v), -EINVAL);
	/* The digits of a quoted value are still read. */
	CHECK_EQ_INT(field_i64(rec, "q", &v), 0);
	CHECK_EQ_INT(v, 7);
	CHECK_EQ_INT(field_i64(rec, "absent", &v), -ENOENT);
	CHECK_EQ_INT(v, 12345);
	audit_record_free(rec);
}

static int field_hex(const struct audit_record *rec, const char *key, uint64_t *v)
{
	*v = 12345;
	return audit_field_hex_u64(audit_record_field(rec, key), v);
}

static void test_field_hex(void)
{
	static const char text[] = "audit(1.000:1): arch=c000003e a0=7ffd max=FFFFFFFFFFFFFFFF "
				   "long=10000000000000000 empty= bad=xyz null=(null) zero=0";
	struct audit_record *rec = NULL;
	uint64_t v;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_SYSCALL, text, &rec), 0))
		return;
	CHECK_EQ_INT(field_hex(rec, "arch", &v), 0);
	CHECK_EQ_UINT(v, 0xc000003e);
	CHECK_EQ_INT(field_hex(rec, "a0", &v), 0);
	CHECK_EQ_UINT(v, 0x7ffd);
	CHECK_EQ_INT(field_hex(rec, "max", &v), 0);
	CHECK_EQ_UINT(v, UINT64_MAX);
	CHECK_EQ_INT(field_hex(rec, "zero", &v), 0);
	CHECK_EQ_UINT(v, 0);
	CHECK_EQ_INT(field_hex(rec, "long", &v), -EINVAL);
	CHECK_EQ_INT(field_hex(rec, "empty", &v), -EINVAL);
	CHECK_EQ_INT(field_hex(rec, "bad", &v), -EINVAL);
	CHECK_EQ_INT(field_hex(rec, "null", &v), -EINVAL);
	CHECK_EQ_UINT(v, 12345);
	audit_record_free(rec);
}

static void test_log_line_round_trip(void)
{
	static const char text[] = "audit(1700000000.5:42): cwd=\"/tmp/a\\b\nc\xff\" pid=7";
	static const char cwd_value[] = "/tmp/a\\b\nc\xff";
	static const char line[] =
		"type=CWD msg=audit(1700000000.5:42): cwd=\"/tmp/a\\\\b\\nc\\xff\" pid=7";
	struct audit_record *rec = NULL, *back = NULL;
	struct strbuf out = STRBUF_INIT, cwd = STRBUF_INIT;

	if (!CHECK_EQ_INT(PARSE(AUDIT_TYPE_CWD, text, &rec), 0))
		return;
	audit_record_format_line(rec, &out);
	CHECK_EQ_STR(sb_str(&out), line);
	CHECK(memchr(out.buf, '\n', out.len) == NULL);
	if (CHECK_EQ_INT(audit_record_parse_log_line(out.buf, out.len, &back), 0)) {
		CHECK_EQ_INT(back->type, AUDIT_TYPE_CWD);
		CHECK_EQ_UINT(back->sec, 1700000000);
		CHECK_EQ_UINT(back->msec, 5);
		CHECK_EQ_UINT(back->serial, 42);
		CHECK_EQ_MEM(back->text, back->text_len, text, sizeof(text) - 1);
		CHECK_EQ_INT(audit_record_decode(back, "cwd", &cwd), 0);
		CHECK_EQ_MEM(cwd.buf, cwd.len, cwd_value, sizeof(cwd_value) - 1);
		audit_record_free(back);
	}
	sb_free(&cwd);
	sb_free(&out);
	audit_record_free(rec);
}

static void test_unknown_type(void)
{
	static const char unknown[] = "type=UNKNOWN[1234] msg=audit(1.000:3): a=b";
	struct audit_record *rec = NULL, *back = NULL;
	struct strbuf out = STRBUF_INIT;

	CHECK(audit_type_name(1234) == NULL);
	CHECK_EQ_STR(audit_type_name(AUDIT_TYPE_EXECVE), "EXECVE");
	CHECK_EQ_INT(audit_type_from_name("EXECVE", 6), AUDIT_TYPE_EXECVE);
	CHECK_EQ_INT(audit_type_from_name("EXEC", 4), -1);
	/* linux/audit.h: CALIPSO is 1418; 1420 is Linux 6.x's task contexts. */
	CHECK_EQ_STR(audit_type_name(1418), "MAC_CALIPSO_ADD");
	CHECK_EQ_STR(audit_type_name(1420), "MAC_TASK_CONTEXTS");
	CHECK_EQ_INT(audit_type_from_name("MAC_CALIPSO_ADD", 15), 1418);
	/* libaudit's userspace names, as auditd writes them. */
	CHECK_EQ_INT(audit_type_from_name("CRYPTO_KEY_USER", 15), 2404);
	CHECK_EQ_INT(audit_type_from_name("USER_ROLE_CHANGE", 16), 2300);
	if (!CHECK_EQ_INT(PARSE(1234, "audit(1.000:3): a=b", &rec), 0))
		return;
	audit_record_format_line(rec, &out);
	CHECK_EQ_STR(sb_str(&out), unknown);
	if (CHECK_EQ_INT(audit_record_parse_log_line(out.buf, out.len, &back), 0)) {
		CHECK_EQ_INT(back->type, 1234);
		audit_record_free(back);
	}
	sb_free(&out);
	audit_record_free(rec);
}

static void test_enriched_log_line(void)
{
	/* auditd's enriched format: translated fields after a GS byte. */
	static const char line[] = "type=SYSCALL msg=audit(1.000:3): uid=0 auid=4294967295"
				   "\x1dUID=\"root\" AUID=\"unset\"";
	struct audit_record *rec = NULL;

	if (!CHECK_EQ_INT(audit_record_parse_log_line(line, sizeof(line) - 1, &rec), 0))
		return;
	CHECK_EQ_INT(rec->type, AUDIT_TYPE_SYSCALL);
	CHECK_EQ_UINT(rec->nfields, 2);
	CHECK_FIELD(rec, "auid", "4294967295", 0);
	CHECK(audit_record_field(rec, "UID") == NULL);
	audit_record_free(rec);
}

/* What auditd writes and the kernel never sends: a node= prefix, the
 * enriched part kept apart, auditd's own colon-less header, a message
 * whose closing quote is missing; and lines that hold no record. */
static void test_auditd_log_shapes(void)
{
	static const char node[] = "node=web-1 type=SYSCALL msg=audit(1.000:3): pid=7"
				   "\x1d" "ARCH=x86_64 SYSCALL=execve";
	static const char daemon[] = "type=DAEMON_CONFIG msg=audit(1490239800.477:34) config "
				     "changed, auid=0 pid=1512 res=success";
	static const char unclosed[] = "type=SERVICE_START msg=audit(2.000:4): pid=1 "
				       "msg='unit=rsyslog comm=\"systemd\" res=success";
	struct audit_record *rec = NULL;
	struct strbuf out = STRBUF_INIT;

	if (CHECK_EQ_INT(audit_record_parse_log_line(node, sizeof(node) - 1, &rec), 0)) {
		CHECK_EQ_STR(rec->node, "web-1");
		CHECK_EQ_STR(rec->enriched, "ARCH=x86_64 SYSCALL=execve");
		CHECK_FIELD(rec, "pid", "7", 0);
		audit_record_format_line(rec, &out);
		CHECK_EQ_STR(sb_str(&out), "node=web-1 type=SYSCALL msg=audit(1.000:3): pid=7");
		audit_record_free(rec);
	}
	if (CHECK_EQ_INT(audit_record_parse_log_line(daemon, sizeof(daemon) - 1, &rec), 0)) {
		CHECK(rec->node == NULL && rec->enriched == NULL);
		CHECK_EQ_UINT(rec->serial, 34);
		CHECK_FIELD(rec, "auid", "0", 0);
		CHECK_FIELD(rec, "res", "success", 0);
		audit_record_free(rec);
	}
	if (CHECK_EQ_INT(audit_record_parse_log_line(unclosed, sizeof(unclosed) - 1, &rec), 0)) {
		CHECK_FIELD(rec, "msg", "unit=rsyslog comm=\"systemd\" res=success", '\'');
		audit_record_free(rec);
	}
	/* The kernel's own records stay strict. */
	CHECK_EQ_INT(PARSE(1130, "audit(2.000:4): msg='unit=x", &rec), -EINVAL);
	CHECK(audit_log_line_is_blank("", 0));
	CHECK(audit_log_line_is_blank(" \t\r", 3));
	CHECK(audit_log_line_is_blank("  # a comment", 13));
	CHECK(!audit_log_line_is_blank("type=EOE", 8));
	sb_free(&out);
}

static void check_line_rejected(const char *file, int line, const char *text, size_t len)
{
	struct audit_record *rec = NULL;
	int rc = audit_record_parse_log_line(text, len, &rec);

	if (!check_eq_int(file, line, "audit_record_parse_log_line", "-EINVAL", rc, -EINVAL)) {
		check_print_bytes("input", text, len);
		if (rc == 0)
			audit_record_free(rec);
	}
}

#define CHECK_LINE_REJECTED(lit) check_line_rejected(__FILE__, __LINE__, lit, sizeof(lit) - 1)

static void test_bad_log_lines(void)
{
	CHECK_LINE_REJECTED("");
	CHECK_LINE_REJECTED("type=");
	CHECK_LINE_REJECTED("msg=audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=BOGUS msg=audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=UNKNOWN[0] msg=audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=UNKNOWN[65536] msg=audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=UNKNOWN[12a] msg=audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=UNKNOWN[] msg=audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=SYSCALL");
	CHECK_LINE_REJECTED("type=SYSCALL audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=SYSCALL msg=audit(1.000:1): a=\\q");
	CHECK_LINE_REJECTED("type=SYSCALL msg=audit(1.000:1): a=\\");
	CHECK_LINE_REJECTED("type=SYSCALL msg=audit(1.000:1): a=\\x4");
	CHECK_LINE_REJECTED("type=SYSCALL msg=audit(1.000:1): a=\\xg0");
	/* An escaped NUL is a NUL in the record, which records never hold. */
	CHECK_LINE_REJECTED("type=SYSCALL msg=audit(1.000:1): a=\\x00b");
	CHECK_LINE_REJECTED("type=SYSCALL msg=audit(1.1000:1): a=b");
	CHECK_LINE_REJECTED("type=UNKNOWN[1329] msg=?");
	CHECK_LINE_REJECTED("node=host");
	CHECK_LINE_REJECTED("node=host msg=audit(1.000:1): a=b");
	CHECK_LINE_REJECTED("type=SYSCALL msg=audit(1.000:1)x a=b");
}

int main(void)
{
	test_syscall_record();
	test_value_forms();
	test_user_msg();
	test_trailing_bytes_stripped();
	test_avc_words_skipped();
	test_avc_named();
	test_old_new_named();
	test_named_round_trip();
	test_header_only();
	test_malformed();
	test_length_limit();
	test_value_decode();
	test_field_i64();
	test_field_hex();
	test_log_line_round_trip();
	test_unknown_type();
	test_enriched_log_line();
	test_auditd_log_shapes();
	test_bad_log_lines();
	return check_finish();
}
