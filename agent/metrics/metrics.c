/* Starting and stopping the metrics outputs (metrics.h). */
#include "metrics.h"

#include "http.h"
#include "listen_addr.h"
#include "textfile.h"

#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>

struct metrics {
	struct metrics_sources src; /* what both outputs point at */
	struct metrics_http *http;
	struct metrics_textfile *textfile;
};

int metrics_check_flags(const struct sysq_flags *flags, char **err)
{
	char why[LISTEN_ADDR_ERROR_MAX];
	struct listen_addr addr;

	if (!flags->metrics_listen[0] || listen_addr_parse(flags->metrics_listen, &addr, why) == 0)
		return 0;
	*err = xasprintf("--metrics_listen: %s", why);
	return -EINVAL;
}

int metrics_start(const struct sysq_flags *flags, const struct metrics_sources *src,
		  struct metrics **ret, char **err)
{
	struct metrics *m = xcalloc(1, sizeof(*m));
	char why[LISTEN_ADDR_ERROR_MAX];
	struct listen_addr addr;
	int rc = 0;

	m->src = *src;
	if (flags->metrics_listen[0]) {
		rc = listen_addr_parse(flags->metrics_listen, &addr, why);
		if (rc < 0)
			*err = xasprintf("--metrics_listen: %s", why);
		else
			rc = metrics_http_start(&addr, flags->metrics_listen, &m->src, &m->http,
						err);
	}
	if (rc == 0 && flags->metrics_textfile[0])
		rc = metrics_textfile_start(flags->metrics_textfile, (int)flags->metrics_interval,
					    &m->src, &m->textfile, err);
	if (rc < 0) {
		metrics_stop(m);
		return rc;
	}
	*ret = m;
	return 0;
}

void metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	metrics_http_stop(m->http);
	metrics_textfile_stop(m->textfile);
	free(m);
}
