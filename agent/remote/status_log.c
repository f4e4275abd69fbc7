/* Status lines from the daemon's log messages (status_log.h). */
#include "status_log.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a secret is replaced by in a status line. */
#define REDACTED "<redacted>"
/* The source file's base name is short; a longer one is cut. */
#define FILE_MAX 64

struct status_msg {
	enum log_level level;
	struct timespec time;
	int line;
	char file[FILE_MAX];
	char *message;
};

struct status_log {
	pthread_mutex_t lock;
	struct status_msg *q; /* a ring of `max` */
	size_t max, head, n;
	uint64_t dropped; /* since the last flush */
	char *host;
};

/* Runs on the thread that logged: a copy under the mutex, nothing more. */
static void on_message(void *arg, const struct log_record *rec)
{
	struct status_log *s = arg;
	struct status_msg *m;

	if (rec->level == LOG_LEVEL_DEBUG)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->n == s->max) {
		s->dropped++;
	} else {
		m = &s->q[(s->head + s->n++) % s->max];
		m->level = rec->level;
		m->time = rec->time;
		m->line = rec->line;
		snprintf(m->file, sizeof(m->file), "%s", rec->file);
		m->message = xstrdup(rec->message);
	}
	pthread_mutex_unlock(&s->lock);
}

struct status_log *status_log_open(const char *host, size_t max)
{
	struct status_log *s = xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->lock, NULL);
	s->max = max > 0 ? max : 1;
	s->q = xcalloc(s->max, sizeof(*s->q));
	s->host = xstrdup(host);
	log_set_hook(on_message, s);
	return s;
}

/* osquery's severities: glog's INFO 0, WARNING 1, ERROR 2. */
static const char *severity(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERROR:
		return "2";
	case LOG_LEVEL_WARN:
		return "1";
	default:
		return "0";
	}
}

/* `text` with every `secret` replaced by REDACTED. */
static char *redact(const char *text, const char *secret)
{
	struct strbuf sb = STRBUF_INIT;
	size_t slen = secret ? strlen(secret) : 0;
	const char *p = text, *hit;

	while (slen && (hit = strstr(p, secret)) != NULL) {
		sb_append(&sb, p, (size_t)(hit - p));
		sb_puts(&sb, REDACTED);
		p = hit + slen;
	}
	sb_puts(&sb, p);
	return sb_detach(&sb);
}

char *status_line_format(const char *host, const struct log_record *rec, const char *secret,
			 const cJSON *decorations)
{
	cJSON *o = cJSON_CreateObject();
	char cal[64], num[32], *message = redact(rec->message, secret), *text;
	struct tm tm;

	gmtime_r(&rec->time.tv_sec, &tm);
	strftime(cal, sizeof(cal), "%a %b %e %H:%M:%S %Y UTC", &tm);
	cJSON_AddStringToObject(o, "hostIdentifier", host);
	cJSON_AddStringToObject(o, "calendarTime", cal);
	snprintf(num, sizeof(num), "%lld", (long long)rec->time.tv_sec);
	cJSON_AddStringToObject(o, "unixTime", num);
	cJSON_AddStringToObject(o, "severity", severity(rec->level));
	cJSON_AddStringToObject(o, "filename", rec->file);
	snprintf(num, sizeof(num), "%d", rec->line);
	cJSON_AddStringToObject(o, "line", num);
	cJSON_AddStringToObject(o, "message", message);
	cJSON_AddStringToObject(o, "version", SYSQ_VERSION);
	if (cJSON_IsObject(decorations) && decorations->child)
		cJSON_AddItemToObject(o, "decorations", cJSON_Duplicate(decorations, true));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	free(message);
	return text ? text : xstrdup("{}");
}

/* Takes the queue as it is, so the hook never waits on the buffer. */
static size_t take_queue(struct status_log *s, struct status_msg **out, uint64_t *dropped)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->n;
	*out = n ? xcalloc(n, sizeof(**out)) : NULL;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = s->q[(s->head + i) % s->max];
	s->head = (s->head + n) % s->max;
	s->n = 0;
	*dropped = s->dropped;
	s->dropped = 0;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void status_log_flush(struct status_log *s, struct log_buffer *b, const char *secret,
		      const char *decorations)
{
	struct status_msg *msgs;
	uint64_t dropped;
	size_t n = take_queue(s, &msgs, &dropped);
	cJSON *dec = n && decorations ? cJSON_Parse(decorations) : NULL;

	if (dropped)
		log_buffer_count_drop(b, COUNTER_drop_queue_full, dropped);
	for (size_t i = 0; i < n; i++) {
		struct log_record rec = {.level = msgs[i].level,
					 .file = msgs[i].file,
					 .line = msgs[i].line,
					 .time = msgs[i].time,
					 .message = msgs[i].message};
		char *line = status_line_format(s->host, &rec, secret, dec);

		log_buffer_append(b, "status", line, strlen(line));
		free(line);
		free(msgs[i].message);
	}
	cJSON_Delete(dec);
	free(msgs);
}

void status_log_close(struct status_log *s)
{
	if (!s)
		return;
	log_set_hook(NULL, NULL);
	for (size_t i = 0; i < s->n; i++)
		free(s->q[(s->head + i) % s->max].message);
	free(s->q);
	free(s->host);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
