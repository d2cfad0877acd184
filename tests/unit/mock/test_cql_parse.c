/* ucql-mock's CQL tokenizer and parser: every statement form in several
 * spellings, the queries real drivers send, bind marker numbering and
 * receivers, and errors with Cassandra's messages and positions. */
#include <criterion/criterion.h>
#include <string.h>

#include "guard.h"
#include "cql_ast.h"
#include "cql_lex.h"

static mock_arena A;
static mock_parsed P;
static mock_cql_error E;

static void setup(void)
{
	mock_arena_init(&A);
}
static void teardown(void)
{
	mock_arena_free(&A);
}
TestSuite(cql_parse, .init = setup, .fini = teardown);

/* Parses q from a copy that ends at a guard page: any read past the end
 * of the text faults. The tree must not borrow the text: the copy is
 * freed before the caller looks at the tree. */
static int parse(const char *q)
{
	guard_buf g = guard_copy(q, strlen(q));
	int rc = mock_cql_parse(&A, (const char *)g.p, g.len, &P, &E);
	guard_free(&g);
	return rc;
}

static mock_stmt *ok(const char *q)
{
	int rc = parse(q);
	cr_assert_eq(rc, 0, "%s -> %d %s", q, rc, E.msg);
	cr_assert_not_null(P.stmt);
	return P.stmt;
}

static void fails(const char *q, int code, const char *msg)
{
	int rc = parse(q);
	cr_assert_eq(rc, code, "%s -> %d (%s)", q, rc, E.msg);
	cr_assert_str_eq(E.msg, msg, "%s", q);
}

#define STREQ(a, b) cr_assert_str_eq((a), (b))

/* ==== tokenizer ========================================================== */

Test(cql_parse, tokens)
{
	const char *q = "SeLeCt \"MiXed\"\"q\" , x_1 'it''s' $$a'b$$ -- comment\n 42 -7 1.5 1e10 2.5E-3 "
			"0xCAFE 0x 01234567-89ab-cdef-0123-456789ABCDEF 1h30m 12mo3d P1DT2H ? :name "
			"/* block */ <= >= != += -= ; // end";
	mock_cql_tokens t;
	cr_assert_eq(mock_cql_lex(&A, q, strlen(q), &t, &E), 0, "%s", E.msg);
	struct { int kind; const char *text; } want[] = {
		{ MOCK_TOK_WORD, "select" }, { MOCK_TOK_QIDENT, "MiXed\"q" }, { ',', "," },
		{ MOCK_TOK_WORD, "x_1" }, { MOCK_TOK_STRING, "it's" }, { MOCK_TOK_STRING, "a'b" },
		{ MOCK_TOK_INT, "42" }, { '-', "-" }, { MOCK_TOK_INT, "7" }, { MOCK_TOK_FLOAT, "1.5" },
		{ MOCK_TOK_FLOAT, "1e10" }, { MOCK_TOK_FLOAT, "2.5E-3" }, { MOCK_TOK_HEX, "CAFE" },
		{ MOCK_TOK_HEX, "" }, { MOCK_TOK_UUID, "01234567-89ab-cdef-0123-456789ABCDEF" },
		{ MOCK_TOK_DURATION, "1h30m" }, { MOCK_TOK_DURATION, "12mo3d" },
		{ MOCK_TOK_DURATION, "P1DT2H" }, { '?', "?" }, { ':', ":" }, { MOCK_TOK_WORD, "name" },
		{ MOCK_TOK_LE, "<=" }, { MOCK_TOK_GE, ">=" }, { MOCK_TOK_NE, "!=" },
		{ MOCK_TOK_ADD_EQ, "+=" }, { MOCK_TOK_SUB_EQ, "-=" }, { ';', ";" },
	};
	size_t n = sizeof want / sizeof *want;
	cr_assert_eq(t.n, n, "%zu tokens", t.n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(t.t[i].kind, want[i].kind, "token %zu kind %d", i, t.t[i].kind);
		cr_assert_eq(t.t[i].text_len, strlen(want[i].text), "token %zu", i);
		cr_assert_eq(memcmp(t.t[i].text, want[i].text, t.t[i].text_len), 0, "token %zu: %.*s", i,
			     (int)t.t[i].text_len, t.t[i].text);
	}
	cr_assert_eq(t.t[n].kind, MOCK_TOK_EOF);
	cr_assert_eq(t.t[0].pos, 0);
	cr_assert_eq(t.t[1].pos, 7);
	cr_assert_eq(t.t[1].len, 10);
}

Test(cql_parse, token_edges)
{
	mock_cql_tokens t;
	/* a uuid starting with letters is a uuid, not a word */
	const char *q = "deadbeef-0000-1000-8000-00000000cafe abc 1µs 3us P0001-02-03T04:05:06 p";
	cr_assert_eq(mock_cql_lex(&A, q, strlen(q), &t, &E), 0, "%s", E.msg);
	cr_assert_eq(t.n, 6);
	cr_assert_eq(t.t[0].kind, MOCK_TOK_UUID);
	cr_assert_eq(t.t[1].kind, MOCK_TOK_WORD);
	cr_assert_eq(t.t[2].kind, MOCK_TOK_DURATION);
	cr_assert_eq(t.t[3].kind, MOCK_TOK_DURATION);
	cr_assert_eq(t.t[4].kind, MOCK_TOK_DURATION);
	cr_assert_eq(t.t[5].kind, MOCK_TOK_WORD);
	/* an empty input has only EOF */
	cr_assert_eq(mock_cql_lex(&A, "", 0, &t, &E), 0);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(t.t[0].kind, MOCK_TOK_EOF);
}

