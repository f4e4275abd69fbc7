/* The table of every daemon flag: kind, name, default, bounds, description.
 *
 * Names and meanings follow osquery so an osquery flagfile keeps working;
 * the defaults that differ (disable_audit, audit_allow_config) are the ones
 * DESIGN.md lists. The same table generates the typed struct, the parser,
 * the sysq_flags table and the flags reference in docs/. Bounds apply to
 * INT flags only. */
#pragma once

#include <stdint.h>

/* X(kind, name, default, min, max, description) */
#define SYSQ_FLAGS(X)                                                                              \
	X(STRING, flagfile, "/etc/sysq/sysq.flags", 0, 0,                                          \
	  "File of --flag=value lines read before the command line")                               \
	X(STRING, config_path, "/etc/sysq/sysq.conf", 0, 0,                                        \
	  "JSON config: options, schedule, packs, decorators, events (empty: none)")                             \
	X(BOOL, config_check, "false", 0, 0, "Validate the flags and the config, then exit 0 or 2") \
	X(STRING, logger_path, "/var/log/sysq", 0, 0,                                              \
	  "Directory of sysq.results.log, the scheduled query results")                           \
	X(STRING, logger_plugin, "filesystem", 0, 0,                                               \
	  "Where results go: filesystem, syslog, kafka_producer, tls (the fleet server, with "    \
	  "status lines), or several (filesystem,tls)")                                           \
	X(BOOL, logger_rotate, "false", 0, 0, "Rotate sysq.results.log by size, gzip-compressed")  \
	X(INT, logger_rotate_size, "26214400", 1024, INT64_MAX,                                    \
	  "Bytes at which the results log is rotated")                                             \
	X(INT, logger_rotate_max_files, "25", 1, 1000, "Rotated results logs kept")                \
	X(INT, logger_syslog_facility, "19", 0, 23,                                                \
	  "Syslog facility of results lines (19: local3)")                                         \
	X(STRING, logger_syslog_path, "/dev/log", 0, 0,                                            \
	  "Datagram socket the syslog logger writes to")                                           \
	X(BOOL, logger_numerics, "false", 0, 0, "Log integer columns as JSON numbers")             \
	X(STRING, host_identifier, "hostname", 0, 0,                                               \
	  "hostIdentifier of results and enrollment: hostname, uuid (the machine's UUID), "        \
	  "instance, ephemeral or specified")                                                     \
	X(INT, schedule_epoch, "0", 0, INT64_MAX, "The epoch field of results lines")              \
	X(STRING, database_path, "/var/lib/sysq/sysq.db", 0, 0, "SQLite event store")              \
	X(STRING, control_socket, "/run/sysq/sysq.sock", 0, 0,                                     \
	  "UNIX socket that sysq shell queries (root only)")                                       \
	X(STRING, pidfile, "/run/sysq/sysq.pid", 0, 0,                                             \
	  "Pid file, locked while the daemon runs")                                                \
	X(INT, control_query_timeout, "60", 1, 86400,                                              \
	  "Seconds a control-socket query may run before it is interrupted")                      \
	X(INT, control_idle_timeout, "30", 1, 86400,                                               \
	  "Seconds a control-socket client may stay connected without sending a query")           \
	X(INT, control_max_result_bytes, "268435456", 65536, 17179869184,                          \
	  "Bytes of rows one control-socket statement may return before it is ended")             \
	X(BOOL, daemonize, "false", 0, 0, "Fork into the background after start-up")               \
	X(BOOL, verbose, "false", 0, 0, "Log debug messages")                                      \
	X(BOOL, disable_events, "false", 0, 0, "Run no event publishers or subscribers")           \
	X(BOOL, events_optimize, "true", 0, 0,                                                     \
	  "Scheduled queries over event tables return only events since their last run")           \
	X(INT, events_expiry, "3600", 0, INT32_MAX,                                                \
	  "Seconds an event stays buffered before it expires (0: never)")                          \
	X(INT, events_max, "50000", 0, INT64_MAX,                                                  \
	  "Events buffered per table; the oldest are evicted first (0: no limit)")                 \
	X(INT, store_queue_size, "65536", 16, 16777216,                                            \
	  "Events waiting for the SQLite writer as built; more wait packed, in less memory")       \
	X(INT, store_queue_bytes, "167772160", 1048576, 68719476736,                               \
	  "Bytes of events waiting for the SQLite writer; more are dropped and counted")           \
	X(BOOL, disable_audit, "false", 0, 0, "Do not open the audit netlink socket")              \
	X(STRING, audit_mode, "unicast", 0, 0,                                                     \
	  "unicast: be the audit daemon; multicast: read alongside auditd without the pid")        \
	X(BOOL, audit_allow_config, "true", 0, 0,                                                  \
	  "Enable audit, set the backlog and install sysq's rules")                                \
	X(BOOL, audit_persist, "true", 0, 0,                                                       \
	  "Take the audit pid back when it is lost, checked every second")                         \
	X(BOOL, audit_debug, "false", 0, 0, "Print every raw audit record on stdout")              \
	X(BOOL, audit_allow_process_events, "true", 0, 0,                                          \
	  "Install exec rules and fill process_events")                                            \
	X(BOOL, audit_allow_sockets, "false", 0, 0,                                                \
	  "Install bind/connect/accept rules and fill socket_events")                              \
	X(BOOL, audit_allow_accept_socket_events, "true", 0, 0,                                    \
	  "With audit_allow_sockets, also record accept and accept4")                              \
	X(BOOL, audit_allow_unix, "false", 0, 0, "Include UNIX-domain sockets in socket_events")    \
	X(INT, audit_socket_lookup_rate, "1000", 0, 1000000,                                       \
	  "Live socket reads per second for socket_events' protocol and local side (0: none)")     \
	X(INT, audit_cgroup_lookup_rate, "5000", 0, 1000000,                                      \
	  "Reads per second of /proc/<pid>/cgroup for audit rows' container columns (0: none)")    \
	X(BOOL, audit_cgroup_bpf_map, "true", 0, 0,                                                \
	  "Keep each process's cgroup v2 in a BPF map for audit rows' container columns, so a "  \
	  "process gone before its event is read keeps them (falls back to /proc with a "        \
	  "warning when BPF cannot load)")                                                         \
	X(BOOL, audit_allow_failed_socket_events, "false", 0, 0,                                   \
	  "Include socket calls that failed (status 'failed')")                                    \
	X(BOOL, audit_allow_null_accept_socket_events, "false", 0, 0,                              \
	  "Include non-blocking accepts that found no client (status 'no_client')")                \
	X(BOOL, audit_allow_user_events, "true", 0, 0,                                             \
	  "Fill user_events from userspace (PAM) audit messages")                                  \
	X(BOOL, audit_task_never_rule, "true", 0, 0,                                               \
	  "When no syscall rule is needed, add '-a never,task' so no process pays for audit")      \
	X(INT, audit_backlog_limit, "4096", 0, UINT32_MAX,                                         \
	  "Kernel audit backlog limit set at start")                                               \
	X(INT, audit_backlog_wait_time, "0", 0, INT32_MAX,                                         \
	  "Kernel audit backlog wait time (jiffies) set at start")                                 \
	X(STRING, enable_bpf_events, "auto", 0, 0,                                                 \
	  "socket_events from BPF: auto (when the kernel allows), true (required) or false")       \
	X(BOOL, bpf_socket_syscall_exit, "false", 0, 0,                                            \
	  "BPF socket_events from the sys_exit tracepoint: every call with its result (UNIX "     \
	  "sockets, failures, every accept), at a cost to every syscall of every process")        \
	X(BOOL, enable_bpf_send_events, "false", 0, 0,                                             \
	  "socket_events 'send' rows from BPF: UDP and UNIX datagrams sent to an explicit "        \
	  "address without connect() (sendto, sendmsg, sendmmsg)")                                \
	X(INT, bpf_send_dedup_ms, "1000", 0, 3600000,                                              \
	  "BPF send rows: one per process, family and remote endpoint within this many "          \
	  "milliseconds, the repeats counted (0: every send)")                                    \
	X(BOOL, audit_keep_socket_rules, "false", 0, 0,                                            \
	  "Keep the audit socket rules while BPF feeds socket_events")                             \
	X(STRING, enable_bpf_process_events, "false", 0, 0,                                        \
	  "process_events from BPF: auto (when the kernel allows), true (required) or false")      \
	X(BOOL, audit_keep_exec_rules, "false", 0, 0,                                              \
	  "Keep the audit execve/execveat rules while BPF feeds process_events (and the "        \
	  "fork, kill and exit rules the flags below allow)")                                      \
	X(BOOL, audit_allow_fork_process_events, "false", 0, 0,                                    \
	  "process_events rows for fork, vfork, clone and clone3 calls that create a process")    \
	X(BOOL, audit_allow_thread_process_events, "false", 0, 0,                                     \
	  "With the fork and exit flags, also rows for threads: clone and clone3 calls that "      \
	  "create one (CLONE_THREAD), and exit calls that end one while its process goes on")     \
	X(BOOL, audit_allow_kill_process_events, "false", 0, 0,                                    \
	  "process_events rows for kill, tkill and tgkill calls: the target and signal")           \
	X(BOOL, audit_allow_exit_process_events, "false", 0, 0,                                    \
	  "process_events rows for exit and exit_group calls, with the exit code")                 \
	X(INT, bpf_ring_buffer_size, "8388608", 65536, 1073741824,                                 \
	  "Bytes of the BPF ring buffer, rounded up to a power of two")                                         \
	X(INT, bpf_flush_ms, "100", 1, 10000,                                                      \
	  "Most milliseconds a BPF event waits in the ring buffer before it is read")                    \
	X(STRING, metrics_listen, "", 0, 0,                                                        \
	  "ADDR:PORT (numeric, e.g. 127.0.0.1:9750 or [::1]:9750) to serve Prometheus "           \
	  "GET /metrics and /healthz on (empty: off)")                                            \
	X(STRING, metrics_textfile, "", 0, 0,                                                      \
	  "File to write the metrics to every metrics_interval, atomically, for "                 \
	  "node_exporter's textfile collector (empty: off)")                                      \
	X(INT, metrics_interval, "15", 1, 86400, "Seconds between two writes of metrics_textfile") \
	X(INT, metrics_stall_seconds, "10", 1, 86400,                                              \
	  "Seconds rows may wait on a store writer that finishes no write before /healthz "       \
	  "reports it stalled")                                                                   \
	X(INT, buffered_log_max, "1000000", 0, INT64_MAX,                                          \
	  "Lines kept for a shipping logger (kafka_producer, tls) until delivered; past it the " \
	  "oldest are dropped and counted (0: no limit)")                                         \
	X(STRING, logger_kafka_brokers, "localhost", 0, 0,                                         \
	  "Kafka bootstrap brokers: host, host:port or ssl://host:port, comma-separated")        \
	X(STRING, logger_kafka_topic, "", 0, 0,                                                    \
	  "Kafka topic of results lines whose query the config's kafka_topics does not name")    \
	X(STRING, logger_kafka_acks, "all", 0, 0,                                                  \
	  "Acknowledgements the Kafka leader must have before a line counts as delivered: 0, 1 " \
	  "or all")                                                                               \
	X(STRING, logger_kafka_compression, "none", 0, 0,                                          \
	  "Compression of Kafka message sets: none, gzip, snappy, lz4 or zstd")                   \
	SYSQ_FLEET_FLAGS(X)

