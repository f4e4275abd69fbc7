/* The scheduled queries' run statistics behind osquery_schedule: totals
 * and last values as osquery keeps them, a reload that keeps a query's
 * name keeps its totals, and a run of a query no longer listed is
 * dropped. */
#include "check.h"

#include "core/schedule_stats.h"

#include <stdlib.h>

static void set(struct schedule_stats *st, size_t n, const char *const *names)
{
	const char *const sql[] = {"SELECT 1", "SELECT 2", "SELECT 3"};
	const int64_t intervals[] = {10, 20, 30};

	schedule_stats_set_queries(st, names, sql, intervals, n);
}

static void test_totals(void)
{
	struct schedule_stats *st = schedule_stats_new();
	const char *const names[] = {"a", "b"};
	struct schedule_run r1 = {.finished = 100, .output_size = 16, .wall_ms = 1500,
				  .user_ms = 7, .system_ms = 3, .memory = 4096};
	struct schedule_run r2 = {.finished = 110, .output_size = 16, .wall_ms = 700,
				  .user_ms = 0, .system_ms = 1, .memory = 0};
	struct schedule_entry *e;
	size_t n;

	set(st, 2, names);
	schedule_stats_record(st, "a", &r1);
	schedule_stats_record(st, "a", &r2);
	schedule_stats_record(st, "gone", &r1);
	n = schedule_stats_copy(st, &e);
	if (CHECK_EQ_INT(n, 2)) {
		CHECK_EQ_STR(e[0].name, "a");
		CHECK_EQ_STR(e[0].query, "SELECT 1");
		CHECK_EQ_INT(e[0].interval, 10);
		CHECK_EQ_INT(e[0].executions, 2);
		CHECK_EQ_INT(e[0].last_executed, 110);
		CHECK_EQ_INT(e[0].output_size, 32);
		CHECK_EQ_INT(e[0].wall_time, 1); /* 1500 ms counts 1 s, 700 ms none */
		CHECK_EQ_INT(e[0].wall_time_ms, 2200);
		CHECK_EQ_INT(e[0].last_wall_time_ms, 700);
		CHECK_EQ_INT(e[0].user_time, 7);
		CHECK_EQ_INT(e[0].last_user_time, 0);
		CHECK_EQ_INT(e[0].system_time, 4);
		CHECK_EQ_INT(e[0].last_system_time, 1);
		CHECK_EQ_INT(e[0].average_memory, 2048);
		CHECK_EQ_INT(e[0].last_memory, 0);
		CHECK_EQ_INT(e[1].executions, 0);
		CHECK_EQ_INT(e[1].last_executed, 0);
		CHECK_EQ_INT(e[1].denylisted, 0);
	}
	schedule_entries_free(e, n);
	schedule_stats_free(st);
}

static void test_reload(void)
{
	struct schedule_stats *st = schedule_stats_new();
	const char *const before[] = {"a", "b"};
	const char *const after[] = {"c", "a"};
	struct schedule_run run = {.finished = 5, .output_size = 3};
	struct schedule_entry *e;
	size_t n;

	set(st, 2, before);
	schedule_stats_record(st, "a", &run);
	schedule_stats_record(st, "b", &run);
	set(st, 2, after);
	n = schedule_stats_copy(st, &e);
	if (CHECK_EQ_INT(n, 2)) {
		CHECK_EQ_STR(e[0].name, "c");
		CHECK_EQ_INT(e[0].executions, 0);
		CHECK_EQ_STR(e[1].name, "a");
		CHECK_EQ_STR(e[1].query, "SELECT 2"); /* the new config's SQL */
		CHECK_EQ_INT(e[1].executions, 1);
		CHECK_EQ_INT(e[1].output_size, 3);
	}
	schedule_entries_free(e, n);
	set(st, 0, NULL);
	n = schedule_stats_copy(st, &e);
	CHECK_EQ_INT(n, 0);
	schedule_entries_free(e, n);
	schedule_stats_free(st);
}

int main(void)
{
	test_totals();
	test_reload();
	return check_finish();
}
