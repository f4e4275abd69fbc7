/* osquery flags that sysq does not have, and what sysq does with them.
 *
 * An osquery flagfile brought to sysq carries flags for parts of osquery
 * that sysq lacks (the watchdog process, extensions, file-reading tables).
 * Where ignoring such a flag cannot change what sysq collects or writes,
 * sysq accepts it with a warning; where it would (osquery would log local
 * times, or log nothing, or refuse to start without an extension), sysq
 * refuses it and says why. A flag of neither list stays an unknown flag.
 * flags.c consults this list only for names that are not sysq's own, and
 * `sysq help osquery-flags` prints it for docs/configuration.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum osquery_flag_action {
	OSQUERY_FLAG_IGNORED, /* accepted, one warning */
	OSQUERY_FLAG_REFUSED, /* an error, exit 2 */
};

struct osquery_flag {
	const char *name; /* the flag, or with `prefix` every flag that starts so */
	bool prefix;
	bool is_bool; /* takes no separate value word on the command line */
	enum osquery_flag_action action;
	/* For a refused bool: the value that means what sysq does anyway,
	 * accepted with a warning. NULL: refused whatever the value. */
	const char *same_as_sysq;
	const char *reason;
};

extern const struct osquery_flag osquery_flags[];
extern const size_t osquery_flags_count;

/* Looks up name[0..len); NULL if osquery has no such flag that sysq knows
 * of. */
const struct osquery_flag *osquery_flag_find(const char *name, size_t len);
