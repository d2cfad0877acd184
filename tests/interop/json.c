/* interop-peer: output buffer and a minimal JSON parser (RFC 8259 plus the
 * NaN / Infinity / -Infinity tokens Python's json module emits). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("interop-peer: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

void sb_putn(sbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
}

void sb_puts(sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < (int)sizeof tmp) {
		sb_putn(b, tmp, (size_t)n);
		return;
	}
	char *big = xrealloc(NULL, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_putn(b, big, (size_t)n);
	free(big);
}

void sb_jstr(sbuf *b, const void *p, size_t n)
{
	const uint8_t *s = p;
	sb_putn(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			sb_putn(b, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			sb_printf(b, "\\u%04x", c);
		} else {
			sb_putn(b, &s[i], 1);
		}
	}
	sb_putn(b, "\"", 1);
}

void sb_jhex(sbuf *b, const void *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	const uint8_t *s = p;
	sb_putn(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		char two[2] = { hx[s[i] >> 4], hx[s[i] & 15] };
		sb_putn(b, two, 2);
	}
	sb_putn(b, "\"", 1);
}

void sb_jvalue(sbuf *b, ucql_value v)
{
	if (v.len == UCQL_NULL)
		sb_puts(b, "null");
	else if (v.len == UCQL_UNSET)
		sb_puts(b, "\"unset\"");
	else if (v.len < 0)
		sb_printf(b, "\"badlen%d\"", (int)v.len);
	else
		sb_jhex(b, v.p, (size_t)v.len);
}

/* ---- parser --------------------------------------------------------------- */

typedef struct jp {
	const char *p;
	int err;
} jp;

static void ws(jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static jnode *mk(enum jtype t)
{
	jnode *n = xrealloc(NULL, sizeof *n);
	memset(n, 0, sizeof *n);
	n->t = t;
	return n;
}

static void put_utf8(sbuf *b, unsigned cp)
{
	uint8_t u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xC0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 63));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xE0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 63));
		u[2] = (uint8_t)(0x80 | (cp & 63));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xF0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | (cp >> 12 & 63));
		u[2] = (uint8_t)(0x80 | (cp >> 6 & 63));
		u[3] = (uint8_t)(0x80 | (cp & 63));
		n = 4;
	}
	sb_putn(b, u, n);
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *pstring(jp *j, size_t *len)
{
	sbuf b = { 0 };
	j->p++; /* opening quote */
	for (;;) {
		char c = *j->p;
		if (!c) {
			j->err = 1;
			break;
		}
		j->p++;
		if (c == '"')
			break;
		if (c != '\\') {
			sb_putn(&b, &c, 1);
			continue;
		}
		c = *j->p++;
		unsigned cp, lo;
		switch (c) {
		case 'n': sb_putn(&b, "\n", 1); break;
		case 't': sb_putn(&b, "\t", 1); break;
		case 'r': sb_putn(&b, "\r", 1); break;
		case 'b': sb_putn(&b, "\b", 1); break;
		case 'f': sb_putn(&b, "\f", 1); break;
		case '/': case '\\': case '"': sb_putn(&b, &c, 1); break;
		case 'u':
			if (hex4(j->p, &cp)) {
				j->err = 1;
				goto out;
			}
			j->p += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && j->p[0] == '\\' && j->p[1] == 'u' &&
			    !hex4(j->p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
				j->p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			put_utf8(&b, cp);
			break;
		default:
			j->err = 1;
			goto out;
		}
	}
out:
	if (!b.p)
		sb_putn(&b, "", 0);
	*len = b.len;
	return b.p;
}

static jnode *pvalue(jp *j, int depth)
{
	ws(j);
	if (depth > 200) {
		j->err = 1;
		return NULL;
	}
	const char *p = j->p;
	jnode *n;
	if (*p == '{' || *p == '[') {
		int obj = *p == '{';
		n = mk(obj ? J_OBJ : J_ARR);
		j->p++;
		ws(j);
		if (*j->p == (obj ? '}' : ']')) {
			j->p++;
			return n;
		}
		for (;;) {
			char *key = NULL;
			size_t kl = 0;
			ws(j);
			if (obj) {
				if (*j->p != '"') {
					j->err = 1;
					return n;
				}
				key = pstring(j, &kl);
				ws(j);
				if (*j->p++ != ':') {
					free(key);
					j->err = 1;
					return n;
				}
			}
			jnode *kid = pvalue(j, depth + 1);
			n->kids = xrealloc(n->kids, (n->n + 1) * sizeof *n->kids);
			n->keys = xrealloc(n->keys, (n->n + 1) * sizeof *n->keys);
			n->klens = xrealloc(n->klens, (n->n + 1) * sizeof *n->klens);
			n->klens[n->n] = kl;
			n->kids[n->n] = kid;
			n->keys[n->n] = key;
			n->n++;
			if (j->err)
				return n;
			ws(j);
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p == (obj ? '}' : ']')) {
				j->p++;
				return n;
			}
			j->err = 1;
			return n;
		}
	}
	if (*p == '"') {
		n = mk(J_STR);
		n->s = pstring(j, &n->slen);
		return n;
	}
	if (!strncmp(p, "null", 4)) {
		j->p += 4;
		return mk(J_NULL);
	}
	if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
		n = mk(J_BOOL);
		n->b = *p == 't';
		j->p += n->b ? 4 : 5;
		return n;
	}
	size_t len = 0;
	if (!strncmp(p, "NaN", 3))
		len = 3;
	else if (!strncmp(p, "Infinity", 8))
		len = 8;
	else if (!strncmp(p, "-Infinity", 9))
		len = 9;
	else
		while (p[len] && strchr("+-0123456789.eE", p[len]))
			len++;
	if (!len) {
		j->err = 1;
		return NULL;
	}
	n = mk(J_NUM);
	n->s = xrealloc(NULL, len + 1);
	memcpy(n->s, p, len);
	n->s[len] = 0;
	n->slen = len;
	j->p += len;
	return n;
}

