/* `sysq dump --bpf`, exec half: formats the exec program's decoded
 * events (bpf/exec_decode.h) as one text line or one JSON object each,
 * with every string that comes from the traced process (comm, paths,
 * arguments) escaped. dump_bpf.c runs the program beside the socket
 * programs and prints what these build. */
#pragma once

#include "bpf/exec_decode.h"

#include "common/strbuf.h"

#include <stdbool.h>

/* Appends the event to `out`, without a newline. */
void dump_exec_format(struct strbuf *out, const struct bpf_exec *e, bool json);
