/* parser_bench: audit record throughput of the parser, the assembler and the
 * table subscribers, on captured kernel records, on one CPU.
 *
 *   parser_bench [--runs N] [--min-time SEC] [--cpu N] [--mixed-events N]
 *                [FILE.log ...]
 *
 * Without files it loads every .log file in tests/golden. Each file is one
 * workload; "golden" is all of them in a row, and "mixed" is a larger
 * workload built from their events: small execs eight times as often as
 * the large ones (a 20 KB argument, a 300-argument argv), every event with
 * its own serial, and one pair in eight interleaved record by record, as
 * records of execs on two CPUs interleave, so the assembler holds several
 * events at once.
 *
 * How it works: every log line is unescaped and split into (type, payload)
 * once, before any timing, so file I/O and log-line unescaping are not
 * measured; the timed loops start from the netlink payload as the reader
 * thread receives it. Three stages run over each workload:
 *   parse     audit_record_parse() and free the record
 *   +asm      parse, then audit_assembler_feed(); events are counted
 *   +rows     parse, assemble, publish through pubsub to every real table
 *             subscriber (process_events, socket_events, user_events, every
 *             option on), which builds each row; emit() frees the row
 *             instead of storing it. Work done on the store's thread (the
 *             file times' statx) and reads of live processes (socket
 *             facts) are the daemon's, not the parser's, and are left out.
 * Rates are per second of this thread's CPU time. Rounds interleave workloads and stages so
 * machine noise hits all of them alike; each cell is the median over the
 * rounds. The target to compare
 * with is 1,000,000 records/s on one core. This is a tool, not a test: it
 * prints a table and exits 0 unless it cannot run. */
#include "audit/assembler.h"
#include "audit/record.h"
#include "audit/record_types.h"
#include "registry/table_module.h"

#include "common/xalloc.h"

#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef SYSQ_GOLDEN_DIR
#define SYSQ_GOLDEN_DIR "tests/golden"
#endif

#define TARGET_RECORDS_PER_SEC 1000000.0
#define MAX_WORKLOADS	       64
#define MAX_RUNS	       99

/* One record as the netlink reader receives it: type and payload. */
struct bench_record {
	uint16_t type;
	uint32_t len;
	char *text;
};

struct workload {
	char *name;
	struct bench_record *recs;
	size_t nrecs;
	size_t cap;
	size_t bytes;
	size_t nevents; /* events per pass: EOE records and standalone messages */
};

enum stage { STAGE_PARSE, STAGE_ASSEMBLE, STAGE_FULL, STAGE_COUNT };

static const char *const stage_names[STAGE_COUNT] = {"parse", "+asm", "+rows"};

/* Counts from one timed run of one stage. */
struct run_result {
	double seconds;
	uint64_t records;
	uint64_t events;
	uint64_t rows;
	uint64_t malformed;
};

#define MAX_TABLES 8

/* What the stages feed: an assembler delivering to a counter, and one
 * delivering through pubsub to every table, as in the daemon. */
struct pipeline {
	struct sysq_flags flags;
	struct event_table tables[MAX_TABLES];
	struct table_ctx ctxs[MAX_TABLES];
	struct pubsub *ps;
	struct publisher *pub;
	struct audit_assembler *count_asm;
	struct audit_assembler *full_asm;
	uint64_t events;
	uint64_t rows;
};

struct options {
	int runs;
	double min_time;
	int cpu;
	size_t mixed_events;
	const char *only_workload; /* --workload: time just this one */
	int only_stage;		   /* --stage: time just this one, or -1 */
	char **files;
	int nfiles;
};

/* CPU time of this thread: time the machine's other tenants take from our
 * CPU does not count against the code measured. */
static double cpu_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- loading ------------------------------------------------------------ */

static struct workload *workload_new(const char *name)
{
	struct workload *w = xcalloc(1, sizeof(*w));

	w->name = xstrdup(name);
	return w;
}

