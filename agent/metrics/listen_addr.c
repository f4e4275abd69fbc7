/* Parsing --metrics_listen (listen_addr.h). */
#include "listen_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define EXAMPLE "give ADDR:PORT, e.g. 127.0.0.1:9750 or [::1]:9750"

/* The digits after the last ':' as a port 1-65535, or -1. */
static int parse_port(const char *s)
{
	long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

static int fill_v4(const char *host, int port, struct listen_addr *out)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&out->sa;

	if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
		return -EINVAL;
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	out->len = sizeof(*in);
	return 0;
}

static int fill_v6(const char *host, int port, struct listen_addr *out)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->sa;

	if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
		return -EINVAL;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)port);
	out->len = sizeof(*in6);
	return 0;
}

/* Splits "host:port" or "[host]:port" into `host` and the port text. */
static int split(const char *text, char *host, size_t size, const char **port, bool *v6)
{
	const char *colon = strrchr(text, ':');
	size_t hlen;

	if (!colon)
		return -EINVAL;
	*port = colon + 1;
	*v6 = text[0] == '[';
	if (*v6 && (colon == text || colon[-1] != ']'))
		return -EINVAL;
	hlen = (size_t)(colon - text) - (*v6 ? 2 : 0);
	if (hlen == 0 || hlen >= size)
		return -EINVAL;
	memcpy(host, text + (*v6 ? 1 : 0), hlen);
	host[hlen] = '\0';
	return 0;
}

int listen_addr_parse(const char *text, struct listen_addr *out, char err[LISTEN_ADDR_ERROR_MAX])
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port_text;
	bool v6;
	int port, rc;

	memset(out, 0, sizeof(*out));
	rc = split(text, host, sizeof(host), &port_text, &v6);
	if (rc < 0) {
		snprintf(err, LISTEN_ADDR_ERROR_MAX, "'%.64s' is not ADDR:PORT; " EXAMPLE, text);
		return rc;
	}
	port = parse_port(port_text);
	if (port < 0) {
		snprintf(err, LISTEN_ADDR_ERROR_MAX, "'%.64s': the port must be 1-65535", text);
		return -EINVAL;
	}
	rc = v6 ? fill_v6(host, port, out) : fill_v4(host, port, out);
	if (rc < 0)
		snprintf(err, LISTEN_ADDR_ERROR_MAX,
			 "'%.64s': '%s' is not a numeric IPv%c address; " EXAMPLE, text, host,
			 v6 ? '6' : '4');
	return rc;
}
