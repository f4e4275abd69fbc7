/* Fetching, sanitising and validating the server's config (tls_config.h). */
#include "tls_config.h"

#include "reply.h"

#include "core/flags.h"
#include "core/runtime_flags.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Options a fleet server may not set, even for the next start: where sysq
 * reads, writes and listens, which server it trusts and who it is. A
 * hostile or mistaken server could otherwise point the results log at any
 * file, or move the host to another server. Nor which loggers and
 * services run and where they connect: those are checked together at
 * start, so a server's choice could keep the daemon from starting again
 * (--logger_plugin=tls without --logger_tls_endpoint exits 2). */
static const char *const denied_prefixes[] = {"tls_",	       "enroll_",  "config_", "proxy_",
					      "logger_kafka_", "metrics_", NULL};
static const char *const denied_names[] = {
	"flagfile",
	"database_path",
	"control_socket",
	"pidfile",
	"logger_path",
	"logger_syslog_path",
	"host_identifier",
	"specified_identifier",
	"daemonize",
	"disable_enrollment",
	"disable_reenrollment",
	"logger_plugin",
	"logger_tls_endpoint",
	"distributed_plugin",
	"disable_distributed",
	"distributed_tls_read_endpoint",
	"distributed_tls_write_endpoint",
	NULL,
};

static bool server_may_set(const char *name)
{
	for (size_t i = 0; denied_prefixes[i]; i++) {
		if (strncmp(name, denied_prefixes[i], strlen(denied_prefixes[i])) == 0)
			return false;
	}
	for (size_t i = 0; denied_names[i]; i++) {
		if (strcmp(name, denied_names[i]) == 0)
			return false;
	}
	return true;
}

/* Packs named by a path would make the daemon read a local file the
 * server chose; a server sends its packs inline. */
static void strip_pack_paths(cJSON *root, struct strbuf *refused)
{
	cJSON *packs = cJSON_GetObjectItemCaseSensitive(root, "packs");
	cJSON *p = packs && cJSON_IsObject(packs) ? packs->child : NULL;

	while (p) {
		cJSON *next = p->next;

		if (cJSON_IsString(p)) {
			char *name = remote_escape(p->string ? p->string : "", 64);

			sb_printf(refused,
				  "pack \"%s\" is named by a file path; only inline packs are taken "
				  "from a server\n",
				  name);
			free(name);
			cJSON_Delete(cJSON_DetachItemViaPointer(packs, p));
		}
		p = next;
	}
}

/* Whether the server's value is the one the flag has anyway (Fleet sends
 * disable_distributed=false to hosts whose flagfile says the same). */
static bool same_as_running(const struct sysq_flags *flags, const cJSON *o)
{
	int id = flags ? flags_find(o->string, strlen(o->string)) : -1;
	char *now;
	bool same;

	if (id < 0)
		return false;
	now = flags_value_text(flags, (enum flag_id)id);
	if (cJSON_IsString(o))
		same = strcmp(now, o->valuestring) == 0;
	else if (cJSON_IsBool(o))
		same = strcmp(now, cJSON_IsTrue(o) ? "true" : "false") == 0;
	else
		same = false;
	free(now);
	return same;
}

void tls_config_strip(cJSON *root, const struct sysq_flags *flags, struct strbuf *refused)
{
	strip_pack_paths(root, refused);
	cJSON *options = cJSON_GetObjectItemCaseSensitive(root, "options");
	cJSON *o = options && cJSON_IsObject(options) ? options->child : NULL;

	cJSON_DeleteItemFromObjectCaseSensitive(root, "node_invalid");
	while (o) {
		cJSON *next = o->next;

		if (o->string && !server_may_set(o->string)) {
			char *name = remote_escape(o->string, 64);

			if (!same_as_running(flags, o))
				sb_printf(refused,
					  "option \"%s\" may be set only by the flagfile or command "
					  "line\n",
					  name);
			free(name);
			cJSON_Delete(cJSON_DetachItemViaPointer(options, o));
		}
		o = next;
	}
}

static int fetch_once(struct remote_client *c, char **text, struct strbuf *refused, char **err)
{
	cJSON *body = cJSON_CreateObject(), *reply = NULL;
	int rc = remote_client_post(c, c->flags->config_tls_endpoint, body, &reply, err);

	cJSON_Delete(body);
	if (rc < 0)
		return rc;
	sb_truncate(refused, 0);
	tls_config_strip(reply, c->flags, refused);
	*text = cJSON_PrintUnformatted(reply);
	cJSON_Delete(reply);
	if (!*text) {
		*err = xstrdup("out of memory printing the config");
		return -ENOMEM;
	}
	return 0;
}

int tls_config_fetch(struct remote_client *c, char **text, struct strbuf *refused, char **err)
{
	int64_t max = c->flags->config_tls_max_attempts;

	for (int64_t i = 1;; i++) {
		int rc = fetch_once(c, text, refused, err);

		if (rc == 0 || rc == -ECANCELED || i >= max)
			return rc;
		log_warn("fleet: config request %lld of %lld failed: %s", (long long)i,
			 (long long)max, *err);
		free(*err);
		*err = NULL;
		if (!c->sleep(c->sleep_arg, (int)(i * i))) {
			*err = xstrdup("the daemon is stopping");
			return -ECANCELED;
		}
	}
}

static void log_warnings(const struct strbuf *warnings)
{
	const char *p = sb_str(warnings);

	while (*p) {
		size_t len = strcspn(p, "\n");

		log_warn("fleet: config: %.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

int tls_config_parse(const char *text, struct config *cfg, struct strbuf *changed, char **err)
{
	struct strbuf e = STRBUF_INIT, warnings = STRBUF_INIT;
	struct sysq_flags scratch;
	int rc;

	flags_init(&scratch);
	rc = config_load_text(TLS_CONFIG_NAME, text, strlen(text), &scratch, cfg, &e, &warnings);
	if (rc == 0)
		runtime_flags_take(&scratch, changed);
	flags_free(&scratch);
	log_warnings(&warnings);
	if (rc < 0)
		*err = sb_detach(&e);
	sb_free(&e);
	sb_free(&warnings);
	return rc < 0 ? -EINVAL : 0;
}