Test(cql_parse, lex_errors)
{
	fails("SELECT * FROM t WHERE k = 'abc", UCQL_E_SYNTAX,
	      "line 1:30 mismatched character '<EOF>' expecting '''");
	fails("SELECT * FROM t /* never closed", UCQL_E_SYNTAX,
	      "line 1:31 mismatched character '<EOF>' expecting '*'");
	fails("SELECT * FROM t WHERE k = @", UCQL_E_SYNTAX,
	      "line 1:26 no viable alternative at character '@'");
	fails("USE \"\"", UCQL_E_SYNTAX, "line 1:4 no viable alternative at character '\"'");
	fails("SELECT * FROM t\nWHERE k = 12abc", UCQL_E_SYNTAX,
	      "line 2:12 no viable alternative at character 'a'");
	cr_assert_eq(E.pos, 28);
}

/* ==== what drivers send ================================================== */

static void is_select_star(const char *q, const char *ks, const char *table)
{
	mock_stmt *s = ok(q);
	cr_assert_eq(s->kind, MOCK_STMT_SELECT, "%s", q);
	cr_assert(s->u.select.star, "%s", q);
	STREQ(s->u.select.table.ks, ks);
	STREQ(s->u.select.table.name, table);
}

Test(cql_parse, driver_system_queries)
{
	is_select_star("SELECT * FROM system.peers_v2", "system", "peers_v2");
	is_select_star("SELECT * FROM system.peers", "system", "peers");
	is_select_star("SELECT * from system_virtual_schema.keyspaces", "system_virtual_schema", "keyspaces");
	is_select_star("SELECT * FROM system_schema.tables", "system_schema", "tables");
	is_select_star("select * from \"system_schema\".\"columns\";", "system_schema", "columns");

	mock_stmt *s = ok("SELECT * FROM system.local WHERE key='local'");
	mock_select *sel = &s->u.select;
	STREQ(sel->table.name, "local");
	cr_assert_eq(sel->n_where, 1);
	cr_assert_eq(sel->where[0].kind, MOCK_REL_COLUMN);
	cr_assert_eq(sel->where[0].op, MOCK_OP_EQ);
	STREQ(sel->where[0].cols[0], "key");
	cr_assert_eq(sel->where[0].value->kind, MOCK_TERM_STRING);
	STREQ(sel->where[0].value->text, "local");

	s = ok("SELECT schema_version FROM system.local WHERE key='local'");
	sel = &s->u.select;
	cr_assert_not(sel->star);
	cr_assert_eq(sel->n_sel, 1);
	cr_assert_eq(sel->sel[0]->kind, MOCK_SEL_COLUMN);
	STREQ(sel->sel[0]->name, "schema_version");

	s = ok("SELECT peer, rpc_address, host_id, schema_version FROM system.peers");
	sel = &s->u.select;
	cr_assert_eq(sel->n_sel, 4);
	const char *cols[] = { "peer", "rpc_address", "host_id", "schema_version" };
	for (int i = 0; i < 4; i++)
		STREQ(sel->sel[i]->name, cols[i]);

	s = ok("USE \"ks\"");
	cr_assert_eq(s->kind, MOCK_STMT_USE);
	STREQ(s->u.name.name.name, "ks");
	STREQ(ok("use KS;")->u.name.name.name, "ks");
	STREQ(ok("USE \"MyKs\"")->u.name.name.name, "MyKs");
	STREQ(ok("  USE\n\tks  ;  ")->u.name.name.name, "ks");
}

/* ==== SELECT ============================================================= */

Test(cql_parse, select_spellings)
{
	const char *qs[] = {
		"SELECT a, b FROM ks.t WHERE k = 1",
		"select A,B from KS.T where K=1;",
		"  SeLeCt \"a\" , b\nFROM ks . t -- trailing\n WHERE k = 1 ; ",
		"/* c */ SELECT a, /* x */ b FROM \"ks\".\"t\" WHERE \"k\" = 1 // done",
	};
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
		mock_select *s = &ok(qs[i])->u.select;
		cr_assert_eq(s->n_sel, 2, "%s", qs[i]);
		STREQ(s->sel[0]->name, "a");
		STREQ(s->sel[1]->name, "b");
		STREQ(s->table.ks, "ks");
		STREQ(s->table.name, "t");
		cr_assert_eq(s->n_where, 1);
		STREQ(s->where[0].cols[0], "k");
		STREQ(s->where[0].value->text, "1");
		cr_assert_eq(s->where[0].value->kind, MOCK_TERM_INT);
	}
	/* quoted names keep their case; unquoted are folded */
	mock_select *s = &ok("SELECT \"Name\", Other FROM \"T\"")->u.select;
	STREQ(s->sel[0]->name, "Name");
	STREQ(s->sel[1]->name, "other");
	cr_assert_null(s->table.ks);
	STREQ(s->table.name, "T");
}

