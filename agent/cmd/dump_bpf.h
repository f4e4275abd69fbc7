/* `sysq dump --bpf`: the live trace of decoded BPF socket and exec events. */
#pragma once

#include <stdbool.h>

/* Loads its own copy of the socket programs (capturing everything, UNIX
 * sockets included) and of the exec program, prints each event until
 * SIGINT/SIGTERM arrives on sigfd, then the in-kernel drop counters on
 * stderr. Returns 0, or 1 if the socket programs cannot be loaded (without
 * the exec program it goes on, saying why). */
int dump_bpf_run(bool json, int sigfd);
