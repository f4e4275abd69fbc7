/* The fleet server's replies: untrusted JSON, parsed whatever the HTTP
 * status said (osquery's TLS API puts its verdict in the body).
 *
 * A reply must be a JSON object of at most REMOTE_REPLY_MAX bytes.
 * "node_invalid": true means the server no longer knows our node key; a
 * top-level "error" fails the request with the server's text (escaped,
 * cut to a line). Every string taken from a reply for later use (the node
 * key, which goes into an HTTP header) is checked here. Fuzzed by
 * tests/fuzz/fuzz_remote_reply.c. */
#pragma once

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Largest reply accepted: a fleet's config with all its packs is far
 * smaller. */
#define REMOTE_REPLY_MAX (16u * 1024 * 1024)
/* Longest node key accepted. */
#define REMOTE_NODE_KEY_MAX 512

struct remote_reply {
	cJSON *root;	   /* the object; NULL on failure */
	bool node_invalid; /* "node_invalid": true at the top level */
};

/* Parses `len` bytes. Returns 0 with out->root set (free it with
 * cJSON_Delete), or -EBADMSG (not a JSON object, or too large) or -EPROTO
 * (the server sent "error") with *err set (free it). out->node_invalid is
 * set whenever the body was an object that said so. */
int remote_reply_parse(const char *body, size_t len, struct remote_reply *out, char **err);

/* The node key of an enroll reply: "node_key", else "id". It must be 1 to
 * REMOTE_NODE_KEY_MAX printable ASCII characters without spaces, since it
 * is sent back in an HTTP header. Returns 0 with *key set (free it), or
 * -EBADMSG with *err set. */
int remote_reply_node_key(const cJSON *root, char **key, char **err);

/* Appends up to `max` bytes of an untrusted string to a message, escaped
 * so it stays on one line; "..." marks a cut. */
char *remote_escape(const char *s, size_t max);
