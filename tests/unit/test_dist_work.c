/* Live queries on the wire: what a server's read reply comes to (each
 * query with its discovery query, or the reason it cannot run) and the
 * write body built from results (escaped, every part keyed by id). */
#include "check.h"

#include "remote/dist_work.h"

#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(const char *text, struct dist_work *w)
{
	cJSON *root = cJSON_Parse(text);
	char *err = NULL;
	int rc = dist_work_parse(root, w, &err);

	if (rc < 0)
		CHECK(err && !strchr(err, '\n'));
	free(err);
	cJSON_Delete(root);
	return rc;
}

static const struct dist_query *find(const struct dist_work *w, const char *id)
{
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->q[i].id, id) == 0)
			return &w->q[i];
	}
	return NULL;
}

static void test_parse(void)
{
	struct dist_work w;
	const struct dist_query *q;

	CHECK_EQ_INT(parse("{\"queries\": {\"a\": \"SELECT 1\", \"b\": \"SELECT 2\", \"c\": 5, "
			   "\"d\": \"SELECT 4\", \"\": \"SELECT 5\"}, \"discovery\": {\"b\": "
			   "\"SELECT 1 WHERE 0\", \"d\": [1], \"x\": \"SELECT 9\"}, "
			   "\"accelerate\": 60}",
			   &w),
		     0);
	CHECK_EQ_UINT(w.n, 4); /* the empty id cannot be answered */
	CHECK_EQ_INT(w.accelerate, 60);
	if (CHECK((q = find(&w, "a")) != NULL))
		CHECK(q->sql && !strcmp(q->sql, "SELECT 1") && !q->discovery && !q->error);
	if (CHECK((q = find(&w, "b")) != NULL))
		CHECK(q->discovery && !strcmp(q->discovery, "SELECT 1 WHERE 0"));
	if (CHECK((q = find(&w, "c")) != NULL)) {
		CHECK(!q->sql);
		CHECK_CONTAINS(q->error, "not a string");
	}
	if (CHECK((q = find(&w, "d")) != NULL)) {
		CHECK(!q->sql);
		CHECK_CONTAINS(q->error, "discovery");
	}
	dist_work_free(&w);
	/* No work, or work of the wrong shape. */
	CHECK_EQ_INT(parse("{}", &w), 0);
	CHECK_EQ_UINT(w.n, 0);
	CHECK_EQ_INT(parse("{\"queries\": null, \"accelerate\": \"5\"}", &w), 0);
	CHECK_EQ_INT(w.accelerate, 0);
	CHECK_EQ_INT(parse("{\"queries\": [\"SELECT 1\"]}", &w), -EBADMSG);
	CHECK_EQ_INT(parse("{\"queries\": {}, \"discovery\": \"x\"}", &w), -EBADMSG);
	CHECK_EQ_INT(parse("{\"queries\": {}, \"accelerate\": 1e12}", &w), 0);
	CHECK_EQ_INT(w.accelerate, DIST_ACCELERATE_MAX);
	dist_work_free(&w);
	CHECK_EQ_INT(parse("{\"queries\": {}, \"accelerate\": -3}", &w), 0);
	CHECK_EQ_INT(w.accelerate, 0);
	dist_work_free(&w);
}

static void test_too_many(void)
{
	cJSON *root = cJSON_CreateObject(), *queries = cJSON_AddObjectToObject(root, "queries");
	struct dist_work w;
	char *err = NULL, id[32];

	for (int i = 0; i <= DIST_MAX_QUERIES; i++) {
		snprintf(id, sizeof(id), "q%d", i);
		cJSON_AddStringToObject(queries, id, "SELECT 1");
	}
	CHECK_EQ_INT(dist_work_parse(root, &w, &err), -EBADMSG);
	if (CHECK(err))
		CHECK_CONTAINS(err, "at most 1000");
	free(err);
	cJSON_Delete(root);
}

static void test_body(void)
{
	const struct dist_result r[2] = {
		{.id = "ok", .status = 0, .message = "", .rows_json = "[{\"a\":\"1\"}]",
		 .has_stats = true, .wall_time_ms = 3, .user_time = 1, .system_time = 2,
		 .memory = 4096},
		{.id = "bad\n\"id", .status = 1, .message = "no such table: x\x01"},
	};
	cJSON *body = dist_results_body(r, 2);
	char *text = cJSON_PrintUnformatted(body);
	cJSON *back = cJSON_Parse(text);

	CHECK(!strchr(text, '\n') && !strchr(text, '\x01'));
	if (CHECK(back != NULL)) {
		const cJSON *q = cJSON_GetObjectItem(back, "queries");
		const cJSON *st = cJSON_GetObjectItem(back, "statuses");
		const cJSON *m = cJSON_GetObjectItem(back, "messages");
		const cJSON *stats = cJSON_GetObjectItem(back, "stats");

		CHECK_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(q, "ok"), 0),
						 "a")->valuestring,
			     "1");
		CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(q, "bad\n\"id")), 0);
		CHECK_EQ_INT(cJSON_GetObjectItem(st, "bad\n\"id")->valueint, 1);
		CHECK_EQ_INT(cJSON_GetObjectItem(st, "ok")->valueint, 0);
		CHECK_EQ_STR(cJSON_GetObjectItem(m, "bad\n\"id")->valuestring, "no such table: x\x01");
		CHECK_EQ_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(stats, "ok"), "memory")->valueint,
			     4096);
		CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(stats, "bad\n\"id")), 0);
	}
	cJSON_Delete(back);
	free(text);
	cJSON_Delete(body);
}

int main(void)
{
	log_set_verbose(false);
	test_parse();
	test_too_many();
	test_body();
	return check_finish();
}
