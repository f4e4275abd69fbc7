/* Loading and reloading the daemon's config. */
#include "daemon_config.h"

#include "remote/remote.h"

#include "common/log.h"
#include "common/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void log_warnings(const struct strbuf *warnings)
{
	const char *p = sb_str(warnings);

	while (*p) {
		size_t len = strcspn(p, "\n");

		log_warn("config: %.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

static bool no_config(const struct sysq_flags *flags)
{
	return flags->config_path[0] == '\0';
}

/* --config_plugin=tls: the config the server last sent runs until the
 * server answers (agent/remote/). */
static int load_saved_tls_config(struct sysq_flags *flags, struct config *cfg)
{
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT;
	char *why = NULL;
	int rc = remote_check_flags(flags, &why);

	if (rc < 0) {
		fprintf(stderr, "sysq daemon: %s\n", why);
		free(why);
		return 2;
	}
	rc = remote_saved_config_load(flags, cfg, &err, &warnings);
	log_warnings(&warnings);
	if (rc < 0)
		log_warn("fleet: the saved config is not valid, starting without one: %s",
			 sb_str(&err));
	else if (cfg->path)
		log_info("fleet: running the config the server last sent (%zu scheduled "
			 "queries) until it answers",
			 cfg->nqueries);
	log_set_verbose(flags->verbose);
	sb_free(&err);
	sb_free(&warnings);
	return 0;
}

int daemon_config_load(struct sysq_flags *flags, struct config *cfg)
{
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (remote_wanted(flags))
		return load_saved_tls_config(flags, cfg);
	if (no_config(flags))
		return 0;
	rc = config_load(flags->config_path, flags, cfg, &err, &warnings);
	log_warnings(&warnings);
	if (rc == -ENOENT && flags->source[FLAG_config_path] == FLAG_SOURCE_DEFAULT) {
		log_info("no config at %s; running without a schedule", flags->config_path);
		rc = 0;
	} else if (rc < 0) {
		fprintf(stderr, "sysq daemon: %s\n", sb_str(&err));
		rc = 2;
	}
	/* Options may have changed the log level. */
	log_set_verbose(flags->verbose);
	sb_free(&err);
	sb_free(&warnings);
	return rc;
}

int daemon_config_reload(const struct sysq_flags *flags, struct config *cfg)
{
	struct strbuf err = STRBUF_INIT, warnings = STRBUF_INIT;
	struct sysq_flags scratch;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (no_config(flags)) {
		log_info("SIGHUP: no --config_path; nothing to reload");
		return -1;
	}
	flags_init(&scratch);
	rc = config_load(flags->config_path, &scratch, cfg, &err, &warnings);
	flags_free(&scratch);
	log_warnings(&warnings);
	if (rc < 0) {
		log_error("SIGHUP: %s; the running config stays", sb_str(&err));
		rc = -1;
	} else {
		log_info("SIGHUP: reloaded %s (options apply at the next start)",
			 flags->config_path);
	}
	sb_free(&err);
	sb_free(&warnings);
	return rc;
}
