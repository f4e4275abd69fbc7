/* Row helpers shared by the audit-backed tables. */
#include "audit_row.h"

#include "audit/syscalls.h"

#include <errno.h>
#include <string.h>

void audit_row_ints(struct row *row, const struct audit_record *rec,
		    const struct field_column *map, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (audit_record_i64(rec, map[i].field, &v) == 0)
			row_set_int(row, map[i].col, v);
	}
}

void audit_row_decoded(struct row *row, unsigned col, const struct audit_field *f,
		       struct strbuf *scratch)
{
	int rc;

	if (!f)
		return;
	sb_truncate(scratch, 0);
	rc = audit_value_decode(f, scratch);
	if (rc == -ENOENT)
		return; /* the kernel's "(null)" */
	if (rc == -EINVAL)
		sb_append(scratch, f->val, f->val_len); /* keep what came, undecoded */
	row_set_strbuf(row, col, scratch);
}

void audit_row_node(struct row *row, unsigned col, const struct audit_record *rec)
{
	if (rec->node)
		row_set_str(row, col, rec->node);
}

int audit_syscall_info(const struct audit_record *sc, struct syscall_info *out)
{
	const struct audit_field *arch = audit_record_field(sc, "arch");
	const struct audit_field *success = audit_record_field(sc, "success");
	uint64_t arch_value;
	int64_t nr;

	memset(out, 0, sizeof(*out));
	out->which = -1;
	out->pid = -1;
	if (!arch || audit_field_hex_u64(arch, &arch_value) < 0 ||
	    audit_record_i64(sc, "syscall", &nr) < 0)
		return -EINVAL;
	out->arch = (uint32_t)arch_value;
	out->which = audit_syscall_lookup(out->arch, (long)nr);
	out->success = success && success->val_len == 3 && memcmp(success->val, "yes", 3) == 0;
	out->has_exit = audit_record_i64(sc, "exit", &out->exit) == 0;
	audit_record_i64(sc, "pid", &out->pid);
	return 0;
}
