/*
 * cql_lex.c — CQL tokenizer (see cql_lex.h). Follows the lexical rules of
 * Cassandra's Lexer.g: case-insensitive keywords, '' and "" escapes,
 * $$ strings, hex blobs, unquoted uuids, durations, three comment styles.
 */
#include <stdio.h>
#include <string.h>

#include "cql_lex.h"

void mock_cql_error_set(mock_cql_error *err, int code, size_t pos, const char *fmt, ...)
{
	va_list ap;
	err->code = code;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void mock_cql_syntax_error(mock_cql_error *err, const char *src, size_t pos, const char *fmt, ...)
{
	/* ANTLR counts lines from 1 and columns from 0. */
	size_t line = 1, col = 0;
	for (size_t i = 0; i < pos; i++) {
		if (src[i] == '\n') {
			line++;
			col = 0;
		} else {
			col++;
		}
	}
	int n = snprintf(err->msg, sizeof err->msg, "line %zu:%zu ", line, col);
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof err->msg)
		vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
	va_end(ap);
	err->code = UCQL_E_SYNTAX;
	err->pos = pos;
}

typedef struct lexer {
	mock_arena *a;
	const char *s;
	size_t len;
	size_t i;
	mock_cql_token *t;
	size_t n, cap;
	mock_cql_error *err;
} lexer;

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}
static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int is_word(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}
static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int at(const lexer *l, size_t i)
{
	return i < l->len ? (unsigned char)l->s[i] : -1;
}

static int nomem(lexer *l)
{
	mock_cql_error_set(l->err, UCQL_E_NOMEM, l->i, "out of memory");
	return UCQL_E_NOMEM;
}

static int push(lexer *l, int kind, size_t pos, size_t len, const char *text, size_t text_len)
{
	if (l->n + 1 >= l->cap) {
		/* Arena arrays cannot grow in place: copy into a block twice as
		 * big; the old one is reclaimed with the arena. */
		size_t cap = l->cap ? l->cap * 2 : 32;
		mock_cql_token *t = mock_arena_alloc(l->a, cap * sizeof *t);
		if (!t)
			return nomem(l);
		if (l->n)
			memcpy(t, l->t, l->n * sizeof *t);
		l->t = t;
		l->cap = cap;
	}
	mock_cql_token *t = &l->t[l->n++];
	t->kind = kind;
	t->pos = pos;
	t->len = len;
	t->text = text ? text : l->s + pos;
	t->text_len = text ? text_len : len;
	return 0;
}

/* Copies s[pos..pos+len) with the doubled quote q ('' or "") undone. */
static int push_quoted(lexer *l, int kind, size_t pos, size_t end, char q)
{
	/* pos/end delimit the contents (without the enclosing quotes). */
	char *d = mock_arena_alloc(l->a, end - pos + 1);
	if (!d)
		return nomem(l);
	size_t k = 0;
	for (size_t i = pos; i < end; i++) {
		d[k++] = l->s[i];
		if (l->s[i] == q)
			i++; /* the second of a doubled quote */
	}
	d[k] = 0;
	return push(l, kind, pos - 1, end - pos + 2, d, k);
}

/* Length of an 8-4-4-4-12 uuid at i, or 0. A uuid must not run into a
 * word character (then it is something else, e.g. an identifier). */
static size_t uuid_at(const lexer *l, size_t i)
{
	static const int groups[5] = { 8, 4, 4, 4, 12 };
	size_t k = i;
	for (int g = 0; g < 5; g++) {
		for (int j = 0; j < groups[g]; j++, k++)
			if (!is_hex(at(l, k)))
				return 0;
		if (g < 4 && at(l, k++) != '-')
			return 0;
	}
	return is_word(at(l, k)) ? 0 : k - i;
}

/* Duration units as Cassandra's Lexer accepts them; longest first so that
 * "mo" wins over "m" and "ms" over "m". */
static size_t unit_at(const lexer *l, size_t i)
{
	static const char *units[] = { "mo", "ms", "us", "ns", "y", "w", "d", "h", "m", "s" };
	if (at(l, i) == 0xC2 && at(l, i + 1) == 0xB5 && lower(at(l, i + 2)) == 's')
		return 3; /* µs */
	for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
		size_t n = strlen(units[u]);
		size_t j = 0;
		while (j < n && lower(at(l, i + j)) == units[u][j])
			j++;
		if (j == n)
			return n;
	}
	return 0;
}

