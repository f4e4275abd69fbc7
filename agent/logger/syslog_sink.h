/* Results through syslog: one datagram per results line.
 *
 * sysq writes the datagrams itself rather than with syslog(3), so the
 * socket (--logger_syslog_path, /dev/log by default) can be any local
 * syslog daemon's, such as an rsyslog imuxsock input. The format is the
 * one syslog(3) uses on Linux: "<PRI>Mmm dd hh:mm:ss sysq[PID]: LINE". */
#pragma once

#include <stddef.h>

struct syslog_sink;

struct syslog_sink *syslog_sink_new(const char *path, int facility);

/* Sends one line. Returns 0 or -errno (the line is then not delivered;
 * the next call reconnects). */
int syslog_sink_send(struct syslog_sink *s, const char *line, size_t len);

void syslog_sink_free(struct syslog_sink *s);
