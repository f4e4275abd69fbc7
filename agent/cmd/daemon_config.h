/* The daemon's config file: loaded once at start (its options become
 * flags), validated by --config_check, and reloaded on SIGHUP. */
#pragma once

#include "config/config.h"
#include "core/flags.h"

/* Loads --config_path into `cfg`, applying its options to `flags`. A
 * config missing at the default path, or an empty --config_path, gives an
 * empty config. With --config_plugin=tls it loads the config the fleet
 * server last sent instead (none: empty), after checking the fleet flags.
 * Returns 0, or 2 after printing "sysq daemon: file:line:col: message" (or
 * the missing fleet flag) to stderr. Warnings are logged. */
int daemon_config_load(struct sysq_flags *flags, struct config *cfg);

/* Re-reads --config_path for SIGHUP. Options are validated but take
 * effect only at the next start. Returns 0, or -1 after logging why (the
 * caller keeps the running config). */
int daemon_config_reload(const struct sysq_flags *flags, struct config *cfg);
