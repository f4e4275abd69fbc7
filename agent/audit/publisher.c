/* Audit publisher lifecycle: registration as the audit daemon, the rule
 * and settings lifecycle, the once-a-second tick, and shutdown. The reader
 * thread lives in reader.c. */
#include "publisher_internal.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* AUDIT_SET pid on the reader socket, waiting for the ACK; records that
 * arrive meanwhile go through the normal path. Retries while the kernel
 * says another live daemon holds the pid, in case it is on its way out. */
static int register_pid(struct audit_publisher *ap, pid_t pid, int tries)
{
	struct audit_status s;
	int err = 0;

	memset(&s, 0, sizeof(s));
	s.mask = AUDIT_STATUS_PID;
	s.pid = (uint32_t)pid;
	for (int i = 0; i < tries; i++) {
		err = audit_nl_request_ack(&ap->reader, AUDIT_SET, &s, sizeof(s),
					   audit_reader_handle_other, ap);
		if (err != -EEXIST)
			break;
		usleep(200 * 1000);
	}
	return err;
}

static char *owner_error(struct audit_publisher *ap, int err)
{
	struct audit_status st;

	if (err == -EEXIST && audit_nl_get_status(&ap->ctl, &st) == 0)
		return xasprintf("process %u owns the audit socket (auditd?); sysq cannot become "
				 "the audit daemon while it runs",
				 st.pid);
	return xasprintf("cannot become the audit daemon: %s", strerror(-err));
}

static bool any_syscall(const bool want[AUDIT_SYSCALL_COUNT])
{
	for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++) {
		if (want[s])
			return true;
	}
	return false;
}

/* With no syscall rule to install, the never,task rule spares every new
 * task the audit context; never beside another audit daemon, whose
 * rules need those contexts. */
static int add_task_rule(struct audit_publisher *ap, char **err)
{
	int rc;

	if (!ap->opt.task_never_rule)
		return 0;
	if (ap->opt.multicast) {
		log_info("audit: no syscall rules needed, but not adding '-a never,task' in "
			 "multicast mode: the audit daemon beside sysq (auditd) owns the "
			 "rules, and the rule would hide new processes from them");
		return 0;
	}
	rc = audit_task_rule_add(&ap->ctl, &ap->task_rule);
	if (rc < 0)
		*err = xasprintf("cannot list the audit rules: %s", strerror(-rc));
	return rc;
}

/* Installs the syscall rules `want` names, or the never,task rule when
 * there are none. The never,task rule keeps every task created while it
 * is loaded out of syscall auditing, sysq's own exit rules included, so
 * it goes before any syscall rule comes in: otherwise the tasks started
 * in between would never be audited. */
static int apply_rules(struct audit_publisher *ap, char **err)
{
	int rc;

	if (!any_syscall(ap->opt.want))
		return add_task_rule(ap, err);
	rc = audit_task_rule_remove(&ap->ctl, &ap->task_rule);
	if (rc == 0)
		rc = audit_rules_add(&ap->ctl, ap->opt.want, &ap->rules);
	if (rc < 0)
		*err = xasprintf("cannot add audit rules: %s", strerror(-rc));
	return rc;
}

static int apply_config(struct audit_publisher *ap, char **err)
{
	int rc = audit_rules_remove_stale(&ap->ctl);

	if (rc > 0)
		log_info("audit: deleted %d stale '%s' rule(s) left by an earlier run", rc,
			 SYSQ_RULE_KEY);
	else if (rc < 0)
		log_warn("audit: cannot list rules to clean up: %s", strerror(-rc));
	rc = audit_state_apply(&ap->ctl, ap->opt.backlog_limit, ap->opt.backlog_wait_time,
			       &ap->state);
	if (rc == -EPERM) {
		log_warn("audit: the configuration is locked (enabled=2); using the rules "
			 "already loaded");
		return 0;
	}
	ap->config_applied = true;
	if (ap->opt.crashed_state)
		audit_state_adopt(&ap->state, ap->opt.crashed_state);
	if (rc < 0) {
		*err = xasprintf("cannot configure audit: %s", strerror(-rc));
		return rc;
	}
	return apply_rules(ap, err);
}

/* Deletes the rules this run added and restores the settings it changed.
 * Returns 0 when both succeeded. */
static int undo_config(struct audit_publisher *ap)
{
	int rules_rc, task_rc, state_rc;

	if (!ap->config_applied)
		return 0;
	rules_rc = audit_rules_remove(&ap->ctl, &ap->rules);
	task_rc = audit_task_rule_remove(&ap->ctl, &ap->task_rule);
	if (rules_rc == 0)
		rules_rc = task_rc;
	if (rules_rc < 0)
		log_warn("audit: cannot delete sysq's rules: %s", strerror(-rules_rc));
	state_rc = audit_state_restore(&ap->ctl, &ap->state);
	if (state_rc < 0)
		log_warn("audit: cannot restore the audit status: %s", strerror(-state_rc));
	ap->config_applied = false;
	return rules_rc < 0 ? rules_rc : state_rc;
}

