/* ucql-sh's result output (tools/sh/output.c): cqlsh's table layout
 * (known answers written from cqlshmain.py's print_formatted_result: names
 * left-justified, cells right-justified, widths per page), CSV with a
 * header row, JSON lines. Written into a memory stream. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../tools/sh/output.h"

typedef struct cap {
	FILE *f;
	char *p;
	size_t n;
	sh_out *out;
	ucql_type nodes[2][8];
	ucql_type_set ts[2];
	const ucql_type_set *types[2];
	uint8_t vbuf[1024];
	size_t vlen;
} cap;

/* Columns k (int) and v (text), or names given. */
static void open_cap(cap *c, int style, const char *k, const char *v)
{
	memset(c, 0, sizeof *c);
	c->f = open_memstream(&c->p, &c->n);
	cr_assert_not_null(c->f);
	sh_fmt_opts o = sh_fmt_defaults(style);
	c->out = sh_out_new(c->f, &o);
	cr_assert_not_null(c->out);
	static const char *tt[2] = { "int", "text" };
	for (int i = 0; i < 2; i++) {
		ucql_type_set_init(&c->ts[i], c->nodes[i], 8);
		cr_assert_eq(ucql_type_parse_cql(&c->ts[i], ucql_bytes_str(tt[i])), 0);
		c->types[i] = &c->ts[i];
	}
	ucql_bytes names[2] = { ucql_bytes_str(k), ucql_bytes_str(v) };
	cr_assert_eq(sh_out_begin(c->out, 2, names), 0);
}

/* A row (k, v); v NULL = null; k_hex: raw bytes for k instead of an int. */
static int row(cap *c, int32_t k, const char *v, const char *k_hex)
{
	ucql_writer w;
	ucql_writer_init(&w, c->vbuf, sizeof c->vbuf);
	ucql_value cells[2];
	if (k_hex) {
		uint8_t *d = c->vbuf + 512;
		size_t n = 0;
		for (; k_hex[0] && k_hex[1]; k_hex += 2) {
			unsigned x;
			sscanf(k_hex, "%2x", &x);
			d[n++] = (uint8_t)x;
		}
		cells[0] = ucql_value_of(d, (int32_t)n);
	} else {
		ucql_value_write_int(&w, k);
		cells[0] = ucql_value_of(c->vbuf + 4, 4);
	}
	size_t at = w.len;
	if (v) {
		ucql_value_write_text(&w, ucql_bytes_str(v));
		cells[1] = ucql_value_of(c->vbuf + at + 4, (int32_t)strlen(v));
	} else {
		cells[1] = ucql_value_null();
	}
	return sh_out_row(c->out, cells, c->types);
}

static const char *close_cap(cap *c)
{
	sh_out_end(c->out);
	sh_out_free(c->out);
	fclose(c->f);
	return c->p;
}

static void setup(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
}

TestSuite(output, .init = setup);

Test(output, table)
{
	cap c;
	open_cap(&c, SH_STYLE_TABLE, "k", "v");
	cr_assert_eq(row(&c, 1, "a", NULL), 0);
	cr_assert_eq(row(&c, 22, "hello", NULL), 0);
	cr_assert_eq(row(&c, -3, NULL, NULL), 0);
	cr_expect_eq(sh_out_rows(c.out), 3);
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "\n"
			      " k  | v\n"
			      "----+-------\n"
			      "  1 |     a\n"
			      " 22 | hello\n"
			      " -3 |  null\n"
			      "\n"
			      "(3 rows)\n");
	free(c.p);
}

Test(output, table_wide_header_and_unicode)
{
	cap c;
	open_cap(&c, SH_STYLE_TABLE, "a_long_name", "v");
	cr_assert_eq(row(&c, 1, "\xe6\x97\xa5\xe6\x9c\xac", NULL), 0); /* 日本: 4 columns */
	cr_assert_eq(row(&c, 2, "x", NULL), 0);
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "\n"
			      " a_long_name | v\n"
			      "-------------+------\n"
			      "           1 | \xe6\x97\xa5\xe6\x9c\xac\n"
			      "           2 |    x\n"
			      "\n"
			      "(2 rows)\n");
	free(c.p);
}

