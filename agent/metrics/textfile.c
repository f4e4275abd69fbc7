/* The textfile writer (textfile.h). */
#include "textfile.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct metrics_textfile {
	char *path;
	int interval_s;
	const struct metrics_sources *src;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	int last_rc; /* of the last write, so a failure is logged once */
};

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int metrics_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	int rc = 0;

	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	rc = write_all(fd, data, len);
	/* node_exporter seldom runs as root. */
	if (rc == 0 && fchmod(fd, 0644) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int render_and_write(struct metrics_textfile *t)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	metrics_render(t->src, &text);
	rc = metrics_write_atomic(t->path, sb_str(&text), text.len);
	sb_free(&text);
	return rc;
}

static void write_once(struct metrics_textfile *t)
{
	int rc = render_and_write(t);

	if (rc < 0 && rc != t->last_rc)
		log_warn("metrics: cannot write %s: %s", t->path, strerror(-rc));
	else if (rc == 0 && t->last_rc < 0)
		log_info("metrics: %s is written again", t->path);
	t->last_rc = rc;
}

static void *textfile_main(void *arg)
{
	struct metrics_textfile *t = arg;
	struct timespec next;

	pthread_setname_np(pthread_self(), "sysq-metrics");
	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&t->lock);
	while (!t->stopping) {
		next.tv_sec += t->interval_s;
		while (!t->stopping &&
		       pthread_cond_timedwait(&t->wake, &t->lock, &next) != ETIMEDOUT)
			;
		/* Written once more on stop, so the file ends with the
		 * final counts. */
		pthread_mutex_unlock(&t->lock);
		write_once(t);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static void textfile_free(struct metrics_textfile *t)
{
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t->path);
	free(t);
}

int metrics_textfile_start(const char *path, int interval_s, const struct metrics_sources *src,
			   struct metrics_textfile **ret, char **err)
{
	struct metrics_textfile *t = xcalloc(1, sizeof(*t));
	pthread_condattr_t attr;
	int rc;

	t->path = xstrdup(path);
	t->interval_s = interval_s;
	t->src = src;
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &attr);
	pthread_condattr_destroy(&attr);
	rc = render_and_write(t);
	if (rc < 0)
		*err = xasprintf("--metrics_textfile: cannot write %s: %s", path, strerror(-rc));
	else if ((rc = -pthread_create(&t->thread, NULL, textfile_main, t)) < 0)
		*err = xasprintf("metrics: cannot start the textfile writer: %s", strerror(-rc));
	if (rc < 0) {
		textfile_free(t);
		return rc;
	}
	*ret = t;
	return 0;
}

void metrics_textfile_stop(struct metrics_textfile *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	textfile_free(t);
}
