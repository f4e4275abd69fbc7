/* sysq-test-compat: makes 32-bit syscalls whose numbers are 64-bit socket
 * calls, then one real connect, for the BPF socket test.
 *
 *   sysq-test-compat PORT
 *
 * Through int 0x80 the kernel runs i386 syscalls: 42 pipe, 43 times,
 * 49 geteuid, 50 getegid, 288 keyctl; in the 64-bit table the same
 * numbers are connect, accept, bind, listen and accept4. The 64-bit
 * argument registers hold a real UDP socket and an address for PORT + 1,
 * so a program that misread the 32-bit calls would report them as socket
 * calls on that address. Last, one UDP connect to 127.0.0.1:PORT marks the
 * end. Prints its pid.
 *
 * A kernel built without IA32 emulation (or booted with
 * ia32_emulation=0) has no int 0x80 gate: the first one faults. The
 * helper then exits with NO_IA32 and makes no call, as no process on such
 * a kernel can make a 32-bit syscall either. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define NO_IA32 77

static sigjmp_buf no_gate;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(no_gate, 1);
}

static long int80(long nr, long fd, const void *addr, long len)
{
	register long rdi __asm__("rdi") = fd;
	register long rsi __asm__("rsi") = (long)addr;
	register long rdx __asm__("rdx") = len;
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(fd), "c"(0), "r"(rdi), "r"(rsi), "r"(rdx)
			 : "memory");
	return ret;
}

int main(int argc, char **argv)
{
	static const long numbers[] = {42, 43, 49, 50, 288};
	struct sockaddr_in a = {.sin_family = AF_INET};
	int port = argc == 2 ? atoi(argv[1]) : 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (port <= 0 || port >= 65535 || fd < 0) {
		fprintf(stderr, "usage: sysq-test-compat PORT\n");
		return 2;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)(port + 1));
	signal(SIGSEGV, on_fault);
	if (sigsetjmp(no_gate, 1)) {
		fprintf(stderr, "sysq-test-compat: int 0x80 faults: no IA32 emulation\n");
		return NO_IA32;
	}
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		int80(numbers[i], fd, &a, sizeof(a));
	signal(SIGSEGV, SIG_DFL);
	a.sin_port = htons((unsigned short)port);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		return 1;
	}
	printf("%d\n", getpid());
	return 0;
}
