/* The flags a fleet server's config may change while the daemon runs:
 * how often the fleet clients talk to the server (config refresh, log
 * sends, live-query check-ins) and how many lines a log request carries.
 * FleetDM pushes distributed_interval=10 and logger_tls_period=10 in its
 * agent options; waiting for a restart to take them would keep a host slow
 * to answer live queries for days.
 *
 * A server's value stands until a later config from it no longer sets the
 * flag; then the flag's own value (flagfile, command line, the config at
 * start) is back. Every other option of a server's config, as of a config
 * file, applies at the next start. The values are atomics: the fleet
 * threads read them at every wait, the query side for sysq_flags. */
#pragma once

#include "core/flags.h"
#include "common/strbuf.h"

#include <stdbool.h>
#include <stdint.h>

/* Whether a server's config may change `id` at run time. */
bool runtime_flag_listed(enum flag_id id);

/* The value in force: the server's, else the flag's. `id` must be an INT
 * flag of the list. */
int64_t runtime_flag(const struct sysq_flags *flags, enum flag_id id);

/* The server's value, when it set one: for sysq_flags. */
bool runtime_flag_override(enum flag_id id, int64_t *value);

/* Takes the listed flags `from` (the scratch flags a server's config was
 * loaded into) has from the config, and drops the values of those it no
 * longer sets. Each value that changes is appended to `changed` as
 * "name=value" (", " between). */
void runtime_flags_take(const struct sysq_flags *from, struct strbuf *changed);