/* Appends a copy of a payload. */
static void workload_add(struct workload *w, uint16_t type, const char *text, size_t len)
{
	struct bench_record *r;

	w->recs = xgrow(w->recs, &w->cap, w->nrecs + 1, sizeof(w->recs[0]));
	r = &w->recs[w->nrecs++];
	r->type = type;
	r->len = (uint32_t)len;
	r->text = xstrndup(text, len);
	w->bytes += len;
	if (type == AUDIT_TYPE_EOE || audit_type_is_standalone(type))
		w->nevents++;
}

static void workload_free(struct workload *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nrecs; i++)
		free(w->recs[i].text);
	free(w->recs);
	free(w->name);
	free(w);
}

/* Unescapes each line with the library's own log-line parser and keeps the
 * payload. Returns 0, or -errno when the file cannot be read or a line is
 * malformed. */
static int workload_load_file(struct workload *w, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (err == 0 && (n = getline(&line, &cap, f)) > 0) {
		struct audit_record *rec;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		err = audit_record_parse_log_line(line, (size_t)n, &rec);
		if (err < 0) {
			fprintf(stderr, "parser_bench: %s: malformed line\n", path);
			break;
		}
		workload_add(w, rec->type, rec->text, rec->text_len);
		audit_record_free(rec);
	}
	free(line);
	fclose(f);
	return err;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- the mixed workload ------------------------------------------------- */

/* Records [first, first + n) of a source workload make one event. */
struct event_template {
	const struct bench_record *first;
	size_t n;
	size_t bytes;
	unsigned weight;
};

/* Splits a workload into syscall events at each EOE record; standalone
 * messages (USER_*, which a golden log may hold) are left out of the
 * templates. Returns the count. */
static size_t split_events(const struct workload *w, struct event_template *out, size_t max)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i < w->nrecs && n < max; i++) {
		if (audit_type_is_standalone(w->recs[i].type)) {
			start = i + 1;
			continue;
		}
		if (w->recs[i].type != AUDIT_TYPE_EOE)
			continue;
		out[n] = (struct event_template){.first = &w->recs[start], .n = i + 1 - start};
		for (size_t j = start; j <= i; j++)
			out[n].bytes += w->recs[j].len;
		/* Small execs are the common case; huge argv are rare. */
		out[n].weight = out[n].bytes < 4096 && out[n].n <= 8 ? 8 : 1;
		n++;
		start = i + 1;
	}
	return n;
}

/* Appends `rec` with its audit(SEC.MSEC:SERIAL) id replaced. */
static void add_renumbered(struct workload *w, const struct bench_record *rec, uint64_t sec,
			   unsigned msec, uint64_t serial)
{
	const char *body = strstr(rec->text, "):");
	char *text;

	if (!body)
		return;
	text = xasprintf("audit(%" PRIu64 ".%03u:%" PRIu64 "%s", sec, msec, serial, body);
	workload_add(w, rec->type, text, strlen(text));
	free(text);
}

/* Picks the next template by weight with a fixed pseudo-random sequence,
 * so every run builds the same workload. */
static const struct event_template *pick(const struct event_template *t, size_t n,
					 unsigned total_weight, uint32_t *seed)
{
	unsigned r;

	*seed = *seed * 1103515245u + 12345u;
	r = (*seed >> 8) % total_weight;
	for (size_t i = 0; i < n; i++) {
		if (r < t[i].weight)
			return &t[i];
		r -= t[i].weight;
	}
	return &t[n - 1];
}

/* Appends two events with their records alternating. */
static void add_interleaved(struct workload *w, const struct event_template *a,
			    const struct event_template *b, uint64_t sec, unsigned msec,
			    uint64_t serial)
{
	for (size_t i = 0; i < a->n || i < b->n; i++) {
		if (i < a->n)
			add_renumbered(w, &a->first[i], sec, msec, serial);
		if (i < b->n)
			add_renumbered(w, &b->first[i], sec, msec, serial + 1);
	}
}

