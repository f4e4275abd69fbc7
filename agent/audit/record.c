/* Audit record tokeniser and value decoders. */
#include "record.h"

#include "record_types.h"

#include "common/escape.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hex digit values plus one; 0 marks a byte that is not a hex digit. */
static const unsigned char hex_value[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

static int hex_nibble(char c)
{
	return hex_value[(unsigned char)c] - 1;
}

/* Parses an unsigned decimal number of at most 20 digits at *p. */
static int parse_u64(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	while (s < end && *s >= '0' && *s <= '9') {
		uint64_t d = (uint64_t)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
		s++;
	}
	*p = s;
	*ret = v;
	return 0;
}

/* "audit(SEC.MSEC:SERIAL): " -> id fields; *body is set past the colon.
 * `lenient` (log lines) also takes "audit(...) text": auditd's own old
 * messages have no colon. */
static int parse_header(struct audit_record *rec, const char *text, const char *end,
			const char **body, bool lenient)
{
	const char *p = text;
	uint64_t msec;

	if ((size_t)(end - p) < 6 || memcmp(p, "audit(", 6) != 0)
		return -EINVAL;
	p += 6;
	if (parse_u64(&p, end, &rec->sec) < 0 || p >= end || *p++ != '.')
		return -EINVAL;
	if (parse_u64(&p, end, &msec) < 0 || msec > 999 || p >= end || *p++ != ':')
		return -EINVAL;
	if (parse_u64(&p, end, &rec->serial) < 0)
		return -EINVAL;
	rec->msec = (uint32_t)msec;
	if (end - p >= 2 && p[0] == ')' && p[1] == ':') {
		*body = p + 2;
		return 0;
	}
	if (lenient && p < end && p[0] == ')' && (p + 1 == end || p[1] == ' ')) {
		*body = p + 1;
		return 0;
	}
	return -EINVAL;
}

/* Upper bound on the number of fields: one per '='. */
static uint32_t count_equals(const char *p, const char *end)
{
	uint32_t n = 0;

	while ((p = memchr(p, '=', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Finds the end of a single-quoted msg='...' value: the first quote that
 * is followed by a space or the end of the record. */
static const char *find_msg_end(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == '\'' && (p + 1 == end || p[1] == ' '))
			return p;
	}
	return NULL;
}

/* Reads one value starting at *p. Returns 0, or -EINVAL for an
 * unterminated quote; with `lenient`, an unterminated msg='... runs to the
 * end, as ausearch reads it. */
static int scan_value(struct audit_field *f, const char **p, const char *end, bool lenient)
{
	const char *s = *p;
	const char *close;

	if (s < end && (*s == '"' || *s == '\'')) {
		f->quote = *s;
		s++;
		close = f->quote == '\'' ? find_msg_end(s, end) :
					    memchr(s, '"', (size_t)(end - s));
		if (!close && lenient && f->quote == '\'')
			close = end;
		if (!close)
			return -EINVAL;
		f->val = s;
		f->val_len = (uint32_t)(close - s);
		*p = close < end ? close + 1 : end;
		return 0;
	}
	f->quote = 0;
	f->val = s;
	close = memchr(s, ' ', (size_t)(end - s));
	s = close ? close : end;
	f->val_len = (uint32_t)(s - f->val);
	*p = s;
	return 0;
}

/* Where the fields sysq names itself go (see struct audit_record): their
 * array and room for the names and values composed from the text. Every
 * composed string is no longer than the span of text it comes from. */
struct named_out {
	struct audit_field *fields;
	uint32_t n;
	char *buf;
};

static bool word_is(const char *w, size_t len, const char *what)
{
	return len == strlen(what) && memcmp(w, what, len) == 0;
}

/* The old LOGIN format's "old auid=X new auid=Y": `f` (read after the bare
 * word `prefix`) becomes the named field old_auid or new_auid. */
static void name_with_prefix(struct named_out *nm, struct audit_field *f, const char *prefix)
{
	char *key = nm->buf;

	memcpy(key, prefix, 3);
	key[3] = '_';
	memcpy(key + 4, f->key, f->key_len);
	f->key = key;
	f->key_len += 4;
	nm->buf += f->key_len;
}

/* Splits [p, end) into at most `max` fields (the rest are ignored).
 * Words without '=' (AVC prose such as "avc:  denied  { read }") are
 * skipped rather than rejected; with `nm`, a pair after the word "old" or
 * "new" goes to nm as old_KEY or new_KEY. Returns the count, or -EINVAL
 * for an empty key or an unterminated quote. */
static int tokenise(struct audit_field *fields, uint32_t max, const char *p, const char *end,
		    bool lenient, struct named_out *nm)
{
	const char *prefix = NULL;
	uint32_t n = 0;

	while (p < end && n < max) {
		struct audit_field *f;
		const char *key;

		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		key = p;
		while (p < end && *p != '=' && *p != ' ')
			p++;
		if (p >= end || *p == ' ') { /* a bare word */
			bool old_new = word_is(key, (size_t)(p - key), "old") ||
				       word_is(key, (size_t)(p - key), "new");

			prefix = nm && old_new ? key : NULL;
			continue;
		}
		if (p == key)
			return -EINVAL;
		f = prefix ? &nm->fields[nm->n++] : &fields[n++];
		f->key = key;
		f->key_len = (uint32_t)(p - key);
		p++; /* '=' */
		if (scan_value(f, &p, end, lenient) < 0)
			return -EINVAL;
		if (prefix)
			name_with_prefix(nm, f, prefix);
		prefix = NULL;
	}
	return (int)n;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* The words of an AVC's "{ read write }", joined with commas into a named
 * seperms field. Returns the text after the closing brace, or `p` when
 * there is none (the words are then left to the tokeniser, as before). */
static const char *take_avc_perms(struct named_out *nm, const char *p, const char *end)
{
	const char *close = memchr(p, '}', (size_t)(end - p));
	struct audit_field *f;
	char *out = nm->buf;

	if (p >= end || *p != '{' || !close)
		return p;
	for (const char *w = skip_spaces(p + 1, close); w < close; w = skip_spaces(w, close)) {
		const char *we = w;

		while (we < close && *we != ' ')
			we++;
		if (out != nm->buf)
			*out++ = ',';
		memcpy(out, w, (size_t)(we - w));
		out += we - w;
		w = we;
	}
	if (out != nm->buf) {
		f = &nm->fields[nm->n++];
		*f = (struct audit_field){.key = "seperms",
					  .key_len = 7,
					  .val = nm->buf,
					  .val_len = (uint32_t)(out - nm->buf)};
		nm->buf = out;
	}
	return close + 1;
}

/* An SELinux AVC's prose before its pairs, "avc:  denied  { read } for":
 * seresult and seperms go to nm. Returns where the tokeniser goes on. */
static const char *take_avc(struct named_out *nm, const char *body, const char *end)
{
	const char *p = skip_spaces(body, end);
	const char *word;

	if (!nm || end - p < 4 || memcmp(p, "avc:", 4) != 0)
		return body;
	word = p = skip_spaces(p + 4, end);
	while (p < end && *p != ' ')
		p++;
	if (!word_is(word, (size_t)(p - word), "denied") &&
	    !word_is(word, (size_t)(p - word), "granted"))
		return body;
	nm->fields[nm->n++] = (struct audit_field){
	    .key = "seresult", .key_len = 8, .val = word, .val_len = (uint32_t)(p - word)};
	return take_avc_perms(nm, skip_spaces(p, end), end);
}

/* The old PAM message shape, "PAM: session open acct=root : exe=...
 * (hostname=?, addr=?, terminal=cron res=success)": from the field whose
 * key opens the parenthesis on, the separating commas and the closing
 * parenthesis are not part of the values (ausearch reads it so). */
static void strip_parenthesised(struct audit_field *fields, int n)
{
	int i = 0;

	while (i < n && fields[i].key[0] != '(')
		i++;
	if (i == n || fields[i].key_len < 2)
		return;
	fields[i].key++;
	fields[i].key_len--;
	for (; i < n; i++) {
		struct audit_field *f = &fields[i];

		if (f->quote || f->val_len == 0)
			continue;
		if (f->val[f->val_len - 1] == ',' || (i == n - 1 && f->val[f->val_len - 1] == ')'))
			f->val_len--;
	}
}

int audit_msg_fields(const struct audit_field *msg, struct audit_field *out, unsigned max)
{
	int n = tokenise(out, max, msg->val, msg->val + msg->val_len, false, NULL);

	if (n > 0)
		strip_parenthesised(out, n);
	return n;
}

/* What a log line adds to the record: strings copied after its text. */
struct record_extra {
	bool lenient;
	const char *node;
	size_t node_len;
	const char *enriched;
	size_t enriched_len;
};

/* Copies `len` bytes to *dst, NUL-terminated; returns the copy. */
static const char *copy_extra(char **dst, const char *src, size_t len)
{
	char *copy = *dst;

	memcpy(copy, src, len);
	copy[len] = '\0';
	*dst += len + 1;
	return copy;
}

/* Whether the text may hold words sysq names fields from (see take_avc and
 * tokenise); only then is room made for them. */
static bool may_have_named(const char *buf, size_t len)
{
	return memmem(buf, len, "avc:", 4) || memmem(buf, len, "old ", 4) ||
	       memmem(buf, len, "new ", 4);
}

/* Bytes for the record with room for `max_fields` fields, `nslots` named
 * ones and, if there are any, their composed text (at most the text's
 * length: each composed string is no longer than the span it comes from). */
static size_t record_size(uint32_t max_fields, uint32_t nslots, size_t len,
			  const struct record_extra *x)
{
	return sizeof(struct audit_record) + (max_fields + nslots) * sizeof(struct audit_field) +
	       len + 1 + x->node_len + 1 + x->enriched_len + 1 + (nslots ? len : 0);
}

/* Tokenises the text after the header into fields and, when `nm` is set,
 * named fields. */
static int record_tokenise(struct audit_record *rec, uint32_t max_fields, const char *body,
			   struct named_out *nm, bool lenient)
{
	const char *end = rec->text + rec->text_len;
	int n;

	if (!nm->fields)
		return tokenise(rec->fields, max_fields, body, end, lenient, NULL);
	body = take_avc(nm, body, end);
	n = tokenise(rec->fields, max_fields, body, end, lenient, nm);
	rec->named = nm->fields;
	rec->nnamed = nm->n;
	return n;
}

static int record_parse(uint16_t type, const char *buf, size_t len,
			const struct record_extra *x, struct audit_record **ret)
{
	struct named_out nm = {0};
	struct audit_record *rec;
	const char *body;
	uint32_t max_fields, nslots;
	char *mem, *extra;
	int n;

	/* The kernel may count a trailing NUL or newline in the length. */
	while (len > 0 && (buf[len - 1] == '\0' || buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (len == 0 || len > AUDIT_RECORD_MAX || memchr(buf, '\0', len))
		return -EINVAL;

	max_fields = count_equals(buf, buf + len);
	/* Laid out as: the record, its fields, the named fields, the text,
	 * the log line's extras, the named fields' composed text. */
	nslots = may_have_named(buf, len) ? max_fields + 2 : 0;
	mem = xmalloc(record_size(max_fields, nslots, len, x));
	rec = (struct audit_record *)mem;
	memset(rec, 0, sizeof(*rec));
	rec->fields = (struct audit_field *)(mem + sizeof(*rec));
	if (nslots)
		nm.fields = rec->fields + max_fields;
	rec->text = (char *)(rec->fields + max_fields + nslots);
	memcpy(rec->text, buf, len);
	rec->text[len] = '\0';
	rec->text_len = len;
	rec->type = type;
	extra = rec->text + len + 1;
	if (x->node)
		rec->node = copy_extra(&extra, x->node, x->node_len);
	if (x->enriched)
		rec->enriched = copy_extra(&extra, x->enriched, x->enriched_len);
	nm.buf = extra;

	n = parse_header(rec, rec->text, rec->text + len, &body, x->lenient);
	if (n == 0)
		n = record_tokenise(rec, max_fields, body, &nm, x->lenient);
	if (n < 0) {
		free(rec);
		return -EINVAL;
	}
	rec->nfields = (uint32_t)n;
	*ret = rec;
	return 0;
}

int audit_record_parse(uint16_t type, const char *buf, size_t len, struct audit_record **ret)
{
	static const struct record_extra none;

	return record_parse(type, buf, len, &none, ret);
}

void audit_record_free(struct audit_record *rec)
{
	free(rec);
}

/* Reverses c_escape_append: \\, \n, \t and \xHH. Returns -EINVAL on a
 * dangling or unknown escape. */
static int c_unescape(const char *p, const char *end, struct strbuf *out)
{
	while (p < end) {
		int hi, lo;

		if (*p != '\\') {
			sb_putc(out, *p++);
			continue;
		}
		if (end - p < 2)
			return -EINVAL;
		switch (p[1]) {
		case '\\':
			sb_putc(out, '\\');
			break;
		case 'n':
			sb_putc(out, '\n');
			break;
		case 't':
			sb_putc(out, '\t');
			break;
		case 'x':
			if (end - p < 4 || (hi = hex_nibble(p[2])) < 0 || (lo = hex_nibble(p[3])) < 0)
				return -EINVAL;
			sb_putc(out, (char)(hi << 4 | lo));
			p += 2;
			break;
		default:
			return -EINVAL;
		}
		p += 2;
	}
	return 0;
}

/* "node=HOST " at the start of a line: sets the node and moves *p past it. */
static void take_node(const char **p, const char *end, struct record_extra *x)
{
	const char *s = *p;
	const char *sp;

	if ((size_t)(end - s) < 5 || memcmp(s, "node=", 5) != 0)
		return;
	sp = memchr(s, ' ', (size_t)(end - s));
	if (!sp)
		return;
	x->node = s + 5;
	x->node_len = (size_t)(sp - x->node);
	while (sp < end && *sp == ' ')
		sp++;
	*p = sp;
}

static bool has_nul(const char *s, size_t len)
{
	return len > 0 && memchr(s, '\0', len) != NULL;
}

int audit_record_parse_log_line(const char *line, size_t len, struct audit_record **ret)
{
	struct strbuf payload = STRBUF_INIT;
	struct record_extra x = {.lenient = true};
	const char *end = line + len;
	const char *name, *p = line, *gs;
	int type, err;

	/* auditd's enriched format appends translated fields after a GS byte. */
	gs = memchr(line, 0x1d, len);
	if (gs) {
		end = gs;
		x.enriched = gs + 1;
		x.enriched_len = len - (size_t)(gs + 1 - line);
	}
	take_node(&p, end, &x);
	if ((size_t)(end - p) < 5 || memcmp(p, "type=", 5) != 0)
		return -EINVAL;
	name = p + 5;
	p = name;
	while (p < end && *p != ' ')
		p++;
	type = audit_type_from_name(name, (size_t)(p - name));
	if (type < 0)
		return -EINVAL;
	while (p < end && *p == ' ')
		p++;
	if ((size_t)(end - p) < 4 || memcmp(p, "msg=", 4) != 0)
		return -EINVAL;
	p += 4;
	err = c_unescape(p, end, &payload);
	if (err == 0 && (has_nul(x.node, x.node_len) || has_nul(x.enriched, x.enriched_len)))
		err = -EINVAL;
	if (err == 0)
		err = record_parse((uint16_t)type, sb_str(&payload), payload.len, &x, ret);
	sb_free(&payload);
	return err;
}

bool audit_log_line_is_blank(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	return i == len || line[i] == '#';
}

const struct audit_field *audit_fields_find(const struct audit_field *fields, unsigned n,
					    const char *key)
{
	size_t klen = strlen(key);

	for (unsigned i = 0; i < n; i++) {
		if (fields[i].key_len == klen && memcmp(fields[i].key, key, klen) == 0)
			return &fields[i];
	}
	return NULL;
}

const struct audit_field *audit_record_field(const struct audit_record *rec, const char *key)
{
	const struct audit_field *f = audit_fields_find(rec->fields, rec->nfields, key);

	return f ? f : audit_fields_find(rec->named, rec->nnamed, key);
}

ssize_t audit_hex_to_bytes(const char *hex, size_t len, void *out, size_t max)
{
	unsigned char *o = out;

	if (len % 2 || len / 2 > max)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 2) {
		unsigned hi = hex_value[(unsigned char)hex[i]];
		unsigned lo = hex_value[(unsigned char)hex[i + 1]];

		if (!hi || !lo)
			return -EINVAL;
		o[i / 2] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return (ssize_t)(len / 2);
}

int audit_value_decode(const struct audit_field *f, struct strbuf *out)
{
	ssize_t n;

	if (f->quote) {
		sb_append(out, f->val, f->val_len);
		return 0;
	}
	if (f->val_len == 6 && memcmp(f->val, "(null)", 6) == 0)
		return -ENOENT;
	sb_reserve(out, f->val_len / 2);
	n = audit_hex_to_bytes(f->val, f->val_len, out->buf + out->len, f->val_len / 2);
	if (n < 0) {
		out->buf[out->len] = '\0';
		return -EINVAL;
	}
	out->len += (size_t)n;
	out->buf[out->len] = '\0';
	return 0;
}

/* aN or aN[i]: an EXECVE argument or argument chunk. */
static bool is_execve_arg_key(const char *k, size_t len)
{
	size_t i = 1;

	if (len < 2 || k[0] != 'a')
		return false;
	while (i < len && k[i] >= '0' && k[i] <= '9')
		i++;
	if (i == 1)
		return false;
	if (i == len)
		return true;
	if (k[i] != '[' || k[len - 1] != ']' || i + 2 >= len)
		return false;
	for (i++; i < len - 1; i++) {
		if (k[i] < '0' || k[i] > '9')
			return false;
	}
	return true;
}

bool audit_field_is_encoded(uint16_t type, const struct audit_field *f)
{
	static const char *const keys[] = {"exe",  "comm", "cwd", "name",
					   "proctitle", "acct", "cmd", "key"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (f->key_len == strlen(keys[i]) && memcmp(f->key, keys[i], f->key_len) == 0)
			return true;
	}
	return type == AUDIT_TYPE_EXECVE && is_execve_arg_key(f->key, f->key_len);
}

int audit_field_i64(const struct audit_field *f, int64_t *ret)
{
	const char *p = f->val;
	const char *end = f->val + f->val_len;
	bool negative = false;
	uint64_t v;

	if (p < end && *p == '-') {
		negative = true;
		p++;
	}
	if (parse_u64(&p, end, &v) < 0 || p != end)
		return -EINVAL;
	if (negative) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -EINVAL;
		*ret = (int64_t)(0 - v);
	} else {
		/* Unsigned ids such as auid=4294967295 fit; only 2^63+ fails. */
		if (v > (uint64_t)INT64_MAX)
			return -EINVAL;
		*ret = (int64_t)v;
	}
	return 0;
}

int audit_field_hex_u64(const struct audit_field *f, uint64_t *ret)
{
	uint64_t v = 0;

	if (f->val_len == 0 || f->val_len > 16)
		return -EINVAL;
	for (uint32_t i = 0; i < f->val_len; i++) {
		int n = hex_nibble(f->val[i]);

		if (n < 0)
			return -EINVAL;
		v = v << 4 | (uint64_t)n;
	}
	*ret = v;
	return 0;
}

int audit_record_i64(const struct audit_record *rec, const char *key, int64_t *ret)
{
	const struct audit_field *f = audit_record_field(rec, key);

	return f ? audit_field_i64(f, ret) : -ENOENT;
}

int audit_record_decode(const struct audit_record *rec, const char *key, struct strbuf *out)
{
	const struct audit_field *f = audit_record_field(rec, key);

	return f ? audit_value_decode(f, out) : -ENOENT;
}

size_t audit_payload_len(const char *payload, size_t len)
{
	while (len > 0 && (payload[len - 1] == '\0' || payload[len - 1] == '\n'))
		len--;
	return len;
}

void audit_payload_format_line(uint16_t type, const char *payload, size_t len,
			       struct strbuf *out)
{
	struct audit_record raw = {.type = type, .text = (char *)payload,
				   .text_len = audit_payload_len(payload, len)};

	audit_record_format_line(&raw, out);
}

void audit_record_format_line(const struct audit_record *rec, struct strbuf *out)
{
	const char *name = audit_type_name(rec->type);

	if (rec->node) {
		sb_puts(out, "node=");
		c_escape_append(out, rec->node, strlen(rec->node));
		sb_putc(out, ' ');
	}
	if (name)
		sb_printf(out, "type=%s msg=", name);
	else
		sb_printf(out, "type=UNKNOWN[%u] msg=", rec->type);
	c_escape_append(out, rec->text, rec->text_len);
}
