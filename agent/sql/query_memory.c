/* Per-query memory budgets over SQLite's allocator (query_memory.h). */
#include "query_memory.h"

#include <sqlite3.h>
#include <stddef.h>

static sqlite3_mem_methods base;

/* Per thread: the running query's budget (0: none), what it allocated
 * since it began (less what it freed, so it may go below 0), and whether
 * an allocation was refused. */
static __thread int64_t budget, used;
static __thread bool exceeded;

/* Whether `more` bytes fit the budget; a refusal is remembered. */
static bool fits(int64_t more)
{
	if (budget == 0 || used + more <= budget)
		return true;
	exceeded = true;
	return false;
}

static void *counted_malloc(int n)
{
	void *p;

	if (!fits(n))
		return NULL;
	p = base.xMalloc(n);
	if (p && budget)
		used += base.xSize(p);
	return p;
}

static void counted_free(void *p)
{
	if (p && budget)
		used -= base.xSize(p);
	base.xFree(p);
}

static void *counted_realloc(void *p, int n)
{
	int old = p ? base.xSize(p) : 0;
	void *q;

	if (n > old && !fits(n - old))
		return NULL;
	q = base.xRealloc(p, n);
	if (q && budget)
		used += base.xSize(q) - old;
	return q;
}

int query_memory_install(void)
{
	sqlite3_mem_methods counted;
	int rc = sqlite3_config(SQLITE_CONFIG_GETMALLOC, &base);

	if (rc != SQLITE_OK)
		return rc;
	counted = base;
	counted.xMalloc = counted_malloc;
	counted.xFree = counted_free;
	counted.xRealloc = counted_realloc;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &counted);
}

void query_memory_begin(int64_t bytes)
{
	budget = bytes;
	used = 0;
	exceeded = false;
}

bool query_memory_end(void)
{
	bool hit = exceeded;

	budget = 0;
	used = 0;
	exceeded = false;
	return hit;
}

bool query_memory_exceeded(void)
{
	return exceeded;
}
