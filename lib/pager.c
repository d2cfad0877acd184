/*
 * pager.c — automatic paging (ucql_pager): iterate every row of a query
 * across pages, fetching the next page synchronously when one runs out.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "statement_int.h"

struct ucql_pager {
	ucql_session *s;
	ucql_statement *st;   /* our copy; its paging state moves forward */
	ucql_resultset *page;
	int err;
	const char *msg;
	int done;
};

ucql_pager *ucql_session_pager(ucql_session *s, const ucql_statement *st)
{
	if (!s || !st || st->kind == UCQL__STMT_BATCH)
		return NULL;
	ucql_pager *pg = calloc(1, sizeof *pg);
	if (!pg)
		return NULL;
	pg->s = s;
	pg->st = ucql__statement_clone(st);
	pg->msg = "";
	if (!pg->st) {
		free(pg);
		return NULL;
	}
	return pg;
}

static int fetch(ucql_pager *pg)
{
	if (pg->page) {
		if (!ucql_resultset_has_more_pages(pg->page)) {
			pg->done = 1;
			return 0;
		}
		if (ucql_statement_set_paging_state(pg->st, ucql_resultset_paging_state(pg->page))) {
			pg->err = UCQL_E_NOMEM;
			pg->msg = ucql_err_str(pg->err);
			return 0;
		}
		ucql_resultset_free(pg->page);
		pg->page = NULL;
	}
	pg->page = ucql_session_execute_sync(pg->s, pg->st);
	if (!pg->page) {
		pg->err = UCQL_E_NOMEM;
		pg->msg = ucql_err_str(pg->err);
		return 0;
	}
	if (ucql_resultset_error_code(pg->page)) {
		pg->err = ucql_resultset_error_code(pg->page);
		pg->msg = ucql_resultset_error_message(pg->page);
		return 0;
	}
	return 1;
}

const ucql_value *ucql_pager_next_row(ucql_pager *pg)
{
	if (!pg || pg->err || pg->done)
		return NULL;
	for (;;) {
		if (pg->page) {
			const ucql_value *row = ucql_resultset_next_row(pg->page);
			if (row)
				return row;
		}
		/* a page may be empty and still say "more pages" */
		if (!fetch(pg))
			return NULL;
	}
}

const ucql_resultset *ucql_pager_page(const ucql_pager *pg)
{
	return pg ? pg->page : NULL;
}

int ucql_pager_error_code(const ucql_pager *pg)
{
	return pg ? pg->err : UCQL_E_INVALID_ARG;
}

const char *ucql_pager_error_message(const ucql_pager *pg)
{
	return pg && pg->err ? pg->msg : "";
}

void ucql_pager_free(ucql_pager *pg)
{
	if (!pg)
		return;
	ucql_resultset_free(pg->page);
	ucql_statement_free(pg->st);
	free(pg);
}
