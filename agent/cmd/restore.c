/* `sysq restore`: undoes what a sysq daemon that died (SIGKILL, the OOM
 * killer, a crash) left in the kernel's audit configuration, from the
 * restore record in its database (audit/host_restore.h). The packaged
 * unit runs it after every stop (ExecStopPost=), and the package's prerm
 * on removal. It refuses while a daemon runs on the same database or pid
 * file: that daemon owns the state and restores it when it stops. */
#include "restore.h"

#include "audit/host_restore.h"
#include "store/meta.h"

#include "common/fsutil.h"
#include "common/xalloc.h"

#include "daemon_config.h"
#include "core/flags.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sysq restore [--database_path=PATH] [--flagfile=PATH] [--flag=value ...]\n"
		"\n"
		"Puts the kernel's audit configuration back after a sysq daemon that did not\n"
		"stop cleanly: deletes every audit rule keyed 'sysq' and restores the audit\n"
		"settings (enabled, backlog_limit, backlog_wait_time) that the dead run\n"
		"changed, as recorded in its database, then clears the record. Reads the\n"
		"same flagfile and config as the daemon to find the database. Refuses while a\n"
		"daemon runs on that database. Exits 0 when the host is restored (or had\n"
		"nothing to restore), 1 when it could not be, 2 for bad flags.\n");
}

/* Whether a live daemon holds the pid file's lock: a probe that takes a
 * shared lock and lets it go, writing nothing. */
static pid_t pidfile_holder(const char *path)
{
	char buf[32] = "";
	pid_t pid = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		buf[n > 0 ? n : 0] = '\0';
		/* Held: a pid file still being written reads as 0, but a holder
		 * there is. */
		pid = atoi(buf) > 0 ? (pid_t)atoi(buf) : -1;
	}
	close(fd);
	return pid;
}

/* Takes the database's lock, as a daemon would, so none starts while the
 * restore runs. Returns the fd, -ENOENT when its directory does not exist
 * (no daemon ever ran there), or -EBUSY after printing why it refuses. */
static int lock_out_daemon(const struct sysq_flags *f)
{
	char *path = xasprintf("%s.lock", f->database_path);
	pid_t owner = pidfile_holder(f->pidfile);
	int fd = -EEXIST;

	if (owner == 0)
		fd = pidfile_acquire(path, &owner);
	if (fd == -EEXIST) {
		fprintf(stderr,
			"sysq restore: a sysq daemon (pid %d) is running on %s; it restores the "
			"audit state itself when it stops, so there is nothing to do while it "
			"runs\n",
			(int)owner, f->database_path);
		fd = -EBUSY;
	} else if (fd < 0 && fd != -ENOENT) {
		fprintf(stderr, "sysq restore: cannot lock %s: %s\n", path, strerror(-fd));
		fd = -EBUSY;
	}
	free(path);
	return fd;
}

/* Reads the restore record. Returns 1 with *st set, 0 when there is
 * none, or -1 after printing why it cannot be read. */
static int read_record(const char *db_path, struct audit_state *st)
{
	struct stat sb;
	char *text = NULL;
	int rc;

	if (stat(db_path, &sb) < 0 || sb.st_size == 0)
		return 0;
	rc = store_meta_get(db_path, META_AUDIT_STATE, &text);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0 && audit_state_parse(text, st) == 0) {
		free(text);
		return 1;
	}
	fprintf(stderr, "sysq restore: cannot read the restore record in %s%s\n", db_path,
		text ? ": it does not parse" : "");
	free(text);
	return -1;
}

static void report(const struct audit_restore_result *res, bool had_record)
{
	printf("sysq restore: deleted %d audit rule(s) keyed 'sysq'\n", res->rules_deleted);
	if (had_record)
		printf("sysq restore: restored the audit settings a run had changed and "
		       "cleared its record\n");
	else
		printf("sysq restore: no restore record: no audit settings to put back\n");
	if (res->pid_cleared)
		printf("sysq restore: cleared the audit pid of a process that no longer exists\n");
}

/* Restores the host with the database locked. Returns the exit status. */
static int restore_locked(const struct sysq_flags *f)
{
	struct audit_restore_result res;
	struct audit_state saved;
	char *err = NULL;
	int have = read_record(f->database_path, &saved);
	int rc = audit_restore_host(have == 1 ? &saved : NULL, &res, &err);

	if (rc < 0) {
		fprintf(stderr, "sysq restore: %s\n", err);
		free(err);
		return 1;
	}
	/* The record goes only once what it names is back. */
	if (have == 1 && store_meta_set(f->database_path, META_AUDIT_STATE, NULL) < 0) {
		fprintf(stderr, "sysq restore: restored, but cannot clear the record in %s\n",
			f->database_path);
		return 1;
	}
	report(&res, have == 1);
	return have < 0 ? 1 : 0;
}

static int parse(struct sysq_flags *f, struct config *cfg, int argc, char **argv)
{
	char err[FLAG_ERROR_MAX], note[FLAG_ERROR_MAX];

	flags_init(f);
	if (flags_parse(f, argc, argv, err, note) < 0) {
		fprintf(stderr, "sysq restore: %s\n", err);
		return 2;
	}
	/* The config's options may move the database, as for the daemon. */
	return daemon_config_load(f, cfg);
}

int restore_main(int argc, char **argv)
{
	struct sysq_flags f;
	struct config cfg = {0};
	int fd, rc;

	if (argc == 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	rc = parse(&f, &cfg, argc, argv);
	config_free(&cfg);
	if (rc) {
		flags_free(&f);
		return rc;
	}
	fd = lock_out_daemon(&f);
	if (fd == -EBUSY) {
		rc = 1;
	} else {
		rc = restore_locked(&f);
		if (fd >= 0)
			close(fd);
	}
	flags_free(&f);
	return rc;
}
