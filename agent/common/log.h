/* Logging for the agent and its tools: one line per message on stderr.
 *
 * The daemon runs in the foreground under systemd, so stderr ends up in the
 * journal. Every line is written with a single write(2) so lines from
 * different threads never interleave.
 *
 * Each message also carries the source file and line that logged it, for
 * a hook (log_set_hook): the TLS logger turns messages into osquery's
 * status lines. The stderr line does not show them. */
#pragma once

#include <stdbool.h>
#include <time.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* One message as the hook sees it; valid only during the call. */
struct log_record {
	enum log_level level;
	const char *file; /* the source file's base name */
	int line;
	struct timespec time; /* CLOCK_REALTIME */
	const char *message;  /* without the time, pid and level prefix */
};

/* Called on the logging thread for each message that reaches stderr. It
 * must not block for long; a message it logs itself is not handed to it
 * again (on that thread), so it cannot recurse. */
typedef void (*log_hook_fn)(void *arg, const struct log_record *rec);

void log_set_verbose(bool verbose);
bool log_is_verbose(void);
void log_msg(enum log_level level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Installs the hook (NULL removes it). Once this returns no thread is
 * still inside the previous hook, so its argument may then be freed. */
void log_set_hook(log_hook_fn fn, void *arg);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