Test(cql_parse, select_selectors)
{
	mock_select *s = &ok("SELECT count(*), COUNT(1), writetime(v) AS wt, ttl(v), token(a, b), "
			     "toTimestamp(now()) AS ts, k AS \"Key\", system.dateOf(t), CAST(x AS text), u.f.g "
			     "FROM t")->u.select;
	cr_assert_eq(s->n_sel, 10);
	cr_assert_eq(s->sel[0]->kind, MOCK_SEL_FUNC);
	STREQ(s->sel[0]->name, "count");
	cr_assert(s->sel[0]->star);
	cr_assert_eq(s->sel[1]->kind, MOCK_SEL_FUNC);
	cr_assert_eq(s->sel[1]->n_args, 1);
	cr_assert_eq(s->sel[1]->args[0]->kind, MOCK_SEL_TERM);
	STREQ(s->sel[1]->args[0]->term->text, "1");
	STREQ(s->sel[2]->name, "writetime");
	STREQ(s->sel[2]->alias, "wt");
	STREQ(s->sel[2]->args[0]->name, "v");
	STREQ(s->sel[3]->name, "ttl");
	STREQ(s->sel[4]->name, "token");
	cr_assert_eq(s->sel[4]->n_args, 2);
	STREQ(s->sel[4]->args[1]->name, "b");
	STREQ(s->sel[5]->name, "totimestamp");
	cr_assert_eq(s->sel[5]->args[0]->kind, MOCK_SEL_FUNC);
	STREQ(s->sel[5]->args[0]->name, "now");
	cr_assert_eq(s->sel[5]->args[0]->n_args, 0);
	STREQ(s->sel[5]->alias, "ts");
	cr_assert_eq(s->sel[6]->kind, MOCK_SEL_COLUMN);
	STREQ(s->sel[6]->alias, "Key");
	STREQ(s->sel[7]->name, "system.dateof");
	cr_assert_eq(s->sel[8]->kind, MOCK_SEL_CAST);
	STREQ(s->sel[8]->name, "text");
	STREQ(s->sel[8]->args[0]->name, "x");
	cr_assert_eq(s->sel[9]->kind, MOCK_SEL_FIELD);
	STREQ(s->sel[9]->name, "g");
	STREQ(s->sel[9]->args[0]->name, "f");
	STREQ(s->sel[9]->args[0]->args[0]->name, "u");

	/* JSON / DISTINCT as modifiers and as column names */
	s = &ok("SELECT JSON DISTINCT k FROM t")->u.select;
	cr_assert(s->json && s->distinct);
	STREQ(s->sel[0]->name, "k");
	s = &ok("SELECT json, distinct FROM t")->u.select;
	cr_assert(!s->json && !s->distinct);
	cr_assert_eq(s->n_sel, 2);
	STREQ(s->sel[1]->name, "distinct");
	s = &ok("SELECT json FROM t")->u.select;
	cr_assert_not(s->json);
	STREQ(s->sel[0]->name, "json");
}

Test(cql_parse, select_clauses)
{
	mock_select *s = &ok("SELECT * FROM t WHERE a = ? AND b IN (1, 2, 3) AND c IN ? AND d >= 5 AND d < 10 "
			     "AND (e, f) > (1, 'x') AND (e, f) <= ? AND token(a, b) > -9223372036854775808 "
			     "AND m CONTAINS 3 AND m CONTAINS KEY 'k' AND g != 0 "
			     "ORDER BY e DESC, f ASC PER PARTITION LIMIT 2 LIMIT ? ALLOW FILTERING")->u.select;
	cr_assert_eq(s->n_where, 11);
	mock_relation *r = s->where;
	cr_assert_eq(r[0].op, MOCK_OP_EQ);
	cr_assert_eq(r[0].value->kind, MOCK_TERM_BIND);
	cr_assert_eq(r[1].op, MOCK_OP_IN);
	cr_assert_eq(r[1].n_in, 3);
	STREQ(r[1].in[2]->text, "3");
	cr_assert_null(r[1].value);
	cr_assert_eq(r[2].op, MOCK_OP_IN);
	cr_assert_eq(r[2].value->kind, MOCK_TERM_BIND);
	cr_assert_eq(r[3].op, MOCK_OP_GE);
	cr_assert_eq(r[4].op, MOCK_OP_LT);
	cr_assert_eq(r[5].kind, MOCK_REL_MULTI);
	cr_assert_eq(r[5].n_cols, 2);
	STREQ(r[5].cols[1], "f");
	cr_assert_eq(r[5].op, MOCK_OP_GT);
	cr_assert_eq(r[5].value->kind, MOCK_TERM_TUPLE);
	cr_assert_eq(r[5].value->n_items, 2);
	STREQ(r[5].value->items[1]->text, "x");
	cr_assert_eq(r[6].op, MOCK_OP_LE);
	cr_assert_eq(r[6].value->kind, MOCK_TERM_BIND);
	cr_assert_eq(r[7].kind, MOCK_REL_TOKEN);
	cr_assert_eq(r[7].n_cols, 2);
	STREQ(r[7].value->text, "-9223372036854775808");
	cr_assert_eq(r[8].op, MOCK_OP_CONTAINS);
	cr_assert_eq(r[9].op, MOCK_OP_CONTAINS_KEY);
	cr_assert_eq(r[10].op, MOCK_OP_NEQ);
	cr_assert_eq(s->n_order, 2);
	STREQ(s->order[0].column, "e");
	cr_assert(s->order[0].desc);
	cr_assert_not(s->order[1].desc);
	STREQ(s->per_partition_limit->text, "2");
	cr_assert_eq(s->limit->kind, MOCK_TERM_BIND);
	cr_assert(s->allow_filtering);

	/* the markers: in order, each with what it binds to */
	cr_assert_eq(P.n_binds, 4);
	cr_assert_eq(P.binds[0].role, MOCK_BIND_VALUE);
	STREQ(P.binds[0].column, "a");
	cr_assert_eq(P.binds[1].role, MOCK_BIND_IN_LIST);
	STREQ(P.binds[1].column, "c");
	cr_assert_eq(P.binds[2].role, MOCK_BIND_TUPLE);
	STREQ(P.binds[2].column, "e");
	cr_assert_eq(P.binds[3].role, MOCK_BIND_LIMIT);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(P.binds[i].index, i);
		cr_assert_eq(P.binds[i].term->bind_index, i);
		STREQ(P.binds[i].table, "t");
		cr_assert_null(P.binds[i].ks);
	}

	/* multi-column IN with per-column markers */
	s = &ok("SELECT * FROM t WHERE k = 0 AND (c1, c2) IN ((1, ?), (?, 2))")->u.select;
	cr_assert_eq(s->where[1].n_in, 2);
	cr_assert_eq(P.n_binds, 2);
	STREQ(P.binds[0].column, "c2");
	STREQ(P.binds[1].column, "c1");
}

