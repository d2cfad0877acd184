/*
 * ucql-sh's result output: the rows of one result, page by page, as a
 * cqlsh-like table, CSV or JSON lines, written to a FILE.
 *
 * Use per result: sh_out_begin (column names), sh_out_row for each row
 * (cells formatted at once, so the page they come from may be freed
 * afterwards), sh_out_page_end when a page is used up, sh_out_end.
 * Tables are laid out a page at a time (column widths fit that page; the
 * header comes before the first page only), as cqlsh does, so memory stays
 * bounded by one page. Single-threaded.
 */
#ifndef UCQL_SH_OUTPUT_H
#define UCQL_SH_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "format.h"

typedef struct sh_out sh_out;

/* An output to f (not owned) with options o (copied). NULL when out of
 * memory. */
sh_out *sh_out_new(FILE *f, const sh_fmt_opts *o);
void sh_out_free(sh_out *out);

/* Starts a result of n columns named names[0..n) (copied). Returns 0 or
 * UCQL_E_NOMEM. */
int sh_out_begin(sh_out *out, int32_t n, const ucql_bytes *names);
/* One row: cell i of type types[i] (a type set whose root is node 0, as
 * ucql_resultset_column_type gives; borrowed for the call). Returns 0, a
 * negative ucql error when a cell was malformed (it is shown as its bytes
 * and the row is still output), or UCQL_E_NOMEM. */
int sh_out_row(sh_out *out, const ucql_value *cells, const ucql_type_set *const *types);
/* The rows given so far make a page: a table prints them now. */
void sh_out_page_end(sh_out *out);
/* Ends the result: a table prints its last page and "(N rows)". */
void sh_out_end(sh_out *out);

/* Rows output since sh_out_begin. */
int64_t sh_out_rows(const sh_out *out);

#endif
