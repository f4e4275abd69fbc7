/* The fleet client: osquery's TLS remote API, so a fleet manager built for
 * osquery (FleetDM, osctrl, Zentral...) can enroll sysq and configure it.
 * docs/fleet.md is the user's side.
 *
 * With --config_plugin=tls a thread enrolls (client.h), fetches the config
 * from --config_tls_endpoint at start and every --config_refresh seconds
 * (every --config_accelerated_refresh after a failure) and hands each new
 * valid config to the daemon, which applies it as SIGHUP applies a file.
 * The last valid config is kept in the database and runs at the next
 * start, before the server answers or when it never does. Options a
 * server sends that decide where sysq reads, writes or connects, or who
 * it is, are dropped with a warning. */
#pragma once

#include "config/config.h"
#include "core/flags.h"

struct catalog;
struct remote;

struct remote_options {
	const struct sysq_flags *flags;
	const struct catalog *cat;
	/* Called on the client's thread with a new valid config, whose
	 * ownership passes to the callee. */
	void (*apply)(void *arg, struct config *cfg);
	void *arg;
};

/* Whether the flags ask for the fleet client. */
bool remote_wanted(const struct sysq_flags *flags);

/* Checks the flags the client needs. Returns 0, or -EINVAL with *err set
 * (free it). */
int remote_check_flags(const struct sysq_flags *flags, char **err);

/* Logs one warning naming the fleet flags that are set but not honoured
 * yet (file carving). */
void remote_warn_unsupported(const struct sysq_flags *flags);

/* Loads the config the server last sent, applying its options to
 * `flags`. Returns 0 (cfg empty when none was saved) or -EINVAL with
 * `err` holding why. Warnings go to `warnings`, one per line. */
int remote_saved_config_load(struct sysq_flags *flags, struct config *cfg, struct strbuf *err,
			     struct strbuf *warnings);

/* Starts the client's thread. Returns 0, or -errno with *err set. */
int remote_start(const struct remote_options *opt, struct remote **ret, char **err);

/* Fetches the config now (SIGHUP). */
void remote_refresh(struct remote *r);

/* Stops the thread, aborting a request in flight; NULL is a no-op. */
void remote_stop(struct remote *r);
