/* Packed rows: encoding and decoding (format in packed.h). */
#include "packed.h"

#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VARINT_MAX 10

void packed_layout_init(struct packed_layout *l, const struct table_def *def)
{
	l->columns = xcalloc(def->ncolumns ? def->ncolumns : 1, sizeof(*l->columns));
	l->n = 0;
	for (unsigned i = 0; i < def->ncolumns; i++) {
		if ((int)i != def->eid_column && (int)i != def->time_column)
			l->columns[l->n++] = i;
	}
}

void packed_layout_free(struct packed_layout *l)
{
	free(l->columns);
	l->columns = NULL;
	l->n = 0;
}

char *packed_layout_names(const struct packed_layout *l, const struct table_def *def)
{
	struct strbuf sb = STRBUF_INIT;

	for (unsigned i = 0; i < l->n; i++) {
		if (i)
			sb_putc(&sb, ',');
		sb_puts(&sb, def->columns[l->columns[i]].name);
	}
	return sb_detach(&sb);
}

static void put_varint(struct strbuf *out, uint64_t v)
{
	unsigned char buf[VARINT_MAX];
	size_t n = 0;

	do {
		buf[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			buf[n] |= 0x80;
		n++;
	} while (v);
	sb_append(out, buf, n);
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

void packer_begin(struct packer *p, struct strbuf *out)
{
	p->out = out;
	p->start = p->end = out->len;
}

void packer_null(struct packer *p)
{
	sb_putc(p->out, 0);
}

void packer_int(struct packer *p, int64_t v)
{
	sb_putc(p->out, 1);
	put_varint(p->out, zigzag(v));
	p->end = p->out->len;
}

void packer_text(struct packer *p, const void *s, size_t len)
{
	put_varint(p->out, (uint64_t)len + 2);
	sb_append(p->out, s, len);
	p->end = p->out->len;
}

void packer_end(struct packer *p)
{
	sb_truncate(p->out, p->end);
}

/* Writes v as a varint at p; returns the end. */
static unsigned char *write_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

size_t packed_encoded_max(const struct row *row, const struct packed_layout *l)
{
	/* No value takes more than two varints plus its text, and the row's
	 * text buffer holds all of its text. */
	return (size_t)l->n * 2 * VARINT_MAX + row->text.len;
}

size_t packed_encode_to(const struct row *row, const struct packed_layout *l, void *dst)
{
	unsigned char *start = dst, *p = dst, *end = dst;

	for (unsigned i = 0; i < l->n; i++) {
		unsigned col = l->columns[i];
		const struct row_value *v = col < row->ncolumns ? &row->values[col] : NULL;

		if (v && v->kind == ROW_INT) {
			*p++ = 1;
			p = write_varint(p, zigzag(v->i));
			end = p;
		} else if (v && v->kind == ROW_TEXT) {
			p = write_varint(p, (uint64_t)v->len + 2);
			memcpy(p, row->text.buf + v->off, v->len);
			p += v->len;
			end = p;
		} else {
			*p++ = 0;
		}
	}
	/* Trailing NULLs are left out. */
	return (size_t)(end - start);
}

/* The writer's hot path: one reservation for the whole row, then plain
 * stores. */
void packed_encode_row(const struct row *row, const struct packed_layout *l, struct strbuf *out)
{
	sb_reserve(out, packed_encoded_max(row, l));
	out->len += packed_encode_to(row, l, out->buf + out->len);
	/* sb_reserve kept room for the NUL. */
	out->buf[out->len] = '\0';
}

/* Reads a varint at *pos; false if it runs past `size` or past 64 bits. */
static bool get_varint(const unsigned char *b, size_t size, size_t *pos, uint64_t *ret)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 7 * VARINT_MAX; shift += 7) {
		unsigned char c;

		if (*pos >= size)
			return false;
		c = b[(*pos)++];
		/* The tenth byte may carry only the 64th bit. */
		if (shift == 63 && (c & 0xfe))
			return false;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*ret = v;
			return true;
		}
	}
	return false;
}

int packed_decode(const void *blob, size_t size, struct packed_value *out, unsigned max)
{
	const unsigned char *b = blob;
	size_t pos = 0;
	unsigned n = 0;

	while (pos < size) {
		uint64_t h;

		if (n == max || !get_varint(b, size, &pos, &h))
			return -EINVAL;
		out[n] = (struct packed_value){.kind = ROW_NULL};
		if (h == 1) {
			uint64_t v;

			if (!get_varint(b, size, &pos, &v))
				return -EINVAL;
			out[n].kind = ROW_INT;
			out[n].i = unzigzag(v);
		} else if (h >= 2) {
			if (h - 2 > size - pos)
				return -EINVAL;
			out[n].kind = ROW_TEXT;
			out[n].text = (const char *)b + pos;
			out[n].len = (size_t)(h - 2);
			pos += out[n].len;
		}
		n++;
	}
	for (unsigned i = n; i < max; i++)
		out[i] = (struct packed_value){.kind = ROW_NULL};
	return (int)n;
}
