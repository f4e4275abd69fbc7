/* What one scheduled run cost, measured as osquery measures it for
 * osquery_schedule.
 *
 * Wall time is the query's own (not the logging after it). User and
 * system time are the scheduler thread's (RUSAGE_THREAD), so the other
 * threads' work does not count, where osquery takes the whole process's.
 * Memory is, as in osquery, how much the daemon's resident memory grew
 * over the run (0 when it did not); other threads can add to it. */
#include "scheduler_internal.h"

#include "core/schedule_stats.h"
#include "sql/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	long long size = 0, resident = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lld %lld", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (int64_t)resident * sysconf(_SC_PAGESIZE);
}

static int64_t ms_of(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000;
}

static uint64_t positive(int64_t v)
{
	return v > 0 ? (uint64_t)v : 0;
}

void run_cost_begin(struct run_cost *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->wall);
	getrusage(RUSAGE_THREAD, &c->usage);
	c->resident = resident_bytes();
}

void run_cost_end(const struct run_cost *c, struct schedule_run *out)
{
	struct timespec now;
	struct rusage usage;

	clock_gettime(CLOCK_MONOTONIC, &now);
	getrusage(RUSAGE_THREAD, &usage);
	out->wall_ms = positive((int64_t)(now.tv_sec - c->wall.tv_sec) * 1000 +
				(now.tv_nsec - c->wall.tv_nsec) / 1000000);
	out->user_ms = positive(ms_of(&usage.ru_utime) - ms_of(&c->usage.ru_utime));
	out->system_ms = positive(ms_of(&usage.ru_stime) - ms_of(&c->usage.ru_stime));
	out->memory = positive(resident_bytes() - c->resident);
	out->finished = time(NULL);
	out->output_size = 0;
}

/* osquery's measure (SQLInternal::getSize): per value, its column name's
 * bytes plus the text's bytes, or 8 for a number. NULL counts its name. */
uint64_t run_cost_output_size(const struct result_set *rs)
{
	uint64_t size = 0;

	for (size_t r = 0; r < rs->nrows; r++) {
		for (size_t c = 0; c < rs->ncols; c++) {
			const struct result_value *v = &rs->vals[r * rs->ncols + c];

			size += strlen(rs->cols[c]);
			if (v->kind == RESULT_TEXT)
				size += v->len;
			else if (v->kind == RESULT_INT || v->kind == RESULT_REAL)
				size += 8;
		}
	}
	return size;
}

void sched_record_run(struct scheduler *s, const char *name, const struct schedule_run *run)
{
	if (s->cat->schedule)
		schedule_stats_record(s->cat->schedule, name, run);
}
