/* fuzz_remote_reply: a fleet server's reply, as the fleet client takes it.
 *
 * Covers remote_reply_parse (size limit, JSON object, node_invalid, the
 * server's "error" quoted and escaped), remote_reply_node_key (the key
 * that goes back into an HTTP header), and for a config reply
 * tls_config_strip (the options and pack paths a server may not set) and
 * the config parser on the text the client would apply and save.
 *
 * Why untrusted: the server is on the network; a hostile or broken one
 * must get an error, never a crash, a header injection or a local file
 * read.
 *
 * Input: the reply body's bytes. */
#include "remote/reply.h"
#include "remote/tls_config.h"

#include "common/log.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_key(const char *key)
{
	size_t len = strlen(key);

	if (len == 0 || len > REMOTE_NODE_KEY_MAX || strpbrk(key, " \r\n\t")) {
		fprintf(stderr, "an unsafe node key was accepted\n");
		abort();
	}
}

static void check_config(cJSON *root)
{
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT, refused = STRBUF_INIT;
	struct sysq_flags flags;
	struct config cfg;
	char *text;

	tls_config_strip(root, NULL, &refused);
	sb_free(&refused);
	text = cJSON_PrintUnformatted(root);
	if (!text)
		return;
	if (strstr(text, "\"node_invalid\"") == text + 1) {
		fprintf(stderr, "node_invalid survived the strip\n");
		abort();
	}
	flags_init(&flags);
	if (config_load_text(TLS_CONFIG_NAME, text, strlen(text), &flags, &cfg, &err,
			     &warnings) == 0)
		config_free(&cfg);
	flags_free(&flags);
	sb_free(&err);
	sb_free(&warnings);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct remote_reply r;
	char *err = NULL, *key = NULL;
	int rc;

	log_set_verbose(false);
	rc = remote_reply_parse((const char *)data, size, &r, &err);
	if (rc != 0 && rc != -EBADMSG && rc != -EPROTO) {
		fprintf(stderr, "remote_reply_parse: unexpected %d\n", rc);
		abort();
	}
	if (rc < 0) {
		if (!err || r.root || strchr(err, '\n')) {
			fprintf(stderr, "an error without a one-line message, or with a root\n");
			abort();
		}
		free(err);
		return 0;
	}
	if (remote_reply_node_key(r.root, &key, &err) == 0) {
		check_key(key);
		free(key);
	} else {
		free(err);
	}
	check_config(r.root);
	cJSON_Delete(r.root);
	return 0;
}
