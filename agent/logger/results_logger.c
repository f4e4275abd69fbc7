/* Results sinks: file, syslog and the shipping loggers' buffers. */
#include "results_logger.h"

#include "results_file.h"
#include "syslog_sink.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct results_logger {
	struct results_file *file;
	struct syslog_sink *syslog;
	struct log_buffer *shipping[LOG_BUFFERS_MAX]; /* not owned: the daemon's */
	size_t nshipping;
	struct strbuf line;
	bool file_failing;
	bool syslog_failing;
	bool shipping_failing[LOG_BUFFERS_MAX];
};

/* The shipping loggers --logger_plugin names must each have a buffer. */
static int take_shipping(const struct sysq_flags *flags, struct log_buffer *const *shipping,
			 struct results_logger *l, char **err)
{
	size_t wanted = flags_list_has(flags->logger_plugin, "kafka_producer") +
			flags_list_has(flags->logger_plugin, "tls");

	while (shipping && l->nshipping < LOG_BUFFERS_MAX && shipping[l->nshipping]) {
		l->shipping[l->nshipping] = shipping[l->nshipping];
		l->nshipping++;
	}
	if (l->nshipping == wanted)
		return 0;
	*err = xasprintf("--logger_plugin names %zu shipping logger(s) but %zu log buffer(s) are "
			 "open",
			 wanted, l->nshipping);
	return -EINVAL;
}

int results_logger_open(const struct sysq_flags *flags, struct log_buffer *const *shipping,
			struct results_logger **ret, char **err)
{
	struct results_logger *l = xcalloc(1, sizeof(*l));

	if (take_shipping(flags, shipping, l, err) < 0) {
		free(l);
		return -EINVAL;
	}
	if (flags_list_has(flags->logger_plugin, "filesystem")) {
		struct results_file_options opt = {
			.dir = flags->logger_path,
			.rotate = flags->logger_rotate,
			.rotate_size = flags->logger_rotate_size,
			.rotate_max_files = flags->logger_rotate_max_files,
		};
		int rc = results_file_open(&opt, &l->file, err);

		if (rc < 0) {
			free(l);
			return rc;
		}
	}
	if (flags_list_has(flags->logger_plugin, "syslog"))
		l->syslog = syslog_sink_new(flags->logger_syslog_path,
					    (int)flags->logger_syslog_facility);
	*ret = l;
	return 0;
}

/* Logs a sink's failure when it starts and when it ends, not per line. */
static void note(bool *failing, int rc, const char *sink)
{
	if (rc < 0 && !*failing)
		log_warn("results: cannot write to %s: %s", sink, strerror(-rc));
	else if (rc == 0 && *failing)
		log_info("results: writing to %s again", sink);
	*failing = rc < 0;
}

bool results_logger_line(struct results_logger *l, const char *query, const char *line,
			 size_t len)
{
	bool all = true;
	int rc;

	if (l->file) {
		sb_truncate(&l->line, 0);
		sb_append(&l->line, line, len);
		sb_putc(&l->line, '\n');
		rc = results_file_write(l->file, l->line.buf, l->line.len);
		note(&l->file_failing, rc, "the results log");
		all &= rc == 0;
	}
	if (l->syslog) {
		rc = syslog_sink_send(l->syslog, line, len);
		note(&l->syslog_failing, rc, "syslog");
		all &= rc == 0;
	}
	for (size_t i = 0; i < l->nshipping; i++) {
		rc = log_buffer_append(l->shipping[i], query, line, len);
		note(&l->shipping_failing[i], rc, log_buffer_sink(l->shipping[i]));
		all &= rc == 0;
	}
	return all;
}

void results_logger_close(struct results_logger *l)
{
	if (!l)
		return;
	results_file_close(l->file);
	syslog_sink_free(l->syslog);
	sb_free(&l->line);
	free(l);
}
