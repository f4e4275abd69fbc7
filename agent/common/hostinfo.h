/* Facts about the host read from small system files: shared by the host
 * tables (system_info, osquery_info...), the results lines' hostIdentifier
 * and the fleet enrollment, so each names the machine the same way. */
#pragma once

#include <stddef.h>

/* The first line of a small file, trimmed of trailing blanks; NULL when
 * the file is unreadable or the line empty. Free the result. */
char *read_first_line(const char *path);

/* The machine's UUID in upper case: the DMI product UUID, else
 * /etc/machine-id written as a UUID. NULL when neither is readable. */
char *host_uuid(void);

/* A fresh random UUID (lower case) from the kernel. NULL if unreadable. */
char *random_uuid(void);
