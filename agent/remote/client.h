/* The fleet client's transport: HTTPS POSTs of JSON to the server named
 * by --tls_hostname, with osquery's headers, and the node key that
 * enrollment gets, keeps in the database and sends with every request.
 *
 * TLS 1.2 or newer, the server always verified (against
 * --tls_server_certs, else the system's CAs) and its name checked,
 * https only (redirects too), 16 s per request, replies of at most
 * REMOTE_REPLY_MAX bytes parsed as untrusted input (reply.h). The node
 * key and the enroll secret never appear in a log line. One thread uses a
 * client at a time. */
#pragma once

#include "core/flags.h"

#include <cjson/cJSON.h>
#include <stdatomic.h>
#include <stdbool.h>

struct catalog;

struct remote_client {
	const struct sysq_flags *flags;
	const struct catalog *cat; /* for host_details */
	void *curl;		   /* CURL *, kept for connection and session reuse */
	char *node_key;		   /* NULL until enrolled */
	/* Waits `seconds` between retries; returns false when the daemon is
	 * stopping, which also aborts a request in flight. */
	bool (*sleep)(void *arg, int seconds);
	void *sleep_arg;
	const atomic_bool *stopping;
	unsigned enrollments; /* successful enrollments, for the log */
	/* gzip request bodies, Content-Encoding: gzip (the TLS logger's
	 * client with --logger_tls_compress; never enrollment's). */
	bool gzip_body;
};

/* Checks the flags the client needs when --config_plugin=tls. Returns 0,
 * or -EINVAL with *err set (free it). */
int remote_client_check_flags(const struct sysq_flags *flags, char **err);
/* The same for any user of the server (`who` names it in the message):
 * --tls_hostname, and what enrollment needs unless it is disabled. */
int remote_client_check_server(const struct sysq_flags *flags, const char *who, char **err);

/* Sets up the client and loads the saved node key (dropped instead with
 * --enroll_always). Returns 0 or -ENOMEM with *err set. */
int remote_client_init(struct remote_client *c, const struct sysq_flags *flags,
		       const struct catalog *cat, char **err);
void remote_client_free(struct remote_client *c);

/* POSTs `body` (an object, to which node_key is added) to `endpoint`,
 * enrolling first when there is no node key. Returns 0 with *reply set
 * (free it), or a negative errno with *err set: -EIO (transport), -EBADMSG
 * (reply), -EPROTO (the server's "error"), -EACCES (enrollment refused,
 * or the node key invalid: dropped, so the next request enrolls again). */
int remote_client_post(struct remote_client *c, const char *endpoint, cJSON *body,
		       cJSON **reply, char **err);

/* One enrollment attempt with the secret and host details. Returns 0 with
 * the key saved, or a negative errno with *err set. */
int remote_client_enroll_once(struct remote_client *c, char **err);
