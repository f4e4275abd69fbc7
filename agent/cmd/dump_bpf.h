/* `sysq dump --bpf`: the live trace of decoded BPF socket events. */
#pragma once

#include <stdbool.h>

/* Loads its own copy of the socket programs (capturing everything, UNIX
 * sockets included), prints each event until SIGINT/SIGTERM arrives on
 * sigfd, then the in-kernel drop counters on stderr. Returns 0, or 1 if the
 * programs cannot be loaded. */
int dump_bpf_run(bool json, int sigfd);
