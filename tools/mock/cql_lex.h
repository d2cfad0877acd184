/*
 * cql_lex.h — the CQL tokenizer of ucql-mock.
 *
 * The whole query text is cut into tokens up front (statements are short;
 * the parser then looks ahead freely). Token texts are NUL-terminated
 * copies in the arena: unquoted words folded to lowercase (CQL identifiers
 * and keywords are case-insensitive), "quoted" identifiers and 'strings'
 * unescaped. A leading '-' is never part of a number here: the parser
 * joins '-' with an adjacent number, so `c = c - 1` and `c = c -1` both
 * read as a subtraction.
 */
#ifndef MOCK_CQL_LEX_H
#define MOCK_CQL_LEX_H

#include <stdarg.h>

#include "cql_ast.h"

/* Token kinds. Single-character punctuation uses its character as the
 * kind: ( ) [ ] { } , ; . * = < > + - ? : */
enum mock_tok_kind {
	MOCK_TOK_EOF = 0,
	MOCK_TOK_WORD = 256, /* identifier or keyword: text folded */
	MOCK_TOK_QIDENT,     /* "Quoted" identifier: text unescaped */
	MOCK_TOK_STRING,     /* '...' or $$...$$: text unescaped */
	MOCK_TOK_INT,        /* digits */
	MOCK_TOK_FLOAT,      /* 1.5, 1e10, 2.5E-3 */
	MOCK_TOK_HEX,        /* 0xCAFE: text = the digits after 0x */
	MOCK_TOK_UUID,       /* 8-4-4-4-12 hex digits */
	MOCK_TOK_DURATION,   /* 1h30m, 12mo3d, P1DT2H, P0001-02-03T04:05:06 */
	MOCK_TOK_LE,         /* <= */
	MOCK_TOK_GE,         /* >= */
	MOCK_TOK_NE,         /* != */
	MOCK_TOK_ADD_EQ,     /* += */
	MOCK_TOK_SUB_EQ,     /* -= */
};

typedef struct mock_cql_token {
	int kind;            /* enum mock_tok_kind or a punctuation char */
	size_t pos;          /* byte offset of the token in the query */
	size_t len;          /* its length in the query */
	const char *text;    /* see above; for punctuation the source span */
	size_t text_len;
} mock_cql_token;

typedef struct mock_cql_tokens {
	mock_cql_token *t;   /* n tokens, then one MOCK_TOK_EOF at the end */
	size_t n;
} mock_cql_tokens;

/* Tokenizes src[0..len). Returns 0, UCQL_E_SYNTAX (err->msg like
 * "line 1:20 mismatched character '<EOF>' expecting '''") or UCQL_E_NOMEM. */
int mock_cql_lex(mock_arena *a, const char *src, size_t len, mock_cql_tokens *out,
		 mock_cql_error *err);

/* Fills err with code and pos and a printf-style message. */
void mock_cql_error_set(mock_cql_error *err, int code, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Like mock_cql_error_set with UCQL_E_SYNTAX and the "line L:C " prefix
 * Cassandra's ANTLR parser puts first (L from 1, C from 0). */
void mock_cql_syntax_error(mock_cql_error *err, const char *src, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
