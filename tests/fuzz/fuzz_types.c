/*
 * fuzz_types — the CQL type parsers and formatters.
 *
 * Input: [mode byte][text or bytes…]. Mode % 3 picks the parser:
 *   0  ucql_type_parse_cql   (system_schema CQL type text)
 *   1  ucql_type_read        (a wire [option]), also checked against
 *                            ucql_read_option, which skips the same bytes
 *   2  ucql_type_parse_class (Cassandra marshal class names)
 * Mode bit 2 (of mode / 3) picks a tiny node array (8 nodes) to reach
 * UCQL_E_NOSPACE.
 *
 * A parsed type is formatted back in the parser's own syntax and parsed
 * again: the trees must be ucql_type_equal and a second formatting must
 * give the same text. It is also written as an [option] for v4 and v5 and
 * read back equal (unless it holds UDT references, which the wire cannot
 * express), and as CQL text, class name and with every formatting flag,
 * none of which may fail except for depth (frozen<> adds levels).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/types.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

#define MAX_NODES 512

enum mode { M_CQL, M_OPTION, M_CLASS };

static int has_ref(const ucql_type_set *s, int i)
{
	const ucql_type *t = ucql_type_at(s, i);
	if (t->flags & UCQL_TYPE_F_REF)
		return 1;
	for (int c = t->first_child; c >= 0; c = ucql_type_at(s, c)->next)
		if (has_ref(s, c))
			return 1;
	return 0;
}

/* Checks the tree's links: children counts match, indexes in range. */
static void check_tree(const ucql_type_set *s, int i, int depth)
{
	CHECK(i >= 0 && (size_t)i < s->used);
	CHECK(depth <= UCQL_TYPE_MAX_DEPTH + 1);
	const ucql_type *t = ucql_type_at(s, i);
	unsigned n = 0;
	for (int c = t->first_child; c >= 0; c = ucql_type_at(s, c)->next) {
		check_tree(s, c, depth + 1);
		n++;
	}
	CHECK(n == t->n_children);
	switch (t->id) {
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_SET:
		CHECK(n == 1);
		break;
	case UCQL_TYPE_MAP:
		CHECK(n == 2);
		break;
	case UCQL_TYPE_VECTOR:
		CHECK(n == 1 && t->dim > 0);
		break;
	case UCQL_TYPE_UDT:
	case UCQL_TYPE_TUPLE:
		break;
	default:
		CHECK(n == 0);
	}
	(void)ucql_type_vector_elem_size(s, i);
	(void)ucql_type_name(t->id);
}

/* Formats node i into a heap buffer (NUL-terminated); NULL on error. */
static char *format(const ucql_type_set *s, int i, enum mode m, unsigned fmt, int pv, size_t *len)
{
	ucql_writer w;
	for (int pass = 0; pass < 2; pass++) {
		size_t cap = pass ? w.len + 1 : 0;
		char *buf = pass ? malloc(cap) : NULL;
		ucql_writer_init(&w, buf, cap);
		if (m == M_CQL)
			ucql_type_write_cql(&w, s, i, fmt);
		else if (m == M_CLASS)
			ucql_type_write_class(&w, s, i);
		else
			ucql_type_write_option(&w, s, i, pv);
		if (w.err && w.err != UCQL_E_NOSPACE) {
			free(buf);
			return NULL;
		}
		if (pass) {
			CHECK(w.err == 0 && w.len + 1 == cap);
			buf[w.len] = 0;
			*len = w.len;
			return buf;
		}
	}
	return NULL;
}

static int parse(ucql_type_set *s, enum mode m, const uint8_t *p, size_t n, size_t *consumed)
{
	if (m == M_CQL)
		return ucql_type_parse_cql(s, ucql_bytes_of(p, n));
	if (m == M_CLASS)
		return ucql_type_parse_class(s, ucql_bytes_of(p, n));
	ucql_reader r;
	ucql_reader_init(&r, p, n);
	int i = ucql_type_read(&r, s);
	if (consumed)
		*consumed = (size_t)(r.p - p);
	if (i < 0)
		CHECK(r.err == i);
	return i;
}

static int parse_ok(int rc)
{
	return rc >= 0 || rc == UCQL_E_BAD_TYPE || rc == UCQL_E_TOO_DEEP || rc == UCQL_E_NOSPACE ||
	       rc == UCQL_E_TRUNCATED;
}

/* Formats (s, i) in mode m, parses that, and checks equality and a
 * formatting fixed point. */
