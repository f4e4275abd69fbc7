/* Who this host is in results lines and to a fleet server, and which
 * share of a fleet it falls in for sharded queries. */
#pragma once

#include "core/flags.h"

/* The identifier --host_identifier asks for: "hostname" (the node name),
 * "uuid" (the DMI product UUID, else /etc/machine-id in UUID form),
 * "instance" (this installation's id, kept in the database), "ephemeral"
 * (a random UUID for the life of the process) or "specified"
 * (--specified_identifier). Returns NULL with *err set (free it) when the
 * source is unreadable. */
char *host_identifier(const struct sysq_flags *flags, char **err);

/* 0-99, stable for a given identifier: a query with "shard": N runs on
 * hosts whose shard is below N. */
unsigned host_shard(const char *identifier);
