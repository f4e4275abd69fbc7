/* The config endpoint: fetching the config, dropping what a server may
 * not set, and validating it the way a config file is validated. */
#pragma once

#include "client.h"

#include "config/config.h"

#include "common/strbuf.h"

/* The name a config from the server carries in messages. */
#define TLS_CONFIG_NAME "tls config"

/* Fetches the config, trying --config_tls_max_attempts times. Returns 0
 * with *text set (free it): the config as JSON, without node_invalid and
 * without what a server may not set, each refusal a line in `refused`
 * (for the caller to log when it applies the config). Or a negative
 * errno with *err set. */
int tls_config_fetch(struct remote_client *c, char **text, struct strbuf *refused, char **err);

/* Removes from a config object node_invalid, the options a server may not
 * set and packs named by a file path, appending a line to `refused` for
 * each, except an option whose value is the running flag's anyway
 * (`flags` may be NULL). Exposed for the fuzz harness and unit tests. */
void tls_config_strip(cJSON *root, const struct sysq_flags *flags, struct strbuf *refused);

/* Validates a config text as a file config is (options checked against
 * scratch flags, so the running flags do not change). Returns 0 with
 * `cfg` set, the options that change at run time taken
 * (core/runtime_flags.h) and named in `changed`; or -EINVAL with *err set.
 * Warnings are logged. */
int tls_config_parse(const char *text, struct config *cfg, struct strbuf *changed, char **err);
