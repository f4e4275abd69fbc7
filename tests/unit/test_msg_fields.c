/* The nested fields of a userspace message's msg='...' payload, as PAM
 * writes them through libaudit, quoted, hex-encoded and bare. */
#include "check.h"

#include "audit/record.h"

#include "common/strbuf.h"

#include <errno.h>
#include <string.h>

#define PAM_SESSION                                                                                \
	"audit(1795564466.861:611229): pid=12549 uid=0 auid=4294967295 ses=4294967295 "            \
	"msg='op=PAM:session_open grantors=pam_env,pam_unix acct=\"nobody\" "                    \
	"exe=\"/usr/bin/su\" hostname=? addr=? terminal=/dev/pts/0 res=success'"

static const struct audit_field *nested(struct audit_record *rec, struct audit_field *out,
					unsigned max, const char *key, int *count)
{
	const struct audit_field *msg = audit_record_field(rec, "msg");

	*count = msg ? audit_msg_fields(msg, out, max) : -ENOENT;
	return *count > 0 ? audit_fields_find(out, (unsigned)*count, key) : NULL;
}

static void expect_value(const struct audit_field *f, const char *want)
{
	if (CHECK(f != NULL))
		CHECK_EQ_MEM(f->val, f->val_len, want, strlen(want));
}

static void test_pam_session(void)
{
	struct audit_field fields[16];
	struct audit_record *rec;
	int n;

	if (!CHECK_EQ_INT(audit_record_parse(1105, PAM_SESSION, strlen(PAM_SESSION), &rec), 0))
		return;
	expect_value(nested(rec, fields, 16, "op", &n), "PAM:session_open");
	CHECK_EQ_INT(n, 8);
	expect_value(audit_fields_find(fields, (unsigned)n, "acct"), "nobody");
	expect_value(audit_fields_find(fields, (unsigned)n, "exe"), "/usr/bin/su");
	expect_value(audit_fields_find(fields, (unsigned)n, "terminal"), "/dev/pts/0");
	expect_value(audit_fields_find(fields, (unsigned)n, "addr"), "?");
	expect_value(audit_fields_find(fields, (unsigned)n, "res"), "success");
	/* outer fields are not mixed in */
	CHECK(audit_fields_find(fields, (unsigned)n, "pid") == NULL);
	audit_record_free(rec);
}

static void test_hex_account_and_limit(void)
{
	const char *text = "audit(1.000:2): pid=1 uid=0 msg='op=login acct=61206220 res=failed'";
	struct audit_field fields[2];
	struct strbuf sb = STRBUF_INIT;
	const struct audit_field *acct;
	struct audit_record *rec;
	int n;

	if (!CHECK_EQ_INT(audit_record_parse(1112, text, strlen(text), &rec), 0))
		return;
	acct = nested(rec, fields, 2, "acct", &n);
	CHECK_EQ_INT(n, 2); /* "res" is past the limit and ignored */
	if (CHECK(acct != NULL) && CHECK_EQ_INT(audit_value_decode(acct, &sb), 0))
		CHECK_EQ_STR(sb_str(&sb), "a b ");
	sb_free(&sb);
	audit_record_free(rec);
}

static void test_malformed_payload(void)
{
	const char *text = "audit(1.000:3): pid=1 msg='op=x acct=\"unterminated'";
	struct audit_field fields[8];
	struct audit_record *rec;
	int n;

	if (!CHECK_EQ_INT(audit_record_parse(1100, text, strlen(text), &rec), 0))
		return;
	CHECK(nested(rec, fields, 8, "op", &n) == NULL);
	CHECK_EQ_INT(n, -EINVAL);
	audit_record_free(rec);
}

/* PAM before 2008: "... : exe=... (hostname=?, addr=?, terminal=cron
 * res=success)". The commas and parenthesis are not part of the values. */
static void test_old_pam_shape(void)
{
	const char *text = "audit(1170021601.344:297): user pid=13015 uid=0 auid=0 "
			   "msg='PAM: session open acct=root : exe=\"/usr/sbin/crond\" "
			   "(hostname=?, addr=?, terminal=cron res=success)'";
	struct audit_field fields[16];
	struct audit_record *rec;
	int n;

	if (!CHECK_EQ_INT(audit_record_parse(1105, text, strlen(text), &rec), 0))
		return;
	expect_value(nested(rec, fields, 16, "acct", &n), "root");
	expect_value(nested(rec, fields, 16, "exe", &n), "/usr/sbin/crond");
	expect_value(nested(rec, fields, 16, "hostname", &n), "?");
	expect_value(nested(rec, fields, 16, "addr", &n), "?");
	expect_value(nested(rec, fields, 16, "terminal", &n), "cron");
	expect_value(nested(rec, fields, 16, "res", &n), "success");
	CHECK(nested(rec, fields, 16, "(hostname", &n) == NULL);
	audit_record_free(rec);
}

int main(void)
{
	test_old_pam_shape();
	test_pam_session();
	test_hex_account_and_limit();
	test_malformed_payload();
	return check_finish();
}
