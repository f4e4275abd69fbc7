/* fuzz_listen_addr: listen_addr_parse, the --metrics_listen value.
 *
 * Covers the split at the last ':', the [IPv6] brackets, the port's digits
 * and range, and inet_pton on what is left, with the error messages.
 *
 * Why untrusted: the value comes from a flagfile, the command line or the
 * config's "options", written by hand or by configuration tools.
 *
 * Input: the value's bytes (cut at the first NUL, as a flag value is).
 * An accepted value must give an IPv4 or IPv6 address with a port 1-65535
 * that inet_ntop can print; a refused one must say why. */
#include "metrics/listen_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_accepted(const struct listen_addr *a)
{
	char text[INET6_ADDRSTRLEN];
	const struct sockaddr_in *in = (const struct sockaddr_in *)&a->sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->sa;
	bool v6 = a->sa.ss_family == AF_INET6;
	unsigned port = ntohs(v6 ? in6->sin6_port : in->sin_port);

	if ((!v6 && a->sa.ss_family != AF_INET) || port == 0 ||
	    a->len != (v6 ? sizeof(*in6) : sizeof(*in)) ||
	    !inet_ntop(a->sa.ss_family, v6 ? (const void *)&in6->sin6_addr : &in->sin_addr, text,
		       sizeof(text))) {
		fprintf(stderr, "listen_addr_parse accepted a bad address\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size);
	char err[LISTEN_ADDR_ERROR_MAX];
	struct listen_addr a;

	err[0] = '\0';
	if (listen_addr_parse(text, &a, err) == 0) {
		check_accepted(&a);
	} else if (!err[0] || !memchr(err, '\0', sizeof(err))) {
		fprintf(stderr, "listen_addr_parse refused without a message\n");
		abort();
	}
	free(text);
	return 0;
}
