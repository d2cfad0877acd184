/*
 * ucql-sh's value formatting: one CQL value (a serialized ucql_value and
 * its type tree from the codec, ucql/types.h) as text, in the shell's three
 * output styles, plus the growable buffer the text is built in.
 *
 * Names shared between the shell's files are prefixed sh_; everything else
 * is static. Single-threaded: every function works on the caller's data.
 *
 * What each style prints is documented in docs/SH.md ("Output formats");
 * in short:
 *  - SH_STYLE_TABLE: as cqlsh shows values (Cassandra's pylib/cqlshlib/
 *    formatting.py): text bare at the top level (backslashes doubled,
 *    control characters escaped), quoted 'like this' inside collections;
 *    True/False; floats with cqlsh's display precision; timestamps
 *    "2024-01-02 03:04:05.678000+0000"; null as "null".
 *  - SH_STYLE_CSV: the cell text of one CSV field, before RFC 4180 quoting
 *    (sh_csv_field does that): text raw; collections, tuples and UDTs as
 *    CQL literals that INSERT accepts back; timestamps to the millisecond
 *    ("…05.678+0000", as cqlsh's COPY TO writes them); floats exact.
 *  - SH_STYLE_JSON: a JSON value mapped as Cassandra's SELECT JSON maps
 *    it (numbers bare, varint/decimal with every digit, timestamps
 *    "2024-01-02 03:04:05.678Z", maps as objects), except that NaN and
 *    ±Infinity are the strings "NaN", "Infinity", "-Infinity" (valid
 *    JSON, and accepted back by INSERT JSON).
 */
#ifndef UCQL_SH_FORMAT_H
#define UCQL_SH_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "ucql/types.h"

/* ---- a growable text buffer ------------------------------------------------ */

/* Text built by appending; always NUL-terminated once anything was
 * appended (p may be NULL while len is 0). On allocation failure `oom` is
 * set and further appends are dropped, so callers check once at the end. */
typedef struct sh_buf {
	char *p;
	size_t len;
	size_t cap;
	int oom;
} sh_buf;

void sh_buf_init(sh_buf *b);
void sh_buf_free(sh_buf *b);
/* Forgets the text (keeps the memory). */
void sh_buf_reset(sh_buf *b);
/* Cuts the text back to len bytes (len <= b->len). */
void sh_buf_truncate(sh_buf *b, size_t len);
void sh_buf_put(sh_buf *b, const void *p, size_t n);
void sh_buf_putc(sh_buf *b, char c);
void sh_buf_puts(sh_buf *b, const char *s);
void sh_buf_printf(sh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text, "" when empty (never NULL). */
const char *sh_buf_cstr(const sh_buf *b);

/* ---- formatting values -------------------------------------------------------- */

enum sh_style {
	SH_STYLE_TABLE = 0,
	SH_STYLE_CSV = 1,
	SH_STYLE_JSON = 2,
};

/* Precision 0 = exact: the shortest decimal that reads back as the same
 * float/double. */
typedef struct sh_fmt_opts {
	int style;            /* enum sh_style */
	int float_precision;  /* table/CSV, float values: cqlsh's precision */
	int double_precision; /* table/CSV, double values */
} sh_fmt_opts;

/* cqlsh's defaults (cqlshmain.py DEFAULT_FLOAT_PRECISION and
 * DEFAULT_DOUBLE_PRECISION, both 5) for tables; CSV and JSON are exact. */
#define SH_TABLE_FLOAT_PRECISION 5
#define SH_TABLE_DOUBLE_PRECISION 5

/* Options with the defaults of `style`. */
sh_fmt_opts sh_fmt_defaults(int style);

/* Appends value v, of the type at node `t` of `types`, to out as text in
 * o->style. A null v appends "null" (table, JSON) or nothing (CSV: the
 * caller writes the empty field). Returns 0, or a negative ucql error when
 * v (or a value nested in it) is malformed for its type: then what was
 * appended for v is replaced by the whole value's bytes as 0x… hex (a
 * JSON string in JSON style), so that the output stays well formed. */
int sh_format_value(sh_buf *out, const ucql_type_set *types, int t, ucql_value v,
		    const sh_fmt_opts *o);

/* ---- pieces, exposed for the output layer and the tests ----------------------- */

/* Appends s as a JSON string literal (quotes included): ", \ and control
 * characters escaped (\n-style where JSON has one, else \u00XX); bytes that
 * are not UTF-8 become \ufffd. */
void sh_json_string(sh_buf *out, const char *s, size_t n);
/* Appends a column or UDT field name as a JSON object key, as Cassandra's
 * SELECT JSON writes it: a name with upper-case letters (case-sensitive in
 * CQL) wrapped in "…" inside the string ("\"Name\""), so that INSERT JSON
 * reads it back. */
void sh_json_key(sh_buf *out, const char *s, size_t n);
/* Appends one CSV field (RFC 4180): quoted when it holds , " CR or LF, or
 * starts or ends with a space, or is empty and not null (so "" is the
 * empty string and an empty field is null); quotes inside doubled. A null
 * field (is_null) appends nothing. */
void sh_csv_field(sh_buf *out, const char *s, size_t n, int is_null);
/* The signed decimal digits of a big-endian two's complement integer of
 * any length (an empty one is 0). */
void sh_varint_digits(sh_buf *out, const uint8_t *p, size_t n);
/* Decodes one code point at s[0..n) (n >= 1): its length, and *cp; or 0
 * when the bytes there are not valid UTF-8 (overlong, surrogate, past
 * U+10FFFF, truncated), in which case callers take one byte. */
int sh_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);
/* Terminal columns text takes (UTF-8; wide characters count 2, combining
 * ones 0, per wcwidth(3) in the current locale; bytes that are not UTF-8
 * count 1). */
size_t sh_display_width(const char *s, size_t n);

#endif
