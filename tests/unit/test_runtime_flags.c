/* Unit tests for core/runtime_flags.c: a server's value stands over the
 * flag's, is named once when it changes, and goes when a later config no
 * longer sets it; flags off the list are never taken. */
#include "core/runtime_flags.h"

#include "check.h"

#include <stdlib.h>

static void set(struct sysq_flags *f, enum flag_id id, const char *v, enum flag_source src)
{
	char err[FLAG_ERROR_MAX];

	if (flags_set(f, id, v, src, err) < 0)
		abort();
}

static void test_take_and_drop(void)
{
	struct sysq_flags running, server;
	struct strbuf changed = STRBUF_INIT;
	int64_t v;

	flags_init(&running);
	set(&running, FLAG_distributed_interval, "60", FLAG_SOURCE_FLAGFILE);
	flags_init(&server);
	set(&server, FLAG_distributed_interval, "10", FLAG_SOURCE_CONFIG);
	set(&server, FLAG_events_max, "5", FLAG_SOURCE_CONFIG);
	runtime_flags_take(&server, &changed);
	CHECK_EQ_STR(sb_str(&changed), "distributed_interval=10");
	CHECK_EQ_INT(runtime_flag(&running, FLAG_distributed_interval), 10);
	CHECK(runtime_flag_override(FLAG_distributed_interval, &v) && v == 10);
	CHECK(!runtime_flag_listed(FLAG_events_max));
	CHECK(!runtime_flag_override(FLAG_events_max, &v));
	/* The same config again changes nothing. */
	sb_truncate(&changed, 0);
	runtime_flags_take(&server, &changed);
	CHECK_EQ_STR(sb_str(&changed), "");
	flags_free(&server);

	/* A config without it: the flag's own value is back. */
	flags_init(&server);
	runtime_flags_take(&server, &changed);
	CHECK_EQ_STR(sb_str(&changed), "");
	CHECK(!runtime_flag_override(FLAG_distributed_interval, &v));
	CHECK_EQ_INT(runtime_flag(&running, FLAG_distributed_interval), 60);
	flags_free(&server);
	flags_free(&running);
	sb_free(&changed);
}

int main(void)
{
	test_take_and_drop();
	return check_finish();
}
