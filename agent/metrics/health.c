/* /healthz: the agent is unhealthy when the audit source runs but is not
 * reading records (another process owns the audit pid), or when rows wait
 * on a store writer that has finished no write for --metrics_stall_seconds
 * (SQLite stuck on a lock or the disk). */
#include "sources.h"

#include "audit/publisher.h"
#include "store/store.h"

#include "common/strbuf.h"

#include <inttypes.h>

static bool audit_healthy(const struct metrics_sources *src, struct strbuf *reasons)
{
	struct audit_publisher_health h;

	if (!src->audit)
		return true;
	audit_publisher_health(src->audit, &h);
	if (h.reading)
		return true;
	if (!reasons)
		return false;
	if (h.owner)
		sb_printf(reasons,
			  "audit: not reading audit records: process %" PRIu32
			  " owns the audit socket\n",
			  h.owner);
	else
		sb_puts(reasons,
			"audit: not reading audit records: sysq is not the audit daemon\n");
	return false;
}

static bool store_healthy(const struct metrics_sources *src, struct strbuf *reasons)
{
	size_t waiting = 0;
	int64_t stalled = src->store ? store_writer_stalled_ms(src->store, &waiting) : 0;

	if (stalled < src->stall_ms)
		return true;
	if (reasons)
		sb_printf(reasons,
			  "store: the writer has finished no write for %" PRId64
			  " s while %zu rows wait\n",
			  stalled / 1000, waiting);
	return false;
}

bool metrics_health(const struct metrics_sources *src, struct strbuf *reasons)
{
	bool audit = audit_healthy(src, reasons);
	bool store = store_healthy(src, reasons);

	return audit && store;
}
