/* Host facts from small system files (see hostinfo.h). */
#include "hostinfo.h"

#include "xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *read_first_line(const char *path)
{
	char buf[512];
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
	char *id = read_first_line("/etc/machine-id");
	char *uuid;

	if (!id || !all_hex(id, 32)) {
		free(id);
		return NULL;
	}
	uuid = xasprintf("%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12, id + 16, id + 20);
	free(id);
	return uuid;
}

char *host_uuid(void)
{
	char *uuid = read_first_line("/sys/class/dmi/id/product_uuid");

	if (!uuid)
		uuid = machine_id_uuid();
	for (char *p = uuid; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return uuid;
}

char *random_uuid(void)
{
	return read_first_line("/proc/sys/kernel/random/uuid");
}