/* ==== INSERT ============================================================= */

Test(cql_parse, insert)
{
	mock_insert *s = &ok("INSERT INTO ks.t (k, v, l, s, m, tu, u, b, f, d, n, bl, id, ts) VALUES "
			     "(1, 'x', [1, 2], {'a', 'b'}, {'k': 1, 'j': -2}, (1, 'a'), {f1: 1, \"F2\": 'x'}, "
			     "true, -1.5e3, 1h2m, null, 0xff, 01234567-89ab-cdef-0123-456789abcdef, now()) "
			     "IF NOT EXISTS USING TTL 86400 AND TIMESTAMP 1234")->u.insert;
	cr_assert_eq(s->n_cols, 14);
	STREQ(s->table.ks, "ks");
	STREQ(s->cols[13], "ts");
	mock_term **v = s->values;
	cr_assert_eq(v[0]->kind, MOCK_TERM_INT);
	cr_assert_eq(v[1]->kind, MOCK_TERM_STRING);
	cr_assert_eq(v[2]->kind, MOCK_TERM_LIST);
	cr_assert_eq(v[2]->n_items, 2);
	cr_assert_eq(v[3]->kind, MOCK_TERM_BRACE);
	cr_assert_null(v[3]->keys);
	cr_assert_eq(v[3]->n_items, 2);
	cr_assert_eq(v[4]->kind, MOCK_TERM_BRACE);
	cr_assert_not_null(v[4]->keys);
	STREQ(v[4]->keys[1]->text, "j");
	STREQ(v[4]->items[1]->text, "-2");
	cr_assert_eq(v[5]->kind, MOCK_TERM_TUPLE);
	cr_assert_eq(v[6]->kind, MOCK_TERM_BRACE);
	cr_assert_eq(v[6]->keys[0]->kind, MOCK_TERM_IDENT);
	STREQ(v[6]->keys[0]->name, "f1");
	STREQ(v[6]->keys[1]->name, "F2");
	cr_assert_eq(v[7]->kind, MOCK_TERM_BOOL);
	STREQ(v[7]->text, "true");
	cr_assert_eq(v[8]->kind, MOCK_TERM_FLOAT);
	STREQ(v[8]->text, "-1.5e3");
	cr_assert_eq(v[9]->kind, MOCK_TERM_DURATION);
	cr_assert_eq(v[10]->kind, MOCK_TERM_NULL);
	cr_assert_eq(v[11]->kind, MOCK_TERM_HEX);
	STREQ(v[11]->text, "ff");
	cr_assert_eq(v[12]->kind, MOCK_TERM_UUID);
	cr_assert_eq(v[13]->kind, MOCK_TERM_FUNC);
	STREQ(v[13]->name, "now");
	cr_assert(s->if_not_exists);
	STREQ(s->using.ttl->text, "86400");
	STREQ(s->using.timestamp->text, "1234");
	cr_assert_eq(P.n_binds, 0);

	/* USING before IF, markers positional and named */
	s = &ok("insert into t(k,v,w) values(?,:val,[?, 1]) using timestamp ? if not exists")->u.insert;
	cr_assert(s->if_not_exists);
	cr_assert_eq(P.n_binds, 4);
	STREQ(P.binds[0].column, "k");
	cr_assert_null(P.binds[0].name);
	STREQ(P.binds[1].column, "v");
	STREQ(P.binds[1].name, "val");
	cr_assert_eq(P.binds[2].role, MOCK_BIND_ELEMENT);
	STREQ(P.binds[2].column, "w");
	cr_assert_eq(P.binds[3].role, MOCK_BIND_TIMESTAMP);
	STREQ(P.binds[3].table, "t");

	/* Python interpolates parameters: negative numbers, NaN, durations */
	s = &ok("INSERT INTO t (a, b, c, d) VALUES (-Infinity, nan, -1mo2d3ns, (float)'1')")->u.insert;
	cr_assert_eq(s->values[0]->kind, MOCK_TERM_FLOAT);
	STREQ(s->values[0]->text, "-Infinity");
	STREQ(s->values[1]->text, "NaN");
	cr_assert_eq(s->values[2]->kind, MOCK_TERM_DURATION);
	STREQ(s->values[2]->text, "-1mo2d3ns");
	cr_assert_eq(s->values[3]->kind, MOCK_TERM_CAST);
	STREQ(s->values[3]->name, "float");
	STREQ(s->values[3]->items[0]->text, "1");
	fails("INSERT INTO t (a) VALUES (- 1)", UCQL_E_SYNTAX, "line 1:26 no viable alternative at input '-'");
}

Test(cql_parse, insert_json_and_mismatch)
{
	mock_insert *s = &ok("INSERT INTO t JSON '{\"k\": 1}' DEFAULT UNSET")->u.insert;
	cr_assert_eq(s->json->kind, MOCK_TERM_STRING);
	STREQ(s->json->text, "{\"k\": 1}");
	fails("INSERT INTO t (a, b) VALUES (1)", UCQL_E_INVALID, "Unmatched column names/values");
	fails("INSERT INTO t (a) VALUES (1, 2)", UCQL_E_INVALID, "Unmatched column names/values");
}

