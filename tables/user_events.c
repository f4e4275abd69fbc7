/* user_events: userspace audit messages (PAM logins, su, sudo, ...).
 *
 * Example:
 *   SELECT time, type, auid, path, terminal, message FROM user_events
 *    WHERE type IN (1100, 1112) ORDER BY time DESC;
 *   SELECT acct, path FROM user_events WHERE res = 'failed';
 *
 * How it works: programs linked with libaudit (PAM among them) send
 * messages of types 1100-1199 (USER_AUTH, USER_ACCT, CRED_ACQ,
 * USER_START, ...) through the kernel, which adds pid, uid and auid and
 * wraps the program's text as msg='op=... acct=... exe=... res=...'. Each
 * record is one row. The message's own fields are split out; acct, exe and
 * cmd (sudo's USER_CMD) are decoded, since libaudit hex-encodes them when
 * they hold spaces or quotes. No audit rule is needed. The sender's cgroup
 * and container are read from /proc/<pid>/cgroup as the message arrives. */
#include "registry/table_module.h"

#include "audit/audit_row.h"

#include "audit/record_types.h"
#include "container/container_row.h"

#include <string.h>

/* X(name, type, hidden, description) */
#define USER_EVENTS_COLUMNS(X)                                                                     \
	X(uid, INTEGER, false, "User ID of the process that sent the message")                     \
	X(auid, INTEGER, false, "Audit (login) user ID; 4294967295 when unset")                    \
	X(pid, INTEGER, false, "Process ID of the sender")                                         \
	X(message, TEXT, false, "The message text (the msg='...' payload)")                        \
	X(type, INTEGER, false, "Audit record type, 1100-1199 (1100 USER_AUTH, 1112 USER_LOGIN...)") \
	X(path, TEXT, false, "The sending program (exe in the message), decoded")                  \
	X(address, TEXT, false, "Remote address (addr in the message), '?' when none")             \
	X(terminal, TEXT, false, "Terminal (terminal in the message), '?' when none")              \
	X(time, INTEGER, false, "Audit timestamp of the message, in seconds since the epoch")      \
	X(uptime, INTEGER, false, "Seconds since boot at the time of the message")                 \
	X(eid, TEXT, true, "Event ID")                                                             \
	X(op, TEXT, true, "Operation, such as PAM:authentication or PAM:session_open")             \
	X(acct, TEXT, true, "Account the operation concerned, decoded")                            \
	X(res, TEXT, true, "Result: success or failed")                                          \
	X(cmd, TEXT, true, "Command a USER_CMD message reports (sudo's cmd), decoded")            \
	X(node, TEXT, true, "Host that logged the event (auditd's node=), from saved logs; NULL live") \
	X(cgroup_id, INTEGER, true, "ID of the sender's cgroup v2, read from /proc")                \
	X(cgroup_path, TEXT, true, "The sender's cgroup v2 path, as /proc/<pid>/cgroup shows it")   \
	X(container_id, TEXT, true,                                                                \
	  "ID (or name) of the container the sender ran in; NULL on the host")                    \
	X(container_runtime, TEXT, true,                                                           \
	  "docker, containerd, cri, podman, crio, systemd-nspawn or lxc; NULL on the host")

enum user_events_column {
#define X(name, ...) UE_##name,
	USER_EVENTS_COLUMNS(X)
#undef X
	UE_COUNT
};

static const struct column_def user_events_columns[] = {
#define X(name, type, hidden, desc) {#name, COLUMN_##type, hidden, desc},
	USER_EVENTS_COLUMNS(X)
#undef X
};

static const struct table_def user_events_def = {
	.name = "user_events",
	.description = "Userspace audit messages (types 1100-1199), such as PAM authentication "
		       "and sessions",
	.columns = user_events_columns,
	.ncolumns = UE_COUNT,
	.time_column = UE_time,
	.eid_column = UE_eid,
};

static const struct container_columns user_events_container_columns = {
	.cgroup_id = UE_cgroup_id,
	.cgroup_path = UE_cgroup_path,
	.container_id = UE_container_id,
	.container_runtime = UE_container_runtime,
};

/* More fields than any libaudit message has; the rest are ignored. */
#define MSG_FIELDS_MAX 64

static void set_text(struct row *row, unsigned col, const struct audit_field *f)
{
	if (f)
		row_set_text(row, col, f->val, f->val_len);
}

static void set_message_fields(struct row *row, const struct audit_field *msg,
			       struct strbuf *scratch)
{
	struct audit_field fields[MSG_FIELDS_MAX];
	int n = audit_msg_fields(msg, fields, MSG_FIELDS_MAX);

	if (n < 0)
		return; /* the message stays whole in `message` */
	audit_row_decoded(row, UE_path, audit_fields_find(fields, (unsigned)n, "exe"), scratch);
	audit_row_decoded(row, UE_acct, audit_fields_find(fields, (unsigned)n, "acct"), scratch);
	audit_row_decoded(row, UE_cmd, audit_fields_find(fields, (unsigned)n, "cmd"), scratch);
	set_text(row, UE_address, audit_fields_find(fields, (unsigned)n, "addr"));
	set_text(row, UE_terminal, audit_fields_find(fields, (unsigned)n, "terminal"));
	set_text(row, UE_op, audit_fields_find(fields, (unsigned)n, "op"));
	set_text(row, UE_res, audit_fields_find(fields, (unsigned)n, "res"));
}

static struct row *build_row(const struct table_ctx *tc, const struct audit_event *ev,
			     const struct audit_record *rec)
{
	static const struct field_column ids[] = {
		{"uid", UE_uid}, {"auid", UE_auid}, {"pid", UE_pid}};
	struct row *row = row_new(tc->table, UE_COUNT);
	const struct audit_field *msg = audit_record_field(rec, "msg");
	struct strbuf scratch = STRBUF_INIT;

	audit_row_ints(row, rec, ids, sizeof(ids) / sizeof(ids[0]));
	row_set_int(row, UE_type, rec->type);
	audit_row_node(row, UE_node, rec);
	if (msg) {
		row_set_text(row, UE_message, msg->val, msg->val_len);
		set_message_fields(row, msg, &scratch);
	}
	row_set_int(row, UE_time, (int64_t)ev->sec);
	row_set_int(row, UE_uptime, (int64_t)ev->sec - tc->boot_time);
	sb_free(&scratch);
	return row;
}

static void user_events_on_audit(struct subscriber *sub, void *ctx, const void *event)
{
	const struct table_ctx *tc = ctx;
	const struct audit_event *ev = event;
	struct row *row;

	for (const struct audit_record *r = ev->first; r; r = r->next) {
		if (r->type < 1100 || r->type > 1199)
			continue;
		counter_add(&sub->counters, COUNTER_events, 1);
		row = build_row(tc, ev, r);
		if (tc->live_lookup && row->values[UE_pid].kind == ROW_INT)
			container_row_audit(row, &user_events_container_columns,
					    (pid_t)row->values[UE_pid].i,
					    (int64_t)ev->sec * 1000 + ev->msec,
					    (unsigned)tc->flags->audit_cgroup_lookup_rate,
					    &sub->counters);
		tc->emit(tc->sink, row);
	}
}

static bool user_events_enabled(const struct sysq_flags *flags)
{
	return flags->audit_allow_user_events;
}

const struct table_module user_events_module = {
	.def = &user_events_def,
	.on_event = {[PUBLISHER_AUDIT] = user_events_on_audit},
	.enabled = user_events_enabled,
	.audit_syscalls = NULL, /* PAM sends these from userspace; no rule needed */
};
