/* Query deadline and client hang-up check, as a progress handler. */
#include "watch.h"

#include "sql/query_memory.h"

#define STR(x) STR_(x)
#define STR_(x) #x

#include <poll.h>

/* SQLite VM steps between checks. */
#define WATCH_STEPS 100000

static bool client_hung_up(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Returning non-zero interrupts the statement. */
static int watch_progress(void *arg)
{
	struct query_watch *w = arg;
	struct timespec now;

	if (!w->active)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > w->deadline.tv_sec ||
	    (now.tv_sec == w->deadline.tv_sec && now.tv_nsec >= w->deadline.tv_nsec)) {
		w->timed_out = true;
		return 1;
	}
	return w->fd >= 0 && client_hung_up(w->fd);
}

void query_watch_install(sqlite3 *db, struct query_watch *w, int limit_s)
{
	*w = (struct query_watch){.limit_s = limit_s, .fd = -1};
	sqlite3_progress_handler(db, WATCH_STEPS, watch_progress, w);
}

void query_watch_start(struct query_watch *w, int fd)
{
	w->fd = fd;
	w->timed_out = false;
	w->over_memory = false;
	w->active = true;
	query_memory_begin(QUERY_MEMORY_MAX);
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	w->deadline.tv_sec += w->limit_s;
}

void query_watch_stop(struct query_watch *w)
{
	w->active = false;
	w->fd = -1;
	w->over_memory = query_memory_end();
}

const char *query_watch_reason(const struct query_watch *w, int rc)
{
	if (rc == SQLITE_INTERRUPT && w->timed_out)
		return "interrupted: the query ran longer than --control_query_timeout";
	if (rc == SQLITE_NOMEM && (w->over_memory || (w->active && query_memory_exceeded())))
		return "out of memory: the query needed more than its " STR(QUERY_MEMORY_MAX_MIB)
		       " MiB budget; select fewer or smaller columns, or add a LIMIT";
	return NULL;
}
