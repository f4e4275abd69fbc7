/* Shared by the fleet client's files: one request on the wire, and
 * enrollment with its retries. Not for use outside agent/remote. */
#pragma once

#include "client.h"
#include "reply.h"

/* POSTs JSON text to `endpoint` as it is (no node key added) and parses
 * the reply. Returns remote_reply_parse's result, or -EIO (transport) or
 * -ECANCELED (stopping) with *err set; out->node_invalid is set even when
 * the reply also carried an error. */
int client_send(struct remote_client *c, const char *endpoint, const char *text,
		struct remote_reply *out, char **err);

/* Enrolls, retrying --tls_enroll_max_attempts times with a growing wait.
 * Returns 0 with c->node_key set, or a negative errno with *err set. */
int client_enroll(struct remote_client *c, char **err);