static void release_pid(struct audit_publisher *ap)
{
	struct audit_status st;

	/* Only the registered daemon may unregister; skip if it is not us. */
	if (audit_nl_get_status(&ap->ctl, &st) == 0 && st.pid == (uint32_t)ap->self)
		register_pid(ap, 0, 1);
	atomic_store(&ap->registered, false);
	atomic_store(&ap->pub->active, false);
}

static void publisher_free(struct audit_publisher *ap)
{
	if (ap->stop_fd >= 0)
		close(ap->stop_fd);
	audit_nl_close(&ap->reader);
	audit_nl_close(&ap->ctl);
	audit_assembler_free(ap->assembler);
	free(ap->task_rule.rule); /* set only if it could not be deleted */
	sb_free(&ap->debug_line);
	free(ap->slots);
	free(ap);
}

static int open_sockets(struct audit_publisher *ap, char **err)
{
	int rc = audit_nl_open(&ap->ctl, 0);

	if (rc == 0)
		rc = audit_nl_open(&ap->reader, READER_RCVBUF);
	if (rc < 0) {
		*err = xasprintf("cannot open the audit netlink socket: %s", strerror(-rc));
		return rc;
	}
	ap->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ap->stop_fd < 0) {
		rc = -errno;
		*err = xasprintf("eventfd: %s", strerror(errno));
	}
	return rc;
}

/* Applies the configuration once the pid is ours. Returns 0 or -errno. */
static int configure_once(struct audit_publisher *ap, char **err)
{
	if (!ap->opt.allow_config || ap->config_tried)
		return 0;
	ap->config_tried = true;
	return apply_config(ap, err);
}

/* Multicast mode: a read-only tap on every record, beside whichever
 * process is the audit daemon. */
static int join_multicast(struct audit_publisher *ap, char **err)
{
	int rc = audit_nl_join_readlog(&ap->reader);

	if (rc < 0) {
		*err = xasprintf("cannot join the audit multicast group: %s%s", strerror(-rc),
				 rc == -EPERM ? " (CAP_AUDIT_READ is needed)" : "");
		return rc;
	}
	atomic_store(&ap->registered, true);
	atomic_store(&ap->pub->active, true);
	return 0;
}

/* First registration attempt at start-up. A pid owned by another live
 * process is fatal without --audit_persist; with it, sysq waits and the
 * tick takes the pid once it is released. */
static int first_registration(struct audit_publisher *ap, char **err)
{
	int rc = register_pid(ap, ap->self, REGISTER_TRIES);

	if (rc == 0) {
		atomic_store(&ap->registered, true);
		atomic_store(&ap->pub->active, true);
		return 0;
	}
	*err = owner_error(ap, rc);
	if (rc == -EEXIST && ap->opt.persist) {
		log_warn("audit: %s; waiting for it to be released (--audit_persist)", *err);
		free(*err);
		*err = NULL;
		return 0;
	}
	return rc;
}

/* Keeps what audit_publisher_health reports from the kernel's status. */
static void note_status(struct audit_publisher *ap, const struct audit_status *st)
{
	uint32_t other = st->pid != (uint32_t)ap->self ? st->pid : 0;

	atomic_store_explicit(&ap->status_backlog, st->backlog, memory_order_relaxed);
	atomic_store_explicit(&ap->status_backlog_limit, st->backlog_limit, memory_order_relaxed);
	atomic_store_explicit(&ap->other_owner, other, memory_order_relaxed);
}

int audit_publisher_start(const struct audit_publisher_options *opt, struct publisher *pub,
			  struct audit_publisher **ret, char **err)
{
	struct audit_publisher *ap = xcalloc(1, sizeof(*ap));
	struct audit_status st;
	int rc;

	ap->opt = *opt;
	ap->pub = pub;
	ap->self = getpid();
	ap->reader.fd = ap->ctl.fd = ap->stop_fd = -1;
	ap->slots = xmalloc((size_t)RECV_BATCH * RECV_SLOT);
	ap->assembler = audit_assembler_new(audit_reader_publish, ap, opt->event_timeout_ms,
					    MAX_PENDING_EVENTS);
	rc = open_sockets(ap, err);
	if (rc == 0 && audit_nl_get_status(&ap->ctl, &st) == 0) {
		ap->lost_known = true;
		ap->lost_last = st.lost;
		note_status(ap, &st);
	}
	if (rc == 0)
		rc = opt->multicast ? join_multicast(ap, err) : first_registration(ap, err);
	if (rc == 0 && atomic_load(&ap->registered))
		rc = configure_once(ap, err);
	if (rc == 0) {
		rc = -pthread_create(&ap->thread, NULL, audit_reader_main, ap);
		if (rc < 0)
			*err = xasprintf("cannot start the audit reader: %s", strerror(-rc));
		ap->thread_running = rc == 0;
	}
	if (rc < 0) {
		undo_config(ap);
		if (atomic_load(&ap->registered))
			release_pid(ap);
		publisher_free(ap);
		return rc;
	}
	*ret = ap;
	return 0;
}

