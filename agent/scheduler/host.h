/* Who this host is in results lines, and which share of a fleet it falls
 * in for sharded queries. */
#pragma once

/* The hostIdentifier for --host_identifier: "hostname" (the node name) or
 * "uuid" (the DMI product UUID, else /etc/machine-id in UUID form).
 * Returns NULL with *err set (free it) when the source is unreadable. */
char *host_identifier(const char *kind, char **err);

/* 0-99, stable for a given identifier: a query with "shard": N runs on
 * hosts whose shard is below N. */
unsigned host_shard(const char *identifier);