/* ==== UPDATE / DELETE / BATCH ============================================ */

Test(cql_parse, update)
{
	mock_update *s = &ok("UPDATE ks.t USING TTL 10 SET a = 1, c = c + 1, d = d - ?, l = l + [1], "
			     "l = [0] + l, m[?] = 'v', u.f = 3, s += {'x'}, s -= {'y'}, n = -5 "
			     "WHERE k = 1 AND ck IN (1, 2) IF a = 1 AND m['k'] != null AND u.f > 2")->u.update;
	cr_assert_eq(s->n_set, 10);
	mock_assignment *a = s->set;
	cr_assert_eq(a[0].op, MOCK_ASSIGN_SET);
	cr_assert_eq(a[1].op, MOCK_ASSIGN_ADD);
	STREQ(a[1].column, "c");
	STREQ(a[1].value->text, "1");
	cr_assert_eq(a[2].op, MOCK_ASSIGN_SUB);
	cr_assert_eq(a[2].value->kind, MOCK_TERM_BIND);
	cr_assert_eq(a[3].op, MOCK_ASSIGN_ADD);
	cr_assert_eq(a[3].value->kind, MOCK_TERM_LIST);
	cr_assert_eq(a[4].op, MOCK_ASSIGN_PREPEND);
	cr_assert_eq(a[4].value->kind, MOCK_TERM_LIST);
	cr_assert_eq(a[5].op, MOCK_ASSIGN_ELEM);
	cr_assert_eq(a[5].key->kind, MOCK_TERM_BIND);
	STREQ(a[5].value->text, "v");
	cr_assert_eq(a[6].op, MOCK_ASSIGN_FIELD);
	STREQ(a[6].field, "f");
	cr_assert_eq(a[7].op, MOCK_ASSIGN_ADD);
	cr_assert_eq(a[8].op, MOCK_ASSIGN_SUB);
	cr_assert_eq(a[9].op, MOCK_ASSIGN_SET);
	STREQ(a[9].value->text, "-5");
	STREQ(s->using.ttl->text, "10");
	cr_assert_eq(s->n_where, 2);
	cr_assert_not(s->if_exists);
	cr_assert_eq(s->n_cond, 3);
	cr_assert_eq(s->cond[1].op, MOCK_OP_NEQ);
	STREQ(s->cond[1].elem_key->text, "k");
	cr_assert_eq(s->cond[1].value->kind, MOCK_TERM_NULL);
	STREQ(s->cond[2].field, "f");
	cr_assert_eq(s->cond[2].op, MOCK_OP_GT);
	cr_assert_eq(P.n_binds, 2);
	cr_assert_eq(P.binds[0].role, MOCK_BIND_VALUE);
	STREQ(P.binds[0].column, "d");
	cr_assert_eq(P.binds[1].role, MOCK_BIND_MAP_KEY);
	STREQ(P.binds[1].column, "m");
	STREQ(P.binds[1].ks, "ks");

	s = &ok("update t set v = ? where k = ? if exists")->u.update;
	cr_assert(s->if_exists);
	cr_assert_eq(P.n_binds, 2);
	STREQ(P.binds[1].column, "k");
	/* c = c -1: a subtraction, not c = (c)(-1) */
	s = &ok("UPDATE t SET c = c -1 WHERE k = 0")->u.update;
	cr_assert_eq(s->set[0].op, MOCK_ASSIGN_SUB);
	STREQ(s->set[0].value->text, "1");
	fails("UPDATE t SET c = 1 + d WHERE k = 0", UCQL_E_INVALID,
	      "Only expressions of the form X = <value> + X are supported.");
	fails("UPDATE t SET v = 1", UCQL_E_SYNTAX, "line 1:18 mismatched input '<EOF>' expecting K_WHERE");
}

Test(cql_parse, delete)
{
	mock_delete *s = &ok("DELETE FROM t WHERE k = 1")->u.del;
	cr_assert_eq(s->n_targets, 0);
	STREQ(s->table.name, "t");
	s = &ok("DELETE a, m['k'], l[?], u.f FROM ks.t USING TIMESTAMP 99 WHERE k = ? IF EXISTS")->u.del;
	cr_assert_eq(s->n_targets, 4);
	STREQ(s->targets[0].column, "a");
	STREQ(s->targets[1].key->text, "k");
	cr_assert_eq(s->targets[2].key->kind, MOCK_TERM_BIND);
	STREQ(s->targets[3].field, "f");
	STREQ(s->using.timestamp->text, "99");
	cr_assert(s->if_exists);
	cr_assert_eq(P.n_binds, 2);
	cr_assert_eq(P.binds[0].role, MOCK_BIND_MAP_KEY);
	STREQ(P.binds[0].column, "l");
	STREQ(P.binds[0].table, "t"); /* markers before FROM still get the table */
	STREQ(P.binds[1].column, "k");
	s = &ok("delete from t where k = 1 if v = 2")->u.del;
	cr_assert_eq(s->n_cond, 1);
	fails("DELETE FROM t USING TTL 3 WHERE k = 1", UCQL_E_INVALID, "DELETE statements cannot use TTL");
}