const struct audit_state *audit_publisher_state(const struct audit_publisher *ap)
{
	return ap->config_applied && ap->state.changed ? &ap->state : NULL;
}

static void account_lost(struct audit_publisher *ap, uint32_t lost)
{
	uint32_t delta;

	if (!ap->lost_known) {
		ap->lost_known = true;
		ap->lost_last = lost;
		return;
	}
	/* A smaller value means someone reset the counter (auditctl
	 * --reset-lost); everything since the reset is new. */
	delta = lost >= ap->lost_last ? lost - ap->lost_last : lost;
	ap->lost_last = lost;
	counter_add(&ap->pub->counters, COUNTER_lost_kernel, delta);
}

/* Asks for the audit pid when the kernel can grant it: when it is free or
 * its owner has exited. A live owner would only be refused (EEXIST), and
 * each refusal writes a CONFIG_CHANGE record into that owner's log, so
 * sysq waits quietly instead of knocking every second. */
static void persist_pid(struct audit_publisher *ap, uint32_t owner)
{
	struct audit_status s;
	int seq;

	if (atomic_load(&ap->registered))
		log_warn("audit: the audit pid is now %u, not sysq's; taking it back", owner);
	atomic_store(&ap->registered, false);
	atomic_store(&ap->pub->active, false);
	if (owner != 0 && (kill((pid_t)owner, 0) == 0 || errno == EPERM)) {
		if (ap->waiting_for != owner)
			log_warn("audit: process %u owns the audit pid; sysq takes it when that "
				 "process exits or releases it",
				 owner);
		ap->waiting_for = owner;
		return;
	}
	ap->waiting_for = 0;
	memset(&s, 0, sizeof(s));
	s.mask = AUDIT_STATUS_PID;
	s.pid = (uint32_t)ap->self;
	/* The ACK arrives on the reader socket; the reader thread handles it. */
	seq = audit_nl_send(&ap->reader, AUDIT_SET, NLM_F_ACK, &s, sizeof(s));
	if (seq > 0)
		atomic_store(&ap->pending_pid_seq, (unsigned)seq);
}

/* Without --audit_persist the pid stays lost, but sysq_events and
 * /healthz must say that no record is read any more. */
static void note_pid_lost(struct audit_publisher *ap, uint32_t owner)
{
	if (atomic_exchange(&ap->registered, false))
		log_warn("audit: the audit pid is now %u, not sysq's; no audit records are read "
			 "(--audit_persist=false: sysq does not take it back)",
			 owner);
	atomic_store(&ap->pub->active, false);
}

bool audit_publisher_tick(struct audit_publisher *ap)
{
	struct audit_status st;
	bool configured = false;
	char *err = NULL;

	if (audit_nl_get_status(&ap->ctl, &st) < 0)
		return false;
	account_lost(ap, st.lost);
	note_status(ap, &st);
	audit_task_rule_check(&ap->ctl, &ap->task_rule);
	if (ap->opt.multicast)
		return false; /* the audit pid is not ours to keep */
	if (st.pid != (uint32_t)ap->self) {
		if (ap->opt.persist)
			persist_pid(ap, st.pid);
		else
			note_pid_lost(ap, st.pid);
		return false;
	}
	/* The kernel's word settles it, even if the ACK raced past. */
	audit_mark_registered(ap);
	if (!ap->config_tried) {
		/* The pid became ours after start-up: configure now. */
		if (configure_once(ap, &err) < 0) {
			log_error("audit: %s", err);
			free(err);
		}
		configured = ap->config_applied;
	}
	return configured;
}

void audit_publisher_health(const struct audit_publisher *ap, struct audit_publisher_health *out)
{
	out->reading = atomic_load(&ap->pub->active);
	out->multicast = ap->opt.multicast;
	out->owner = atomic_load_explicit(&ap->other_owner, memory_order_relaxed);
	out->backlog = atomic_load_explicit(&ap->status_backlog, memory_order_relaxed);
	out->backlog_limit = atomic_load_explicit(&ap->status_backlog_limit, memory_order_relaxed);
}

int audit_publisher_stop(struct audit_publisher *ap)
{
	uint64_t one = 1;
	int rc;

	if (!ap)
		return 0;
	if (ap->thread_running) {
		if (write(ap->stop_fd, &one, sizeof(one)) < 0)
			log_warn("audit: cannot wake the reader: %s", strerror(errno));
		pthread_join(ap->thread, NULL);
	}
	rc = undo_config(ap);
	if (!ap->opt.multicast)
		release_pid(ap);
	audit_reader_drain(ap);
	publisher_free(ap);
	return rc;
}
