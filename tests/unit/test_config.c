/* Unit tests for agent/config: comment blanking and the position index,
 * then config_load_text on valid configs (schedule, packs with osquery's
 * names, decorators, events, options into flags) and on invalid ones,
 * whose messages must name the file, line and column. */
#include "config/config.h"
#include "config/json_pos.h"

#include "common/xalloc.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>

static void test_blank_comments(void)
{
	char text[] = "{\"a\": \"// not a comment\", // one\n\"b\": /* two\n */ 1}";
	const char want[] = "{\"a\": \"// not a comment\",       \n\"b\":       \n    1}";

	json_blank_comments(text, sizeof(text) - 1);
	CHECK_EQ_STR(text, want);
}

static void test_position_index(void)
{
	const char text[] = "{\n  \"s\": {\n    \"q\": [1, {\"x\": true}]\n  }\n}";
	char path[32];
	struct json_pos jp = {0};
	const struct json_pos_entry *e;
	unsigned line, col;

	if (!CHECK_EQ_INT(json_pos_index(&jp, text, sizeof(text) - 1), 0))
		return;
	snprintf(path, sizeof(path), "s%cq%c1%cx", JSON_PATH_SEP, JSON_PATH_SEP, JSON_PATH_SEP);
	e = json_pos_find(&jp, path);
	if (CHECK(e != NULL)) {
		json_line_col(text, e->key, &line, &col);
		CHECK_EQ_INT(line, 3);
		CHECK_EQ_INT(col, 15);
		json_line_col(text, e->value, &line, &col);
		CHECK_EQ_INT(col, 20);
	}
	CHECK(json_pos_find(&jp, "nope") == NULL);
	json_pos_free(&jp);
}

static int load(const char *text, struct sysq_flags *flags, struct config *cfg,
		struct strbuf *err, struct strbuf *warnings)
{
	return config_load_text("/etc/sysq/test.conf", text, strlen(text), flags, cfg, err,
				warnings);
}

static void test_valid_config(void)
{
	const char *text =
		"{\n"
		"  // comments are allowed\n"
		"  \"options\": {\"events_max\": 77, \"verbose\": true},\n"
		"  \"schedule\": {\"s\": {\"query\": \"SELECT 1\", \"interval\": 10}},\n"
		"  \"packs\": {\"p\": {\"platform\": \"linux\", \"discovery\": [\"SELECT 1\"],\n"
		"    \"queries\": {\"q\": {\"query\": \"SELECT 2\", \"interval\": 5,\n"
		"      \"snapshot\": true, \"removed\": false, \"shard\": 20}}}},\n"
		"  \"decorators\": {\"load\": [\"SELECT 1 AS a\"], \"interval\": {\"60\": [\"x\"]}},\n"
		"  \"events\": {\"disable_subscribers\": [\"user_events\"]}\n"
		"}\n";
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT;
	struct sysq_flags flags;
	struct config cfg;

	flags_init(&flags);
	if (!CHECK_EQ_INT(load(text, &flags, &cfg, &err, &warnings), 0)) {
		fprintf(stderr, "\t%s\n", sb_str(&err));
		return;
	}
	CHECK_EQ_STR(sb_str(&warnings), "");
	CHECK_EQ_INT(flags.events_max, 77);
	CHECK_EQ_INT(flags.source[FLAG_events_max], FLAG_SOURCE_CONFIG);
	CHECK(flags.verbose);
	if (CHECK_EQ_INT(cfg.nqueries, 2)) {
		CHECK_EQ_STR(cfg.queries[0].name, "s");
		CHECK_EQ_INT(cfg.queries[0].interval, 10);
		CHECK(cfg.queries[0].removed);
		CHECK(cfg.queries[0].pack == NULL);
		CHECK_EQ_STR(cfg.queries[1].name, "pack_p_q");
		CHECK_EQ_STR(cfg.queries[1].pack, "p");
		CHECK_EQ_STR(cfg.queries[1].platform, "linux");
		CHECK(cfg.queries[1].snapshot);
		CHECK(!cfg.queries[1].removed);
		CHECK_EQ_INT(cfg.queries[1].shard, 20);
	}
	if (CHECK_EQ_INT(cfg.npacks, 1))
		CHECK_EQ_INT(cfg.packs[0].ndiscovery, 1);
	CHECK_EQ_INT(cfg.ndecorators_load, 1);
	if (CHECK_EQ_INT(cfg.ndecorators_interval, 1))
		CHECK_EQ_INT(cfg.decorators_interval[0].interval, 60);
	CHECK(config_subscriber_enabled(&cfg, "process_events"));
	CHECK(!config_subscriber_enabled(&cfg, "user_events"));
	config_free(&cfg);
	flags_free(&flags);
	sb_free(&err);
	sb_free(&warnings);
}

/* Loads `text` and checks that it fails with `want` as the message. */
static void check_error(int line, const char *text, const char *want)
{
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT;
	struct sysq_flags flags;
	struct config cfg;

	flags_init(&flags);
	if (check_eq_int(__FILE__, line, "load", "-EINVAL",
			 load(text, &flags, &cfg, &err, &warnings), -EINVAL))
		check_eq_str(__FILE__, line, "error", "want", sb_str(&err), want);
	flags_free(&flags);
	sb_free(&err);
	sb_free(&warnings);
}

#define CHECK_ERROR(text, want) check_error(__LINE__, text, want)