static void add_event(struct workload *w, const struct event_template *t, uint64_t sec,
		      unsigned msec, uint64_t serial)
{
	for (size_t i = 0; i < t->n; i++)
		add_renumbered(w, &t->first[i], sec, msec, serial);
}

static struct workload *build_mixed(const struct workload *golden, size_t nevents)
{
	struct event_template t[256];
	size_t nt = split_events(golden, t, 256);
	struct workload *w = workload_new("mixed");
	unsigned total = 0;
	uint32_t seed = 42;
	uint64_t serial = 100000, sec = 1795600000;

	for (size_t i = 0; i < nt; i++)
		total += t[i].weight;
	if (nt == 0)
		return w;
	for (size_t e = 0; e < nevents; serial++) {
		const struct event_template *a = pick(t, nt, total, &seed);
		unsigned msec = (unsigned)(serial % 1000);

		if (e % 8 == 7 && e + 1 < nevents) {
			add_interleaved(w, a, pick(t, nt, total, &seed), sec, msec, serial++);
			e += 2;
		} else {
			add_event(w, a, sec, msec, serial);
			e++;
		}
		if (msec == 999)
			sec++;
	}
	return w;
}

/* ---- the pipeline --------------------------------------------------------- */

static void count_event(void *ctx, const struct audit_event *ev)
{
	struct pipeline *p = ctx;

	(void)ev;
	p->events++;
}

static void publish_event(void *ctx, const struct audit_event *ev)
{
	struct pipeline *p = ctx;

	p->events++;
	pubsub_publish(p->pub, ev);
}

/* emit(): the row is built, counted and dropped instead of stored. */
static void free_row(void *sink, struct row *row)
{
	struct pipeline *p = sink;

	p->rows++;
	row_free(row);
}

/* Every table with every option on, reading no live process: the
 * captured processes are gone, and live reads are the daemon's, not the
 * parser's, cost. */
static void pipeline_init(struct pipeline *p)
{
	memset(p, 0, sizeof(*p));
	flags_init(&p->flags);
	p->flags.audit_allow_sockets = true;
	p->flags.audit_allow_unix = true;
	p->flags.audit_allow_failed_socket_events = true;
	p->flags.audit_allow_null_accept_socket_events = true;
	p->ps = pubsub_new();
	p->pub = pubsub_add_publisher(p->ps, PUBLISHER_AUDIT);
	for (size_t i = 0; table_modules[i] && i < MAX_TABLES; i++) {
		const struct table_module *m = table_modules[i];
		struct subscriber *sub;

		p->tables[i].def = m->def;
		p->ctxs[i] = (struct table_ctx){.table = &p->tables[i], .flags = &p->flags,
						.emit = free_row, .sink = p};
		sub = table_subscribe(p->ps, m, &p->ctxs[i]);
		if (sub)
			p->tables[i].counters = &sub->counters;
	}
	/* The daemon's defaults: 1 s event timeout, 4096 pending events. */
	p->count_asm = audit_assembler_new(count_event, p, 1000, 4096);
	p->full_asm = audit_assembler_new(publish_event, p, 1000, 4096);
}

static void pipeline_free(struct pipeline *p)
{
	audit_assembler_free(p->count_asm);
	audit_assembler_free(p->full_asm);
	pubsub_free(p->ps);
	flags_free(&p->flags);
}

/* ---- timed stages --------------------------------------------------------- */

/* One pass of stage (a). Returns the number of malformed records. */
static uint64_t pass_parse(const struct workload *w)
{
	uint64_t malformed = 0;

	for (size_t i = 0; i < w->nrecs; i++) {
		const struct bench_record *r = &w->recs[i];
		struct audit_record *rec;

		if (audit_record_parse(r->type, r->text, r->len, &rec) < 0) {
			malformed++;
			continue;
		}
		audit_record_free(rec);
	}
	return malformed;
}

