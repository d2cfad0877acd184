/* ucql-sh's statement splitter (tools/sh/split.c): statements end at ';'
 * outside strings, quoted identifiers, $$ strings and comments; input fed
 * whole, line by line and byte by byte gives the same statements. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../../tools/sh/split.h"

#define MAXS 16

typedef struct got {
	int n;
	char text[MAXS][256];
	size_t line[MAXS];
	int stop_after; /* return 7 from the callback after this many (0: never) */
} got;

static int collect(void *ud, const char *text, size_t len, size_t line)
{
	got *g = ud;
	cr_assert_lt(g->n, MAXS);
	cr_assert_eq(strlen(text), len, "text must be NUL-terminated at len");
	cr_assert_lt(len, sizeof g->text[0]);
	memcpy(g->text[g->n], text, len + 1);
	g->line[g->n] = line;
	g->n++;
	return g->stop_after && g->n >= g->stop_after ? 7 : 0;
}

enum { WHOLE, LINES, BYTES };

/* Splits `in` fed in the given way; finish included. */
static got split(const char *in, int how, int *unterminated)
{
	got g;
	memset(&g, 0, sizeof g);
	sh_splitter s;
	sh_split_init(&s);
	size_t n = strlen(in);
	if (how == WHOLE) {
		cr_assert_eq(sh_split_feed(&s, in, n, collect, &g), 0);
	} else {
		size_t i = 0;
		while (i < n) {
			size_t k = 1;
			if (how == LINES)
				while (i + k < n && in[i + k - 1] != '\n')
					k++;
			cr_assert_eq(sh_split_feed(&s, in + i, k, collect, &g), 0);
			i += k;
		}
	}
	cr_assert_eq(sh_split_finish(&s, collect, &g, unterminated), 0);
	sh_split_free(&s);
	return g;
}

/* Expects the statements (NULL-terminated list of text, line pairs) for
 * every way of feeding. */
static void expect(const char *in, const char *const *texts, const size_t *lines)
{
	for (int how = WHOLE; how <= BYTES; how++) {
		int un = -1;
		got g = split(in, how, &un);
		cr_expect_eq(un, SH_SPLIT_CODE, "[%s] how %d: unterminated %d", in, how, un);
		int want = 0;
		while (texts[want])
			want++;
		cr_expect_eq(g.n, want, "[%s] how %d: %d statements, want %d", in, how, g.n, want);
		for (int i = 0; i < want && i < g.n; i++) {
			cr_expect_str_eq(g.text[i], texts[i], "[%s] how %d: #%d [%s] want [%s]", in, how,
					 i, g.text[i], texts[i]);
			cr_expect_eq(g.line[i], lines[i], "[%s] how %d: #%d line %zu want %zu", in, how,
				     i, g.line[i], lines[i]);
		}
	}
}

#define EXPECT(in, ...)                                                       \
	do {                                                                  \
		static const char *const t_[] = { __VA_ARGS__, NULL };       \
		expect(in, t_, lines_);                                       \
	} while (0)

Test(split, simple)
{
	static const size_t lines_[] = { 1, 1 };
	EXPECT("SELECT 1; SELECT 2;", "SELECT 1", "SELECT 2");
}

Test(split, no_final_semicolon)
{
	static const size_t lines_[] = { 1, 1 };
	EXPECT("  SELECT 1;  SELECT 2  \n", "SELECT 1", "SELECT 2");
}

Test(split, multi_line)
{
	static const size_t lines_[] = { 2, 6 };
	EXPECT("\nSELECT\n*\nFROM t\n;\n  INSERT INTO t (k) VALUES (1);\n", "SELECT\n*\nFROM t",
	       "INSERT INTO t (k) VALUES (1)");
}

Test(split, crlf)
{
	static const size_t lines_[] = { 1, 2 };
	EXPECT("SELECT 1;\r\nSELECT\r\n2;\r\n", "SELECT 1", "SELECT\r\n2");
}

Test(split, strings)
{
	static const size_t lines_[] = { 1, 2 };
	EXPECT("INSERT INTO t (a) VALUES ('a;b''c--d/*e');\nSELECT 'x\n;y' FROM t;",
	       "INSERT INTO t (a) VALUES ('a;b''c--d/*e')", "SELECT 'x\n;y' FROM t");
}

Test(split, quoted_identifiers)
{
	static const size_t lines_[] = { 1 };
	EXPECT("SELECT \"a;\"\"b--\" FROM \"T;\";", "SELECT \"a;\"\"b--\" FROM \"T;\"");
}

Test(split, dollar_strings)
{
	static const size_t lines_[] = { 1, 2 };
	EXPECT("INSERT INTO t (a) VALUES ($$a;'b$c--$$);\nSELECT $$x$$ FROM t;",
	       "INSERT INTO t (a) VALUES ($$a;'b$c--$$)", "SELECT $$x$$ FROM t");
}

Test(split, comments)
{
	static const size_t lines_[] = { 2, 3, 6 };
	EXPECT("-- a; comment\nSELECT 1; // b;\n/* c; */ SELECT /* ; */ 2 -- d;\n;\n"
	       "/* multi\n;line */ SELECT 3;",
	       "SELECT 1", "SELECT   2", "SELECT 3");
}

