/*
 * ucql-sh's statement splitter: cuts CQL text into statements at ';'
 * outside string literals ('…' with '' inside, $$…$$), quoted identifiers
 * ("…" with "" inside) and comments (-- and // to the end of the line,
 * and C-style block comments), and outside BEGIN … APPLY BATCH (where ';'
 * separates the batch's statements, as cqlsh reads it). Input may come in
 * any pieces (lines from a prompt, a whole file); a statement may span
 * lines.
 *
 * Each statement is handed over without its ';', trimmed, with comments
 * removed (a block comment becomes one space, a line comment ends at its
 * newline, which is kept), and with the number of the line it starts on.
 * Statements that are empty once comments are removed are skipped.
 * Single-threaded; the splitter owns its buffer.
 */
#ifndef UCQL_SH_SPLIT_H
#define UCQL_SH_SPLIT_H

#include <stddef.h>

#include "format.h"

/* Receives one statement (text[0..len) NUL-terminated, valid for the
 * call) and the 1-based line it starts on. Returns 0 to go on, non-zero
 * to stop: sh_split_feed then returns that value at once. */
typedef int (*sh_stmt_fn)(void *ud, const char *text, size_t len, size_t line);

enum sh_split_state {
	SH_SPLIT_CODE = 0,
	SH_SPLIT_SQUOTE,  /* in '…' */
	SH_SPLIT_DQUOTE,  /* in "…" */
	SH_SPLIT_DOLLAR,  /* in $$…$$ */
	SH_SPLIT_LINE_COMMENT,
	SH_SPLIT_BLOCK_COMMENT,
};

typedef struct sh_splitter {
	sh_buf cur;        /* the statement so far, comments removed */
	int state;         /* enum sh_split_state */
	int pend;          /* a byte held back: '-', '/', '$' or '*' that may start or end a token */
	size_t line;       /* line of the next byte */
	size_t stmt_line;  /* line the current statement started on (0: not started) */
} sh_splitter;

void sh_split_init(sh_splitter *s);
void sh_split_free(sh_splitter *s);

/* Feeds n bytes; calls cb for every statement they complete. Returns 0, or
 * cb's non-zero return. */
int sh_split_feed(sh_splitter *s, const char *p, size_t n, sh_stmt_fn cb, void *ud);

/* End of input: a last statement without ';' is passed to cb as well.
 * Returns cb's non-zero return, or 0; *unterminated (may be NULL) is set
 * to the state the input ended in (SH_SPLIT_CODE when complete, else the
 * open string, identifier or block comment; that statement is dropped).
 * The splitter is then reset and may be fed again. */
int sh_split_finish(sh_splitter *s, sh_stmt_fn cb, void *ud, int *unterminated);

/* 1 while a statement has begun but not ended (for a continuation
 * prompt), else 0. */
int sh_split_pending(const sh_splitter *s);

#endif
