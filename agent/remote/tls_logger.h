/* The TLS logger (--logger_plugin=tls): results lines and the daemon's
 * own log messages (osquery's status lines) POSTed to the fleet server's
 * --logger_tls_endpoint, as osquery's tls logger sends them.
 *
 * Both kinds wait in the durable log buffer (store/log_buffer.h), results
 * under the sink "tls" and status lines under "tls_status", so they
 * survive a server outage and a restart. Every --logger_tls_period
 * seconds a thread sends up to --logger_tls_max_lines of each, results and
 * statuses in separate requests made as the enrolled node (client.h:
 * enrollment, node_invalid and re-enrollment as for the config). Lines
 * leave the buffer only once the server answered without "error" or
 * node_invalid: at least once, in order. After a failure the thread waits
 * period x n^2 seconds (n failed results requests in a row), at most
 * --logger_tls_backoff_max, and sends the same lines again.
 *
 * Status lines come from a hook on common/log.h: each message (not debug)
 * is queued in memory, at most STATUS_QUEUE_MAX; more are dropped and
 * counted (drop_queue_full on the tls_status row). A line longer than
 * --logger_tls_max_linesize is dropped and counted (drop_too_large). */
#pragma once

#include "core/flags.h"
#include "store/log_buffer.h"

struct catalog;
struct tls_logger;

/* Status messages held in memory until the thread buffers them. */
#define STATUS_QUEUE_MAX 1024

/* Whether --logger_plugin names tls. */
bool tls_logger_wanted(const struct sysq_flags *flags);

/* Checks the flags the logger needs. Returns 0 or -EINVAL with *err set
 * (free it). */
int tls_logger_check_flags(const struct sysq_flags *flags, char **err);

/* Opens the buffers (in <database_path>.logbuf) and starts queueing the
 * daemon's log messages; nothing is sent before tls_logger_start. `cat`
 * gives enrollment its host details. Returns 0 or -errno with *err set. */
int tls_logger_open(const struct sysq_flags *flags, const struct catalog *cat,
		    struct tls_logger **ret, char **err);

/* The buffer results lines go to, and that of status lines (NULL with
 * --tls_disable_status_log). */
struct log_buffer *tls_logger_results(struct tls_logger *t);
struct log_buffer *tls_logger_status(struct tls_logger *t);

/* Where status lines get their decorations: `fn` returns a JSON object
 * (freed by the caller) or NULL, on the logger's thread. Before start. */
void tls_logger_set_decorations(struct tls_logger *t, char *(*fn)(void *arg), void *arg);

/* Starts the sending thread. Returns 0 or -errno with *err set. */
int tls_logger_start(struct tls_logger *t, char **err);

/* Seconds before the next send: `period`, or after `failures` failed
 * results requests in a row period x failures^2, at most max(`max`,
 * `period`); `max` 0 turns the backoff off. Exposed for the unit tests. */
int tls_logger_backoff(int64_t period, int64_t max, unsigned failures);

/* Stops the thread (aborting a request in flight: its lines stay
 * buffered), buffers the messages still queued, closes the buffers. NULL
 * is a no-op. */
void tls_logger_stop(struct tls_logger *t);
