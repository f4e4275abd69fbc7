/* The list of osquery flags sysq ignores or refuses (see osquery_flags.h).
 * Each reason is written to stand after "--NAME ignored: " or "--NAME: ". */
#include "osquery_flags.h"

#include <string.h>

#define NO_WATCHDOG                                                                                \
	"sysq runs as one process without osquery's watchdog; its unit bounds memory and CPU "   \
	"(MemoryMax=, CPUQuota=)"
#define NO_EXTENSIONS "sysq loads no osquery extensions"
#define NO_CARVING "sysq has no file carving (docs/fleet.md)"

const struct osquery_flag osquery_flags[] = {
	{"watchdog_", true, false, OSQUERY_FLAG_IGNORED, NULL, NO_WATCHDOG},
	{"disable_watchdog", false, true, OSQUERY_FLAG_IGNORED, NULL, NO_WATCHDOG},
	{"enable_extensions_watchdog", false, true, OSQUERY_FLAG_IGNORED, NULL, NO_WATCHDOG},
	{"utc", false, true, OSQUERY_FLAG_REFUSED, "true",
	 "sysq writes every time in UTC; it cannot write local times (--utc=false)"},
	{"force", false, true, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq never kills a running daemon; a second one refuses to start (--pidfile)"},
	{"disable_extensions", false, true, OSQUERY_FLAG_IGNORED, NULL, NO_EXTENSIONS},
	{"extensions_socket", false, false, OSQUERY_FLAG_IGNORED, NULL, NO_EXTENSIONS},
	{"extensions_timeout", false, false, OSQUERY_FLAG_IGNORED, NULL, NO_EXTENSIONS},
	{"extensions_interval", false, false, OSQUERY_FLAG_IGNORED, NULL, NO_EXTENSIONS},
	{"extensions_autoload", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 NO_EXTENSIONS "; a query on an extension's table fails with 'no such table'"},
	{"modules_autoload", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 NO_EXTENSIONS " or modules; a query on a module's table fails with 'no such table'"},
	{"extensions_require", false, false, OSQUERY_FLAG_REFUSED, NULL,
	 NO_EXTENSIONS ", so a required extension can never be there"},
	{"logger_stderr", false, true, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq's own messages always go to stderr (the journal under systemd)"},
	{"logger_min_status", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq has no status log; its messages go to stderr, with debug ones under --verbose"},
	{"logger_min_stderr", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq's messages go to stderr, with debug ones under --verbose"},
	{"logger_mode", false, false, OSQUERY_FLAG_REFUSED, NULL,
	 "sysq creates its results log mode 0640 and cannot use another mode"},
	{"disable_logging", false, true, OSQUERY_FLAG_REFUSED, "false",
	 "sysq always writes its schedule's results; remove the queries you do not want logged"},
	{"schedule_splay_percent", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq runs each query every `interval` seconds without a splay"},
	{"disable_caching", false, true, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq's tables keep no cache between queries"},
	{"table_delay", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq's tables read stored rows and need no delay"},
	{"read_max", false, false, OSQUERY_FLAG_IGNORED, NULL, "sysq has no tables that read files"},
	{"read_user_max", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq has no tables that read files"},
	{"hash_cache_max", false, false, OSQUERY_FLAG_IGNORED, NULL, "sysq has no hash table"},
	{"hash_delay", false, false, OSQUERY_FLAG_IGNORED, NULL, "sysq has no hash table"},
	{"disable_tables", false, false, OSQUERY_FLAG_REFUSED, NULL,
	 "sysq cannot leave tables out; the queries you do not want must leave them out"},
	{"enable_tables", false, false, OSQUERY_FLAG_REFUSED, NULL,
	 "sysq cannot leave tables out; the queries you do not want must leave them out"},
	{"disable_database", false, true, OSQUERY_FLAG_REFUSED, "false",
	 "sysq's events live in its database (--database_path); it cannot run without one"},
	{"enable_file_events", false, true, OSQUERY_FLAG_REFUSED, "false",
	 "sysq has no file_events table"},
	{"audit_allow_fim_events", false, true, OSQUERY_FLAG_REFUSED, "false",
	 "sysq has no file_events table"},
	{"enable_syslog", false, true, OSQUERY_FLAG_REFUSED, "false", "sysq has no syslog_events table"},
	{"syslog_pipe_path", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq has no syslog_events table"},
	{"syslog_rate_limit", false, false, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq has no syslog_events table"},
	{"config_enable_backup", false, true, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq always keeps the fleet server's last valid config in its database and runs it "
	 "at start until the server answers"},
	{"distributed_loginfo", false, true, OSQUERY_FLAG_IGNORED, NULL,
	 "sysq logs a summary of each batch of live queries, and each query's outcome under "
	 "--verbose"},
	{"tls_node_api", false, true, OSQUERY_FLAG_REFUSED, "false",
	 "sysq sends the node key in the request body and header, never in the endpoint's path"},
	{"carver_compression", false, true, OSQUERY_FLAG_IGNORED, NULL, NO_CARVING},
	{"carver_disable_function", false, true, OSQUERY_FLAG_IGNORED, NULL, NO_CARVING},
	{"carver_expiry", false, false, OSQUERY_FLAG_IGNORED, NULL, NO_CARVING},
};

const size_t osquery_flags_count = sizeof(osquery_flags) / sizeof(osquery_flags[0]);

const struct osquery_flag *osquery_flag_find(const char *name, size_t len)
{
	for (size_t i = 0; i < osquery_flags_count; i++) {
		const struct osquery_flag *f = &osquery_flags[i];
		size_t flen = strlen(f->name);

		if (f->prefix ? len > flen && strncmp(name, f->name, flen) == 0
			      : len == flen && strncmp(name, f->name, len) == 0)
			return f;
	}
	return NULL;
}