/* (digits unit)+ at i, ending at a non-word character: its length or 0. */
static size_t unit_duration_at(const lexer *l, size_t i)
{
	size_t k = i;
	int parts = 0;
	while (is_digit(at(l, k))) {
		while (is_digit(at(l, k)))
			k++;
		size_t u = unit_at(l, k);
		if (!u)
			return 0;
		k += u;
		parts++;
	}
	return parts && !is_word(at(l, k)) ? k - i : 0;
}

/* ISO 8601 durations: P[nY][nM][nD][T[nH][nM][nS]], PnW, and the
 * alternative P0001-02-03T04:05:06. Length or 0. */
static size_t iso_duration_at(const lexer *l, size_t i)
{
	if (lower(at(l, i)) != 'p')
		return 0;
	size_t k = i + 1;
	/* alternative format: exactly 4-2-2T2:2:2 digits */
	static const char alt[] = "dddd-dd-ddTdd:dd:dd";
	size_t j = 0;
	while (alt[j]) {
		int c = at(l, k + j);
		if (alt[j] == 'd' ? !is_digit(c) : lower(c) != lower(alt[j]))
			break;
		j++;
	}
	if (!alt[j] && !is_word(at(l, k + j)))
		return k + j - i;
	int parts = 0, in_time = 0;
	const char *date_units = "ymwd", *time_units = "hms";
	for (;;) {
		if (!in_time && lower(at(l, k)) == 't') {
			in_time = 1;
			k++;
			continue;
		}
		if (!is_digit(at(l, k)))
			break;
		while (is_digit(at(l, k)))
			k++;
		int u = lower(at(l, k));
		if (u < 0 || !strchr(in_time ? time_units : date_units, u))
			return 0;
		k++;
		parts++;
	}
	return parts && !is_word(at(l, k)) ? k - i : 0;
}

static int lex_number(lexer *l)
{
	size_t p = l->i, k = p;
	if (at(l, k) == '0' && lower(at(l, k + 1)) == 'x') {
		k += 2;
		while (is_hex(at(l, k)))
			k++;
		if (is_word(at(l, k))) {
			mock_cql_syntax_error(l->err, l->s, k, "no viable alternative at character '%c'", l->s[k]);
			return UCQL_E_SYNTAX;
		}
		l->i = k;
		return push(l, MOCK_TOK_HEX, p, k - p, l->s + p + 2, k - p - 2);
	}
	size_t d = unit_duration_at(l, p);
	if (d) {
		l->i = p + d;
		return push(l, MOCK_TOK_DURATION, p, d, NULL, 0);
	}
	while (is_digit(at(l, k)))
		k++;
	int kind = MOCK_TOK_INT;
	if (at(l, k) == '.' && !is_alpha(at(l, k + 1)) && at(l, k + 1) != '_') {
		/* "1." and "1.5" are floats (Cassandra's FLOAT rule) */
		kind = MOCK_TOK_FLOAT;
		k++;
		while (is_digit(at(l, k)))
			k++;
	}
	if (lower(at(l, k)) == 'e') {
		size_t e = k + 1;
		if (at(l, e) == '+' || at(l, e) == '-')
			e++;
		if (is_digit(at(l, e))) {
			while (is_digit(at(l, e)))
				e++;
			kind = MOCK_TOK_FLOAT;
			k = e;
		}
	}
	if (is_word(at(l, k))) {
		mock_cql_syntax_error(l->err, l->s, k, "no viable alternative at character '%c'", l->s[k]);
		return UCQL_E_SYNTAX;
	}
	l->i = k;
	return push(l, kind, p, k - p, NULL, 0);
}

static int lex_word(lexer *l)
{
	size_t p = l->i, k = p;
	size_t d = iso_duration_at(l, p);
	if (d) {
		l->i = p + d;
		return push(l, MOCK_TOK_DURATION, p, d, NULL, 0);
	}
	while (is_word(at(l, k)))
		k++;
	char *w = mock_arena_alloc(l->a, k - p + 1);
	if (!w)
		return nomem(l);
	for (size_t i = p; i < k; i++)
		w[i - p] = (char)lower((unsigned char)l->s[i]);
	l->i = k;
	return push(l, MOCK_TOK_WORD, p, k - p, w, k - p);
}

/* Skips whitespace and comments; UCQL_E_SYNTAX on an unterminated
 * block comment. */