Test(split, operators_are_not_comments)
{
	static const size_t lines_[] = { 1, 1 };
	EXPECT("SELECT a-1, b/2, c - -3, $x FROM t; UPDATE t SET v = v - 1 WHERE k = 1;",
	       "SELECT a-1, b/2, c - -3, $x FROM t", "UPDATE t SET v = v - 1 WHERE k = 1");
}

Test(split, batches)
{
	static const size_t lines_[] = { 1, 3, 4, 5, 5, 6 };
	EXPECT("BEGIN BATCH INSERT INTO t (k) VALUES (1); INSERT INTO t (k) VALUES (';');\n"
	       "  APPLY BATCH;\n"
	       "SELECT 1;\n"
	       "begin unlogged batch update t set v = 'apply batch' where k = 1; apply\n batch ; "
	       "begin_x; SELECT 2;\n"
	       "BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1; APPLY BATCHES; APPLY BATCH;",
	       "BEGIN BATCH INSERT INTO t (k) VALUES (1); INSERT INTO t (k) VALUES (';');\n  APPLY BATCH",
	       "SELECT 1",
	       "begin unlogged batch update t set v = 'apply batch' where k = 1; apply\n batch",
	       "begin_x", "SELECT 2",
	       "BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1; APPLY BATCHES; APPLY BATCH");
}

Test(split, block_comment_edges)
{
	static const size_t lines_[] = { 1 };
	EXPECT("SELECT/**/1/***/;", "SELECT 1");
}

Test(split, empty_statements)
{
	static const size_t lines_[] = { 3 };
	EXPECT(";;  ;\n -- only a comment;\n;SELECT 1;;", "SELECT 1");
	int un;
	got g = split("  \n -- nothing\n /* at all */ ", WHOLE, &un);
	cr_expect_eq(g.n, 0);
	cr_expect_eq(un, SH_SPLIT_CODE);
}

Test(split, unterminated)
{
	static const struct {
		const char *in;
		int state;
	} cases[] = {
		{ "SELECT 'abc", SH_SPLIT_SQUOTE },
		{ "SELECT \"abc", SH_SPLIT_DQUOTE },
		{ "SELECT $$abc$", SH_SPLIT_DOLLAR },
		{ "SELECT 1 /* abc *", SH_SPLIT_BLOCK_COMMENT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int how = WHOLE; how <= BYTES; how++) {
			int un = -1;
			got g = split(cases[i].in, how, &un);
			cr_expect_eq(g.n, 0, "%s", cases[i].in);
			cr_expect_eq(un, cases[i].state, "%s: %d", cases[i].in, un);
		}
	}
	/* complete statements before it still count */
	int un;
	got g = split("SELECT 1; SELECT 'x", WHOLE, &un);
	cr_expect_eq(g.n, 1);
	cr_expect_eq(un, SH_SPLIT_SQUOTE);
}

Test(split, pending)
{
	got g;
	memset(&g, 0, sizeof g);
	sh_splitter s;
	sh_split_init(&s);
	cr_expect_eq(sh_split_pending(&s), 0);
	sh_split_feed(&s, "SELECT 1\n", 9, collect, &g);
	cr_expect_eq(sh_split_pending(&s), 1);
	sh_split_feed(&s, ";\n", 2, collect, &g);
	cr_expect_eq(sh_split_pending(&s), 0);
	cr_expect_eq(g.n, 1);
	sh_split_feed(&s, "-- just a comment\n", 18, collect, &g);
	cr_expect_eq(sh_split_pending(&s), 0);
	sh_split_feed(&s, "/* open\n", 8, collect, &g);
	cr_expect_eq(sh_split_pending(&s), 1);
	sh_split_feed(&s, "*/\n", 3, collect, &g);
	cr_expect_eq(sh_split_pending(&s), 0);
	sh_split_feed(&s, "'abc;\n", 6, collect, &g);
	cr_expect_eq(sh_split_pending(&s), 1);
	sh_split_feed(&s, "';\n", 3, collect, &g);
	cr_expect_eq(sh_split_pending(&s), 0);
	cr_expect_eq(g.n, 2);
	cr_expect_str_eq(g.text[1], "'abc;\n'");
	cr_expect_eq(g.line[1], 6);
	/* reusable after finish */
	int un;
	sh_split_finish(&s, collect, &g, &un);
	sh_split_feed(&s, "SELECT 9;", 9, collect, &g);
	cr_expect_eq(g.n, 3);
	sh_split_free(&s);
}

Test(split, callback_stops)
{
	got g;
	memset(&g, 0, sizeof g);
	g.stop_after = 2;
	sh_splitter s;
	sh_split_init(&s);
	const char *in = "A; B; C; D;";
	cr_expect_eq(sh_split_feed(&s, in, strlen(in), collect, &g), 7);
	cr_expect_eq(g.n, 2);
	cr_expect_str_eq(g.text[1], "B");
	sh_split_free(&s);
}
