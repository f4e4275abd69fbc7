/* The config endpoint: fetching the config, dropping what a server may
 * not set, and validating it the way a config file is validated. */
#pragma once

#include "client.h"

#include "config/config.h"

/* The name a config from the server carries in messages. */
#define TLS_CONFIG_NAME "tls config"

/* Fetches the config, trying --config_tls_max_attempts times. Returns 0
 * with *text set (free it): the config as JSON, without node_invalid and
 * without the options a server may not set (each named in a warning). Or
 * a negative errno with *err set. */
int tls_config_fetch(struct remote_client *c, char **text, char **err);

/* Removes from a config object node_invalid, the options a server may not
 * set and packs named by a file path, with a warning naming each. Exposed for the fuzz harness and unit tests. */
void tls_config_strip(cJSON *root);

/* Validates a config text as a file config is (options checked against
 * scratch flags, so the running flags do not change). Returns 0 with
 * `cfg` set, or -EINVAL with *err set. Warnings are logged. */
int tls_config_parse(const char *text, struct config *cfg, char **err);
