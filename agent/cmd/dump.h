/* `sysq dump`: the live debug trace of audit records. */
#pragma once

/* Runs the dump with the arguments after "dump"; returns the exit status:
 * 0 after Ctrl-C, 1 if the audit socket cannot be read, 2 for bad usage. */
int dump_main(int argc, char **argv);
