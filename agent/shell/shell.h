/* `sysq shell`: query the running daemon, once or interactively. */
#pragma once

/* Runs the shell with the arguments after "shell"; returns the exit
 * status: 0, 1 when a query or the connection failed, 2 for bad usage. */
int shell_main(int argc, char **argv);
