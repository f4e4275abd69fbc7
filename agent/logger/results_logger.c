/* Results sinks: file, syslog and the shipping buffer. */
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
	struct log_buffer *shipping; /* not owned: the daemon's */
	struct strbuf line;
	bool file_failing;
	bool syslog_failing;
	bool shipping_failing;
};

int results_logger_open(const struct sysq_flags *flags, struct log_buffer *shipping,
			struct results_logger **ret, char **err)
{
	struct results_logger *l = xcalloc(1, sizeof(*l));

	if (flags_list_has(flags->logger_plugin, "kafka_producer")) {
		if (!shipping) {
			*err = xstrdup("kafka_producer has no log buffer");
			free(l);
			return -EINVAL;
		}
		l->shipping = shipping;
	}
	/* Results for the fleet server (tls) are not shipped yet: they stay
	 * in the results log rather than being lost (docs/fleet.md). */
	if (flags_list_has(flags->logger_plugin, "filesystem") ||
	    flags_list_has(flags->logger_plugin, "tls")) {
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
	if (l->shipping) {
		rc = log_buffer_append(l->shipping, query, line, len);
		note(&l->shipping_failing, rc, "the log buffer");
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
