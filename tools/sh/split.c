/*
 * ucql-sh: cutting CQL text into statements (split.h).
 *
 * A byte-at-a-time state machine, so that input may arrive in any pieces.
 * Two-byte tokens (-- // slash-star star-slash $$) are recognised by
 * holding the first byte back in `pend` until the next one arrives.
 */
#include <string.h>

#include "split.h"

void sh_split_init(sh_splitter *s)
{
	sh_buf_init(&s->cur);
	s->state = SH_SPLIT_CODE;
	s->pend = 0;
	s->line = 1;
	s->stmt_line = 0;
}

void sh_split_free(sh_splitter *s)
{
	sh_buf_free(&s->cur);
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends a byte of the statement; the first one that is not blank
 * starts the statement. */
static void put(sh_splitter *s, int c)
{
	if (!s->stmt_line) {
		if (is_space(c))
			return;
		s->stmt_line = s->line;
	}
	sh_buf_putc(&s->cur, (char)c);
}

/* Hands the statement collected so far to cb (when not blank) and starts
 * the next one. */
static int end_statement(sh_splitter *s, sh_stmt_fn cb, void *ud)
{
	size_t len = s->cur.len;
	while (len > 0 && is_space((unsigned char)s->cur.p[len - 1]))
		len--;
	int rc = 0;
	if (len > 0) {
		sh_buf_truncate(&s->cur, len);
		rc = cb(ud, s->cur.p, len, s->stmt_line);
	}
	sh_buf_reset(&s->cur);
	s->stmt_line = 0;
	return rc;
}

static int is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* 1 if s[at..at+n) is `word` (lower case), case-insensitively, as a whole
 * word. */
static int word_at(const char *s, size_t len, size_t at, const char *word)
{
	size_t n = strlen(word);
	if (at + n > len || (at > 0 && is_ident((unsigned char)s[at - 1])) ||
	    (at + n < len && is_ident((unsigned char)s[at + n])))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((s[at + i] | 0x20) != word[i])
			return 0;
	return 1;
}

/* Inside BEGIN … APPLY BATCH, ';' separates the batch's statements and
 * does not end the statement (cqlsh's grammar). True when the statement
 * so far starts with BEGIN and does not yet end with APPLY BATCH. */
static int open_batch(const sh_splitter *s)
{
	const char *p = s->cur.p;
	size_t len = s->cur.len;
	if (!word_at(p, len, 0, "begin"))
		return 0;
	while (len > 0 && is_space((unsigned char)p[len - 1]))
		len--;
	if (len < 5 || !word_at(p, len, len - 5, "batch"))
		return 1;
	len -= 5;
	size_t sp = len;
	while (len > 0 && is_space((unsigned char)p[len - 1]))
		len--;
	return sp == len || len < 5 || !word_at(p, len, len - 5, "apply");
}

/* One byte in its state (no byte held back). */
static int plain(sh_splitter *s, int c, sh_stmt_fn cb, void *ud)
{
	switch (s->state) {
	case SH_SPLIT_CODE:
		if (c == '-' || c == '/' || c == '$') {
			s->pend = c;
			return 0;
		}
		if (c == ';') {
			if (!open_batch(s))
				return end_statement(s, cb, ud);
			put(s, c);
			return 0;
		}
		if (c == '\'')
			s->state = SH_SPLIT_SQUOTE;
		else if (c == '"')
			s->state = SH_SPLIT_DQUOTE;
		put(s, c);
		return 0;
	case SH_SPLIT_SQUOTE:
	case SH_SPLIT_DQUOTE:
		/* A doubled quote closes and at once reopens: the same bytes. */
		if (c == (s->state == SH_SPLIT_SQUOTE ? '\'' : '"'))
			s->state = SH_SPLIT_CODE;
		put(s, c);
		return 0;
	case SH_SPLIT_DOLLAR:
		if (c == '$')
			s->pend = c;
		else
			put(s, c);
		return 0;
	case SH_SPLIT_LINE_COMMENT:
		if (c == '\n') {
			s->state = SH_SPLIT_CODE;
			put(s, c);
		}
		return 0;
	default: /* SH_SPLIT_BLOCK_COMMENT */
		if (c == '*')
			s->pend = c;
		return 0;
	}
}

/* One byte, after resolving a held-back one. c < 0: end of input. */
static int step(sh_splitter *s, int c, sh_stmt_fn cb, void *ud)
{
	int p = s->pend;
	if (p) {
		s->pend = 0;
		switch (s->state) {
		case SH_SPLIT_CODE:
			if ((p == '-' && c == '-') || (p == '/' && c == '/')) {
				s->state = SH_SPLIT_LINE_COMMENT;
				return 0;
			}
			if (p == '/' && c == '*') {
				s->state = SH_SPLIT_BLOCK_COMMENT;
				return 0;
			}
			put(s, p);
			if (p == '$' && c == '$') {
				put(s, c);
				s->state = SH_SPLIT_DOLLAR;
				return 0;
			}
			break;
		case SH_SPLIT_DOLLAR:
			put(s, p);
			if (c == '$') {
				put(s, c);
				s->state = SH_SPLIT_CODE;
				return 0;
			}
			break;
		default: /* SH_SPLIT_BLOCK_COMMENT, p == '*' */
			if (c == '/') {
				s->state = SH_SPLIT_CODE;
				/* a comment separates tokens as a space would */
				if (s->stmt_line)
					put(s, ' ');
				return 0;
			}
			break;
		}
	}
	return c < 0 ? 0 : plain(s, c, cb, ud);
}

int sh_split_feed(sh_splitter *s, const char *p, size_t n, sh_stmt_fn cb, void *ud)
{
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		int rc = step(s, c, cb, ud);
		if (c == '\n')
			s->line++;
		if (rc)
			return rc;
	}
	return 0;
}

int sh_split_finish(sh_splitter *s, sh_stmt_fn cb, void *ud, int *unterminated)
{
	step(s, -1, cb, ud);
	int state = s->state;
	int rc = 0;
	if (state == SH_SPLIT_CODE || state == SH_SPLIT_LINE_COMMENT) {
		state = SH_SPLIT_CODE;
		rc = end_statement(s, cb, ud);
	}
	if (unterminated)
		*unterminated = state;
	sh_buf_reset(&s->cur);
	s->state = SH_SPLIT_CODE;
	s->stmt_line = 0;
	return rc;
}

int sh_split_pending(const sh_splitter *s)
{
	return s->stmt_line != 0 || s->pend != 0 || s->state == SH_SPLIT_SQUOTE ||
	       s->state == SH_SPLIT_DQUOTE || s->state == SH_SPLIT_DOLLAR ||
	       s->state == SH_SPLIT_BLOCK_COMMENT;
}
