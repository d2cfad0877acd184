/*
 * ucql-sh: executing one statement through the driver and printing its
 * outcome (sh.h).
 *
 * SELECTs go through the driver's pager (ucql_session_pager) so that every
 * page is fetched and printed as it arrives; other statements are executed
 * once (ucql_session_execute_sync) and print rows only if they return some
 * (a conditional update's [applied] row). USE is executed like any other
 * statement: the driver switches every connection of the session to the
 * new keyspace when it sees the SET_KEYSPACE result.
 */
#include <string.h>

#include "sh.h"

/* ---- errors ------------------------------------------------------------------- */

const char *sh_error_name(int code)
{
	/* The Python driver's exception names, which cqlsh prints. */
	switch (code) {
	case UCQL_E_SERVER_ERROR: return "ServerError";
	case UCQL_E_PROTOCOL: return "ProtocolError";
	case UCQL_E_AUTH: return "AuthenticationFailed";
	case UCQL_E_UNAVAILABLE: return "Unavailable";
	case UCQL_E_OVERLOADED: return "Overloaded";
	case UCQL_E_IS_BOOTSTRAPPING: return "IsBootstrapping";
	case UCQL_E_TRUNCATE_ERROR: return "TruncateError";
	case UCQL_E_WRITE_TIMEOUT: return "WriteTimeout";
	case UCQL_E_READ_TIMEOUT: return "ReadTimeout";
	case UCQL_E_READ_FAILURE: return "ReadFailure";
	case UCQL_E_FUNCTION_FAILURE: return "FunctionFailure";
	case UCQL_E_WRITE_FAILURE: return "WriteFailure";
	case UCQL_E_CDC_WRITE_FAILURE: return "CDCWriteFailure";
	case UCQL_E_CAS_WRITE_UNKNOWN: return "CASWriteUnknown";
	case UCQL_E_SYNTAX: return "SyntaxException";
	case UCQL_E_UNAUTHORIZED: return "Unauthorized";
	case UCQL_E_INVALID: return "InvalidRequest";
	case UCQL_E_CONFIG: return "ConfigurationException";
	case UCQL_E_ALREADY_EXISTS: return "AlreadyExists";
	case UCQL_E_UNPREPARED: return "Unprepared";
	default: return NULL;
	}
}

void sh_report(sh_run *r, size_t line, int code, const char *message)
{
	const char *name = sh_error_name(code);
	fprintf(r->err, "%s:%zu: ", r->source, line);
	if (code == 0)
		fputs("error", r->err);
	else if (name)
		fprintf(r->err, "%s [code=0x%04x]", name, (unsigned)ucql_err_to_wire(code));
	else if (code > 0)
		fprintf(r->err, "ServerError [code=0x%04x]", (unsigned)code);
	else
		fprintf(r->err, "%s [code=%d]", ucql_err_name(code), code);
	fprintf(r->err, ": %s\n", message && *message ? message : ucql_err_str(code));
	fflush(r->err);
	r->failed = 1;
}

static void warnings(sh_run *r, const ucql_resultset *rs)
{
	size_t n = ucql_resultset_warning_count(rs);
	for (size_t i = 0; i < n; i++) {
		ucql_bytes w = ucql_resultset_warning(rs, i);
		fprintf(r->err, "Warning: %.*s\n", (int)w.len, (const char *)w.p);
	}
}

/* ---- rows ------------------------------------------------------------------------ */

#define MAX_COLS 4096

/* Starts the output of a result with rs's columns; fills types[]. */
static int begin(sh_run *r, const ucql_resultset *rs, const ucql_type_set **types, int32_t *ncols)
{
	int32_t n = ucql_resultset_column_count(rs);
	if (n > MAX_COLS)
		n = MAX_COLS;
	ucql_bytes names[MAX_COLS];
	for (int32_t i = 0; i < n; i++) {
		names[i] = ucql_resultset_column_name(rs, i);
		types[i] = ucql_resultset_column_type(rs, i);
		if (!types[i])
			return UCQL_E_BAD_TYPE;
	}
	*ncols = n;
	return sh_out_begin(r->out, n, names);
}

static void bad_value(sh_run *r, size_t line, int rc, int *reported)
{
	if (*reported)
		return;
	*reported = 1;
	/* The row is printed anyway, the value as its bytes: a warning, the
	 * statement still succeeded. */
	fprintf(r->err, "%s:%zu: warning: a value could not be decoded (%s); shown as bytes\n",
		r->source, line, ucql_err_str(rc));
}

