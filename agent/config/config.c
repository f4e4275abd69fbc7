/* Config: loading, options, decorators and events. */
#include "config_internal.h"

#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {
	"options", "schedule", "packs", "decorators", "events", "bpf_filters", "kafka_topics", NULL,
};

/* Flags that must be known before the config is read. */
static bool startup_only(enum flag_id id)
{
	return id == FLAG_flagfile || id == FLAG_config_path || id == FLAG_config_check ||
	       id == FLAG_daemonize;
}

/* An option's JSON value as flag text: strings as they are, whole numbers
 * in decimal, booleans as true/false. Returns false for other types. */
static bool option_text(const cJSON *v, char *buf, size_t size)
{
	if (cJSON_IsString(v)) {
		snprintf(buf, size, "%s", v->valuestring);
	} else if (cJSON_IsBool(v)) {
		snprintf(buf, size, "%s", cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v) && v->valuedouble > -9.2e18 && v->valuedouble < 9.2e18 &&
		   v->valuedouble == (double)(long long)v->valuedouble) {
		snprintf(buf, size, "%lld", (long long)v->valuedouble);
	} else {
		return false;
	}
	return true;
}

static void parse_options(struct cfg_ctx *c, const cJSON *options, struct sysq_flags *flags)
{
	const cJSON *o;

	if (!cfg_require_object(c, options, "options"))
		return;
	cJSON_ArrayForEach(o, options) {
		int id = flags_find(o->string, strlen(o->string));
		char text[4096], err[FLAG_ERROR_MAX];
		struct cfg_path p;

		cfg_path_join(&p, "options", o->string);
		if (id < 0) {
			cfg_warn(c, p.buf, "unknown option \"%s\" ignored", o->string);
			continue;
		}
		if (startup_only((enum flag_id)id)) {
			cfg_warn(c, p.buf, "option \"%s\" is read before the config; set it on the "
					   "command line or in the flagfile",
				 o->string);
			continue;
		}
		if (!option_text(o, text, sizeof(text))) {
			cfg_error(c, p.buf, false, "option \"%s\" must be a string, number or boolean",
				  o->string);
			return;
		}
		if (flags && flags_set(flags, (enum flag_id)id, text, FLAG_SOURCE_CONFIG, err) < 0) {
			cfg_error(c, p.buf, false, "%s", err);
			return;
		}
	}
}

static void parse_decorators(struct cfg_ctx *c, const cJSON *d, struct config *out)
{
	static const char *const keys[] = {"load", "always", "interval", NULL};
	const cJSON *item;
	struct cfg_path p;

	if (!cfg_require_object(c, d, "decorators"))
		return;
	if ((item = cJSON_GetObjectItemCaseSensitive(d, "load")))
		cfg_string_array(c, item, cfg_path_join(&p, "decorators", "load"),
				 &out->decorators_load, &out->ndecorators_load);
	if ((item = cJSON_GetObjectItemCaseSensitive(d, "always")))
		cfg_string_array(c, item, cfg_path_join(&p, "decorators", "always"),
				 &out->decorators_always, &out->ndecorators_always);
	if ((item = cJSON_GetObjectItemCaseSensitive(d, "interval")) &&
	    cfg_require_object(c, item, cfg_path_join(&p, "decorators", "interval"))) {
		const cJSON *e;

		cJSON_ArrayForEach(e, item) {
			struct interval_decorators *id;
			struct cfg_path ep;
			char *end;
			long long seconds;

			errno = 0;
			seconds = strtoll(e->string, &end, 10);
			cfg_path_join(&ep, p.buf, e->string);
			if (*end || end == e->string || errno || seconds <= 0 ||
			    seconds > CONFIG_INTERVAL_MAX) {
				cfg_error(c, ep.buf, true,
					  "decorator interval \"%s\" is not a number of seconds from 1 "
					  "to %d",
					  e->string, CONFIG_INTERVAL_MAX);
				return;
			}
			out->decorators_interval = xrealloc(
				out->decorators_interval,
				(out->ndecorators_interval + 1) * sizeof(*out->decorators_interval));
			id = &out->decorators_interval[out->ndecorators_interval++];
			memset(id, 0, sizeof(*id));
			id->interval = seconds;
			cfg_string_array(c, e, ep.buf, &id->queries, &id->n);
		}
	}
	cfg_warn_unknown(c, d, "decorators", keys);
}

static void parse_events(struct cfg_ctx *c, const cJSON *ev, struct config *out)
{
	static const char *const keys[] = {"enable_subscribers", "disable_subscribers", NULL};
	const cJSON *item;
	struct cfg_path p;

	if (!cfg_require_object(c, ev, "events"))
		return;
	if ((item = cJSON_GetObjectItemCaseSensitive(ev, "enable_subscribers")))
		cfg_string_array(c, item, cfg_path_join(&p, "events", "enable_subscribers"),
				 &out->enable_subscribers, &out->nenable);
	if ((item = cJSON_GetObjectItemCaseSensitive(ev, "disable_subscribers")))
		cfg_string_array(c, item, cfg_path_join(&p, "events", "disable_subscribers"),
				 &out->disable_subscribers, &out->ndisable);
	cfg_warn_unknown(c, ev, "events", keys);
}