Test(output, table_empty)
{
	cap c;
	open_cap(&c, SH_STYLE_TABLE, "k", "v");
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "\n"
			      " k | v\n"
			      "---+---\n"
			      "\n"
			      "\n"
			      "(0 rows)\n");
	free(c.p);
}

Test(output, table_pages)
{
	cap c;
	open_cap(&c, SH_STYLE_TABLE, "k", "v");
	cr_assert_eq(row(&c, 1, "a", NULL), 0);
	sh_out_page_end(c.out);
	sh_out_page_end(c.out); /* an empty page prints nothing */
	cr_assert_eq(row(&c, 333, "bb", NULL), 0);
	const char *got = close_cap(&c);
	/* widths per page, header once (cqlsh, non-interactive) */
	cr_expect_str_eq(got, "\n"
			      " k | v\n"
			      "---+---\n"
			      " 1 | a\n"
			      " 333 | bb\n"
			      "\n"
			      "(2 rows)\n");
	free(c.p);
}

Test(output, table_malformed_cell)
{
	cap c;
	open_cap(&c, SH_STYLE_TABLE, "k", "v");
	cr_expect_lt(row(&c, 0, "a", "010203"), 0);
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "\n"
			      " k        | v\n"
			      "----------+---\n"
			      " 0x010203 | a\n"
			      "\n"
			      "(1 rows)\n");
	free(c.p);
}

Test(output, csv)
{
	cap c;
	open_cap(&c, SH_STYLE_CSV, "k", "v,w");
	cr_assert_eq(row(&c, 1, "a", NULL), 0);
	cr_assert_eq(row(&c, 2, NULL, NULL), 0);
	cr_assert_eq(row(&c, 3, "", NULL), 0);
	cr_assert_eq(row(&c, 4, "say \"hi\", ok\nbye", NULL), 0);
	sh_out_page_end(c.out);
	cr_assert_eq(row(&c, 5, " x", NULL), 0);
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "k,\"v,w\"\n"
			      "1,a\n"
			      "2,\n"
			      "3,\"\"\n"
			      "4,\"say \"\"hi\"\", ok\nbye\"\n"
			      "5,\" x\"\n");
	free(c.p);
}

Test(output, csv_empty)
{
	cap c;
	open_cap(&c, SH_STYLE_CSV, "k", "v");
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "k,v\n");
	free(c.p);
}

Test(output, json)
{
	cap c;
	open_cap(&c, SH_STYLE_JSON, "k", "Mixed");
	cr_assert_eq(row(&c, 1, "a\"b", NULL), 0);
	cr_assert_eq(row(&c, 2, NULL, NULL), 0);
	cr_expect_lt(row(&c, 0, "", "0102"), 0);
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "{\"k\": 1, \"\\\"Mixed\\\"\": \"a\\\"b\"}\n"
			      "{\"k\": 2, \"\\\"Mixed\\\"\": null}\n"
			      "{\"k\": \"0x0102\", \"\\\"Mixed\\\"\": \"\"}\n");
	free(c.p);
}

Test(output, json_empty)
{
	cap c;
	open_cap(&c, SH_STYLE_JSON, "k", "v");
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "");
	free(c.p);
}

Test(output, two_results)
{
	/* begin again resets the row count and the header */
	cap c;
	open_cap(&c, SH_STYLE_CSV, "k", "v");
	cr_assert_eq(row(&c, 1, "a", NULL), 0);
	sh_out_end(c.out);
	ucql_bytes names[2] = { ucql_bytes_str("x"), ucql_bytes_str("y") };
	cr_assert_eq(sh_out_begin(c.out, 2, names), 0);
	cr_expect_eq(sh_out_rows(c.out), 0);
	cr_assert_eq(row(&c, 2, "b", NULL), 0);
	const char *got = close_cap(&c);
	cr_expect_str_eq(got, "k,v\n1,a\nx,y\n2,b\n");
	free(c.p);
}
