/* The distributed read reply taken apart, and the write body put
 * together (dist_work.h). */
#include "dist_work.h"

#include "common/escape.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool id_ok(const char *id)
{
	size_t len = id ? strlen(id) : 0;

	return len > 0 && len <= DIST_ID_MAX;
}

/* Why a query's or discovery's SQL cannot run, or NULL. */
static const char *sql_problem(const cJSON *v)
{
	if (!cJSON_IsString(v))
		return "is not a string";
	if (!v->valuestring[0])
		return "is empty";
	if (strlen(v->valuestring) > DIST_SQL_MAX)
		return "is longer than 1 MiB";
	return NULL;
}

/* One "queries" entry and its discovery gate. */
static void take_query(const cJSON *q, const cJSON *discovery, struct dist_query *out)
{
	const cJSON *gate = discovery ? cJSON_GetObjectItemCaseSensitive(discovery, q->string) :
				      NULL;
	const char *why = sql_problem(q);

	memset(out, 0, sizeof(*out));
	out->id = xstrdup(q->string);
	if (why) {
		out->error = xasprintf("the query's SQL %s", why);
		return;
	}
	if (gate && (why = sql_problem(gate)) != NULL) {
		out->error = xasprintf("the discovery query's SQL %s", why);
		return;
	}
	out->sql = xstrdup(q->valuestring);
	out->discovery = gate ? xstrdup(gate->valuestring) : NULL;
}

static int64_t take_accelerate(const cJSON *root)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "accelerate");
	double v;

	if (!cJSON_IsNumber(a))
		return 0;
	v = a->valuedouble;
	if (!(v > 0)) /* NaN too */
		return 0;
	return v > DIST_ACCELERATE_MAX ? DIST_ACCELERATE_MAX : (int64_t)v;
}

static int check_shape(const cJSON *queries, const cJSON *discovery, char **err)
{
	if ((queries && !cJSON_IsObject(queries) && !cJSON_IsNull(queries)) ||
	    (discovery && !cJSON_IsObject(discovery) && !cJSON_IsNull(discovery))) {
		*err = xstrdup("\"queries\" or \"discovery\" is not an object");
		return -EBADMSG;
	}
	if (cJSON_GetArraySize(queries) > DIST_MAX_QUERIES) {
		*err = xasprintf("the server sent %d queries in one batch; at most %d are taken",
				 cJSON_GetArraySize(queries), DIST_MAX_QUERIES);
		return -EBADMSG;
	}
	return 0;
}

int dist_work_parse(const cJSON *root, struct dist_work *w, char **err)
{
	const cJSON *queries = cJSON_GetObjectItemCaseSensitive(root, "queries");
	const cJSON *discovery = cJSON_GetObjectItemCaseSensitive(root, "discovery");
	const cJSON *q;
	int rc = check_shape(queries, discovery, err);

	memset(w, 0, sizeof(*w));
	if (rc < 0)
		return rc;
	w->accelerate = take_accelerate(root);
	if (!cJSON_IsObject(queries))
		return 0;
	if (!cJSON_IsObject(discovery))
		discovery = NULL;
	w->q = xcalloc((size_t)cJSON_GetArraySize(queries) + 1, sizeof(*w->q));
	cJSON_ArrayForEach(q, queries) {
		/* An id that cannot be echoed back cannot be answered. */
		if (!id_ok(q->string))
			continue;
		take_query(q, discovery, &w->q[w->n++]);
	}
	return 0;
}

void dist_work_free(struct dist_work *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->q[i].id);
		free(w->q[i].sql);
		free(w->q[i].discovery);
		free(w->q[i].error);
	}
	free(w->q);
	memset(w, 0, sizeof(*w));
}

static void append_key(struct strbuf *out, const char *key, size_t i)
{
	if (i)
		sb_putc(out, ',');
	json_append_string(out, key, strlen(key));
	sb_putc(out, ':');
}

static void append_stats(struct strbuf *out, const struct dist_result *r)
{
	if (!r->has_stats) {
		sb_puts(out, "{}");
		return;
	}
	sb_printf(out,
		  "{\"wall_time_ms\":%" PRIu64 ",\"user_time\":%" PRIu64
		  ",\"system_time\":%" PRIu64 ",\"memory\":%" PRIu64 "}",
		  r->wall_time_ms, r->user_time, r->system_time, r->memory);
}

cJSON *dist_results_body(const struct dist_result *r, size_t n)
{
	struct strbuf part[4] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
	static const char *const names[4] = {"queries", "statuses", "messages", "stats"};
	cJSON *body = cJSON_CreateObject();

	for (size_t p = 0; p < 4; p++)
		sb_putc(&part[p], '{');
	for (size_t i = 0; i < n; i++) {
		for (size_t p = 0; p < 4; p++)
			append_key(&part[p], r[i].id, i);
		sb_puts(&part[0], r[i].rows_json ? r[i].rows_json : "[]");
		sb_printf(&part[1], "%d", r[i].status);
		json_append_string(&part[2], r[i].message, strlen(r[i].message));
		append_stats(&part[3], &r[i]);
	}
	for (size_t p = 0; p < 4; p++) {
		sb_putc(&part[p], '}');
		cJSON_AddRawToObject(body, names[p], sb_str(&part[p]));
		sb_free(&part[p]);
	}
	return body;
}
