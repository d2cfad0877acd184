/*
 * cql_parse_int.h — internals shared by the parser's files: cql_parse.c
 * (tokens, names, terms, relations, the entry point), cql_parse_dml.c
 * (SELECT, INSERT, UPDATE, DELETE, BATCH) and cql_parse_ddl.c (USE,
 * TRUNCATE, CREATE/DROP KEYSPACE, TABLE, TYPE, unsupported statements).
 *
 * Every parse function returns 0 (or a node) on success and a negative
 * ucql error (or NULL) once p->err is filled; the first error wins and
 * unwinds the descent.
 */
#ifndef MOCK_CQL_PARSE_INT_H
#define MOCK_CQL_PARSE_INT_H

#include "cql_lex.h"

typedef struct mock_parser {
	mock_arena *a;
	const char *src;
	size_t len;
	const mock_cql_token *t; /* tokens, EOF-terminated */
	size_t n, i;
	mock_cql_error *err;
	int rc;                  /* first error code, 0 while fine */
	mock_bind *binds;
	size_t n_binds, cap_binds;
	int depth;               /* term nesting, bounded */
} mock_parser;

/* Where a term lands, for its bind markers. */
typedef struct mock_bctx {
	int role;               /* enum mock_bind_role */
	const char *column;
	const char *field;
} mock_bctx;

/* ---- tokens ---- */
const mock_cql_token *mock__p_peek(const mock_parser *p, size_t ahead);
const mock_cql_token *mock__p_next(mock_parser *p);
int mock__p_is_kw(const mock_cql_token *t, const char *kw);
/* Consumes the keyword / punctuation if it is next: 1, else 0. */
int mock__p_accept_kw(mock_parser *p, const char *kw);
int mock__p_accept(mock_parser *p, int kind);
/* Same, but an error ("mismatched input 'x' expecting K") when absent. */
int mock__p_expect_kw(mock_parser *p, const char *kw);
int mock__p_expect(mock_parser *p, int kind);
/* Error helpers: all return p->rc. */
int mock__p_fail_at(mock_parser *p, const mock_cql_token *t);  /* no viable alternative */
int mock__p_fail_expect(mock_parser *p, const mock_cql_token *t, const char *what);
int mock__p_fail_invalid(mock_parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int mock__p_nomem(mock_parser *p);

/* ---- arena helpers ---- */
void *mock__p_alloc(mock_parser *p, size_t n);
char *mock__p_strdup(mock_parser *p, const char *s, size_t n);
/* Appends elem (size es) to *arr holding *n of *cap: 0 or UCQL_E_NOMEM. */
int mock__p_push(mock_parser *p, void *arr, size_t *n, size_t *cap, const void *elem, size_t es);

/* ---- names ---- */
/* An identifier (unreserved word or "quoted"): its text, or NULL. */
const char *mock__p_ident(mock_parser *p);
/* 1 if t can be an identifier (a "quoted" one or an unreserved word). */
int mock__p_is_ident_tok(const mock_cql_token *t);
int mock__p_qname(mock_parser *p, mock_qname *out);

/* ---- terms, relations, USING ---- */
mock_term *mock__p_term(mock_parser *p, const mock_bctx *ctx);
/* 1 if the next tokens start a term. */
int mock__p_term_start(const mock_parser *p);
int mock__p_where(mock_parser *p, mock_relation **out, size_t *n);
/* IF EXISTS | IF conditions, after IF was consumed. */
int mock__p_conditions(mock_parser *p, int *if_exists, mock_relation **out, size_t *n);
int mock__p_using(mock_parser *p, mock_using *u);
/* Sets ks/table of the binds from index `from` on. */
void mock__p_bind_table(mock_parser *p, size_t from, const mock_qname *q);

/* ---- statements ---- */
mock_stmt *mock__p_stmt_new(mock_parser *p, int kind, size_t pos);
mock_stmt *mock__p_select(mock_parser *p);
mock_stmt *mock__p_insert(mock_parser *p);
mock_stmt *mock__p_update(mock_parser *p);
mock_stmt *mock__p_delete(mock_parser *p);
mock_stmt *mock__p_batch(mock_parser *p);
mock_stmt *mock__p_ddl(mock_parser *p); /* CREATE, DROP, USE, TRUNCATE, ... */

#endif
