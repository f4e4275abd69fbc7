/* A memory budget for each query: what SQLite may allocate while one
 * query runs on a thread.
 *
 * Why: SQLite's own heap limits are process-wide (they would make the
 * store writer's allocations fail too) and are enforced only with memory
 * statistics on, which cost the writer a global mutex per allocation. A
 * query such as SELECT randomblob(15000000), randomblob(15000000), ... is
 * made of values each under SQLITE_LIMIT_LENGTH, yet together they take
 * gigabytes, and under the packaged unit's MemoryMax the OOM killer takes
 * the daemon, audit state and all. So sysq wraps SQLite's allocator and
 * counts, per thread, what a query allocates between query_memory_begin
 * and query_memory_end; past the budget an allocation fails, SQLite
 * returns SQLITE_NOMEM, and the query ends with a clear error. Threads
 * outside a query (the store writer, the checkpointer) are not counted. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* 64 MiB: a query over sysq's tables needs a few MiB (SQLite sorts past
 * its small cache in temp files), and sixteen control clients plus the
 * scheduler at their budget still fit the packaged unit's MemoryMax=1G. */
#define QUERY_MEMORY_MAX_MIB 64
#define QUERY_MEMORY_MAX ((int64_t)QUERY_MEMORY_MAX_MIB * 1024 * 1024)

/* Wraps SQLite's allocator. Call once, before SQLite initializes (before
 * any connection is opened). Returns 0, or an SQLite error code. */
int query_memory_install(void);

/* Starts counting the calling thread's SQLite allocations against
 * `budget` bytes. */
void query_memory_begin(int64_t budget);
/* Stops counting; returns whether the query hit its budget. */
bool query_memory_end(void);
/* Whether the calling thread's running query has hit its budget. */
bool query_memory_exceeded(void);
