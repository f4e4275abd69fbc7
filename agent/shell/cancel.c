/* The interactive shell's SIGINT handling: see cancel.h. */
#include "cancel.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

static volatile sig_atomic_t requested;
static volatile sig_atomic_t armed_fd = -1;
static struct sigaction previous;
static bool installed;

/* Async-signal-safe: a flag and shutdown(2). */
static void on_sigint(int sig)
{
	int fd = armed_fd;
	int saved = errno;

	(void)sig;
	requested = 1;
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	errno = saved;
}

int cancel_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the prompt's blocking read must see EINTR. */
	sa.sa_flags = 0;
	if (sigaction(SIGINT, &sa, &previous) < 0)
		return -errno;
	installed = true;
	return 0;
}

void cancel_uninstall(void)
{
	if (installed)
		sigaction(SIGINT, &previous, NULL);
	installed = false;
	armed_fd = -1;
}

void cancel_arm(int fd)
{
	armed_fd = fd;
}

void cancel_disarm(void)
{
	armed_fd = -1;
}

bool cancel_take(void)
{
	bool was = requested != 0;

	requested = 0;
	return was;
}

bool cancel_pending(void)
{
	return requested != 0;
}
