/* process_events: what the audit and BPF row builders share, so a column
 * means the same whichever source filled it: how the arguments become
 * cmdline, argv, cmdline_size and overflows, and the executable's file
 * times. */
#include "process_events.h"

#include "common/escape.h"
#include "common/xalloc.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

void args_begin(struct args_builder *b, struct strbuf *cmdline)
{
	*b = (struct args_builder){.cmdline = cmdline, .json = STRBUF_INIT};
	sb_truncate(cmdline, 0);
	sb_putc(&b->json, '[');
}

void args_add(struct args_builder *b, const char *arg, size_t len)
{
	if (b->argc++) {
		sb_putc(b->cmdline, ' ');
		sb_putc(&b->json, ',');
	}
	shell_quote_append(b->cmdline, arg, len);
	json_append_string(&b->json, arg, len);
	b->total += len;
}

void args_finish(struct args_builder *b, struct row *row, bool complete)
{
	sb_putc(&b->json, ']');
	row_set_strbuf(row, PE_cmdline, b->cmdline);
	row_set_strbuf(row, PE_argv, &b->json);
	row_set_int(row, PE_cmdline_size, (int64_t)b->total);
	row_set_str(row, PE_overflows, complete ? "" : "argv");
	sb_free(&b->json);
}

/* File times of the executable, as osquery reads them when the event
 * arrives, from the file as the process saw it (file.c). The file may
 * have been touched since the exec; that is the cost of not reading them
 * in the kernel. Runs on the store's writer thread (see
 * before_store), so no publisher's reader waits on the filesystem. */
void process_events_file_times(struct row *row)
{
	struct statx stx;
	char *path;
	int rc;

	if (row->values[PE_path].kind != ROW_TEXT)
		return;
	/* Row text is packed without terminators. */
	path = xstrndup(row_text(row, PE_path), row->values[PE_path].len);
	rc = process_events_exec_statx(row, path,
				       STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME, &stx);
	free(path);
	if (rc < 0)
		return;
	row_set_int(row, PE_atime, stx.stx_atime.tv_sec);
	row_set_int(row, PE_mtime, stx.stx_mtime.tv_sec);
	row_set_int(row, PE_ctime, stx.stx_ctime.tv_sec);
	if (stx.stx_mask & STATX_BTIME)
		row_set_int(row, PE_btime, stx.stx_btime.tv_sec);
}
