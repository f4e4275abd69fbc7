/* EXECVE record merging: argv in numeric order, split arguments joined. */
#include "execve.h"

#include "record_types.h"

#include "common/xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One decoded "aN=" or "aN[i]=" value. */
struct piece {
	uint32_t arg;
	int32_t chunk; /* -1 for a whole argument */
	size_t off;
	size_t len;
};

struct piece_list {
	struct piece *v;
	size_t n;
	size_t cap;
	struct strbuf bytes;
	bool sorted;
};

/* Parses decimal digits in [p, end); returns the end or NULL. */
static const char *parse_index(const char *p, const char *end, uint32_t *ret)
{
	uint64_t v = 0;
	const char *start = p;

	while (p < end && *p >= '0' && *p <= '9' && p - start < 10)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == start || v > INT32_MAX)
		return NULL;
	*ret = (uint32_t)v;
	return p;
}

/* Classifies an EXECVE key: 1 for aN, 2 for aN[i], 0 for anything else
 * (argc, aN_len). */
static int parse_arg_key(const struct audit_field *f, uint32_t *arg, int32_t *chunk)
{
	const char *p = f->key, *end = f->key + f->key_len;
	uint32_t c;

	if (f->key_len < 2 || *p != 'a')
		return 0;
	p = parse_index(p + 1, end, arg);
	if (!p)
		return 0;
	if (p == end) {
		*chunk = -1;
		return 1;
	}
	if (*p != '[')
		return 0;
	p = parse_index(p + 1, end, &c);
	if (!p || p + 1 != end || *p != ']')
		return 0;
	*chunk = (int32_t)c;
	return 2;
}

static void add_piece(struct piece_list *pl, const struct audit_field *f, uint32_t arg,
		      int32_t chunk)
{
	struct piece *pc;
	size_t start = pl->bytes.len;

	/* A value that is neither quoted nor valid hex is kept verbatim
	 * rather than lost. */
	if (audit_value_decode(f, &pl->bytes) == -EINVAL)
		sb_append(&pl->bytes, f->val, f->val_len);
	pl->v = xgrow(pl->v, &pl->cap, pl->n + 1, sizeof(*pl->v));
	pc = &pl->v[pl->n++];
	pc->arg = arg;
	pc->chunk = chunk;
	pc->off = start;
	pc->len = pl->bytes.len - start;
	if (pl->n > 1) {
		const struct piece *prev = pc - 1;

		if (prev->arg > arg || (prev->arg == arg && prev->chunk >= chunk))
			pl->sorted = false;
	}
}

static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	return (x->chunk > y->chunk) - (x->chunk < y->chunk);
}

static void collect_record(const struct audit_record *r, struct piece_list *pl,
			   struct exec_args *out, bool *have_argc)
{
	for (uint32_t i = 0; i < r->nfields; i++) {
		const struct audit_field *f = &r->fields[i];
		uint32_t arg;
		int32_t chunk;
		int64_t argc;

		if (f->key_len == 4 && memcmp(f->key, "argc", 4) == 0) {
			if (audit_field_i64(f, &argc) == 0 && argc >= 0) {
				out->argc_kernel = (size_t)argc;
				*have_argc = true;
			}
			continue;
		}
		if (parse_arg_key(f, &arg, &chunk) && arg < EXEC_ARGS_MAX)
			add_piece(pl, f, arg, chunk);
	}
}

/* Lays the sorted pieces out argument by argument. */
static void assemble(struct exec_args *out, const struct piece_list *pl)
{
	size_t p = 0;

	out->off = xcalloc(out->argc + 1, sizeof(*out->off));
	for (size_t arg = 0; arg < out->argc; arg++) {
		bool seen = false;
		int32_t next_chunk = 0;

		out->off[arg] = out->data.len;
		while (p < pl->n && pl->v[p].arg < arg)
			p++;
		for (; p < pl->n && pl->v[p].arg == arg; p++) {
			const struct piece *pc = &pl->v[p];

			/* Chunks must run 0, 1, 2...; a gap means a lost record. */
			if (pc->chunk >= 0 && pc->chunk != next_chunk++)
				out->complete = false;
			sb_append(&out->data, pl->bytes.buf + pc->off, pc->len);
			seen = true;
		}
		if (!seen)
			out->complete = false;
	}
	out->off[out->argc] = out->data.len;
}

int exec_args_collect(const struct audit_event *ev, struct exec_args *out)
{
	struct piece_list pl = {.sorted = true};
	bool have_argc = false, have_record = false;
	size_t max_arg = 0;

	memset(out, 0, sizeof(*out));
	/* exec_arg() must get a valid pointer even when no argument arrived. */
	sb_reserve(&out->data, 0);
	out->complete = true;
	for (const struct audit_record *r = ev->first; r; r = r->next) {
		if (r->type != AUDIT_TYPE_EXECVE)
			continue;
		have_record = true;
		collect_record(r, &pl, out, &have_argc);
	}
	if (!have_record) {
		out->off = xcalloc(1, sizeof(*out->off));
		return -ENOENT;
	}
	if (!pl.sorted)
		qsort(pl.v, pl.n, sizeof(*pl.v), piece_cmp);
	for (size_t i = 0; i < pl.n; i++)
		max_arg = pl.v[i].arg + 1 > max_arg ? pl.v[i].arg + 1 : max_arg;
	if (!have_argc) {
		out->argc_kernel = max_arg;
		out->complete = false;
	}
	out->argc = out->argc_kernel < EXEC_ARGS_MAX ? out->argc_kernel : EXEC_ARGS_MAX;
	if (out->argc < out->argc_kernel)
		out->complete = false;
	assemble(out, &pl);
	free(pl.v);
	sb_free(&pl.bytes);
	return 0;
}

void exec_args_free(struct exec_args *args)
{
	sb_free(&args->data);
	free(args->off);
	args->off = NULL;
}
