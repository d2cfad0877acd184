/*
 * ucql-sh's text helpers: the growable buffer, JSON string and CSV field
 * quoting, terminal display width, and big integers in decimal.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "format.h"

/* ---- sh_buf ------------------------------------------------------------------ */

void sh_buf_init(sh_buf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = 0;
}

void sh_buf_free(sh_buf *b)
{
	free(b->p);
	sh_buf_init(b);
}

void sh_buf_reset(sh_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void sh_buf_truncate(sh_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

/* Room for n more bytes and the NUL; 0 on failure (oom set). */
static int reserve(sh_buf *b, size_t n)
{
	if (b->oom)
		return 0;
	if (n < b->cap - b->len && b->p)
		return 1;
	size_t cap = b->cap ? b->cap : 64;
	while (cap - b->len <= n) {
		if (cap > SIZE_MAX / 2) {
			b->oom = 1;
			return 0;
		}
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return 0;
	}
	b->p = p;
	b->cap = cap;
	return 1;
}

void sh_buf_put(sh_buf *b, const void *p, size_t n)
{
	if (!reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sh_buf_putc(sh_buf *b, char c)
{
	sh_buf_put(b, &c, 1);
}

void sh_buf_puts(sh_buf *b, const char *s)
{
	sh_buf_put(b, s, strlen(s));
}

void sh_buf_printf(sh_buf *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sh_buf_put(b, small, (size_t)n);
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *sh_buf_cstr(const sh_buf *b)
{
	return b->p ? b->p : "";
}

/* ---- UTF-8 --------------------------------------------------------------------- */

int sh_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint8_t c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < (size_t)len)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

void sh_json_string(sh_buf *out, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	sh_buf_putc(out, '"');
	size_t i = 0;
	while (i < n) {
		/* Runs of plain bytes go in one copy. */
		size_t j = i;
		while (j < n && p[j] >= 0x20 && p[j] < 0x80 && p[j] != '"' && p[j] != '\\')
			j++;
		sh_buf_put(out, p + i, j - i);
		i = j;
		if (i >= n)
			break;
		uint8_t c = p[i];
		if (c >= 0x80) {
			uint32_t cp;
			int len = sh_utf8_decode(p + i, n - i, &cp);
			if (len) {
				sh_buf_put(out, p + i, (size_t)len);
				i += (size_t)len;
			} else {
				sh_buf_puts(out, "\\ufffd");
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': sh_buf_puts(out, "\\\""); break;
		case '\\': sh_buf_puts(out, "\\\\"); break;
		case '\b': sh_buf_puts(out, "\\b"); break;
		case '\f': sh_buf_puts(out, "\\f"); break;
		case '\n': sh_buf_puts(out, "\\n"); break;
		case '\r': sh_buf_puts(out, "\\r"); break;
		case '\t': sh_buf_puts(out, "\\t"); break;
		default: sh_buf_printf(out, "\\u%04x", c); break;
		}
		i++;
	}
	sh_buf_putc(out, '"');
}

void sh_csv_field(sh_buf *out, const char *s, size_t n, int is_null)
{
	if (is_null)
		return;
	int quote = n == 0 || s[0] == ' ' || s[n - 1] == ' ';
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		sh_buf_put(out, s, n);
		return;
	}
	sh_buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			sh_buf_putc(out, '"');
		sh_buf_putc(out, s[i]);
	}
	sh_buf_putc(out, '"');
}

size_t sh_display_width(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t w = 0, i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			w++, i++;
			continue;
		}
		uint32_t cp;
		int len = sh_utf8_decode(p + i, n - i, &cp);
		if (!len) {
			w++, i++;
			continue;
		}
		int cw = wcwidth((wchar_t)cp);
		w += cw < 0 ? 1 : (size_t)cw;
		i += (size_t)len;
	}
	return w;
}

/* ---- big integers ---------------------------------------------------------------- */

void sh_varint_digits(sh_buf *out, const uint8_t *p, size_t n)
{
	if (n == 0) {
		sh_buf_putc(out, '0');
		return;
	}
	int neg = p[0] & 0x80;
	/* The magnitude as little-endian 32-bit limbs: for a negative number,
	 * its two's complement (invert, add one) on the fly. */
	size_t nl = (n + 3) / 4;
	uint32_t small[16];
	uint32_t *limb = nl <= 16 ? small : malloc(nl * sizeof *limb);
	if (!limb) {
		out->oom = 1;
		return;
	}
	uint32_t carry = 1;
	for (size_t l = 0; l < nl; l++) {
		uint32_t v = 0;
		for (size_t k = 0; k < 4; k++) {
			size_t bi = l * 4 + k; /* byte index from the least significant */
			uint8_t byte = bi < n ? p[n - 1 - bi] : (neg ? 0xFF : 0);
			v |= (uint32_t)byte << (8 * k);
		}
		if (neg) {
			uint64_t s = (uint64_t)(~v) + carry;
			v = (uint32_t)s;
			carry = (uint32_t)(s >> 32);
		}
		limb[l] = v;
	}
	/* Repeated division by 10^9: 9-digit chunks, least significant first. */
	size_t nchunks = 0, capc = nl * 10 / 9 + 2;
	uint32_t csmall[24];
	uint32_t *chunk = capc <= 24 ? csmall : malloc(capc * sizeof *chunk);
	if (!chunk) {
		if (limb != small)
			free(limb);
		out->oom = 1;
		return;
	}
	size_t top = nl;
	while (top > 0 && limb[top - 1] == 0)
		top--;
	do {
		uint64_t rem = 0;
		for (size_t l = top; l-- > 0;) {
			uint64_t cur = rem << 32 | limb[l];
			limb[l] = (uint32_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		chunk[nchunks++] = (uint32_t)rem;
		while (top > 0 && limb[top - 1] == 0)
			top--;
	} while (top > 0);
	if (neg)
		sh_buf_putc(out, '-');
	sh_buf_printf(out, "%u", chunk[nchunks - 1]);
	for (size_t c = nchunks - 1; c-- > 0;)
		sh_buf_printf(out, "%09u", chunk[c]);
	if (chunk != csmall)
		free(chunk);
	if (limb != small)
		free(limb);
}