/* One pass of stages (b) and (c): parse and feed `a`. */
static uint64_t pass_feed(const struct workload *w, struct audit_assembler *a)
{
	uint64_t malformed = 0;

	for (size_t i = 0; i < w->nrecs; i++) {
		const struct bench_record *r = &w->recs[i];
		struct audit_record *rec;

		if (audit_record_parse(r->type, r->text, r->len, &rec) < 0) {
			malformed++;
			continue;
		}
		audit_assembler_feed(a, rec, 0);
	}
	return malformed;
}

static uint64_t run_pass(struct pipeline *p, const struct workload *w, enum stage s)
{
	switch (s) {
	case STAGE_PARSE:
		return pass_parse(w);
	case STAGE_ASSEMBLE:
		return pass_feed(w, p->count_asm);
	default:
		return pass_feed(w, p->full_asm);
	}
}

/* Repeats whole passes until `seconds` of CPU time have gone by. The
 * thread CPU clock is a system call, so it is read only every few thousand
 * records, not after each pass of a one-event workload. */
static struct run_result run_stage(struct pipeline *p, const struct workload *w, enum stage s,
				   double seconds)
{
	struct run_result r = {0};
	size_t batch = w->nrecs ? 4096 / w->nrecs + 1 : 1;
	double start = cpu_sec(), t;

	p->events = 0;
	p->rows = 0;
	do {
		for (size_t i = 0; i < batch; i++)
			r.malformed += run_pass(p, w, s);
		r.records += batch * w->nrecs;
		t = cpu_sec() - start;
	} while (t < seconds);
	r.seconds = t;
	r.events = p->events;
	r.rows = p->rows;
	return r;
}

/* ---- results -------------------------------------------------------------- */

struct cell {
	double rec_rate[MAX_RUNS];
	double ev_rate[MAX_RUNS];
	int nruns;    /* 0 when the stage was not selected */
	bool suspect; /* malformed records, or rows that did not match events */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_RUNS];

	if (n == 0)
		return 0;
	memcpy(s, v, (size_t)n * sizeof(double));
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void record_run(struct cell *c, const struct run_result *r, enum stage s,
		       const struct workload *w)
{
	uint64_t passes = r->records / (w->nrecs ? w->nrecs : 1);
	uint64_t done = s == STAGE_FULL ? r->rows : r->events;

	c->rec_rate[c->nruns] = (double)r->records / r->seconds;
	c->ev_rate[c->nruns] = (double)done / r->seconds;
	c->nruns++;
	if (r->malformed)
		c->suspect = true;
	/* Each pass must deliver every event (and, for +rows, a row for each). */
	if (s != STAGE_PARSE && done != passes * w->nevents)
		c->suspect = true;
}

/* Formats a rate with thousands separators into buf. */
static const char *fmt_rate(char *buf, size_t size, double v)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%.0f", v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void print_header(const struct options *o, int cpu)
{
	printf("parser_bench: %d rounds, >= %.2f s per stage and workload, pinned to CPU %d;\n",
	       o->runs, o->min_time, cpu);
	printf("rates are per CPU-second of the benchmark thread, medians over rounds;\n");
	printf("asm/p and rows/p: rate of the stage over the parse rate, same run.\n\n");
	printf("%-16s %7s %6s %7s | %13s %13s %13s %11s | %6s %6s\n", "workload", "records",
	       "events", "B/rec", "parse rec/s", "+asm rec/s", "+rows rec/s", "rows/s", "asm/p",
	       "rows/p");
}

/* A median rate with separators, or "-" for a stage that did not run. */
static const char *fmt_cell(char *buf, size_t size, const double *v, int n)
{
	if (n == 0)
		return strcpy(buf, "-");
	return fmt_rate(buf, size, median(v, n));
}

static void fmt_ratio(char *buf, size_t size, const struct cell *c, const struct cell *base)
{
	if (c->nruns == 0 || base->nruns == 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2f",
			 median(c->rec_rate, c->nruns) / median(base->rec_rate, base->nruns));
}