jnode *json_parse(const char *text)
{
	jp j = { text, 0 };
	jnode *n = pvalue(&j, 0);
	ws(&j);
	if (j.err || *j.p) {
		json_free(n);
		return NULL;
	}
	return n;
}

void json_free(jnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		json_free(n->kids[i]);
		free(n->keys[i]);
	}
	free(n->kids);
	free(n->keys);
	free(n->klens);
	free(n->s);
	free(n);
}

jnode *jget(const jnode *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return o->kids[i];
	return NULL;
}

int64_t jint(const jnode *o, const char *key, int64_t dflt)
{
	jnode *n = jget(o, key);
	if (!n || n->t != J_NUM)
		return dflt;
	return strtoll(n->s, NULL, 10);
}

const char *jstr(const jnode *o, const char *key)
{
	jnode *n = jget(o, key);
	return n && n->t == J_STR ? n->s : NULL;
}

long unhex(const char *h, size_t hl, uint8_t **out)
{
	if (hl % 2)
		return -1;
	uint8_t *b = xrealloc(NULL, hl / 2);
	for (size_t i = 0; i < hl / 2; i++) {
		unsigned v;
		char two[3] = { h[2 * i], h[2 * i + 1], 0 };
		char *end;
		v = (unsigned)strtoul(two, &end, 16);
		if (*end) {
			free(b);
			return -1;
		}
		b[i] = (uint8_t)v;
	}
	*out = b;
	return (long)(hl / 2);
}

uint8_t *jhex(const jnode *o, const char *key, size_t *n)
{
	jnode *s = jget(o, key);
	uint8_t *b;
	*n = 0;
	if (!s || s->t != J_STR)
		return NULL;
	long l = unhex(s->s, s->slen, &b);
	if (l < 0)
		return NULL;
	*n = (size_t)l;
	return b;
}
