/* Logging: timestamped single-line messages on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static atomic_bool verbose_enabled;

void log_set_verbose(bool verbose)
{
	atomic_store(&verbose_enabled, verbose);
}

bool log_is_verbose(void)
{
	return atomic_load(&verbose_enabled);
}

static const char *level_name(enum log_level level)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	return names[level];
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	size_t len;
	int n;
	va_list ap;

	if (level == LOG_LEVEL_DEBUG && !log_is_verbose())
		return;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	len = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line + len, sizeof(line) - len, " sysq[%d] %s: ", (int)getpid(),
		     level_name(level));
	len += n > 0 ? (size_t)n : 0;

	va_start(ap, fmt);
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	len += (size_t)n;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2; /* truncated: keep the newline */
	line[len++] = '\n';

	/* One write per line: stderr lines from several threads stay whole. */
	if (write(STDERR_FILENO, line, len) < 0) {
		/* Nowhere left to report a failure to report. */
	}
}
