/* Decorators: extra fields added to every results line. */
#include "scheduler_internal.h"

#include "common/escape.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void decorations_free(struct decorations *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].value);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

static void value_text(const struct result_value *v, struct strbuf *out)
{
	switch (v->kind) {
	case RESULT_INT:
		sb_printf(out, "%lld", (long long)v->i);
		break;
	case RESULT_REAL:
		sb_printf(out, "%.15g", v->d);
		break;
	case RESULT_TEXT:
		sb_append(out, v->s, v->len);
		break;
	case RESULT_NULL:
		break;
	}
}

static void add_row(struct decorations *out, const struct result_set *rs)
{
	for (size_t c = 0; c < rs->ncols; c++) {
		struct strbuf value = STRBUF_INIT;

		value_text(&rs->vals[c], &value);
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n].name = xstrdup(rs->cols[c]);
		out->v[out->n].value = sb_detach(&value);
		out->n++;
	}
}

void decorations_run(struct scheduler *s, char *const *queries, size_t n, struct decorations *out)
{
	decorations_free(out);
	for (size_t i = 0; i < n; i++) {
		struct run_result res;
		char *err = NULL;

		if (runner_run(s->runner, "decorator", queries[i], false, &res, &err) < 0) {
			log_warn("decorator query failed: %s: %s", queries[i], err);
			free(err);
			continue;
		}
		if (res.rows.nrows > 0)
			add_row(out, &res.rows);
		run_result_free(&res);
	}
}

/* Appends d to `all`, replacing entries of the same name. */
static void merge(struct decorations *all, const struct decorations *d)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t j = 0;

		while (j < all->n && strcmp(all->v[j].name, d->v[i].name) != 0)
			j++;
		if (j == all->n) {
			all->v = xrealloc(all->v, (all->n + 1) * sizeof(*all->v));
			all->n++;
		}
		all->v[j] = d->v[i]; /* borrowed */
	}
}

void decorations_publish(struct scheduler *s)
{
	char *text = decorations_json(s, NULL);

	pthread_mutex_lock(&s->lock);
	free(s->published);
	s->published = text;
	pthread_mutex_unlock(&s->lock);
}

char *decorations_json(const struct scheduler *s, const struct decorations *always)
{
	struct decorations all = {0};
	struct strbuf out = STRBUF_INIT;

	merge(&all, &s->load);
	for (size_t i = 0; i < s->cfg.ndecorators_interval; i++)
		merge(&all, &s->interval[i]);
	if (always)
		merge(&all, always);
	sb_putc(&out, '{');
	for (size_t i = 0; i < all.n; i++) {
		if (i)
			sb_putc(&out, ',');
		json_append_string(&out, all.v[i].name, strlen(all.v[i].name));
		sb_putc(&out, ':');
		json_append_string(&out, all.v[i].value, strlen(all.v[i].value));
	}
	sb_putc(&out, '}');
	free(all.v);
	return sb_detach(&out);
}
