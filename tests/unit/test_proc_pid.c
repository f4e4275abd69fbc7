/* The pid-reuse guard and reads through a process's root, on this test's
 * own process: an event after its start finds it, an event before its
 * start (a pid that would have named another process) does not, and a pid
 * no process has is gone. */
#include "check.h"

#include "container/proc_pid.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_open(void)
{
	int fd = proc_pid_open(getpid(), now_ms());

	if (CHECK(fd >= 0))
		close(fd);
	/* An event an hour before this process started. */
	CHECK_EQ_INT(proc_pid_open(getpid(), now_ms() - 3600 * 1000), -ESRCH);
	CHECK_EQ_INT(proc_pid_open(0, now_ms()), -ESRCH);
	CHECK_EQ_INT(proc_pid_open(0x3fffffff, now_ms()), -ESRCH);
}

static void test_root_statx(void)
{
	struct statx via_root, direct;

	if (!CHECK_EQ_INT(proc_root_statx(getpid(), now_ms(), "/proc/self/exe", STATX_INO,
					  &via_root), -ELOOP))
		return;
	CHECK_EQ_INT(proc_root_statx(getpid(), now_ms(), "/", STATX_INO, &via_root), 0);
	CHECK_EQ_INT(statx(AT_FDCWD, "/", 0, STATX_INO, &direct), 0);
	CHECK_EQ_UINT(via_root.stx_ino, direct.stx_ino);
	CHECK_EQ_INT(proc_root_statx(getpid(), now_ms(), "/no/such/file", STATX_INO, &via_root),
		     -ENOENT);
	CHECK_EQ_INT(proc_root_statx(getpid(), now_ms() - 3600 * 1000, "/", STATX_INO, &via_root),
		     -ESRCH);
}

int main(void)
{
	test_open();
	test_root_statx();
	return check_finish();
}
