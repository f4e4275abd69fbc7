/* Helpers for table modules that build rows from audit records. */
#pragma once

#include "audit/assembler.h"
#include "audit/record.h"
#include "store/row.h"

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An integer audit field and the column it fills. */
struct field_column {
	const char *field;
	unsigned col;
};

/* Copies the integer fields of `rec` named in `map` into their columns;
 * a missing or non-numeric field leaves its column NULL. */
void audit_row_ints(struct row *row, const struct audit_record *rec,
		    const struct field_column *map, size_t n);

/* Decodes an untrusted string field (quoted or hex) into a column. An
 * absent field or the kernel's "(null)" leaves the column NULL; a value
 * that is neither quoted nor hex is kept as it came. */
void audit_row_decoded(struct row *row, unsigned col, const struct audit_field *f,
		       struct strbuf *scratch);

/* The node= of a record from a saved log into `col`; nothing live. */
void audit_row_node(struct row *row, unsigned col, const struct audit_record *rec);

/* What a SYSCALL record says about the call. */
struct syscall_info {
	int which;	   /* enum audit_syscall, or -1 if not in sysq's table */
	uint32_t arch;	   /* the record's AUDIT_ARCH_* */
	bool success;
	bool has_exit;
	int64_t exit;	   /* the return value, or -errno */
	int64_t pid;
};

/* Reads arch, syscall, success, exit and pid. Returns -EINVAL if arch or
 * syscall is missing or malformed. */
int audit_syscall_info(const struct audit_record *sc, struct syscall_info *out);