/* Every row of a SELECT, page by page. */
static void run_select(sh_run *r, const ucql_statement *st, size_t line)
{
	ucql_pager *pg = ucql_session_pager(r->session, st);
	if (!pg) {
		sh_report(r, line, UCQL_E_NOMEM, NULL);
		return;
	}
	static const ucql_type_set *types[MAX_COLS];
	int32_t ncols = 0, left = 0;
	int started = 0, reported = 0;
	const ucql_value *row;
	while ((row = ucql_pager_next_row(pg))) {
		const ucql_resultset *page = ucql_pager_page(pg);
		/* A new page starts when the current one's rows are used up
		 * (pages are told apart by count: the old page may be freed). */
		if (!started || left == 0) {
			if (!started) {
				warnings(r, page);
				if (begin(r, page, types, &ncols)) {
					sh_report(r, line, UCQL_E_NOMEM, NULL);
					ucql_pager_free(pg);
					return;
				}
				started = 1;
			} else {
				sh_out_page_end(r->out);
				for (int32_t i = 0; i < ncols; i++)
					types[i] = ucql_resultset_column_type(page, i);
			}
			left = ucql_resultset_row_count(page);
		}
		int rc = sh_out_row(r->out, row, types);
		if (rc == UCQL_E_NOMEM) {
			sh_report(r, line, rc, NULL);
			break;
		}
		if (rc < 0)
			bad_value(r, line, rc, &reported);
		left--;
	}
	int err = ucql_pager_error_code(pg);
	if (!started && !err) {
		/* no rows at all: the columns of the (empty) first page */
		const ucql_resultset *page = ucql_pager_page(pg);
		if (page) {
			warnings(r, page);
			if (!begin(r, page, types, &ncols))
				started = 1;
		}
	}
	if (started)
		sh_out_end(r->out);
	if (err)
		sh_report(r, line, err, ucql_pager_error_message(pg));
	ucql_pager_free(pg);
}

/* A statement run once; rows printed if it returned some. */
static void run_once(sh_run *r, const ucql_statement *st, size_t line)
{
	ucql_resultset *rs = ucql_session_execute_sync(r->session, st);
	if (!rs) {
		sh_report(r, line, UCQL_E_NOMEM, NULL);
		return;
	}
	int err = ucql_resultset_error_code(rs);
	if (err) {
		sh_report(r, line, err, ucql_resultset_error_message(rs));
		ucql_resultset_free(rs);
		return;
	}
	warnings(r, rs);
	if (ucql_resultset_kind(rs) == UCQL_RESULT_ROWS) {
		static const ucql_type_set *types[MAX_COLS];
		int32_t ncols;
		int reported = 0;
		if (begin(r, rs, types, &ncols)) {
			sh_report(r, line, UCQL_E_NOMEM, NULL);
		} else {
			const ucql_value *row;
			while ((row = ucql_resultset_next_row(rs))) {
				int rc = sh_out_row(r->out, row, types);
				if (rc < 0 && rc != UCQL_E_NOMEM)
					bad_value(r, line, rc, &reported);
			}
			sh_out_end(r->out);
		}
	}
	ucql_resultset_free(rs);
}

/* ---- statements ------------------------------------------------------------------------ */

/* 1 if the statement's first word is `word` (case-insensitive). */
static int first_word_is(const char *cql, size_t len, const char *word)
{
	size_t n = strlen(word);
	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = cql[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return 0;
	}
	if (len == n)
		return 1;
	char c = cql[n];
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		 c == '_');
}

int sh_run_statement(void *ud, const char *cql, size_t len, size_t line)
{
	sh_run *r = ud;
	if ((first_word_is(cql, len, "exit") && len == 4) ||
	    (first_word_is(cql, len, "quit") && len == 4)) {
		r->quit = 1;
		return 1;
	}
	ucql_statement *st = ucql_statement_new_n(cql, len, 0);
	if (!st) {
		sh_report(r, line, UCQL_E_NOMEM, NULL);
		return 0;
	}
	if (first_word_is(cql, len, "select")) {
		ucql_statement_set_page_size(st, r->page_size);
		run_select(r, st, line);
	} else {
		run_once(r, st, line);
	}
	ucql_statement_free(st);
	fflush(stdout);
	return 0;
}