static void print_row(const struct workload *w, const struct cell cells[STAGE_COUNT])
{
	char b[STAGE_COUNT + 1][32], r1[16], r2[16];
	bool suspect = false;

	for (int s = 0; s < STAGE_COUNT; s++) {
		fmt_cell(b[s], sizeof(b[s]), cells[s].rec_rate, cells[s].nruns);
		suspect |= cells[s].suspect;
	}
	fmt_cell(b[STAGE_COUNT], sizeof(b[0]), cells[STAGE_FULL].ev_rate, cells[STAGE_FULL].nruns);
	fmt_ratio(r1, sizeof(r1), &cells[STAGE_ASSEMBLE], &cells[STAGE_PARSE]);
	fmt_ratio(r2, sizeof(r2), &cells[STAGE_FULL], &cells[STAGE_PARSE]);
	printf("%-16s %7zu %6zu %7zu | %13s %13s %13s %11s | %6s %6s%s\n", w->name, w->nrecs,
	       w->nevents, w->nrecs ? w->bytes / w->nrecs : 0, b[0], b[1], b[2], b[3], r1, r2,
	       suspect ? "  (!)" : "");
}

static void print_verdict(const struct workload *w, const struct cell cells[STAGE_COUNT])
{
	printf("\ntarget >= 1,000,000 records/s on one core, workload '%s':\n", w->name);
	for (int s = 0; s < STAGE_COUNT; s++) {
		double r = median(cells[s].rec_rate, cells[s].nruns);

		if (cells[s].nruns == 0)
			continue;
		printf("  %-6s %5.2fx target  %s\n", stage_names[s], r / TARGET_RECORDS_PER_SEC,
		       r >= TARGET_RECORDS_PER_SEC ? "met" : "MISSED");
	}
	printf("(!) marks a row where records were malformed or events went missing.\n");
}

/* ---- setup ---------------------------------------------------------------- */

/* Pins to `cpu`, or to the last CPU we may run on when cpu < 0. Returns the
 * CPU, or -errno. */
static int pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0) {
		if (sched_getaffinity(0, sizeof(set), &set) < 0)
			return -errno;
		for (int i = CPU_SETSIZE - 1; i >= 0 && cpu < 0; i--) {
			if (CPU_ISSET(i, &set))
				cpu = i;
		}
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	return cpu;
}

static void usage(void)
{
	fprintf(stderr, "usage: parser_bench [--runs N] [--min-time SEC] [--cpu N] "
			"[--mixed-events N] [--workload NAME] [--stage parse|+asm|+rows] "
			"[FILE.log ...]\n");
	exit(2);
}

/* "parse", "asm" or "+asm", "rows" or "+rows". */
static int stage_from_name(const char *name)
{
	const char *n = name[0] == '+' ? name + 1 : name;

	for (int s = 0; s < STAGE_COUNT; s++) {
		const char *sn = stage_names[s][0] == '+' ? stage_names[s] + 1 : stage_names[s];

		if (strcmp(n, sn) == 0)
			return s;
	}
	usage();
	return -1;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){
	    .runs = 5, .min_time = 2.0, .cpu = -1, .mixed_events = 4096, .only_stage = -1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-') {
			o->files = &argv[i];
			o->nfiles = argc - i;
			break;
		}
		if (i + 1 >= argc)
			usage();
		if (strcmp(a, "--runs") == 0)
			o->runs = atoi(argv[++i]);
		else if (strcmp(a, "--min-time") == 0)
			o->min_time = atof(argv[++i]);
		else if (strcmp(a, "--cpu") == 0)
			o->cpu = atoi(argv[++i]);
		else if (strcmp(a, "--mixed-events") == 0)
			o->mixed_events = (size_t)atol(argv[++i]);
		else if (strcmp(a, "--workload") == 0)
			o->only_workload = argv[++i];
		else if (strcmp(a, "--stage") == 0)
			o->only_stage = stage_from_name(argv[++i]);
		else
			usage();
	}
	if (o->runs < 1 || o->runs > MAX_RUNS || o->min_time <= 0 || o->mixed_events == 0)
		usage();
}

