/* Loads the toolchain smoke program through its embedded skeleton, the way
 * sysq's own programs will be: open, set read-only data, load (through the
 * real verifier), attach, trigger, read the result, destroy. */
#include "toolchain.skel.h"

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CALLS 10

int main(void)
{
	struct toolchain *skel = toolchain__open();
	int failures = 0, err;

	if (!skel) {
		fprintf(stderr, "toolchain: open failed\n");
		return 1;
	}
	skel->rodata->target_tgid = getpid();
	skel->rodata->target_syscall = SYS_getppid;
	err = toolchain__load(skel);
	if (!err)
		err = toolchain__attach(skel);
	if (err) {
		fprintf(stderr, "toolchain: load/attach failed: %d\n", err);
		toolchain__destroy(skel);
		return 1;
	}
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	if (skel->bss->calls != CALLS) {
		fprintf(stderr, "toolchain: counted %llu getppid calls, expected %d\n",
			(unsigned long long)skel->bss->calls, CALLS);
		failures++;
	}
	if (skel->bss->parent_tgid != getppid()) {
		fprintf(stderr, "toolchain: parent tgid %d, expected %d\n", skel->bss->parent_tgid,
			getppid());
		failures++;
	}
	toolchain__destroy(skel);
	if (!failures)
		printf("toolchain: CO-RE program loaded, attached and counted %d calls\n", CALLS);
	return failures != 0;
}
