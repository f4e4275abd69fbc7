/* Rebuilds an exec's argv from the EXECVE records of one event.
 *
 * The kernel writes "argc=N a0=.. a1=..", splits an argument longer than
 * its record budget into "aN_len=L aN[0]=.. aN[1]=..", and continues a long
 * argv in further EXECVE records of the same event. Arguments are placed by
 * their numeric index (a10 after a9), chunks joined in chunk order. */
#pragma once

#include "assembler.h"

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* More arguments than this are counted in argc but not kept. */
#define EXEC_ARGS_MAX 65536

struct exec_args {
	size_t argc;	    /* arguments kept */
	size_t argc_kernel; /* argc= as the kernel reported it */
	struct strbuf data; /* the arguments' bytes, back to back */
	size_t *off;	    /* argc + 1 offsets into data */
	bool complete;	    /* every argument 0..argc_kernel-1 arrived */
};

/* Collects the arguments. Returns 0, or -ENOENT if the event has no EXECVE
 * record. Free with exec_args_free, on success or failure. */
int exec_args_collect(const struct audit_event *ev, struct exec_args *out);
void exec_args_free(struct exec_args *args);

static inline const char *exec_arg(const struct exec_args *a, size_t i, size_t *len)
{
	*len = a->off[i + 1] - a->off[i];
	return a->data.buf + a->off[i];
}