Test(cql_parse, batch)
{
	mock_batch *b = &ok("BEGIN BATCH INSERT INTO t (k, v) VALUES (?, ?); UPDATE ks.u SET v = ? WHERE k = ?;"
			    " DELETE FROM t WHERE k = ? APPLY BATCH;")->u.batch;
	cr_assert_eq(b->type, MOCK_BATCH_LOGGED);
	cr_assert_eq(b->n_stmts, 3);
	cr_assert_eq(b->stmts[0]->kind, MOCK_STMT_INSERT);
	cr_assert_eq(b->stmts[1]->kind, MOCK_STMT_UPDATE);
	cr_assert_eq(b->stmts[2]->kind, MOCK_STMT_DELETE);
	/* markers are numbered across the whole batch */
	cr_assert_eq(P.n_binds, 5);
	const char *cols[] = { "k", "v", "v", "k", "k" };
	const char *tables[] = { "t", "t", "u", "u", "t" };
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(P.binds[i].index, i);
		STREQ(P.binds[i].column, cols[i]);
		STREQ(P.binds[i].table, tables[i]);
	}
	STREQ(P.binds[2].ks, "ks");
	b = &ok("begin unlogged batch using timestamp 5 insert into t (k) values (1) apply batch")->u.batch;
	cr_assert_eq(b->type, MOCK_BATCH_UNLOGGED);
	STREQ(b->using.timestamp->text, "5");
	cr_assert_eq(b->n_stmts, 1);
	b = &ok("BEGIN COUNTER BATCH UPDATE t SET c = c + 1 WHERE k = 1; UPDATE t SET c = c - 1 WHERE k = 2; APPLY BATCH")->u.batch;
	cr_assert_eq(b->type, MOCK_BATCH_COUNTER);
	cr_assert_eq(b->n_stmts, 2);
	b = &ok("BEGIN BATCH APPLY BATCH")->u.batch;
	cr_assert_eq(b->n_stmts, 0);
	fails("BEGIN BATCH SELECT * FROM t APPLY BATCH", UCQL_E_SYNTAX,
	      "line 1:12 mismatched input 'SELECT' expecting K_APPLY");
	fails("BEGIN BATCH USING TTL 5 APPLY BATCH", UCQL_E_INVALID,
	      "Global TTL on the BATCH statement is not supported.");
}

/* ==== DDL ================================================================ */

Test(cql_parse, keyspaces)
{
	mock_create_keyspace *k = &ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
				      "'replication_factor': '3'}")->u.create_ks;
	STREQ(k->name, "ks");
	cr_assert_not(k->if_not_exists);
	STREQ(k->repl_class, "SimpleStrategy");
	cr_assert_eq(k->n_repl, 1);
	STREQ(k->repl[0].key, "replication_factor");
	STREQ(k->repl[0].value, "3");
	cr_assert_eq(k->durable_writes, 1);

	k = &ok("create keyspace if not exists \"Ks2\" with REPLICATION={'class':"
		"'org.apache.cassandra.locator.NetworkTopologyStrategy','dc1':3,'dc2':'1'} "
		"and durable_writes = false;")->u.create_ks;
	STREQ(k->name, "Ks2");
	cr_assert(k->if_not_exists);
	STREQ(k->repl_class, "org.apache.cassandra.locator.NetworkTopologyStrategy");
	cr_assert_eq(k->n_repl, 2);
	STREQ(k->repl[0].key, "dc1");
	STREQ(k->repl[0].value, "3");
	STREQ(k->repl[1].value, "1");
	cr_assert_eq(k->durable_writes, 0);
	cr_assert_eq(k->n_opts, 2);

	mock_stmt *s = ok("DROP KEYSPACE IF EXISTS ks");
	cr_assert_eq(s->kind, MOCK_STMT_DROP_KEYSPACE);
	cr_assert(s->u.name.if_exists);
	STREQ(s->u.name.name.name, "ks");
	s = ok("drop keyspace KS");
	cr_assert_not(s->u.name.if_exists);
	STREQ(s->u.name.name.name, "ks");

	fails("CREATE KEYSPACE ks WITH durable_writes = true", UCQL_E_CONFIG, "Missing mandatory option 'replication'");
	fails("CREATE KEYSPACE ks WITH replication = {'replication_factor': 1}", UCQL_E_CONFIG,
	      "Missing replication strategy class");
	fails("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy'} AND foo = 1", UCQL_E_SYNTAX,
	      "Unknown property 'foo'");
}

