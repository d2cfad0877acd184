/*
 * Output of ucql-inspect: the same calls write a JSON object per line
 * (--json) or a "key=value" line for people. Strings from the wire are
 * escaped the JSON way in both modes, so a query with a newline stays on
 * its line.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>

#include "inspect.h"

/* Length of the valid UTF-8 sequence at p[0..n), or 0 if it is not one
 * (overlongs, surrogates and code points past U+10FFFF are not). */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len;
	uint32_t cp, min;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		len = 2, cp = c & 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		len = 3, cp = c & 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

void insp_json_string(FILE *f, ucql_bytes s)
{
	fputc('"', f);
	for (size_t i = 0; i < s.len;) {
		uint8_t c = s.p[i];
		size_t n = utf8_seq(s.p + i, s.len - i);
		if (n == 0) {
			/* Not UTF-8: the byte's Latin-1 reading, so the JSON stays valid. */
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		if (n > 1) {
			fwrite(s.p + i, 1, n, f);
		} else if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c < 0x20 || c == 0x7F) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
		i += n;
	}
	fputc('"', f);
}

void insp_line_begin(insp_out *o)
{
	o->depth = 0;
	o->first[0] = 1;
	o->array[0] = 0;
	if (o->json)
		fputc('{', o->f);
}

void insp_line_end(insp_out *o)
{
	fputs(o->json ? "}\n" : "\n", o->f);
	fflush(o->f);
}

void insp_text(insp_out *o, const char *fmt, ...)
{
	va_list ap;
	if (o->json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	o->first[0] = 0;
}

/* Separator and key before a member. */
static void member(insp_out *o, const char *key)
{
	int d = o->depth;
	if (!o->first[d])
		fputs(o->json ? "," : (o->array[d] ? "," : " "), o->f);
	o->first[d] = 0;
	if (!key)
		return;
	if (o->json) {
		insp_json_string(o->f, ucql_bytes_str(key));
		fputc(':', o->f);
	} else {
		fprintf(o->f, "%s=", key);
	}
}

void insp_str(insp_out *o, const char *key, ucql_bytes s)
{
	member(o, key);
	insp_json_string(o->f, s);
}

void insp_cstr(insp_out *o, const char *key, const char *s)
{
	/* Our own names (LOCAL_QUORUM, Rows, list<int>): bare in text mode. */
	if (o->json) {
		insp_str(o, key, ucql_bytes_str(s));
	} else {
		member(o, key);
		fputs(s, o->f);
	}
}

void insp_int(insp_out *o, const char *key, long long v)
{
	member(o, key);
	fprintf(o->f, "%lld", v);
}

void insp_bool(insp_out *o, const char *key, int v)
{
	member(o, key);
	fputs(v ? "true" : "false", o->f);
}

void insp_null(insp_out *o, const char *key)
{
	member(o, key);
	fputs("null", o->f);
}

void insp_hex(insp_out *o, const char *key, ucql_bytes b)
{
	member(o, key);
	if (o->json || b.len == 0)
		fputc('"', o->f);
	for (size_t i = 0; i < b.len; i++)
		fprintf(o->f, "%02x", b.p[i]);
	if (o->json || b.len == 0)
		fputc('"', o->f);
}

void insp_uuid(insp_out *o, const char *key, const uint8_t u[16])
{
	member(o, key);
	if (o->json)
		fputc('"', o->f);
	for (int i = 0; i < 16; i++)
		fprintf(o->f, "%s%02x", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", u[i]);
	if (o->json)
		fputc('"', o->f);
}

void insp_inet(insp_out *o, const char *key, const ucql_inet *a, int with_port)
{
	char txt[INET6_ADDRSTRLEN + 16];
	char addr[INET6_ADDRSTRLEN];
	if (!inet_ntop(a->len == 16 ? AF_INET6 : AF_INET, a->addr, addr, sizeof addr))
		strcpy(addr, "?");
	if (!with_port)
		snprintf(txt, sizeof txt, "%s", addr);
	else if (a->len == 16)
		snprintf(txt, sizeof txt, "[%s]:%d", addr, (int)a->port);
	else
		snprintf(txt, sizeof txt, "%s:%d", addr, (int)a->port);
	member(o, key);
	if (o->json)
		insp_json_string(o->f, ucql_bytes_str(txt));
	else
		fputs(txt, o->f);
}

static void open_nested(insp_out *o, const char *key, int array)
{
	member(o, key);
	fputc(array ? '[' : '{', o->f);
	if (o->depth + 1 < INSP_MAX_DEPTH)
		o->depth++;
	o->first[o->depth] = 1;
	o->array[o->depth] = (uint8_t)array;
}

static void close_nested(insp_out *o, int array)
{
	fputc(array ? ']' : '}', o->f);
	if (o->depth > 0)
		o->depth--;
}

void insp_obj_begin(insp_out *o, const char *key)
{
	open_nested(o, key, 0);
}

void insp_obj_end(insp_out *o)
{
	close_nested(o, 0);
}

void insp_arr_begin(insp_out *o, const char *key)
{
	open_nested(o, key, 1);
}

void insp_arr_end(insp_out *o)
{
	close_nested(o, 1);
}