static void test_errors(void)
{
	CHECK_ERROR("{\"schedule\": 5}", "/etc/sysq/test.conf:1:14: schedule must be an object");
	CHECK_ERROR("{\n\"schedule\": {\"a\": {\"query\": \"q\", \"interval\": true}}}",
		    "/etc/sysq/test.conf:2:46: schedule.a.interval must be a whole number from 1 "
		    "to 604800");
	CHECK_ERROR("{\"schedule\": {\"a\": {\"query\": \"q\", \"interval\": 1.5}}}",
		    "/etc/sysq/test.conf:1:47: schedule.a.interval must be a whole number from 1 "
		    "to 604800");
	CHECK_ERROR("{\"schedule\": {\"a\": {\"query\": \"q\", \"interval\": 1e300}}}",
		    "/etc/sysq/test.conf:1:47: schedule.a.interval must be a whole number from 1 "
		    "to 604800");
	CHECK_ERROR("{\"schedule\": {\"a\": {\"interval\": 1}}}",
		    "/etc/sysq/test.conf:1:15: query \"a\" has no \"query\"");
	CHECK_ERROR("{\"options\": {\"events_max\": [1]}}",
		    "/etc/sysq/test.conf:1:28: option \"events_max\" must be a string, number or "
		    "boolean");
	CHECK_ERROR("{\"a\": 1,}", "/etc/sysq/test.conf:1:9: not valid JSON: unexpected '}'");
	CHECK_ERROR("[]", "/etc/sysq/test.conf:1:1: the config must be a JSON object");
	CHECK_ERROR("{\"schedule\": {\"pack_p_q\": {\"query\": \"q\", \"interval\": 1}}, "
		    "\"packs\": {\"p\": {\"queries\": {\"q\": {\"query\": \"q\", \"interval\": 1}}}}}",
		    "/etc/sysq/test.conf:1:1: two scheduled queries are named \"pack_p_q\"");
}

static void test_warnings(void)
{
	const char *text = "{\"schedule\": {\"a\": {\"query\": \"q\", \"interval\": 1,\n"
			   " \"intervall\": 2}},\n\"options\": {\"nope\": 1, \"daemonize\": true}}";
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT;
	struct sysq_flags flags;
	struct config cfg;

	flags_init(&flags);
	if (CHECK_EQ_INT(load(text, &flags, &cfg, &err, &warnings), 0)) {
		CHECK_CONTAINS(sb_str(&warnings),
			       "/etc/sysq/test.conf:2:2: unknown key \"intervall\" ignored\n");
		CHECK_CONTAINS(sb_str(&warnings),
			       "/etc/sysq/test.conf:3:13: unknown option \"nope\" ignored\n");
		CHECK_CONTAINS(sb_str(&warnings), "/etc/sysq/test.conf:3:24: option \"daemonize\" "
						  "is read before the config");
		CHECK(!flags.daemonize);
		config_free(&cfg);
	}
	flags_free(&flags);
	sb_free(&err);
	sb_free(&warnings);
}

static void test_enable_subscribers(void)
{
	struct strbuf err = STRBUF_INIT;
	struct config cfg;

	if (CHECK_EQ_INT(load("{\"events\": {\"enable_subscribers\": [\"socket_events\"]}}", NULL,
			      &cfg, &err, NULL),
			 0)) {
		CHECK(config_subscriber_enabled(&cfg, "socket_events"));
		CHECK(!config_subscriber_enabled(&cfg, "process_events"));
		config_free(&cfg);
	}
	sb_free(&err);
}

/* osquery's "kafka_topics": topic -> query names; bad topics and a query
 * under two topics fail the load. */
static void test_kafka_topics(void)
{
	struct strbuf err = STRBUF_INIT;
	struct config cfg;
	struct kafka_topics copy;

	if (CHECK_EQ_INT(load("{\"kafka_topics\": {\"t1\": [\"a\", \"pack_p_q\"], "
			      "\"t.2\": [\"b\"]}}",
			      NULL, &cfg, &err, NULL),
			 0)) {
		kafka_topics_copy(&copy, &cfg.kafka_topics);
		config_free(&cfg);
		CHECK_EQ_STR(kafka_topics_find(&copy, "pack_p_q"), "t1");
		CHECK_EQ_STR(kafka_topics_find(&copy, "b"), "t.2");
		CHECK(kafka_topics_find(&copy, "c") == NULL);
		kafka_topics_free(&copy);
	}
	CHECK_ERROR("{\"kafka_topics\": []}",
		    "/etc/sysq/test.conf:1:18: kafka_topics must be an object");
	CHECK_ERROR("{\"kafka_topics\": {\"t\": \"a\"}}",
		    "/etc/sysq/test.conf:1:24: kafka_topics.t must be an array of strings");
	CHECK_ERROR("{\"kafka_topics\": {\"a b\": []}}",
		    "/etc/sysq/test.conf:1:19: \"a b\" is not a Kafka topic name (1-249 of "
		    "letters, digits, '.', '_', '-')");
	CHECK_ERROR("{\"kafka_topics\": {\"x\": [\"q\"], \"y\": [\"q\"]}}",
		    "/etc/sysq/test.conf:1:36: query \"q\" is listed under both topic \"x\" "
		    "and \"y\"");
	sb_free(&err);
}

int main(void)
{
	test_blank_comments();
	test_position_index();
	test_valid_config();
	test_errors();
	test_warnings();
	test_enable_subscribers();
	test_kafka_topics();
	return check_finish();
}
