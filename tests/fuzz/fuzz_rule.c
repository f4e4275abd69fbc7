/* fuzz_rule: audit_rule_has_key, the reader of rules the kernel lists.
 *
 * At start-up sysq lists the loaded audit rules (AUDIT_LIST_RULES) and
 * deletes stale ones keyed "sysq". audit_rule_has_key walks a struct
 * audit_rule_data: field_count entries of fields[]/values[], where string
 * fields (filterkey, watch, dir, exe, SELinux labels) take values[i] bytes
 * from buf in field order, and a filterkey holds keys joined by \x01.
 *
 * Why untrusted: the rules were loaded by other programs (auditctl,
 * auditd's rules.d, another agent), so their contents, field counts and
 * lengths are not sysq's; the netlink message length bounds the buffer.
 *
 * Input: the bytes of one struct audit_rule_data followed by its buf, in
 * host byte order, of any length (shorter than the struct included, which
 * the function must reject before reading). */
#include "audit/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy: malloc's alignment suits the struct, and
	 * ASan flags any read past `size`. */
	struct audit_rule_data *rule = malloc(size ? size : 1);
	bool has;

	memcpy(rule, data, size);
	has = audit_rule_has_key(rule, size, SYSQ_RULE_KEY);
	/* A match must come from the key's bytes in buf. */
	if (has && (size < sizeof(*rule) ||
		    !memmem(data + sizeof(*rule), size - sizeof(*rule), SYSQ_RULE_KEY,
			    strlen(SYSQ_RULE_KEY)))) {
		fprintf(stderr, "audit_rule_has_key: true without \"%s\" in buf\n",
			SYSQ_RULE_KEY);
		abort();
	}
	free(rule);
	return 0;
}
