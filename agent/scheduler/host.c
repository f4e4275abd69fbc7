/* Host identity for results lines and sharding. */
#include "host.h"

#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first line of a small file, trimmed; NULL if unreadable or empty. */
static char *first_line(const char *path)
{
	char buf[128];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	return n ? xstrndup(buf, n) : NULL;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[n] == '\0';
}

/* /etc/machine-id holds 32 hex digits; show them as a UUID. */
static char *machine_id_uuid(void)
{
	char *id = first_line("/etc/machine-id");
	char *uuid;

	if (!id || !all_hex(id, 32)) {
		free(id);
		return NULL;
	}
	uuid = xasprintf("%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12, id + 16, id + 20);
	free(id);
	return uuid;
}

char *host_identifier(const char *kind, char **err)
{
	char name[256];

	if (strcmp(kind, "uuid") == 0) {
		char *uuid = first_line("/sys/class/dmi/id/product_uuid");

		if (!uuid)
			uuid = machine_id_uuid();
		if (!uuid)
			*err = xstrdup("--host_identifier=uuid: neither "
				       "/sys/class/dmi/id/product_uuid nor /etc/machine-id is "
				       "readable");
		else
			for (char *p = uuid; *p; p++)
				*p = (char)toupper((unsigned char)*p);
		return uuid;
	}
	if (gethostname(name, sizeof(name)) < 0) {
		*err = xasprintf("--host_identifier=hostname: %s", strerror(errno));
		return NULL;
	}
	name[sizeof(name) - 1] = '\0';
	return xstrdup(name);
}

/* FNV-1a: stable across builds and machines, which is all sharding needs. */
unsigned host_shard(const char *identifier)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)identifier; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h % 100;
}
