/* process_events: the container columns' indexes, and the executed file's
 * identity from an audit PATH record, which file.c compares with the file
 * it reads the times of, so a container's binary is never given the
 * times of the host's file at the same path. */
#include "process_events.h"

const struct container_columns process_events_container_columns = {
	.cgroup_id = PE_cgroup_id,
	.cgroup_path = PE_cgroup_path,
	.container_id = PE_container_id,
	.container_runtime = PE_container_runtime,
};

void process_events_file_identity(struct row *row, const struct audit_record *path)
{
	const struct audit_field *dev = audit_record_field(path, "dev");
	int64_t inode;

	if (audit_record_i64(path, "inode", &inode) == 0)
		row_set_int(row, PE_file_inode, inode);
	if (dev)
		row_set_text(row, PE_file_device, dev->val, dev->val_len);
}
