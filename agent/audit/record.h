/* One audit record: its header id and its key=value fields.
 *
 * The kernel sends each record as text: "audit(SEC.MSEC:SERIAL): k=v ...".
 * Values come in four forms: bare (pid=12), double-quoted (comm="ls"),
 * hex-encoded when the value holds unsafe bytes (comm=6C73), and the
 * single-quoted payload of userspace messages (msg='op=... res=success').
 * The parser only tokenises (and names the few fields written as prose,
 * see `named`); values are decoded on demand by the consumer, which knows
 * which fields carry untrusted strings.
 *
 * Return contract: functions returning int give 0 (or a count) on success
 * and a negative errno on failure. */
#pragma once

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct audit_field {
	const char *key; /* points into the record's text */
	const char *val;
	uint32_t key_len;
	uint32_t val_len;
	char quote; /* 0 for bare values, '"' or '\'' */
};

struct audit_record {
	uint16_t type;
	uint64_t sec;
	uint32_t msec;
	uint64_t serial;
	uint32_t nfields;
	struct audit_field *fields;
	size_t text_len;
	char *text; /* the whole record, NUL-terminated */
	/* From a log line only (NULL otherwise), NUL-terminated: auditd's
	 * node=HOST prefix, and the interpreted fields of its ENRICHED format
	 * (the text after the 0x1d separator). */
	const char *node;
	const char *enriched;
	/* Fields sysq names itself from words that are not key=value pairs
	 * (their keys and some values lie outside `text`):
	 * - an SELinux AVC's "avc:  denied  { read write } for ..." gives
	 *   seresult ("denied" or "granted") and seperms ("read,write", the
	 *   set joined with commas, as auparse does);
	 * - the old LOGIN format's "old auid=X new auid=Y" gives old_auid and
	 *   new_auid (like the newer kernel's old-auid=), and those pairs are
	 *   then not in `fields`, so no key appears twice. */
	uint32_t nnamed;
	struct audit_field *named;
	struct audit_record *next; /* the assembler chains an event's records */
};

/* Longest record the kernel sends (MAX_AUDIT_MESSAGE_LENGTH is 8970). */
#define AUDIT_RECORD_MAX 9000

/* Parses the netlink payload of one record. Returns 0 with *ret set (free
 * with audit_record_free), or -EINVAL when the record is malformed: a bad
 * "audit(...)" header, an empty key or an unterminated quote. */
int audit_record_parse(uint16_t type, const char *buf, size_t len, struct audit_record **ret);
void audit_record_free(struct audit_record *rec);

/* Parses one line of an auditd log ("type=NAME msg=audit(...): ..."), as
 * written by --audit_debug and auditd, into a record. -EINVAL if malformed.
 * It takes what auditd writes and the kernel never sends: a "node=HOST "
 * prefix, the ENRICHED format's 0x1d separator and interpreted fields, a
 * header with no colon (auditd's own "audit(...) config changed, ..."), and
 * a userspace message whose closing quote is missing (the message runs to
 * the end of the line, as ausearch reads it). */
int audit_record_parse_log_line(const char *line, size_t len, struct audit_record **ret);

/* True for a line of a log that holds no record: blank, or a comment
 * starting with '#'. Readers skip these without counting them as bad. */
bool audit_log_line_is_blank(const char *line, size_t len);

/* First field called `key` (in `fields`, then in `named`), or NULL. */
const struct audit_field *audit_record_field(const struct audit_record *rec, const char *key);
const struct audit_field *audit_fields_find(const struct audit_field *fields, unsigned n,
					    const char *key);

/* Splits the value of a userspace message's msg='...' field into its own
 * key=value fields (pointing into the record), at most `max`; the rest are
 * ignored. Returns the count, or -EINVAL if the payload is malformed. */
int audit_msg_fields(const struct audit_field *msg, struct audit_field *out, unsigned max);

/* Decodes an untrusted string value: a quoted value is taken as is, a bare
 * value is hex-decoded. Appends to `out`. Returns 0, -ENOENT for the
 * kernel's "(null)", or -EINVAL for a bare value that is not valid hex. */
int audit_value_decode(const struct audit_field *f, struct strbuf *out);

/* Decodes hex text into at most `max` bytes; returns the byte count, or
 * -EINVAL for odd length, a non-hex digit or more than `max` bytes. */
ssize_t audit_hex_to_bytes(const char *hex, size_t len, void *out, size_t max);

/* True for fields the kernel or libaudit writes hex-encoded when they
 * hold unsafe bytes: exe, comm, cwd, name, proctitle, acct, cmd, key and,
 * in EXECVE records only, the arguments (aN, aN[i]; elsewhere aN are
 * syscall arguments in plain hex numbers). */
bool audit_field_is_encoded(uint16_t type, const struct audit_field *f);

/* Decimal (possibly negative) value of a numeric field. */
int audit_field_i64(const struct audit_field *f, int64_t *ret);
/* Hexadecimal value of a field such as arch=c000003e or a0=7ffd. */
int audit_field_hex_u64(const struct audit_field *f, uint64_t *ret);

/* Convenience lookups: -ENOENT when the field is absent. */
int audit_record_i64(const struct audit_record *rec, const char *key, int64_t *ret);
int audit_record_decode(const struct audit_record *rec, const char *key, struct strbuf *out);

/* Writes the record as an auditd log line ("type=SYSCALL msg=audit(...): ...")
 * with unsafe bytes escaped, without a newline. */
void audit_record_format_line(const struct audit_record *rec, struct strbuf *out);

/* The payload's length without the NULs and newline the kernel may end
 * it with. */
size_t audit_payload_len(const char *payload, size_t len);

/* audit_record_format_line() of a payload as received, unparsed. */
void audit_payload_format_line(uint16_t type, const char *payload, size_t len,
			       struct strbuf *out);