static int skip_space(lexer *l)
{
	for (;;) {
		int c = at(l, l->i);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			l->i++;
		} else if ((c == '-' && at(l, l->i + 1) == '-') || (c == '/' && at(l, l->i + 1) == '/')) {
			while (l->i < l->len && l->s[l->i] != '\n')
				l->i++;
		} else if (c == '/' && at(l, l->i + 1) == '*') {
			size_t k = l->i + 2;
			while (k < l->len && !(l->s[k] == '*' && at(l, k + 1) == '/'))
				k++;
			if (k >= l->len) {
				mock_cql_syntax_error(l->err, l->s, l->len,
						      "mismatched character '<EOF>' expecting '*'");
				return UCQL_E_SYNTAX;
			}
			l->i = k + 2;
		} else {
			return 0;
		}
	}
}

static int lex_one(lexer *l)
{
	size_t p = l->i;
	int c = at(l, p), c2 = at(l, p + 1);
	size_t u = (is_hex(c)) ? uuid_at(l, p) : 0;
	if (u) {
		l->i = p + u;
		return push(l, MOCK_TOK_UUID, p, u, NULL, 0);
	}
	if (is_digit(c))
		return lex_number(l);
	if (is_alpha(c))
		return lex_word(l);
	if (c == '\'' || c == '"') {
		size_t k = p + 1;
		for (;;) {
			if (k >= l->len) {
				mock_cql_syntax_error(l->err, l->s, l->len,
						      "mismatched character '<EOF>' expecting '%c'", c);
				return UCQL_E_SYNTAX;
			}
			if ((unsigned char)l->s[k] == c) {
				if (at(l, k + 1) == c) {
					k += 2;
					continue;
				}
				break;
			}
			k++;
		}
		if (c == '"' && k == p + 1) {
			/* Cassandra: an empty quoted identifier is not an identifier */
			mock_cql_syntax_error(l->err, l->s, p, "no viable alternative at character '\"'");
			return UCQL_E_SYNTAX;
		}
		l->i = k + 1;
		return push_quoted(l, c == '"' ? MOCK_TOK_QIDENT : MOCK_TOK_STRING, p + 1, k, (char)c);
	}
	if (c == '$' && c2 == '$') {
		size_t k = p + 2;
		while (k + 1 < l->len && !(l->s[k] == '$' && l->s[k + 1] == '$'))
			k++;
		if (k + 1 >= l->len) {
			mock_cql_syntax_error(l->err, l->s, l->len, "mismatched character '<EOF>' expecting '$'");
			return UCQL_E_SYNTAX;
		}
		char *d = mock_arena_strndup(l->a, l->s + p + 2, k - p - 2);
		if (!d)
			return nomem(l);
		l->i = k + 2;
		return push(l, MOCK_TOK_STRING, p, k + 2 - p, d, k - p - 2);
	}
	int two = 0;
	if (c == '<' && c2 == '=')
		two = MOCK_TOK_LE;
	else if (c == '>' && c2 == '=')
		two = MOCK_TOK_GE;
	else if (c == '!' && c2 == '=')
		two = MOCK_TOK_NE;
	else if (c == '+' && c2 == '=')
		two = MOCK_TOK_ADD_EQ;
	else if (c == '-' && c2 == '=')
		two = MOCK_TOK_SUB_EQ;
	if (two) {
		l->i = p + 2;
		return push(l, two, p, 2, NULL, 0);
	}
	if (c >= 0 && strchr("()[]{},;.*=<>+-?:", c)) {
		l->i = p + 1;
		return push(l, c, p, 1, NULL, 0);
	}
	if (c >= 0x20 && c < 0x7F)
		mock_cql_syntax_error(l->err, l->s, p, "no viable alternative at character '%c'", c);
	else
		mock_cql_syntax_error(l->err, l->s, p, "no viable alternative at character '\\x%02x'", c & 0xFF);
	return UCQL_E_SYNTAX;
}

int mock_cql_lex(mock_arena *a, const char *src, size_t len, mock_cql_tokens *out,
		 mock_cql_error *err)
{
	lexer l = { .a = a, .s = src, .len = len, .err = err };
	int rc;
	out->t = NULL;
	out->n = 0;
	for (;;) {
		if ((rc = skip_space(&l)))
			return rc;
		if (l.i >= len)
			break;
		if ((rc = lex_one(&l)))
			return rc;
	}
	if ((rc = push(&l, MOCK_TOK_EOF, len, 0, "<EOF>", 5)))
		return rc;
	out->t = l.t;
	out->n = l.n - 1;
	return 0;
}
