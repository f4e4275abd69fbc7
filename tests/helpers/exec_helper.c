/* sysq-test-exec: runs one exec exactly as a test describes it.
 *
 *   sysq-test-exec [--fexecve] [--cwd DIR] PATH ARG0 [ARG...]
 *
 * Changes to DIR, then replaces itself with PATH via execve(2), or via
 * fexecve(3) (execveat with AT_EMPTY_PATH) with --fexecve, passing the
 * arguments byte for byte. Tests pass arguments with spaces, quotes,
 * newlines and non-UTF-8 bytes and then look for exactly these in
 * process_events. The pid does not change across the exec, so the caller
 * knows which rows are its own. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int i = 1, fd;
	int use_fexecve = 0;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "--fexecve") == 0) {
			use_fexecve = 1;
		} else if (strcmp(argv[i], "--cwd") == 0 && i + 1 < argc) {
			if (chdir(argv[++i]) < 0) {
				perror("chdir");
				return 127;
			}
		} else {
			break;
		}
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: sysq-test-exec [--fexecve] [--cwd DIR] PATH ARG0 [ARG...]\n");
		return 2;
	}
	if (!use_fexecve) {
		execve(argv[i], argv + i + 1, environ);
		perror("execve");
		return 127;
	}
	fd = open(argv[i], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("open");
		return 127;
	}
	fexecve(fd, argv + i + 1, environ);
	perror("fexecve");
	return 127;
}