Test(cql_parse, create_table)
{
	mock_create_table *c = &ok(
		"CREATE TABLE IF NOT EXISTS ks.t (\n"
		"  a int, b text, c timeuuid, d bigint,\n"
		"  s set<text> STATIC, m MAP<text, frozen<list<int>>>,\n"
		"  tu tuple<int, text, blob>, v vector<float, 3>, u frozen<\"MyType\">, u2 ks.addr,\n"
		"  PRIMARY KEY ((a, b), c, d)\n"
		") WITH CLUSTERING ORDER BY (c DESC, d ASC) AND comment = 'hi' AND "
		"compaction = {'class': 'LeveledCompactionStrategy'} AND default_time_to_live = 60")->u.create_table;
	cr_assert(c->if_not_exists);
	STREQ(c->table.ks, "ks");
	STREQ(c->table.name, "t");
	cr_assert_eq(c->n_cols, 10);
	cr_assert_eq(c->n_pk, 2);
	STREQ(c->pk[0], "a");
	STREQ(c->pk[1], "b");
	cr_assert_eq(c->n_ck, 2);
	STREQ(c->ck[0], "c");
	STREQ(c->ck[1], "d");
	cr_assert_eq(c->ck_desc[0], 1);
	cr_assert_eq(c->ck_desc[1], 0);
	cr_assert(c->cols[4].is_static);
	struct { const char *text; int id; } want[] = {
		{ "int", UCQL_TYPE_INT }, { "text", UCQL_TYPE_VARCHAR }, { "timeuuid", UCQL_TYPE_TIMEUUID },
		{ "bigint", UCQL_TYPE_BIGINT }, { "set<text>", UCQL_TYPE_SET },
		{ "map<text, frozen<list<int>>>", UCQL_TYPE_MAP }, { "tuple<int, text, blob>", UCQL_TYPE_TUPLE },
		{ "vector<float, 3>", UCQL_TYPE_VECTOR }, { "frozen<\"MyType\">", UCQL_TYPE_UDT },
		{ "ks.addr", UCQL_TYPE_UDT },
	};
	for (int i = 0; i < 10; i++) {
		STREQ(c->cols[i].type_text, want[i].text);
		const ucql_type *t = ucql_type_at(&c->cols[i].types, c->cols[i].type_root);
		cr_assert_eq(t->id, want[i].id, "column %d", i);
	}
	const ucql_type *v = ucql_type_at(&c->cols[7].types, c->cols[7].type_root);
	cr_assert_eq(v->dim, 3);
	const ucql_type *u = ucql_type_at(&c->cols[8].types, c->cols[8].type_root);
	cr_assert(u->flags & UCQL_TYPE_F_FROZEN);
	cr_assert(u->flags & UCQL_TYPE_F_QUOTED);
	cr_assert_eq(c->n_opts, 3);
	STREQ(c->opts[0].name, "comment");
	STREQ(c->opts[0].value->text, "hi");
	cr_assert_eq(c->opts[1].value->kind, MOCK_TERM_BRACE);
	STREQ(c->opts[2].value->text, "60");

	/* inline PRIMARY KEY, every native type, trailing comma, COMPACT STORAGE */
	c = &ok("create table T(k uuid primary key, a ascii, b bigint, c blob, d boolean, e counter_x, "
		"f date, g decimal, h double, i duration, j float, k2 inet, l int, m smallint, n text, o time, "
		"p timestamp, q timeuuid, r tinyint, s uuid, t varchar, u varint,)")->u.create_table;
	cr_assert_eq(c->n_pk, 1);
	STREQ(c->pk[0], "k");
	cr_assert_eq(c->n_ck, 0);
	STREQ(c->table.name, "t");
	cr_assert_eq(c->n_cols, 22);
	STREQ(c->cols[5].name, "e");
	STREQ(c->cols[5].type_text, "counter_x"); /* a UDT named counter_x */
	c = &ok("CREATE TABLE c (k int PRIMARY KEY, n counter) WITH COMPACT STORAGE")->u.create_table;
	cr_assert(c->compact_storage);
	cr_assert_eq(ucql_type_at(&c->cols[1].types, c->cols[1].type_root)->id, UCQL_TYPE_COUNTER);
	c = &ok("CREATE TABLE x (a int, b int, PRIMARY KEY (a, b)) WITH CLUSTERING ORDER BY (b DESC)")->u.create_table;
	cr_assert_eq(c->ck_desc[0], 1);
}

Test(cql_parse, create_table_errors)
{
	fails("CREATE TABLE t (a int, b int)", UCQL_E_INVALID, "No PRIMARY KEY specifed (exactly one required)");
	fails("CREATE TABLE t (a int PRIMARY KEY, b int PRIMARY KEY)", UCQL_E_INVALID,
	      "Multiple PRIMARY KEYs specified (exactly one required)");
	fails("CREATE TABLE t (a int, PRIMARY KEY (z))", UCQL_E_INVALID,
	      "Unknown definition z referenced in PRIMARY KEY");
	fails("CREATE TABLE t (a int PRIMARY KEY, a text)", UCQL_E_INVALID, "Multiple definition of identifier a");
	fails("CREATE TABLE t (a int, b int, c int, PRIMARY KEY (a, b, c)) WITH CLUSTERING ORDER BY (c ASC, b ASC)",
	      UCQL_E_INVALID,
	      "The order of columns in the CLUSTERING ORDER directive must be the one of the clustering key");
	fails("CREATE TABLE t (a int, b int, PRIMARY KEY (a, b)) WITH CLUSTERING ORDER BY (a ASC)", UCQL_E_INVALID,
	      "Only clustering key columns can be defined in CLUSTERING ORDER directive");
	fails("CREATE TABLE t (a int PRIMARY KEY, s int STATIC)", UCQL_E_INVALID,
	      "Static columns are only useful (and thus allowed) if the table has at least one clustering column");
	fails("CREATE TABLE t (a int PRIMARY KEY, n counter, v int)", UCQL_E_INVALID,
	      "Cannot mix counter and non counter columns in the same table");
	fails("CREATE TABLE t (a int PRIMARY KEY, l list<list<int>>)", UCQL_E_INVALID,
	      "Non-frozen collections are not allowed inside collections: list<list<int>>");
	fails("CREATE TABLE t (a int PRIMARY KEY, l set<counter>)", UCQL_E_INVALID,
	      "Counters are not allowed inside collections: set<counter>");
	fails("CREATE TABLE t (a int PRIMARY KEY, l map<text, addr>)", UCQL_E_INVALID,
	      "Non-frozen UDTs are not allowed inside collections: map<text, addr>");
	fails("CREATE TABLE t (a int PRIMARY KEY, l map<int>)", UCQL_E_SYNTAX,
	      "line 1:44 no viable alternative at input '>'");
	fails("CREATE TABLE t (a int PRIMARY KEY, v vector<float, x>)", UCQL_E_SYNTAX,
	      "line 1:51 mismatched input 'x' expecting INTEGER");
	ok("CREATE TABLE t (a int PRIMARY KEY, l list<frozen<list<int>>>, tu tuple<list<int>>)");
}

