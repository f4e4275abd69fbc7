/* The fleet client's thread: enrollment and the config refresh loop, the
 * config kept for the next start, and the flags not honoured yet (see
 * remote.h). */
#include "remote.h"

#include "client.h"
#include "tls_config.h"

#include "store/meta.h"

#include "core/runtime_flags.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct remote {
	struct remote_options opt;
	struct remote_client client;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stopping;
	bool refresh; /* SIGHUP asked for a fetch now */
	char *applied; /* the text of the config last handed over */
};

bool remote_wanted(const struct sysq_flags *flags)
{
	return strcmp(flags->config_plugin, "tls") == 0;
}

int remote_check_flags(const struct sysq_flags *flags, char **err)
{
	return remote_wanted(flags) ? remote_client_check_flags(flags, err) : 0;
}

/* Fleet flags accepted under osquery's names for parts not built yet. */
static const enum flag_id unsupported[] = {
	FLAG_tls_session_timeout,	    FLAG_tls_dump,
	FLAG_disable_carver,		    FLAG_carver_start_endpoint,
	FLAG_carver_continue_endpoint,	    FLAG_carver_block_size,
};

void remote_warn_unsupported(const struct sysq_flags *flags)
{
	struct strbuf names = STRBUF_INIT;

	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		if (flags->source[unsupported[i]] == FLAG_SOURCE_DEFAULT)
			continue;
		sb_printf(&names, "%s%s", names.len ? ", " : "", flag_defs[unsupported[i]].name);
	}
	if (names.len)
		log_warn("fleet: accepted but not supported yet, so without effect: %s "
			 "(docs/fleet.md)",
			 sb_str(&names));
	sb_free(&names);
}

int remote_saved_config_load(struct sysq_flags *flags, struct config *cfg, struct strbuf *err,
			     struct strbuf *warnings)
{
	char *text = NULL;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	/* No database yet: nothing was saved (and a helper connection must
	 * not create the file before the store does). */
	if (access(flags->database_path, F_OK) != 0 ||
	    store_meta_get(flags->database_path, META_TLS_CONFIG, &text) < 0)
		return 0;
	rc = config_load_text(TLS_CONFIG_NAME, text, strlen(text), flags, cfg, err, warnings);
	free(text);
	return rc < 0 ? -EINVAL : 0;
}

/* Waits up to `seconds` (0: until woken); false when stopping. */
static bool wait_or_stop(struct remote *r, int seconds)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&r->lock);
	while (!atomic_load(&r->stopping) && !r->refresh) {
		if (seconds > 0 && pthread_cond_timedwait(&r->wake, &r->lock, &until) == ETIMEDOUT)
			break;
		if (seconds <= 0)
			pthread_cond_wait(&r->wake, &r->lock);
	}
	r->refresh = false;
	pthread_mutex_unlock(&r->lock);
	return !atomic_load(&r->stopping);
}

/* Retries wait without a pending SIGHUP cutting them short. */
static bool retry_sleep(void *arg, int seconds)
{
	struct remote *r = arg;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&r->lock);
	while (!atomic_load(&r->stopping) &&
	       pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&r->lock);
	return !atomic_load(&r->stopping);
}

/* One warning per thing the server may not set, each time a config that
 * has it is applied (not at every refresh of the same config). */
static void log_refused(const struct strbuf *refused)
{
	const char *p = sb_str(refused);

	while (*p) {
		size_t len = strcspn(p, "\n");

		log_warn("fleet: the server's config: %.*s; ignored", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

/* Hands a new valid config to the daemon and keeps it for the next start.
 * The same text again is not applied again. */
static int apply_text(struct remote *r, char *text, const struct strbuf *refused, char **err)
{
	struct strbuf changed = STRBUF_INIT;
	struct config cfg;
	size_t nqueries;

	if (r->applied && strcmp(r->applied, text) == 0) {
		free(text);
		return 0;
	}
	log_refused(refused);
	if (tls_config_parse(text, &cfg, &changed, err) < 0) {
		free(text);
		sb_free(&changed);
		return -EINVAL;
	}
	if (changed.len)
		log_info("fleet: the server's options in force now: %s", sb_str(&changed));
	sb_free(&changed);
	if (store_meta_set(r->opt.flags->database_path, META_TLS_CONFIG, text) < 0)
		log_warn("fleet: the config could not be saved for the next start");
	nqueries = cfg.nqueries;
	r->opt.apply(r->opt.arg, &cfg);
	log_info("fleet: config from https://%s%s applied: %zu scheduled queries",
		 r->opt.flags->tls_hostname, r->opt.flags->config_tls_endpoint, nqueries);
	free(r->applied);
	r->applied = text;
	return 0;
}

static int fetch_and_apply(struct remote *r)
{
	struct strbuf refused = STRBUF_INIT;
	char *text = NULL, *err = NULL;
	int rc = tls_config_fetch(&r->client, &text, &refused, &err);

	if (rc == 0)
		rc = apply_text(r, text, &refused, &err);
	sb_free(&refused);
	if (rc < 0 && rc != -ECANCELED)
		log_warn("fleet: config: %s; the running config stays", err);
	free(err);
	return rc;
}

/* --config_tls_refresh is osquery's other name for --config_refresh. A
 * fleet server may set either at run time. */
static int refresh_interval(const struct sysq_flags *f)
{
	int64_t v;

	if (runtime_flag_override(FLAG_config_tls_refresh, &v) ||
	    f->source[FLAG_config_tls_refresh] != FLAG_SOURCE_DEFAULT)
		return (int)runtime_flag(f, FLAG_config_tls_refresh);
	return (int)runtime_flag(f, FLAG_config_refresh);
}

static void *remote_main(void *arg)
{
	struct remote *r = arg;

	while (!atomic_load(&r->stopping)) {
		int rc = fetch_and_apply(r);
		int wait = rc == 0 ? refresh_interval(r->opt.flags) :
				     (int)r->opt.flags->config_accelerated_refresh;

		if (rc == -ECANCELED || !wait_or_stop(r, wait))
			break;
	}
	return NULL;
}

static void free_remote(struct remote *r)
{
	remote_client_free(&r->client);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r->applied);
	free(r);
}

static void init_sync(struct remote *r)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&r->lock, NULL);
}

int remote_start(const struct remote_options *opt, struct remote **ret, char **err)
{
	struct remote *r = xcalloc(1, sizeof(*r));
	int rc;

	r->opt = *opt;
	init_sync(r);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = remote_client_init(&r->client, opt->flags, opt->cat, err);
	if (rc < 0) {
		free_remote(r);
		return rc;
	}
	/* The saved config already runs: the same text from the server is
	 * not applied a second time. */
	if (access(opt->flags->database_path, F_OK) == 0)
		store_meta_get(opt->flags->database_path, META_TLS_CONFIG, &r->applied);
	r->client.sleep = retry_sleep;
	r->client.sleep_arg = r;
	r->client.stopping = &r->stopping;
	rc = pthread_create(&r->thread, NULL, remote_main, r);
	if (rc != 0) {
		*err = xasprintf("cannot start the fleet client's thread: %s", strerror(rc));
		free_remote(r);
		return -rc;
	}
	*ret = r;
	return 0;
}

void remote_refresh(struct remote *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->refresh = true;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

void remote_stop(struct remote *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	atomic_store(&r->stopping, true);
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	free_remote(r);
	curl_global_cleanup();
}
