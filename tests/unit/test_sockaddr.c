/* SOCKADDR decoding: each family the kernel logs, the forms osquery users
 * expect (dotted IPv4, eight 4-digit IPv6 groups, @abstract names), and
 * values that are not whole sockaddrs. */
#include "check.h"

#include "audit/sockaddr.h"
#include "common/endpoint.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int decode(const char *hex, struct endpoint *sa)
{
	return audit_sockaddr_decode(hex, strlen(hex), sa);
}

static void test_inet(void)
{
	struct endpoint sa;

	/* 127.0.0.1:5301, as captured from the kernel */
	CHECK_EQ_INT(decode("020014B57F0000010000000000000000", &sa), 0);
	CHECK_EQ_INT(sa.family, AF_INET);
	CHECK_EQ_INT(sa.port, 5301);
	CHECK_EQ_STR(sa.address, "127.0.0.1");
	CHECK_EQ_INT(decode("0200", &sa), -EINVAL); /* family only */
}

static void test_inet6(void)
{
	struct endpoint sa;

	/* [::1]:5302 */
	CHECK_EQ_INT(decode("0A0014B600000000000000000000000000000000000000010000000000000000", &sa),
		     0);
	CHECK_EQ_INT(sa.family, AF_INET6);
	CHECK_EQ_INT(sa.port, 5302);
	CHECK_EQ_STR(sa.address, "0000:0000:0000:0000:0000:0000:0000:0001");
	/* [fe80::abcd]:80: family, port, flowinfo, address, scope id */
	CHECK_EQ_INT(decode("0A00" "0050" "00000000"
			    "FE80" "0000" "0000" "0000" "0000" "0000" "0000" "ABCD"
			    "00000000",
			    &sa),
		     0);
	CHECK_EQ_STR(sa.address, "fe80:0000:0000:0000:0000:0000:0000:abcd");
	CHECK_EQ_INT(sa.port, 80);
	/* one byte short of an address */
	CHECK_EQ_INT(decode("0A00" "0050" "00000000" "FE80000000000000000000000000AB", &sa),
		     -EINVAL);
}

static void test_unix(void)
{
	struct endpoint sa;

	/* "/run/x.sock" then NUL padding */
	CHECK_EQ_INT(decode("01002F72756E2F782E736F636B000000", &sa), 0);
	CHECK_EQ_INT(sa.family, AF_UNIX);
	CHECK_EQ_INT(sa.port, -1);
	CHECK_EQ_STR(sa.address, "/run/x.sock");
	/* abstract "ab\0c": every byte counts, NUL shown as @ */
	CHECK_EQ_INT(decode("010000616200" "63", &sa), 0);
	CHECK_EQ_STR(sa.address, "@ab@c");
	/* unnamed (just the family) */
	CHECK_EQ_INT(decode("0100", &sa), 0);
	CHECK_EQ_STR(sa.address, "");
}

static void test_other_and_bad(void)
{
	struct endpoint sa;

	CHECK_EQ_INT(decode("100000000000000000000000", &sa), -EAFNOSUPPORT); /* netlink */
	CHECK_EQ_INT(decode("0200", &sa), -EINVAL);
	CHECK_EQ_INT(decode("02001", &sa), -EINVAL);		  /* odd length */
	CHECK_EQ_INT(decode("02XX14B57F000001", &sa), -EINVAL); /* not hex */
	CHECK_EQ_INT(decode("", &sa), -EINVAL);
}

static void test_raw_and_equal(void)
{
	unsigned char raw[16] = {2, 0, 0x14, 0xB5, 127, 0, 0, 1};
	struct endpoint a, b;

	CHECK_EQ_INT(endpoint_from_sockaddr(raw, sizeof(raw), &a), 0);
	CHECK_EQ_INT(decode("020014B57F0000010000000000000000", &b), 0);
	CHECK(endpoint_equal(&a, &b));
	raw[3] = 0xB6;
	CHECK_EQ_INT(endpoint_from_sockaddr(raw, sizeof(raw), &a), 0);
	CHECK(!endpoint_equal(&a, &b));
}

/* The hand-written formatter against the printf formats it replaced, on
 * every byte value in every position, and cut short like snprintf. */
static void test_format_ip_matches_printf(void)
{
	unsigned char a[16];
	char got[64], want[64];

	for (unsigned v = 0; v < 256; v++) {
		for (int i = 0; i < 16; i++)
			a[i] = (unsigned char)(v * 7 + i * 37);
		a[v % 4] = (unsigned char)v;
		endpoint_format_ip(AF_INET, a, got, sizeof(got));
		snprintf(want, sizeof(want), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		CHECK_EQ_STR(got, want);
		endpoint_format_ip(AF_INET6, a, got, sizeof(got));
		snprintf(want, sizeof(want),
			 "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
			 a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
			 a[12], a[13], a[14], a[15]);
		CHECK_EQ_STR(got, want);
	}
	a[0] = 192, a[1] = 168, a[2] = 10, a[3] = 1;
	endpoint_format_ip(AF_INET, a, got, 8);
	CHECK_EQ_STR(got, "192.168");
}

/* sa_family is in the logging machine's byte order: a ppc64 (big-endian)
 * bind to 0.0.0.0:55555, from a published log, and the same bytes as an
 * x86_64 or ppc64le machine would have meant them. */
static void test_byte_order_of_arch(void)
{
	static const char be[] = "0002D903000000000000000000000000";
	struct endpoint sa;

	CHECK_EQ_INT(audit_sockaddr_decode_arch(be, strlen(be), AUDIT_ARCH_PPC64, &sa), 0);
	CHECK_EQ_INT(sa.family, AF_INET);
	CHECK_EQ_INT(sa.port, 55555);
	CHECK_EQ_STR(sa.address, "0.0.0.0");
	CHECK_EQ_INT(audit_sockaddr_decode_arch(be, strlen(be), AUDIT_ARCH_S390X, &sa), 0);
	CHECK_EQ_INT(audit_sockaddr_decode_arch(be, strlen(be), AUDIT_ARCH_PPC64LE, &sa),
		     -EAFNOSUPPORT);
	CHECK_EQ_INT(audit_sockaddr_decode_arch("020014B57F0000010000000000000000", 32,
						AUDIT_ARCH_X86_64, &sa), 0);
	CHECK_EQ_INT(sa.port, 5301);
	CHECK_EQ_INT(audit_sockaddr_decode_arch("0", 1, AUDIT_ARCH_PPC64, &sa), -EINVAL);
}

int main(void)
{
	test_byte_order_of_arch();
	test_format_ip_matches_printf();
	test_inet();
	test_inet6();
	test_unix();
	test_other_and_bad();
	test_raw_and_equal();
	return check_finish();
}