static void parse_root(struct cfg_ctx *c, const cJSON *root, struct sysq_flags *flags,
		       struct config *out)
{
	const cJSON *item;

	if (!cJSON_IsObject(root)) {
		cfg_error(c, NULL, false, "the config must be a JSON object");
		return;
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "options")))
		parse_options(c, item, flags);
	if (!c->failed && (item = cJSON_GetObjectItemCaseSensitive(root, "schedule")))
		cfg_parse_schedule(c, item, out);
	if (!c->failed && (item = cJSON_GetObjectItemCaseSensitive(root, "packs")))
		cfg_parse_packs(c, item, out);
	if (!c->failed && (item = cJSON_GetObjectItemCaseSensitive(root, "decorators")))
		parse_decorators(c, item, out);
	if (!c->failed && (item = cJSON_GetObjectItemCaseSensitive(root, "events")))
		parse_events(c, item, out);
	if (!c->failed && (item = cJSON_GetObjectItemCaseSensitive(root, "bpf_filters")))
		cfg_parse_bpf_filters(c, item, &out->bpf_filters);
	if (!c->failed && (item = cJSON_GetObjectItemCaseSensitive(root, "kafka_topics")))
		cfg_parse_kafka_topics(c, item, &out->kafka_topics);
	cfg_warn_unknown(c, root, "", top_keys);
}

/* Two queries may not share a log name: their results would mix. */
static void check_unique_names(struct cfg_ctx *c, const struct config *out)
{
	for (size_t i = 0; i < out->nqueries && !c->failed; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(out->queries[i].name, out->queries[j].name) == 0) {
				cfg_error(c, NULL, false, "two scheduled queries are named \"%s\"",
					  out->queries[i].name);
				break;
			}
		}
	}
}

static int finish(struct cfg_ctx *c, cJSON *root, struct sysq_flags *flags, struct config *out)
{
	if (root) {
		parse_root(c, root, flags, out);
		check_unique_names(c, out);
		cJSON_Delete(root);
	}
	json_pos_free(&c->pos);
	if (c->failed) {
		config_free(out);
		return -EINVAL;
	}
	return 0;
}

int config_load_text(const char *name, const char *text, size_t len, struct sysq_flags *flags,
		     struct config *out, struct strbuf *err, struct strbuf *warnings)
{
	struct cfg_ctx c = {.file = name, .err = err, .warnings = warnings};
	char *copy = xstrndup(text, len);
	cJSON *root;
	int rc;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(name);
	root = cfg_parse_text(&c, copy, len);
	rc = finish(&c, root, flags, out);
	if (rc == 0)
		memcpy(out->hash, c.hash, sizeof(out->hash));
	free(copy);
	return rc;
}

int config_load(const char *path, struct sysq_flags *flags, struct config *out, struct strbuf *err,
		struct strbuf *warnings)
{
	struct cfg_ctx c = {.file = path, .err = err, .warnings = warnings};
	char *text = NULL;
	cJSON *root;
	int rc;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	root = cfg_parse_file(&c, path, &text, &rc);
	if (!root) {
		json_pos_free(&c.pos);
		config_free(out);
		free(text);
		return rc;
	}
	rc = finish(&c, root, flags, out);
	if (rc == 0)
		memcpy(out->hash, c.hash, sizeof(out->hash));
	free(text);
	return rc;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < c->nqueries; i++) {
		free(c->queries[i].name);
		free(c->queries[i].sql);
		free(c->queries[i].platform);
		free(c->queries[i].pack);
	}
	free(c->queries);
	for (size_t i = 0; i < c->npacks; i++) {
		free(c->packs[i].name);
		cfg_free_strings(c->packs[i].discovery, c->packs[i].ndiscovery);
	}
	free(c->packs);
	cfg_free_strings(c->decorators_load, c->ndecorators_load);
	cfg_free_strings(c->decorators_always, c->ndecorators_always);
	for (size_t i = 0; i < c->ndecorators_interval; i++)
		cfg_free_strings(c->decorators_interval[i].queries, c->decorators_interval[i].n);
	free(c->decorators_interval);
	cfg_free_strings(c->enable_subscribers, c->nenable);
	cfg_free_strings(c->disable_subscribers, c->ndisable);
	cfg_free_bpf_filters(&c->bpf_filters);
	kafka_topics_free(&c->kafka_topics);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

static bool listed(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i], name) == 0)
			return true;
	}
	return false;
}

bool config_subscriber_enabled(const struct config *c, const char *name)
{
	if (c->enable_subscribers && !listed(c->enable_subscribers, c->nenable, name))
		return false;
	return !listed(c->disable_subscribers, c->ndisable, name);
}
