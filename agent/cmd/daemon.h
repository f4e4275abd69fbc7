/* `sysq daemon`: the agent, in the foreground. */
#pragma once

/* Runs the daemon with the arguments after "daemon". Returns the process
 * exit status: 0 after a clean stop, 1 on a runtime failure, 2 for bad
 * flags or files. */
int daemon_main(int argc, char **argv);