static void roundtrip(const ucql_type_set *s, int i, enum mode m, unsigned fmt, int pv)
{
	size_t n1, n2, used;
	char *t1 = format(s, i, m, fmt, pv, &n1);
	if (!t1) {
		/* CQL text is never refused; an [option] is for a UDT reference
		 * (no fields), class names (also inside an [option], for vectors)
		 * for names class syntax cannot carry. */
		CHECK(m != M_CQL);
		return;
	}
	ucql_type nodes[MAX_NODES];
	ucql_type_set s2;
	ucql_type_set_init(&s2, nodes, MAX_NODES);
	int j = parse(&s2, m, (const uint8_t *)t1, n1, &used);
	if (j < 0) {
		if (j == UCQL_E_TOO_DEEP || j == UCQL_E_NOSPACE) {
			free(t1);
			return;
		}
		fprintf(stderr, "formatted type does not parse (%s): %.*s\n", ucql_err_name(j),
			(int)n1, m == M_OPTION ? "<option>" : t1);
		abort();
	}
	if (m == M_OPTION)
		CHECK(used == n1);
	check_tree(&s2, j, 0);
	if (!ucql_type_equal(s, i, &s2, j) || !ucql_type_equal(&s2, j, s, i)) {
		fprintf(stderr, "type differs after formatting: %.*s\n", (int)n1,
			m == M_OPTION ? "<option>" : t1);
		abort();
	}
	char *t2 = format(&s2, j, m, fmt, pv, &n2);
	if (!t2 || n1 != n2 || memcmp(t1, t2, n1) != 0) {
		fprintf(stderr, "formatting is not a fixed point: %.*s | %.*s\n", (int)n1, t1,
			t2 ? (int)n2 : 0, t2 ? t2 : "");
		abort();
	}
	free(t2);
	free(t1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum mode m = (enum mode)(data[0] % 3);
	int tiny = (data[0] / 3) & 4;
	const uint8_t *p = data + 1;
	size_t n = size - 1;

	ucql_type nodes[MAX_NODES];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, tiny ? 8 : MAX_NODES);
	size_t consumed = 0;
	int i = parse(&s, m, p, n, &consumed);
	if (!parse_ok(i)) {
		fprintf(stderr, "unexpected parser error %s\n", ucql_err_name(i));
		abort();
	}
	if (m == M_OPTION) {
		/* The skipper and the parser agree on where an [option] ends. */
		ucql_reader r;
		ucql_reader_init(&r, p, n);
		ucql_bytes opt = ucql_read_option(&r);
		if (i >= 0) {
			CHECK(!r.err && opt.p == p && opt.len == consumed);
		} else if (i != UCQL_E_NOSPACE && i != UCQL_E_TOO_DEEP) {
			/* Custom class text the parser rejects stays an opaque custom
			 * type, so the parser fails only where the skipper does. */
			CHECK(r.err != 0);
		}
	}
	if (i < 0) {
		CHECK(s.used == 0);
		return 0;
	}
	check_tree(&s, i, 0);

	roundtrip(&s, i, m, UCQL_TYPE_FMT_FROZEN | UCQL_TYPE_FMT_KEYSPACE, 5);
	if (m == M_OPTION)
		roundtrip(&s, i, m, 0, 4);
	if (!has_ref(&s, i)) {
		roundtrip(&s, i, M_OPTION, 0, 5);
		roundtrip(&s, i, M_OPTION, 0, 3);
	}
	if (m != M_CQL)
		roundtrip(&s, i, M_CLASS, 0, 5);

	/* Every formatting must succeed (or run out of room in the buffer). */
	static const unsigned fmts[] = { 0, UCQL_TYPE_FMT_FROZEN, UCQL_TYPE_FMT_FREEZE_NESTED,
					 UCQL_TYPE_FMT_FROZEN | UCQL_TYPE_FMT_FREEZE_NESTED |
						 UCQL_TYPE_FMT_KEYSPACE };
	for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
		char small[16];
		int len = ucql_type_to_cql(&s, i, fmts[k], small, sizeof small);
		CHECK(len > 0);
		/* (Names may hold NUL bytes: no strlen.) */
		if ((size_t)len >= sizeof small)
			CHECK(small[0] == 0);
		else
			CHECK(small[len] == 0);
		size_t n1;
		char *t = format(&s, i, M_CQL, fmts[k], 5, &n1);
		CHECK(t && n1 == (size_t)len);
		ucql_type nodes2[MAX_NODES];
		ucql_type_set s2;
		ucql_type_set_init(&s2, nodes2, MAX_NODES);
		int j = ucql_type_parse_cql(&s2, ucql_bytes_of(t, n1));
		if (j < 0 && j != UCQL_E_TOO_DEEP) {
			fprintf(stderr, "CQL text of a parsed type does not parse (%s): %s\n",
				ucql_err_name(j), t);
			abort();
		}
		free(t);
	}
	size_t n1;
	free(format(&s, i, M_CLASS, 0, 5, &n1));
	return 0;
}
