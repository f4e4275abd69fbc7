/* Fetching, sanitising and validating the server's config (tls_config.h). */
#include "tls_config.h"

#include "reply.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Options a fleet server may not set, even for the next start: where sysq
 * reads, writes and listens, which server it trusts and who it is. A
 * hostile or mistaken server could otherwise point the results log at any
 * file, or move the host to another server. */
static const char *const denied_prefixes[] = {"tls_", "enroll_", "config_", "proxy_", NULL};
static const char *const denied_names[] = {
	"flagfile",	    "database_path",	     "control_socket",	      "pidfile",
	"logger_path",	    "logger_syslog_path",    "host_identifier",	      "specified_identifier",
	"daemonize",	    "disable_enrollment",    "disable_reenrollment", NULL,
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
static void strip_pack_paths(cJSON *root)
{
	cJSON *packs = cJSON_GetObjectItemCaseSensitive(root, "packs");
	cJSON *p = packs && cJSON_IsObject(packs) ? packs->child : NULL;

	while (p) {
		cJSON *next = p->next;

		if (cJSON_IsString(p)) {
			char *name = remote_escape(p->string ? p->string : "", 64);

			log_warn("fleet: the server's config names pack \"%s\" by a file path; "
				 "only inline packs are taken from a server, ignored",
				 name);
			free(name);
			cJSON_Delete(cJSON_DetachItemViaPointer(packs, p));
		}
		p = next;
	}
}

void tls_config_strip(cJSON *root)
{
	strip_pack_paths(root);
	cJSON *options = cJSON_GetObjectItemCaseSensitive(root, "options");
	cJSON *o = options && cJSON_IsObject(options) ? options->child : NULL;

	cJSON_DeleteItemFromObjectCaseSensitive(root, "node_invalid");
	while (o) {
		cJSON *next = o->next;

		if (o->string && !server_may_set(o->string)) {
			char *name = remote_escape(o->string, 64);

			log_warn("fleet: the server's config sets option \"%s\", which only the "
				 "flagfile or command line may set; ignored",
				 name);
			free(name);
			cJSON_Delete(cJSON_DetachItemViaPointer(options, o));
		}
		o = next;
	}
}

static int fetch_once(struct remote_client *c, char **text, char **err)
{
	cJSON *body = cJSON_CreateObject(), *reply = NULL;
	int rc = remote_client_post(c, c->flags->config_tls_endpoint, body, &reply, err);

	cJSON_Delete(body);
	if (rc < 0)
		return rc;
	tls_config_strip(reply);
	*text = cJSON_PrintUnformatted(reply);
	cJSON_Delete(reply);
	if (!*text) {
		*err = xstrdup("out of memory printing the config");
		return -ENOMEM;
	}
	return 0;
}

int tls_config_fetch(struct remote_client *c, char **text, char **err)
{
	int64_t max = c->flags->config_tls_max_attempts;

	for (int64_t i = 1;; i++) {
		int rc = fetch_once(c, text, err);

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

int tls_config_parse(const char *text, struct config *cfg, char **err)
{
	struct strbuf e = STRBUF_INIT, warnings = STRBUF_INIT;
	struct sysq_flags scratch;
	int rc;

	flags_init(&scratch);
	rc = config_load_text(TLS_CONFIG_NAME, text, strlen(text), &scratch, cfg, &e, &warnings);
	flags_free(&scratch);
	log_warnings(&warnings);
	if (rc < 0)
		*err = sb_detach(&e);
	sb_free(&e);
	sb_free(&warnings);
	return rc < 0 ? -EINVAL : 0;
}