/* Loads one workload per file, then "golden" (all files) and "mixed".
 * Returns the number of workloads, or -1. */
static int load_workloads(const struct options *o, struct workload **ws)
{
	struct workload *all = workload_new("golden");
	glob_t g = {0};
	char **files = o->files;
	size_t nfiles = (size_t)o->nfiles;
	int n = 0;

	if (nfiles == 0) {
		if (glob(SYSQ_GOLDEN_DIR "/*.log", 0, NULL, &g) != 0) {
			fprintf(stderr, "parser_bench: no logs in %s\n", SYSQ_GOLDEN_DIR);
			workload_free(all);
			return -1;
		}
		files = g.gl_pathv;
		nfiles = g.gl_pathc;
	}
	for (size_t i = 0; i < nfiles && n < MAX_WORKLOADS - 2; i++) {
		struct workload *w = workload_new(base_name(files[i]));

		if (workload_load_file(w, files[i]) < 0 || workload_load_file(all, files[i]) < 0) {
			fprintf(stderr, "parser_bench: cannot load %s\n", files[i]);
			workload_free(w);
			continue;
		}
		ws[n++] = w;
	}
	globfree(&g);
	ws[n++] = all;
	ws[n++] = build_mixed(all, o->mixed_events);
	return n;
}

static bool selected(const struct options *o, const struct workload *w, int s)
{
	if (o->only_workload && strcmp(o->only_workload, w->name) != 0)
		return false;
	return o->only_stage < 0 || o->only_stage == s;
}

/* Rounds interleave every selected workload and stage. */
static void run_rounds(struct pipeline *p, const struct options *o, struct workload **ws, int nw,
		       struct cell (*cells)[STAGE_COUNT])
{
	double per_run = o->min_time / o->runs;

	/* Warm-up: caches, allocator arenas, page faults. */
	for (int w = 0; w < nw; w++)
		for (int s = 0; s < STAGE_COUNT; s++)
			if (selected(o, ws[w], s))
				run_stage(p, ws[w], s, 0.02);
	for (int run = 0; run < o->runs; run++) {
		for (int w = 0; w < nw; w++) {
			for (int s = 0; s < STAGE_COUNT; s++) {
				struct run_result r;

				if (!selected(o, ws[w], s))
					continue;
				r = run_stage(p, ws[w], s, per_run);
				record_run(&cells[w][s], &r, s, ws[w]);
			}
		}
	}
}

static void print_results(const struct options *o, int cpu, struct workload **ws, int nw,
			  struct cell (*cells)[STAGE_COUNT])
{
	int last = -1;

	print_header(o, cpu);
	for (int w = 0; w < nw; w++) {
		if (o->only_workload && strcmp(o->only_workload, ws[w]->name) != 0)
			continue;
		print_row(ws[w], cells[w]);
		last = w;
	}
	if (last >= 0)
		print_verdict(ws[last], cells[last]);
	else
		printf("no workload called '%s'\n", o->only_workload);
}

int main(int argc, char **argv)
{
	static struct cell cells[MAX_WORKLOADS][STAGE_COUNT];
	struct workload *ws[MAX_WORKLOADS];
	struct pipeline p;
	struct options o;
	int nw, cpu;

	parse_options(argc, argv, &o);
	cpu = pin_cpu(o.cpu);
	if (cpu < 0) {
		fprintf(stderr, "parser_bench: sched_setaffinity: %s\n", strerror(-cpu));
		return 1;
	}
	nw = load_workloads(&o, ws);
	if (nw < 0)
		return 1;
	pipeline_init(&p);
	run_rounds(&p, &o, ws, nw, cells);
	print_results(&o, cpu, ws, nw, cells);
	pipeline_free(&p);
	for (int w = 0; w < nw; w++)
		workload_free(ws[w]);
	return 0;
}
