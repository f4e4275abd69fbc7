/* Host identity for results lines, enrollment and sharding. */
#include "host.h"

#include "store/meta.h"

#include "common/hostinfo.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t ephemeral_once = PTHREAD_ONCE_INIT;
static char *ephemeral_id;

/* One random id per process: the scheduler and the fleet client must
 * name the host alike. */
static void make_ephemeral(void)
{
	ephemeral_id = random_uuid();
}

static char *from_uuid(char **err)
{
	char *uuid = host_uuid();

	if (!uuid)
		*err = xstrdup("--host_identifier=uuid: neither /sys/class/dmi/id/product_uuid "
			       "nor /etc/machine-id is readable");
	return uuid;
}

static char *from_instance(const struct sysq_flags *flags, char **err)
{
	char *id = NULL;

	if (store_meta_instance_id(flags->database_path, &id) < 0)
		*err = xasprintf("--host_identifier=instance: cannot read or save the instance "
				 "id in %s",
				 flags->database_path);
	return id;
}

static char *from_hostname(char **err)
{
	char name[256];

	if (gethostname(name, sizeof(name)) < 0) {
		*err = xasprintf("--host_identifier=hostname: %s", strerror(errno));
		return NULL;
	}
	name[sizeof(name) - 1] = '\0';
	return xstrdup(name);
}

char *host_identifier(const struct sysq_flags *flags, char **err)
{
	const char *kind = flags->host_identifier;

	if (strcmp(kind, "uuid") == 0)
		return from_uuid(err);
	if (strcmp(kind, "instance") == 0)
		return from_instance(flags, err);
	if (strcmp(kind, "specified") == 0) {
		if (flags->specified_identifier[0])
			return xstrdup(flags->specified_identifier);
		*err = xstrdup("--host_identifier=specified needs --specified_identifier");
		return NULL;
	}
	if (strcmp(kind, "ephemeral") == 0) {
		pthread_once(&ephemeral_once, make_ephemeral);
		if (ephemeral_id)
			return xstrdup(ephemeral_id);
		*err = xstrdup("--host_identifier=ephemeral: cannot read a random UUID");
		return NULL;
	}
	return from_hostname(err);
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