Test(cql_parse, types_drop_truncate)
{
	mock_create_type *t = &ok("CREATE TYPE IF NOT EXISTS ks.address (street text, \"Zip\" int, "
				  "tags frozen<set<text>>)")->u.create_type;
	cr_assert(t->if_not_exists);
	STREQ(t->type.ks, "ks");
	STREQ(t->type.name, "address");
	cr_assert_eq(t->n_fields, 3);
	STREQ(t->fields[1].name, "Zip");
	STREQ(t->fields[2].type_text, "frozen<set<text>>");
	fails("CREATE TYPE a (x int, x text)", UCQL_E_INVALID, "Duplicate field name x in type a");

	mock_stmt *s = ok("DROP TYPE IF EXISTS ks.address");
	cr_assert_eq(s->kind, MOCK_STMT_DROP_TYPE);
	cr_assert(s->u.name.if_exists);
	STREQ(s->u.name.name.ks, "ks");
	s = ok("DROP TABLE t");
	cr_assert_eq(s->kind, MOCK_STMT_DROP_TABLE);
	cr_assert_not(s->u.name.if_exists);
	s = ok("drop columnfamily if exists ks.t");
	cr_assert_eq(s->kind, MOCK_STMT_DROP_TABLE);
	STREQ(s->u.name.name.ks, "ks");
	s = ok("TRUNCATE ucql_mock.stats");
	cr_assert_eq(s->kind, MOCK_STMT_TRUNCATE);
	STREQ(s->u.name.name.ks, "ucql_mock");
	STREQ(s->u.name.name.name, "stats");
	s = ok("truncate table T;");
	STREQ(s->u.name.name.name, "t");
}

Test(cql_parse, unsupported)
{
	struct { const char *q, *kw; } c[] = {
		{ "GRANT SELECT ON ALL KEYSPACES TO bob", "GRANT" },
		{ "REVOKE MODIFY ON ks.t FROM bob", "REVOKE" },
		{ "CREATE ROLE bob WITH PASSWORD = 'x' AND LOGIN = true", "CREATE ROLE" },
		{ "create user alice with password 'p' superuser", "CREATE USER" },
		{ "LIST ROLES", "LIST ROLES" },
		{ "list all permissions of bob;", "LIST ALL" },
		{ "ALTER TABLE t ADD x int", "ALTER TABLE" },
		{ "CREATE INDEX ON t (v)", "CREATE INDEX" },
		{ "DROP ROLE bob", "DROP ROLE" },
		{ "DESCRIBE KEYSPACES", "DESCRIBE" },
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		mock_stmt *s = ok(c[i].q);
		cr_assert_eq(s->kind, MOCK_STMT_UNSUPPORTED, "%s", c[i].q);
		STREQ(s->u.unsupported, c[i].kw);
	}
}

/* ==== syntax errors ====================================================== */

Test(cql_parse, syntax_errors)
{
	fails("SELECT * FORM t", UCQL_E_SYNTAX, "line 1:9 mismatched input 'FORM' expecting K_FROM");
	cr_assert_eq(E.pos, 9);
	fails("SELEC * FROM t", UCQL_E_SYNTAX, "line 1:0 no viable alternative at input 'SELEC'");
	fails("SELECT * FROM t WHERE", UCQL_E_SYNTAX, "line 1:21 no viable alternative at input '<EOF>'");
	fails("SELECT * FROM t\n  WHERE k = = 1", UCQL_E_SYNTAX, "line 2:12 no viable alternative at input '='");
	fails("SELECT * FROM t LIMIT 1 x", UCQL_E_SYNTAX, "line 1:24 mismatched input 'x' expecting EOF");
	fails("SELECT * FROM select", UCQL_E_SYNTAX, "line 1:14 no viable alternative at input 'select'");
	fails("INSERT INTO t (k) VALUES (1", UCQL_E_SYNTAX, "line 1:27 mismatched input '<EOF>' expecting ')'");
	fails("INSERT INTO t (k) VALUES ({1: 2, 3})", UCQL_E_SYNTAX, "line 1:34 no viable alternative at input '}'");
	fails("", UCQL_E_SYNTAX, "line 1:0 no viable alternative at input '<EOF>'");
	fails("   ;", UCQL_E_SYNTAX, "line 1:3 no viable alternative at input ';'");
	fails("SELECT * FROM t; SELECT * FROM u", UCQL_E_SYNTAX, "line 1:17 mismatched input 'SELECT' expecting EOF");
	fails("CREATE FOO x", UCQL_E_SYNTAX, "line 1:7 no viable alternative at input 'FOO'");
	fails("USE", UCQL_E_SYNTAX, "line 1:3 no viable alternative at input '<EOF>'");
	fails("SELECT * FROM t WHERE k = 1 ORDER e", UCQL_E_SYNTAX, "line 1:34 mismatched input 'e' expecting K_BY");
}

Test(cql_parse, deep_nesting_is_an_error)
{
	char q[600] = "INSERT INTO t (k) VALUES (";
	size_t n = strlen(q);
	for (int i = 0; i < 200; i++)
		q[n++] = '[';
	q[n] = 0;
	cr_assert_eq(parse(q), UCQL_E_INVALID);
	STREQ(E.msg, "Term nesting too deep");
}

Test(cql_parse, tree_outlives_text)
{
	/* the parse helper frees the text before returning: read everything */
	mock_insert *s = &ok("INSERT INTO \"Ks\".\"T\" (\"K\") VALUES ('it''s')")->u.insert;
	STREQ(s->table.ks, "Ks");
	STREQ(s->cols[0], "K");
	STREQ(s->values[0]->text, "it's");
	cr_assert_eq(s->values[0]->len, 4);
	cr_assert_gt(A.total, 0);
}
