/* Logging: timestamped single-line messages on stderr, and the hook that
 * hands each message to the daemon's status log (log.h). */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_bool verbose_enabled;

/* Readers are the logging threads; set_hook writes, so a hook being
 * removed is never running when its owner frees it. */
static pthread_rwlock_t hook_lock = PTHREAD_RWLOCK_INITIALIZER;
static log_hook_fn hook_fn;
static void *hook_arg;
/* Set while this thread runs the hook: what the hook logs goes to stderr
 * only, so it cannot recurse. */
static __thread bool in_hook;

void log_set_verbose(bool verbose)
{
	atomic_store(&verbose_enabled, verbose);
}

bool log_is_verbose(void)
{
	return atomic_load(&verbose_enabled);
}

void log_set_hook(log_hook_fn fn, void *arg)
{
	pthread_rwlock_wrlock(&hook_lock);
	hook_fn = fn;
	hook_arg = arg;
	pthread_rwlock_unlock(&hook_lock);
}

static const char *level_name(enum log_level level)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	return names[level];
}

static void call_hook(const struct log_record *rec)
{
	if (in_hook)
		return;
	pthread_rwlock_rdlock(&hook_lock);
	if (hook_fn) {
		in_hook = true;
		hook_fn(hook_arg, rec);
		in_hook = false;
	}
	pthread_rwlock_unlock(&hook_lock);
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : (path ? path : "");
}

void log_msg(enum log_level level, const char *file, int lineno, const char *fmt, ...)
{
	char line[2048];
	struct log_record rec = {.level = level, .file = base_name(file), .line = lineno};
	struct tm tm;
	size_t len, start;
	int n;
	va_list ap;

	if (level == LOG_LEVEL_DEBUG && !log_is_verbose())
		return;

	clock_gettime(CLOCK_REALTIME, &rec.time);
	gmtime_r(&rec.time.tv_sec, &tm);
	len = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line + len, sizeof(line) - len, " sysq[%d] %s: ", (int)getpid(),
		     level_name(level));
	len += n > 0 ? (size_t)n : 0;
	start = len;

	va_start(ap, fmt);
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	len += (size_t)n;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2; /* truncated: keep the newline */
	line[len] = '\0';
	rec.message = line + start;
	call_hook(&rec);
	line[len++] = '\n';

	/* One write per line: stderr lines from several threads stay whole. */
	if (write(STDERR_FILENO, line, len) < 0) {
		/* Nowhere left to report a failure to report. */
	}
}
