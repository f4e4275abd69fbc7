/* Config: the schedule and packs, as osquery defines them. */
#include "config_internal.h"

#include "common/xalloc.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const query_keys[] = {
	"query", "interval", "removed", "snapshot", "platform", "shard",
	"denylist", "blacklist", "version", "description", "value", NULL,
};

static struct scheduled_query *add_query(struct config *out)
{
	out->queries = xrealloc(out->queries, (out->nqueries + 1) * sizeof(*out->queries));
	memset(&out->queries[out->nqueries], 0, sizeof(out->queries[0]));
	return &out->queries[out->nqueries++];
}

/* What a pack gives the queries that do not set it themselves. */
struct pack_defaults {
	const char *name;
	const char *platform;
	int64_t shard;
};

/* Parses one query object under `path`. `pack` is NULL for the
 * schedule. */
static void parse_query(struct cfg_ctx *c, const cJSON *q, const char *path, const char *name,
			const struct pack_defaults *pack, struct config *out)
{
	struct scheduled_query *sq;
	bool denylist = true;

	if (!cfg_require_object(c, q, path))
		return;
	sq = add_query(out);
	sq->name = pack ? xasprintf("pack_%s_%s", pack->name, name) : xstrdup(name);
	sq->pack = pack ? xstrdup(pack->name) : NULL;
	sq->removed = true;
	sq->shard = pack ? pack->shard : 0;
	cfg_string(c, q, path, "query", &sq->sql);
	cfg_int(c, q, path, "interval", 1, CONFIG_INTERVAL_MAX, &sq->interval);
	cfg_bool(c, q, path, "removed", &sq->removed);
	cfg_bool(c, q, path, "snapshot", &sq->snapshot);
	cfg_string(c, q, path, "platform", &sq->platform);
	cfg_int(c, q, path, "shard", 1, 100, &sq->shard);
	/* denylist is accepted for compatibility: sysq has no watchdog to
	 * denylist a query, so the value changes nothing. */
	cfg_bool(c, q, path, "denylist", &denylist);
	if (!c->failed && (!sq->sql || !*sq->sql))
		cfg_error(c, path, true, "query \"%s\" has no \"query\"", name);
	if (!c->failed && sq->interval == 0)
		cfg_error(c, path, true, "query \"%s\" has no \"interval\"", name);
	if (!sq->platform && pack && pack->platform)
		sq->platform = xstrdup(pack->platform);
	cfg_warn_unknown(c, q, path, query_keys);
}

void cfg_parse_schedule(struct cfg_ctx *c, const cJSON *schedule, struct config *out)
{
	const cJSON *q;

	if (!cfg_require_object(c, schedule, "schedule"))
		return;
	cJSON_ArrayForEach(q, schedule) {
		struct cfg_path p;

		parse_query(c, q, cfg_path_join(&p, "schedule", q->string), q->string, NULL, out);
	}
}

static const char *const pack_keys[] = {
	"queries", "platform", "discovery", "version", "shard", "oncall", NULL,
};

static void parse_pack_body(struct cfg_ctx *c, const cJSON *body, const char *path,
			    const char *name, struct config *out)
{
	const cJSON *queries = cJSON_GetObjectItemCaseSensitive(body, "queries");
	const cJSON *discovery = cJSON_GetObjectItemCaseSensitive(body, "discovery");
	char *platform = NULL;
	struct pack_defaults defaults = {.name = name};
	struct pack *pk;
	const cJSON *q;
	struct cfg_path qp, p;

	if (!cfg_require_object(c, body, path))
		return;
	cfg_string(c, body, path, "platform", &platform);
	cfg_int(c, body, path, "shard", 1, 100, &defaults.shard);
	defaults.platform = platform;
	out->packs = xrealloc(out->packs, (out->npacks + 1) * sizeof(*out->packs));
	pk = &out->packs[out->npacks++];
	memset(pk, 0, sizeof(*pk));
	pk->name = xstrdup(name);
	if (discovery)
		cfg_string_array(c, discovery, cfg_path_join(&p, path, "discovery"), &pk->discovery,
				 &pk->ndiscovery);
	if (queries && cfg_require_object(c, queries, cfg_path_join(&qp, path, "queries"))) {
		cJSON_ArrayForEach(q, queries) {
			struct cfg_path ep;

			parse_query(c, q, cfg_path_join(&ep, qp.buf, q->string), q->string,
				    &defaults, out);
		}
	}
	cfg_warn_unknown(c, body, path, pack_keys);
	free(platform);
}

/* A pack given as a path, relative to the config's directory. */
static void parse_pack_file(struct cfg_ctx *c, const cJSON *item, const char *path,
			    const char *name, struct config *out)
{
	struct cfg_ctx pc = {.err = c->err, .warnings = c->warnings};
	char resolved[PATH_MAX], *dir, *text = NULL;
	cJSON *root;
	int rc;

	if (item->valuestring[0] == '/') {
		snprintf(resolved, sizeof(resolved), "%s", item->valuestring);
	} else {
		char *copy = xstrdup(c->file);

		dir = dirname(copy);
		snprintf(resolved, sizeof(resolved), "%s/%s", dir, item->valuestring);
		free(copy);
	}
	pc.file = resolved;
	root = cfg_parse_file(&pc, resolved, &text, &rc);
	if (root) {
		parse_pack_body(&pc, root, "", name, out);
		cJSON_Delete(root);
	}
	if (pc.failed && !c->failed) {
		/* The pack's own message names its file; point at the config's
		 * reference too. */
		struct strbuf inner = STRBUF_INIT;

		sb_puts(&inner, sb_str(c->err));
		cfg_error(c, path, false, "pack \"%s\": %s", name, sb_str(&inner));
		sb_free(&inner);
	}
	json_pos_free(&pc.pos);
	free(text);
}

void cfg_parse_packs(struct cfg_ctx *c, const cJSON *packs, struct config *out)
{
	const cJSON *p;

	if (!cfg_require_object(c, packs, "packs"))
		return;
	cJSON_ArrayForEach(p, packs) {
		struct cfg_path path;

		cfg_path_join(&path, "packs", p->string);
		if (cJSON_IsString(p))
			parse_pack_file(c, p, path.buf, p->string, out);
		else
			parse_pack_body(c, p, path.buf, p->string, out);
		if (c->failed)
			return;
	}
}
