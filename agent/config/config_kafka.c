/* "kafka_topics": osquery's map of Kafka topic -> query names, e.g.
 *   "kafka_topics": {"process_audit": ["pack_audit_execs", "logins"]}
 * A topic name must be one Kafka accepts (letters, digits, '.', '_', '-',
 * at most 249), so a typo fails the load instead of every produce; a
 * query listed under two topics is an error, as only one can get it. */
#include "config_internal.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define TOPIC_NAME_MAX 249

static bool valid_topic(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TOPIC_NAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static bool lists(const struct kafka_topic *t, const char *query)
{
	for (size_t q = 0; q < t->nqueries; q++) {
		if (strcmp(t->queries[q], query) == 0)
			return true;
	}
	return false;
}

/* The topic just added shares no query with an earlier one; the error
 * names the query and both topics. */
static bool check_listed_once(struct cfg_ctx *c, const struct kafka_topics *t, const char *path)
{
	const struct kafka_topic *last = &t->v[t->n - 1];

	for (size_t q = 0; q < last->nqueries; q++) {
		for (size_t i = 0; i + 1 < t->n; i++) {
			if (!lists(&t->v[i], last->queries[q]))
				continue;
			cfg_error(c, path, false,
				  "query \"%s\" is listed under both topic \"%s\" and \"%s\"",
				  last->queries[q], t->v[i].topic, last->topic);
			return false;
		}
	}
	return true;
}

void cfg_parse_kafka_topics(struct cfg_ctx *c, const cJSON *item, struct kafka_topics *out)
{
	const cJSON *e;
	size_t n;

	if (!cfg_require_object(c, item, "kafka_topics"))
		return;
	n = (size_t)cJSON_GetArraySize(item);
	out->v = xcalloc(n ? n : 1, sizeof(*out->v));
	cJSON_ArrayForEach(e, item) {
		struct kafka_topic *t = &out->v[out->n];
		struct cfg_path p;

		cfg_path_join(&p, "kafka_topics", e->string);
		if (!valid_topic(e->string)) {
			cfg_error(c, p.buf, true,
				  "\"%s\" is not a Kafka topic name (1-249 of letters, digits, "
				  "'.', '_', '-')",
				  e->string);
			return;
		}
		if (!cfg_string_array(c, e, p.buf, &t->queries, &t->nqueries))
			return;
		t->topic = xstrdup(e->string);
		out->n++;
		if (!check_listed_once(c, out, p.buf))
			return;
	}
}

const char *kafka_topics_find(const struct kafka_topics *t, const char *query)
{
	for (size_t i = 0; i < t->n; i++) {
		if (lists(&t->v[i], query))
			return t->v[i].topic;
	}
	return NULL;
}

void kafka_topics_copy(struct kafka_topics *dst, const struct kafka_topics *src)
{
	dst->n = src->n;
	dst->v = xcalloc(src->n ? src->n : 1, sizeof(*dst->v));
	for (size_t i = 0; i < src->n; i++) {
		const struct kafka_topic *s = &src->v[i];
		struct kafka_topic *d = &dst->v[i];

		d->topic = xstrdup(s->topic);
		d->nqueries = s->nqueries;
		d->queries = xcalloc(s->nqueries ? s->nqueries : 1, sizeof(*d->queries));
		for (size_t q = 0; q < s->nqueries; q++)
			d->queries[q] = xstrdup(s->queries[q]);
	}
}

void kafka_topics_free(struct kafka_topics *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].topic);
		cfg_free_strings(t->v[i].queries, t->v[i].nqueries);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}
