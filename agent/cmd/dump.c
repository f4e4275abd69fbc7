/* sysq dump: prints audit records as they arrive, read through the audit
 * multicast group. That group gets a copy of every record without taking
 * the audit pid, so dumping disturbs neither a running sysq daemon nor
 * auditd. Lines are auditd's log format with unsafe bytes escaped, or with
 * --json one object per record with its fields decoded. --input reads a
 * saved log instead (dump_input.c). */
#include "dump.h"
#include "dump_bpf.h"
#include "dump_input.h"

#include "audit/netlink.h"
#include "audit/record.h"
#include "audit/record_types.h"

#include "common/escape.h"
#include "common/strbuf.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define DUMP_RCVBUF (8 * 1024 * 1024)
#define MAX_TYPES 64

struct dump {
	bool json;
	bool bpf;
	bool rows;
	const char *input; /* a saved log, "-" for stdin; NULL for the kernel */
	int types[MAX_TYPES]; /* only these, when ntypes > 0 */
	int ntypes;
	struct audit_nl nl;
	struct strbuf line;
	unsigned long overruns;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: sysq dump [--audit] [--json] [--type=NAME[,NAME...]]\n"
		     "       sysq dump --input=FILE|- [--rows] [--type=NAME[,NAME...]]\n"
		     "       sysq dump --bpf [--json]\n"
		     "\n"
		     "Prints audit records live, as auditd log lines or, with --json, one JSON\n"
		     "object per record. It reads the audit multicast group (CAP_AUDIT_READ), so\n"
		     "it runs beside a sysq daemon or auditd without disturbing either.\n"
		     "--type keeps only the named record types (SYSCALL,EXECVE or 1300,...).\n"
		     "--bpf loads sysq's socket BPF programs instead and prints every connect,\n"
		     "bind, accept and listen they see, decoded; on exit it prints the\n"
		     "in-kernel drop counters. Ctrl-C stops it.\n"
		     "--input decodes a saved audit log (auditd's raw or enriched format; - is\n"
		     "stdin) into the same JSON objects as --json, or with --rows into the rows\n"
		     "each table would make of it. Bad lines are counted and reported at the end.\n");
}

static int parse_types(struct dump *d, const char *list)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		char *end;
		long num = strtol(p, &end, 10);
		int type = end == p + len && len > 0 ? (int)num : audit_type_from_name(p, len);

		if (type <= 0 || type > 0xffff || d->ntypes == MAX_TYPES) {
			fprintf(stderr, "sysq dump: --type: unknown record type '%.*s'\n", (int)len, p);
			return -EINVAL;
		}
		d->types[d->ntypes++] = type;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* Options that do not go together. */
static int check_args(const struct dump *d)
{
	const char *err = NULL;

	if (d->bpf && d->ntypes)
		err = "--type: applies to audit records, not to --bpf";
	else if (d->bpf && d->input)
		err = "--input: reads audit logs, not --bpf";
	else if (d->rows && !d->input)
		err = "--rows: needs --input (the rows of a saved log)";
	else if (d->rows && d->ntypes)
		err = "--type: filters records, not --rows";
	else if (d->input && !*d->input)
		err = "--input: needs a file name, or - for stdin";
	if (!err)
		return 0;
	fprintf(stderr, "sysq dump: %s\n", err);
	return 2;
}