/* The fleet client (agent/remote/, docs/fleet.md): osquery's TLS remote
 * API under osquery's names and defaults. The last group is accepted so an
 * osquery flagfile starts sysq, and named in one warning when set. */
#define SYSQ_FLEET_FLAGS(X)                                                                        \
	X(STRING, config_plugin, "filesystem", 0, 0,                                               \
	  "Where the config comes from: filesystem (--config_path) or tls (the fleet server)")    \
	X(STRING, tls_hostname, "", 0, 0, "Fleet server as host[:port]; endpoints are paths on it") \
	X(STRING, tls_server_certs, "", 0, 0,                                                      \
	  "PEM file of the CAs that verify the fleet server and ssl:// Kafka brokers (empty: "    \
	  "the system's CAs)")                                                                    \
	X(STRING, tls_client_cert, "", 0, 0,                                                       \
	  "PEM client certificate for mutual TLS (the fleet server, ssl:// Kafka brokers)")      \
	X(STRING, tls_client_key, "", 0, 0, "PEM key of --tls_client_cert")                       \
	X(STRING, proxy_hostname, "", 0, 0, "HTTPS proxy for the fleet server, as host[:port]")   \
	X(BOOL, tls_accept_gzip, "false", 0, 0, "Ask the fleet server for gzip-compressed replies") \
	X(BOOL, tls_session_reuse, "true", 0, 0,                                                   \
	  "Keep the TLS connection and session to the fleet server between requests")            \
	X(STRING, enroll_tls_endpoint, "", 0, 0, "Path of the enrollment endpoint")               \
	X(STRING, enroll_secret_path, "", 0, 0,                                                    \
	  "File holding the enroll secret (root-owned, not readable by group or others)")         \
	X(STRING, enroll_secret_env, "", 0, 0,                                                     \
	  "Environment variable holding the enroll secret, when --enroll_secret_path is empty")   \
	X(STRING, specified_identifier, "", 0, 0,                                                  \
	  "The host identifier when --host_identifier=specified")                                 \
	X(INT, tls_enroll_max_attempts, "12", 0, 1000000,                                          \
	  "Enrollment attempts before a request gives up (0: no limit)")                          \
	X(INT, tls_enroll_max_interval, "600", 1, 86400,                                           \
	  "Most seconds between two enrollment attempts (the wait grows as n squared)")           \
	X(BOOL, enroll_always, "false", 0, 0, "Enroll again at every start, dropping the node key") \
	X(BOOL, disable_enrollment, "false", 0, 0,                                                 \
	  "Never enroll: for servers that identify hosts by their client certificate")            \
	X(BOOL, disable_reenrollment, "false", 0, 0,                                               \
	  "Do not enroll again when the server calls the node key invalid")                       \
	X(STRING, config_tls_endpoint, "", 0, 0, "Path of the config endpoint")                   \
	X(INT, config_refresh, "0", 0, 604800,                                                     \
	  "Seconds between two fetches of the config from the server (0: at start only)")         \
	X(INT, config_tls_refresh, "0", 0, 604800, "Another name of --config_refresh")            \
	X(INT, config_tls_max_attempts, "3", 1, 100, "Tries of one config fetch before it fails")  \
	X(INT, config_accelerated_refresh, "300", 1, 604800,                                       \
	  "Seconds before the next config fetch after one failed (also "                          \
	  "--config_tls_accelerated_refresh)")                                                    \
	X(STRING, logger_tls_endpoint, "", 0, 0,                                                   \
	  "Path of the log endpoint of --logger_plugin=tls")                                       \
	X(INT, logger_tls_period, "4", 1, 86400, "Seconds between two sends of buffered lines")   \
	X(INT, logger_tls_max_lines, "1024", 1, INT64_MAX,                                         \
	  "Most results (and, apart, status) lines in one request to the log endpoint")          \
	X(INT, logger_tls_max_linesize, "1048576", 1, INT64_MAX,                                   \
	  "Bytes of the longest line the TLS logger sends; longer ones are dropped and counted " \
	  "(osquery's older name: --logger_tls_max)")                                             \
	X(INT, logger_tls_backoff_max, "3600", 0, INT32_MAX,                                        \
	  "Most seconds between two sends after failures (the wait grows as the period times "   \
	  "n squared; 0: no backoff)")                                                            \
	X(BOOL, logger_tls_compress, "false", 0, 0,                                                \
	  "gzip the TLS logger's request bodies (Content-Encoding: gzip)")                        \
	X(BOOL, tls_disable_status_log, "false", 0, 0,                                             \
	  "Do not send the daemon's own log messages as status lines with --logger_plugin=tls")   \
	X(STRING, distributed_plugin, "tls", 0, 0,                                                 \
	  "Where live queries come from when --disable_distributed=false: tls (the fleet server)") \
	X(BOOL, disable_distributed, "true", 0, 0,                                                 \
	  "Take no live queries from the fleet server (false: check in for them)")                \
	X(INT, distributed_interval, "60", 0, INT64_MAX,                                           \
	  "Seconds between two check-ins for live queries")                                       \
	X(STRING, distributed_tls_read_endpoint, "", 0, 0,                                         \
	  "Path of the endpoint that hands out live queries")                                     \
	X(STRING, distributed_tls_write_endpoint, "", 0, 0,                                        \
	  "Path of the endpoint that takes live queries' results")                                \
	X(INT, distributed_tls_max_attempts, "3", 0, INT64_MAX,                                    \
	  "Tries of one live-query read or write before it fails")                                \
	X(INT, distributed_denylist_duration, "86400", 0, INT64_MAX,                               \
	  "Seconds a live query that crashed or hung the daemon is refused")                      \
	X(INT, tls_session_timeout, "3600", 0, INT64_MAX, "Not supported yet: accepted and ignored") \
	X(BOOL, tls_dump, "false", 0, 0, "Not supported yet: accepted and ignored")               \
	X(BOOL, disable_carver, "true", 0, 0, "Not supported yet: accepted and ignored")          \
	X(STRING, carver_start_endpoint, "", 0, 0, "Not supported yet: accepted and ignored")     \
	X(STRING, carver_continue_endpoint, "", 0, 0, "Not supported yet: accepted and ignored")  \
	X(INT, carver_block_size, "8192", 0, INT64_MAX, "Not supported yet: accepted and ignored")
