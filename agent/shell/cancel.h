/* Ctrl-C in the interactive shell: cancels the line being typed or the
 * query that is running, and never ends the shell.
 *
 * The SIGINT handler only records the request and, while a query runs,
 * shuts the query's socket down. The daemon sees its client hang up and
 * interrupts the statement (control/watch.c), and the shell's read of the
 * answer ends at once. The handler is installed without SA_RESTART, so a
 * read from the terminal at the prompt returns EINTR and the line editor
 * gives the line up. */
#pragma once

#include <stdbool.h>

/* Installs the handler; returns 0 or -errno. */
int cancel_install(void);
/* Restores the signal's previous disposition. */
void cancel_uninstall(void);

/* The socket to shut down on Ctrl-C while a query runs on it, or -1. */
void cancel_arm(int fd);
void cancel_disarm(void);

/* Whether Ctrl-C was pressed since the last call; clears the request. */
bool cancel_take(void);
/* Whether Ctrl-C was pressed, without clearing it. */
bool cancel_pending(void);
