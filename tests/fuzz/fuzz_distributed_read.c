/* fuzz_distributed_read: a fleet server's reply to a live-query read, as
 * the live-query thread takes it.
 *
 * Covers remote_reply_parse (size limit, JSON object, node_invalid,
 * error), dist_work_parse (the queries, their discovery queries and
 * "accelerate": types, lengths, the batch limit) and dist_results_body,
 * which echoes the server's ids and messages back in the write body.
 *
 * Why untrusted: the server is on the network and chooses every id and
 * SQL text; a hostile or broken one must get an error or a failed query,
 * never a crash, an over-long id, or a write body that is not one line of
 * JSON.
 *
 * Input: the reply body's bytes. */
#include "remote/dist_work.h"
#include "remote/reply.h"

#include "common/log.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
	fprintf(stderr, "%s\n", what);
	abort();
}

static void check_query(const struct dist_query *q)
{
	size_t len = strlen(q->id);

	if (len == 0 || len > DIST_ID_MAX)
		fail("an id of a bad length was taken");
	if (!q->sql == !q->error)
		fail("a query has both SQL and an error, or neither");
	if (q->sql && (!q->sql[0] || strlen(q->sql) > DIST_SQL_MAX))
		fail("SQL of a bad length was taken");
	if (q->discovery && (!q->sql || !q->discovery[0] || strlen(q->discovery) > DIST_SQL_MAX))
		fail("a bad discovery query was taken");
}

/* The write body echoing every id: one line, no control byte. */
static void check_body(const struct dist_work *w)
{
	struct dist_result *r = calloc(w->n + 1, sizeof(*r));
	cJSON *body;
	char *text;

	for (size_t i = 0; i < w->n; i++) {
		r[i].id = w->q[i].id;
		r[i].status = w->q[i].error ? 1 : 0;
		r[i].message = w->q[i].error ? w->q[i].error : "";
		r[i].has_stats = i % 2;
	}
	body = dist_results_body(r, w->n);
	text = cJSON_PrintUnformatted(body);
	for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
		if (*p < 0x20)
			fail("a control byte in the write body");
	}
	free(text);
	cJSON_Delete(body);
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct remote_reply r;
	struct dist_work w;
	char *err = NULL;
	int rc;

	log_set_verbose(false);
	rc = remote_reply_parse((const char *)data, size, &r, &err);
	if (rc < 0) {
		free(err);
		return 0;
	}
	rc = dist_work_parse(r.root, &w, &err);
	if (rc < 0) {
		if (rc != -EBADMSG || !err || strchr(err, '\n') || w.n)
			fail("dist_work_parse: a failure without a one-line message");
		free(err);
	} else {
		if (w.n > DIST_MAX_QUERIES || w.accelerate < 0 ||
		    w.accelerate > DIST_ACCELERATE_MAX)
			fail("a batch or acceleration out of bounds");
		for (size_t i = 0; i < w.n; i++)
			check_query(&w.q[i]);
		check_body(&w);
		dist_work_free(&w);
	}
	cJSON_Delete(r.root);
	return 0;
}
