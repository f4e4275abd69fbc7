/* fuzz_record: the audit record tokeniser and its value decoders.
 *
 * Covers audit_record_parse (header "audit(SEC.MSEC:SERIAL): ", key=value
 * tokenising, quoted and single-quoted msg='...' values), then for every
 * field audit_value_decode, audit_field_i64 and audit_field_hex_u64, and
 * audit_record_format_line (the --audit_debug output).
 *
 * Why untrusted: the record text comes from the kernel, but most of its
 * bytes are chosen by the processes being audited (comm, exe, cwd, argv,
 * paths) and userspace messages (USER_*, 1005) are written by any program
 * allowed to send AUDIT_USER messages.
 *
 * Input: 2 bytes of record type (little-endian u16), then the record text
 * as the kernel sends it, without "type=NAME msg=". Types 1000-2999 and
 * 0xf000-0xffff are taken as they are; any other value picks one of the
 * types sysq cares about (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, EOE, USER,
 * USER_* 1100-1199), so random mutations mostly land on those.
 *
 * Oracle besides the sanitizers: the formatted log line must parse back
 * (audit_record_parse_log_line) to the same type, id, fields and named
 * fields, since golden captures are replayed from exactly that output. */
#include "audit/record.h"

#include "common/strbuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t pick_type(uint16_t raw)
{
	static const uint16_t common[] = {1300, 1309, 1307, 1302, 1327, 1320, 1005, 1309, 1300};
	const size_t n = sizeof(common) / sizeof(common[0]);
	size_t i;

	if ((raw >= 1000 && raw < 3000) || raw >= 0xf000)
		return raw;
	i = raw % (n + 1);
	if (i == n) /* a USER_* message, 1100-1199 */
		return (uint16_t)(1100 + (raw >> 4) % 100);
	return common[i];
}

/* The fields sysq names from prose (seresult, old_auid...) come back the
 * same from the formatted line too. */
static void check_named_round_trip(const struct audit_record *rec, const struct audit_record *back,
				   const struct strbuf *line)
{
	if (back->nnamed != rec->nnamed) {
		fprintf(stderr, "round trip: named field count differs: %s\n", sb_str(line));
		abort();
	}
	for (uint32_t i = 0; i < rec->nnamed; i++) {
		const struct audit_field *a = &rec->named[i], *b = &back->named[i];

		if (a->key_len != b->key_len || a->val_len != b->val_len ||
		    memcmp(a->key, b->key, a->key_len) != 0 ||
		    memcmp(a->val, b->val, a->val_len) != 0) {
			fprintf(stderr, "round trip: named field %u differs: %s\n", i,
				sb_str(line));
			abort();
		}
	}
}

/* Only the names record.h documents: seresult, seperms, old_KEY, new_KEY. */
static bool named_key_known(const struct audit_field *f)
{
	if (f->key_len == 8 && memcmp(f->key, "seresult", 8) == 0)
		return true;
	if (f->key_len == 7 && memcmp(f->key, "seperms", 7) == 0)
		return f->val_len > 0;
	return f->key_len > 4 && (memcmp(f->key, "old_", 4) == 0 || memcmp(f->key, "new_", 4) == 0);
}

/* Named fields have a documented key, and nothing of them lies outside the
 * record's memory (ASan catches the reads); their values decode like any
 * other. */
static void check_named(const struct audit_record *rec, struct strbuf *out)
{
	for (uint32_t i = 0; i < rec->nnamed; i++) {
		const struct audit_field *f = &rec->named[i];
		int64_t i64;

		if (!named_key_known(f)) {
			fprintf(stderr, "named field %u has an undocumented key\n", i);
			abort();
		}
		sb_append(out, f->key, f->key_len);
		sb_append(out, f->val, f->val_len);
		(void)audit_field_i64(f, &i64);
	}
}

static void check_round_trip(const struct audit_record *rec)
{
	struct strbuf line = STRBUF_INIT;
	struct audit_record *back = NULL;
	char *copy;

	audit_record_format_line(rec, &line);
	/* "UNKNOWN[0]" is not a type name the log parser accepts. */
	if (rec->type != 0) {
		/* An exact-size copy without a terminator, so an overread shows. */
		copy = malloc(line.len ? line.len : 1);
		memcpy(copy, line.buf, line.len);
		if (audit_record_parse_log_line(copy, line.len, &back) < 0) {
			fprintf(stderr, "round trip: formatted line does not parse: %s\n",
				sb_str(&line));
			abort();
		}
		if (back->type != rec->type || back->sec != rec->sec || back->msec != rec->msec ||
		    back->serial != rec->serial || back->nfields != rec->nfields ||
		    back->text_len != rec->text_len ||
		    memcmp(back->text, rec->text, rec->text_len) != 0) {
			fprintf(stderr, "round trip: record differs after format+parse: %s\n",
				sb_str(&line));
			abort();
		}
		for (uint32_t i = 0; i < rec->nfields; i++) {
			const struct audit_field *a = &rec->fields[i], *b = &back->fields[i];

			if (a->key_len != b->key_len || a->val_len != b->val_len ||
			    a->quote != b->quote || memcmp(a->key, b->key, a->key_len) != 0 ||
			    memcmp(a->val, b->val, a->val_len) != 0) {
				fprintf(stderr, "round trip: field %u differs: %s\n", i,
					sb_str(&line));
				abort();
			}
		}
		check_named_round_trip(rec, back, &line);
		audit_record_free(back);
		free(copy);
	}
	sb_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_record *rec;
	struct strbuf out = STRBUF_INIT;
	uint16_t type;

	if (size < 2)
		return 0;
	type = pick_type((uint16_t)(data[0] | data[1] << 8));
	/* libFuzzer's buffer ends exactly at data + size, so reads past the
	 * record are caught by ASan without a copy. */
	if (audit_record_parse(type, (const char *)data + 2, size - 2, &rec) < 0)
		return 0;

	for (uint32_t i = 0; i < rec->nfields; i++) {
		const struct audit_field *f = &rec->fields[i];
		int64_t i64;
		uint64_t u64;
		size_t before = out.len;

		if (f->key_len == 0 || f->key < rec->text ||
		    f->key + f->key_len > rec->text + rec->text_len ||
		    f->val + f->val_len > rec->text + rec->text_len) {
			fprintf(stderr, "field %u lies outside the record text\n", i);
			abort();
		}
		if (audit_value_decode(f, &out) < 0 && out.len != before) {
			fprintf(stderr, "audit_value_decode failed but left output behind\n");
			abort();
		}
		(void)audit_field_i64(f, &i64);
		(void)audit_field_hex_u64(f, &u64);
	}
	/* The lookup helpers that process_events uses. */
	{
		int64_t pid;

		(void)audit_record_i64(rec, "pid", &pid);
		(void)audit_record_decode(rec, "exe", &out);
	}

	check_named(rec, &out);
	check_round_trip(rec);
	sb_free(&out);
	audit_record_free(rec);
	return 0;
}
