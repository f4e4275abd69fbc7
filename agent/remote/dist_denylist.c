/* The live-query denylist kept in the database (dist_denylist.h). */
#include "dist_denylist.h"

#include "reply.h"

#include "store/meta.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The SQL quoted in a log line is cut to this many bytes. */
#define QUOTE_MAX 120

static cJSON *load_json(const char *db_path, const char *key, int type)
{
	char *text = NULL;
	cJSON *v = NULL;

	if (store_meta_get(db_path, key, &text) == 0)
		v = cJSON_Parse(text);
	free(text);
	if (v && !(v->type & type)) {
		cJSON_Delete(v);
		v = NULL;
	}
	return v ? v : (type == cJSON_Array ? cJSON_CreateArray() : cJSON_CreateObject());
}

static void save_json(const char *db_path, const char *key, const cJSON *v)
{
	char *text = cJSON_GetArraySize(v) ? cJSON_PrintUnformatted(v) : NULL;

	if (store_meta_set(db_path, key, text) < 0)
		log_warn("fleet: live queries: cannot save %s in the database", key);
	free(text);
}

/* Drops entries that are malformed or past their time. */
static void prune(cJSON *entries, int64_t now)
{
	cJSON *e = entries->child;

	while (e) {
		cJSON *next = e->next;
		const cJSON *sql = cJSON_GetObjectItemCaseSensitive(e, "sql");
		const cJSON *until = cJSON_GetObjectItemCaseSensitive(e, "until");

		if (!cJSON_IsString(sql) || !cJSON_IsNumber(until) || until->valuedouble <= now)
			cJSON_Delete(cJSON_DetachItemViaPointer(entries, e));
		e = next;
	}
}

/* The last run died while `running` ran: denylist its SQL and keep a
 * failure to report under its id. */
static void take_over(struct dist_denylist *d, const cJSON *running, int64_t now)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(running, "id");
	const cJSON *sql = cJSON_GetObjectItemCaseSensitive(running, "sql");
	cJSON *entry;
	char *qid, *qsql;

	if (!cJSON_IsString(id) || !cJSON_IsString(sql))
		return;
	qid = remote_escape(id->valuestring, QUOTE_MAX);
	qsql = remote_escape(sql->valuestring, QUOTE_MAX);
	log_warn("fleet: live query \"%s\" was running when the daemon stopped (crash, hang or "
		 "kill); its SQL is denylisted for %lld s: %s",
		 qid, (long long)d->duration, qsql);
	free(qid);
	free(qsql);
	entry = cJSON_CreateObject();
	cJSON_AddStringToObject(entry, "sql", sql->valuestring);
	cJSON_AddNumberToObject(entry, "until", (double)(now + d->duration));
	cJSON_AddItemToArray(d->entries, entry);
	cJSON_DeleteItemFromObjectCaseSensitive(d->failed, id->valuestring);
	cJSON_AddItemToObject(d->failed, id->valuestring,
			      cJSON_CreateString("the daemon stopped (crashed, hung or was "
						 "killed) while this query ran; it is denylisted"));
}

void dist_denylist_open(struct dist_denylist *d, const char *db_path, int64_t duration)
{
	int64_t now = (int64_t)time(NULL);
	cJSON *running;

	memset(d, 0, sizeof(*d));
	d->db_path = db_path;
	d->duration = duration;
	d->entries = load_json(db_path, META_DIST_DENYLIST, cJSON_Array);
	d->failed = load_json(db_path, META_DIST_FAILED, cJSON_Object);
	prune(d->entries, now);
	running = load_json(db_path, META_DIST_RUNNING, cJSON_Object);
	if (cJSON_GetArraySize(running)) {
		take_over(d, running, now);
		save_json(db_path, META_DIST_FAILED, d->failed);
		store_meta_set(db_path, META_DIST_RUNNING, NULL);
	}
	cJSON_Delete(running);
	save_json(db_path, META_DIST_DENYLIST, d->entries);
}

void dist_denylist_close(struct dist_denylist *d)
{
	cJSON_Delete(d->entries);
	cJSON_Delete(d->failed);
	memset(d, 0, sizeof(*d));
}

bool dist_denylist_has(struct dist_denylist *d, const char *sql)
{
	const cJSON *e;

	prune(d->entries, (int64_t)time(NULL));
	cJSON_ArrayForEach(e, d->entries) {
		if (strcmp(cJSON_GetObjectItemCaseSensitive(e, "sql")->valuestring, sql) == 0)
			return true;
	}
	return false;
}

void dist_denylist_running(struct dist_denylist *d, const char *id, const char *sql)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "id", id);
	cJSON_AddStringToObject(r, "sql", sql);
	cJSON_AddNumberToObject(r, "started", (double)time(NULL));
	save_json(d->db_path, META_DIST_RUNNING, r);
	cJSON_Delete(r);
}

void dist_denylist_done(struct dist_denylist *d)
{
	store_meta_set(d->db_path, META_DIST_RUNNING, NULL);
}

const cJSON *dist_denylist_failed(const struct dist_denylist *d)
{
	return d->failed;
}

void dist_denylist_reported(struct dist_denylist *d)
{
	if (!cJSON_GetArraySize(d->failed))
		return;
	cJSON_Delete(d->failed);
	d->failed = cJSON_CreateObject();
	store_meta_set(d->db_path, META_DIST_FAILED, NULL);
}