static int parse_args(struct dump *d, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
		if (strcmp(argv[i], "--audit") == 0)
			continue; /* the default source */
		if (strcmp(argv[i], "--bpf") == 0)
			d->bpf = true;
		else if (strcmp(argv[i], "--json") == 0)
			d->json = true;
		else if (strcmp(argv[i], "--rows") == 0)
			d->rows = true;
		else if (strncmp(argv[i], "--input=", 8) == 0)
			d->input = argv[i] + 8;
		else if (strcmp(argv[i], "--input") == 0 && i + 1 < argc)
			d->input = argv[++i];
		else if (strncmp(argv[i], "--type=", 7) == 0) {
			if (parse_types(d, argv[i] + 7) < 0)
				return 2;
		} else {
			fprintf(stderr, "sysq dump: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	return check_args(d);
}

static bool wanted(const struct dump *d, uint16_t type)
{
	if (d->ntypes == 0)
		return true;
	for (int i = 0; i < d->ntypes; i++) {
		if (d->types[i] == type)
			return true;
	}
	return false;
}

static void json_record(struct dump *d, uint16_t type, const char *payload, size_t len)
{
	const char *name = audit_type_name(type);
	struct audit_record *rec;

	if (audit_record_parse(type, payload, len, &rec) == 0) {
		dump_json_record(&d->line, rec);
		audit_record_free(rec);
		return;
	}
	sb_puts(&d->line, "{\"type\":");
	if (name)
		json_append_string(&d->line, name, strlen(name));
	else
		sb_printf(&d->line, "\"UNKNOWN[%u]\"", type);
	sb_printf(&d->line, ",\"type_id\":%u,\"malformed\":true,\"raw\":", type);
	json_append_string(&d->line, payload, len);
	sb_putc(&d->line, '}');
}

static void print_record(struct dump *d, uint16_t type, const char *payload, size_t len)
{
	len = audit_payload_len(payload, len);
	if (!wanted(d, type))
		return;
	sb_truncate(&d->line, 0);
	if (d->json)
		json_record(d, type, payload, len);
	else
		audit_payload_format_line(type, payload, len, &d->line);
	sb_putc(&d->line, '\n');
	fwrite(d->line.buf, 1, d->line.len, stdout);
}

/* Reads and prints what the socket holds. Returns 0 or -errno. */
static int read_records(struct dump *d)
{
	static char buf[9216] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = audit_nl_recv(&d->nl, buf, sizeof(buf), true);
		const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;

		if (n == -EAGAIN)
			break;
		if (n == -ENOBUFS) {
			d->overruns++;
			fprintf(stderr, "sysq dump: records were lost (socket overrun #%lu)\n",
				d->overruns);
			continue;
		}
		if (n < 0)
			return (int)n;
		if ((size_t)n >= NLMSG_HDRLEN && audit_nl_is_record(nh->nlmsg_type))
			print_record(d, nh->nlmsg_type, NLMSG_DATA(nh), audit_nl_record_len((size_t)n));
	}
	fflush(stdout);
	return 0;
}

static void warn_if_disabled(void)
{
	struct audit_nl ctl;
	struct audit_status st;

	if (audit_nl_open(&ctl, 0) < 0)
		return;
	if (audit_nl_get_status(&ctl, &st) == 0 && st.enabled == 0)
		fprintf(stderr, "sysq dump: audit is disabled; records appear once something "
				"enables it (a sysq daemon, auditd or auditctl -e 1)\n");
	audit_nl_close(&ctl);
}

static int open_tap(struct dump *d)
{
	int rc = audit_nl_open(&d->nl, DUMP_RCVBUF);

	if (rc == 0)
		rc = audit_nl_join_readlog(&d->nl);
	if (rc < 0)
		fprintf(stderr, "sysq dump: cannot read the audit multicast group: %s%s\n",
			strerror(-rc), rc == -EPERM ? " (run as root: CAP_AUDIT_READ)" : "");
	return rc;
}

static int run(struct dump *d, int sigfd)
{
	struct pollfd fds[2] = {{.fd = d->nl.fd, .events = POLLIN},
				{.fd = sigfd, .events = POLLIN}};

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (fds[1].revents)
			return 0; /* Ctrl-C or SIGTERM: a clean stop */
		if (fds[0].revents && read_records(d) < 0)
			return 1;
	}
}

int dump_main(int argc, char **argv)
{
	struct dump d = {.nl = {.fd = -1}};
	sigset_t set;
	int rc, sigfd;

	rc = parse_args(&d, argc, argv);
	if (rc) {
		usage(rc == 1 ? stdout : stderr);
		return rc == 1 ? 0 : 2;
	}
	if (d.input)
		return dump_input_main(d.input, d.rows, d.types, d.ntypes);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd >= 0 && d.bpf) {
		rc = dump_bpf_run(d.json, sigfd);
		close(sigfd);
		return rc;
	}
	if (sigfd < 0 || open_tap(&d) < 0) {
		audit_nl_close(&d.nl);
		return 1;
	}
	warn_if_disabled();
	rc = run(&d, sigfd);
	close(sigfd);
	audit_nl_close(&d.nl);
	sb_free(&d.line);
	return rc;
}
