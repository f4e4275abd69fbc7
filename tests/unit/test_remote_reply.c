/* The fleet client's reply parser and config strip: what a server's body
 * means (node_invalid, error, node_key) and what a server may not set. */
#include "check.h"

#include "remote/reply.h"
#include "remote/tls_config.h"

#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int parse(const char *body, struct remote_reply *r, char **err)
{
	*err = NULL;
	return remote_reply_parse(body, strlen(body), r, err);
}

static void test_parse(void)
{
	struct remote_reply r;
	char *err;

	CHECK_EQ_INT(parse("{\"node_key\": \"k\"}", &r, &err), 0);
	CHECK(r.root && !r.node_invalid);
	cJSON_Delete(r.root);
	/* The status is not trusted, the body is: node_invalid with or
	 * without an error. */
	CHECK_EQ_INT(parse("{\"node_invalid\": true, \"error\": \"bad\\nkey\"}", &r, &err),
		     -EPROTO);
	CHECK(r.node_invalid && !r.root);
	if (CHECK(err)) {
		CHECK_CONTAINS(err, "bad\\nkey"); /* escaped: one log line */
		CHECK(!strchr(err, '\n'));
	}
	free(err);
	CHECK_EQ_INT(parse("{\"node_invalid\": \"yes\"}", &r, &err), 0);
	CHECK(!r.node_invalid);
	cJSON_Delete(r.root);
	CHECK_EQ_INT(parse("[\"node_key\"]", &r, &err), -EBADMSG);
	free(err);
	CHECK_EQ_INT(parse("<html>502</html>", &r, &err), -EBADMSG);
	free(err);
	CHECK_EQ_INT(parse("{\"error\": null, \"a\": 1}", &r, &err), 0);
	cJSON_Delete(r.root);
}

static int key_of(const char *body, char **key)
{
	struct remote_reply r;
	char *err = NULL;
	int rc;

	if (parse(body, &r, &err) < 0) {
		free(err);
		return -1;
	}
	rc = remote_reply_node_key(r.root, key, &err);
	free(err);
	cJSON_Delete(r.root);
	return rc;
}

static void test_node_key(void)
{
	char *key = NULL;

	if (CHECK_EQ_INT(key_of("{\"node_key\": \"abc\"}", &key), 0))
		CHECK_EQ_STR(key, "abc");
	free(key);
	if (CHECK_EQ_INT(key_of("{\"node_key\": \"\", \"id\": \"fallback\"}", &key), 0))
		CHECK_EQ_STR(key, "fallback");
	free(key);
	/* A key goes into an HTTP header: no CR/LF, spaces or controls. */
	CHECK_EQ_INT(key_of("{\"node_key\": \"a\\r\\nX-Evil: 1\"}", &key), -EBADMSG);
	CHECK_EQ_INT(key_of("{\"node_key\": \"a b\"}", &key), -EBADMSG);
	CHECK_EQ_INT(key_of("{\"node_key\": 5}", &key), -EBADMSG);
	CHECK_EQ_INT(key_of("{}", &key), -EBADMSG);
}

static void test_strip(void)
{
	cJSON *root = cJSON_Parse("{\"node_invalid\": false, \"options\": {\"tls_hostname\": "
				  "\"evil:1\", \"logger_path\": \"/etc\", \"events_max\": 5, "
				  "\"enroll_secret_path\": \"/x\", \"verbose\": true}, \"packs\": "
				  "{\"file\": \"/etc/shadow\", \"inline\": {\"queries\": {}}}}");
	struct strbuf refused = STRBUF_INIT;
	cJSON *options, *packs;

	if (!CHECK(root))
		return;
	tls_config_strip(root, NULL, &refused);
	options = cJSON_GetObjectItem(root, "options");
	packs = cJSON_GetObjectItem(root, "packs");
	CHECK(!cJSON_GetObjectItem(root, "node_invalid"));
	CHECK(!cJSON_GetObjectItem(options, "tls_hostname"));
	CHECK(!cJSON_GetObjectItem(options, "logger_path"));
	CHECK(!cJSON_GetObjectItem(options, "enroll_secret_path"));
	CHECK(cJSON_GetObjectItem(options, "events_max"));
	CHECK(cJSON_GetObjectItem(options, "verbose"));
	CHECK(!cJSON_GetObjectItem(packs, "file"));
	CHECK(cJSON_GetObjectItem(packs, "inline"));
	CHECK_CONTAINS(sb_str(&refused), "option \"tls_hostname\"");
	CHECK_CONTAINS(sb_str(&refused), "pack \"file\"");
	CHECK(!strstr(sb_str(&refused), "events_max"));
	cJSON_Delete(root);
	sb_free(&refused);
}

/* Which services run and where they connect stay the flagfile's: a
 * server's choice could stop the next start (a logger without its
 * endpoint exits 2). A refused option whose value the flag has anyway is
 * dropped without a word. */
static void test_strip_services(void)
{
	cJSON *root = cJSON_Parse("{\"options\": {\"logger_plugin\": \"tls\", "
				  "\"disable_distributed\": false, \"distributed_plugin\": \"x\", "
				  "\"logger_kafka_brokers\": \"evil:9092\", \"metrics_listen\": "
				  "\"0.0.0.0:1\", \"logger_tls_period\": 10}}");
	struct strbuf refused = STRBUF_INIT;
	struct sysq_flags flags;
	char err[FLAG_ERROR_MAX];
	cJSON *options;

	if (!CHECK(root))
		return;
	flags_init(&flags);
	CHECK_EQ_INT(flags_set(&flags, FLAG_disable_distributed, "false", FLAG_SOURCE_FLAGFILE, err),
		     0);
	tls_config_strip(root, &flags, &refused);
	options = cJSON_GetObjectItem(root, "options");
	for (const char *const *n = (const char *const[]){"logger_plugin", "disable_distributed",
							    "distributed_plugin",
							    "logger_kafka_brokers", "metrics_listen",
							    NULL};
	     *n; n++)
		CHECK(!cJSON_GetObjectItem(options, *n));
	CHECK(cJSON_GetObjectItem(options, "logger_tls_period"));
	CHECK_CONTAINS(sb_str(&refused), "option \"logger_plugin\"");
	CHECK_CONTAINS(sb_str(&refused), "option \"metrics_listen\"");
	CHECK(!strstr(sb_str(&refused), "disable_distributed"));
	flags_free(&flags);
	cJSON_Delete(root);
	sb_free(&refused);
}

int main(void)
{
	log_set_verbose(false);
	test_parse();
	test_node_key();
	test_strip();
	test_strip_services();
	return check_finish();
}
