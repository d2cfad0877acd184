/* Type descriptors: [option] / class name / CQL text parsing, formatting,
 * round trips, limits and malformed input. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "guard.h"
#include "ucql/types.h"

#define PKG "org.apache.cassandra.db.marshal."

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;
	for (; h[0] && h[1]; h += 2) {
		unsigned v;
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* Parses an [option] from hex; returns the root or an error. */
static int opt_hex(ucql_type_set *s, const char *hex, uint8_t *buf)
{
	size_t n = unhex(hex, buf);
	ucql_reader r;
	ucql_reader_init(&r, buf, n);
	int i = ucql_type_read(&r, s);
	if (i >= 0)
		cr_assert_eq(ucql_reader_left(&r), 0, "option fully consumed");
	return i;
}

static const char *cql_of(const ucql_type_set *s, int i, unsigned fmt)
{
	static char buf[512];
	int n = ucql_type_to_cql(s, i, fmt, buf, sizeof buf);
	cr_assert_geq(n, 0);
	cr_assert_lt((size_t)n, sizeof buf);
	return buf;
}

static const char *class_of(const ucql_type_set *s, int i)
{
	static char buf[1024];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf - 1);
	ucql_type_write_class(&w, s, i);
	cr_assert_eq(w.err, 0);
	buf[w.len] = 0;
	return buf;
}

/* ---- [option] --------------------------------------------------------- */

Test(types, option_natives)
{
	static const struct { uint16_t id; const char *name; } tab[] = {
		{ 0x01, "ascii" }, { 0x02, "bigint" }, { 0x03, "blob" }, { 0x04, "boolean" },
		{ 0x05, "counter" }, { 0x06, "decimal" }, { 0x07, "double" }, { 0x08, "float" },
		{ 0x09, "int" }, { 0x0B, "timestamp" }, { 0x0C, "uuid" }, { 0x0D, "text" },
		{ 0x0E, "varint" }, { 0x0F, "timeuuid" }, { 0x10, "inet" }, { 0x11, "date" },
		{ 0x12, "time" }, { 0x13, "smallint" }, { 0x14, "tinyint" }, { 0x15, "duration" },
	};
	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++) {
		ucql_type nodes[2];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 2);
		uint8_t b[2] = { 0, (uint8_t)tab[k].id };
		ucql_reader r;
		ucql_reader_init(&r, b, 2);
		int i = ucql_type_read(&r, &s);
		cr_assert_eq(i, 0);
		cr_assert_eq(nodes[0].id, tab[k].id);
		cr_assert_eq(s.used, 1);
		cr_assert_str_eq(ucql_type_name(tab[k].id), tab[k].name);
		cr_assert_str_eq(cql_of(&s, i, 0), tab[k].name);
		/* Re-encoded (v5) it is the same two bytes. */
		uint8_t out[8];
		ucql_writer w;
		ucql_writer_init(&w, out, sizeof out);
		ucql_type_write_option(&w, &s, i, 5);
		cr_assert_eq(w.len, 2);
		cr_assert_arr_eq(out, b, 2);
	}
}

/* Bytes checked with the Python driver:
 * ResultMessage.read_type(io.BytesIO(bytes.fromhex(h)), {}).cql_parameterized_type() */
Test(types, option_map_known_answer)
{
	ucql_type nodes[8];
	ucql_type_set s;
	uint8_t buf[64];
	ucql_type_set_init(&s, nodes, 8);
	/* "map<varchar, int>" */
	int i = opt_hex(&s, "0021000d0009", buf);
	cr_assert_eq(i, 0);
	cr_assert_eq(nodes[i].id, UCQL_TYPE_MAP);
	cr_assert_eq(nodes[i].n_children, 2);
	cr_assert_eq(nodes[ucql_type_child(&s, i, 0)].id, UCQL_TYPE_VARCHAR);
	cr_assert_eq(nodes[ucql_type_child(&s, i, 1)].id, UCQL_TYPE_INT);
	cr_assert_eq(ucql_type_child(&s, i, 2), -1);
	cr_assert_str_eq(cql_of(&s, i, 0), "map<text, int>");
}

Test(types, option_list_of_tuple)
{
	ucql_type nodes[8];
	ucql_type_set s;
	uint8_t buf[64];
	ucql_type_set_init(&s, nodes, 8);
	/* Python: "list<frozen<tuple<int, blob>>>" */
	int i = opt_hex(&s, "00200031000200090003", buf);
	cr_assert_geq(i, 0);
	cr_assert_str_eq(cql_of(&s, i, UCQL_TYPE_FMT_FREEZE_NESTED), "list<frozen<tuple<int, blob>>>");
	cr_assert_str_eq(cql_of(&s, i, 0), "list<tuple<int, blob>>");
	cr_assert_eq(s.used, 4);
}

Test(types, option_udt)
{
	ucql_type nodes[8];
	ucql_type_set s;
	uint8_t buf[64];
	ucql_type_set_init(&s, nodes, 8);
	/* Python: UDT ks "vs", name "addr", fields street text, num int → "frozen<addr>" */
	int i = opt_hex(&s, "00300002767300046164647200020006737472656574000d00036e756d0009", buf);
	cr_assert_geq(i, 0);
	const ucql_type *t = &nodes[i];
	cr_assert_eq(t->id, UCQL_TYPE_UDT);
	cr_assert(ucql_bytes_eq_str(t->ks, "vs"));
	cr_assert(ucql_bytes_eq_str(t->name, "addr"));
	cr_assert_eq(t->n_children, 2);
	int f0 = ucql_type_child(&s, i, 0), f1 = ucql_type_child(&s, i, 1);
	cr_assert(ucql_bytes_eq_str(nodes[f0].field, "street"));
	cr_assert_eq(nodes[f0].id, UCQL_TYPE_VARCHAR);
	cr_assert(ucql_bytes_eq_str(nodes[f1].field, "num"));
	cr_assert_str_eq(cql_of(&s, i, 0), "addr");
	cr_assert_str_eq(cql_of(&s, i, UCQL_TYPE_FMT_KEYSPACE), "vs.addr");
	cr_assert_str_eq(class_of(&s, i),
			 PKG "UserType(vs,61646472,737472656574:" PKG "UTF8Type,6e756d:" PKG "Int32Type)");
}

Test(types, option_custom_vector_and_unknown)
{
	ucql_type nodes[8];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 8);
	const char *cls = PKG "VectorType(" PKG "FloatType, 3)";
	uint8_t buf[256];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_short(&w, 0);
	ucql_write_cstring(&w, cls);
	ucql_write_short(&w, 0);
	ucql_write_cstring(&w, "com.example.MyType");
	ucql_write_short(&w, 0);
	ucql_write_cstring(&w, PKG "DynamicCompositeType(s=>" PKG "UTF8Type)");
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	int v = ucql_type_read(&r, &s);
	cr_assert_geq(v, 0);
	cr_assert_eq(nodes[v].id, UCQL_TYPE_VECTOR);
	cr_assert_eq(nodes[v].dim, 3);
	cr_assert_eq(nodes[v].n_children, 1);
	cr_assert_eq(nodes[nodes[v].first_child].id, UCQL_TYPE_FLOAT);
	cr_assert_str_eq(cql_of(&s, v, 0), "vector<float, 3>");
	int c = ucql_type_read(&r, &s);
	cr_assert_geq(c, 0);
	cr_assert_eq(nodes[c].id, UCQL_TYPE_CUSTOM);
	cr_assert(ucql_bytes_eq_str(nodes[c].name, "com.example.MyType"));
	cr_assert_str_eq(cql_of(&s, c, 0), "'com.example.MyType'");
	/* A class our grammar cannot read stays opaque, text intact. */
	int d = ucql_type_read(&r, &s);
	cr_assert_geq(d, 0);
	cr_assert_eq(nodes[d].id, UCQL_TYPE_CUSTOM);
	cr_assert(ucql_bytes_eq_str(nodes[d].name, PKG "DynamicCompositeType(s=>" PKG "UTF8Type)"));
	cr_assert_eq(r.err, 0);
}

Test(types, option_text_v1_alias_and_bad_ids)
{
	ucql_type nodes[4];
	ucql_type_set s;
	uint8_t buf[16];
	ucql_type_set_init(&s, nodes, 4);
	cr_assert_eq(nodes[opt_hex(&s, "000a", buf)].id, UCQL_TYPE_VARCHAR);
	static const char *bad[] = { "0016", "001f", "0023", "0032", "0100", "ffff", "00200016" };
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ucql_type_set_init(&s, nodes, 4);
		size_t n = unhex(bad[k], buf);
		ucql_reader r;
		ucql_reader_init(&r, buf, n);
		cr_assert_eq(ucql_type_read(&r, &s), UCQL_E_BAD_TYPE, "%s", bad[k]);
		cr_assert_eq(r.err, UCQL_E_BAD_TYPE);
		cr_assert_eq(s.used, 0, "nodes released on error");
	}
}

Test(types, option_truncated_at_every_offset)
{
	uint8_t full[64];
	size_t n = unhex("00210031000200300002767300046164647200020006737472656574000d00036e756d0009"
			 "0020000e0003", full);
	(void)n;
	/* map<tuple<addr, list<varint>>, blob>: check it parses whole first. */
	ucql_type nodes[16];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 16);
	ucql_reader r;
	ucql_reader_init(&r, full, n);
	cr_assert_geq(ucql_type_read(&r, &s), 0);
	cr_assert_eq(ucql_reader_left(&r), 0);
	cr_assert_str_eq(cql_of(&s, 0, UCQL_TYPE_FMT_FREEZE_NESTED),
			 "map<frozen<tuple<frozen<addr>, frozen<list<varint>>>>, blob>");
	for (size_t cut = 0; cut < n; cut++) {
		guard_buf g = guard_copy(full, cut);
		ucql_type_set_init(&s, nodes, 16);
		ucql_reader_init(&r, g.p, cut);
		cr_assert_eq(ucql_type_read(&r, &s), UCQL_E_TRUNCATED, "cut %zu", cut);
		cr_assert_eq(s.used, 0);
		guard_free(&g);
	}
}

Test(types, option_depth_limit)
{
	uint8_t buf[2 * 40];
	for (int levels = 30; levels <= 34; levels++) {
		size_t n = 0;
		for (int k = 0; k < levels; k++) {
			buf[n++] = 0;
			buf[n++] = 0x20;
		}
		buf[n++] = 0;
		buf[n++] = 0x09;
		ucql_type nodes[64];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 64);
		guard_buf g = guard_copy(buf, n);
		ucql_reader r;
		ucql_reader_init(&r, g.p, n);
		int i = ucql_type_read(&r, &s);
		/* The root is depth 0: 32 lists put the int at depth 32, the limit. */
		if (levels <= UCQL_TYPE_MAX_DEPTH)
			cr_assert_eq(i, 0, "levels %d", levels);
		else
			cr_assert_eq(i, UCQL_E_TOO_DEEP, "levels %d", levels);
		guard_free(&g);
	}
}

Test(types, option_node_capacity)
{
	uint8_t buf[16];
	ucql_type nodes[3];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 2);
	size_t n = unhex("0021000d0009", buf);
	ucql_reader r;
	ucql_reader_init(&r, buf, n);
	cr_assert_eq(ucql_type_read(&r, &s), UCQL_E_NOSPACE);
	cr_assert_eq(s.used, 0);
	ucql_type_set_init(&s, nodes, 3);
	ucql_reader_init(&r, buf, n);
	cr_assert_eq(ucql_type_read(&r, &s), 0);
	cr_assert_eq(s.used, 3);
	/* A second type appends after the first; a failing one leaves it. */
	ucql_reader_init(&r, buf, n);
	cr_assert_eq(ucql_type_read(&r, &s), UCQL_E_NOSPACE);
	cr_assert_eq(s.used, 3);
	cr_assert_eq(nodes[0].id, UCQL_TYPE_MAP);
}

/* ---- class names ----------------------------------------------------- */

Test(types, class_natives)
{
	static const struct { const char *cls; uint16_t id; } tab[] = {
		{ "AsciiType", UCQL_TYPE_ASCII }, { "LongType", UCQL_TYPE_BIGINT },
		{ "BytesType", UCQL_TYPE_BLOB }, { "BooleanType", UCQL_TYPE_BOOLEAN },
		{ "CounterColumnType", UCQL_TYPE_COUNTER }, { "DecimalType", UCQL_TYPE_DECIMAL },
		{ "DoubleType", UCQL_TYPE_DOUBLE }, { "FloatType", UCQL_TYPE_FLOAT },
		{ "Int32Type", UCQL_TYPE_INT }, { "TimestampType", UCQL_TYPE_TIMESTAMP },
		{ "DateType", UCQL_TYPE_TIMESTAMP }, { "UUIDType", UCQL_TYPE_UUID },
		{ "UTF8Type", UCQL_TYPE_VARCHAR }, { "IntegerType", UCQL_TYPE_VARINT },
		{ "TimeUUIDType", UCQL_TYPE_TIMEUUID }, { "InetAddressType", UCQL_TYPE_INET },
		{ "SimpleDateType", UCQL_TYPE_DATE }, { "TimeType", UCQL_TYPE_TIME },
		{ "ShortType", UCQL_TYPE_SMALLINT }, { "ByteType", UCQL_TYPE_TINYINT },
		{ "DurationType", UCQL_TYPE_DURATION },
	};
	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++) {
		char full[128];
		snprintf(full, sizeof full, PKG "%s", tab[k].cls);
		ucql_type nodes[2];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 2);
		int i = ucql_type_parse_class(&s, ucql_bytes_str(full));
		cr_assert_eq(i, 0, "%s", full);
		cr_assert_eq(nodes[i].id, tab[k].id, "%s", full);
		ucql_type_set_init(&s, nodes, 2);
		i = ucql_type_parse_class(&s, ucql_bytes_str(tab[k].cls));
		cr_assert_eq(nodes[i].id, tab[k].id, "short %s", tab[k].cls);
		if (k != 10) /* DateType formats back as TimestampType */
			cr_assert_str_eq(class_of(&s, i), full);
	}
}

Test(types, class_parameterized)
{
	static const struct { const char *in, *cql; } tab[] = {
		{ PKG "ListType(" PKG "Int32Type)", "list<int>" },
		{ PKG "SetType(" PKG "UTF8Type)", "set<text>" },
		{ PKG "MapType(" PKG "UTF8Type," PKG "Int32Type)", "map<text, int>" },
		{ PKG "TupleType(" PKG "Int32Type," PKG "UTF8Type," PKG "BooleanType)",
		  "tuple<int, text, boolean>" },
		{ PKG "FrozenType(" PKG "ListType(" PKG "Int32Type))", "frozen<list<int>>" },
		{ PKG "ReversedType(" PKG "TimeUUIDType)", "timeuuid" },
		{ PKG "VectorType(" PKG "FloatType, 3)", "vector<float, 3>" },
		{ PKG "VectorType(" PKG "FloatType , 1536)", "vector<float, 1536>" },
		{ "VectorType(UTF8Type,2)", "vector<text, 2>" },
		{ " MapType ( UTF8Type , ListType(LongType) ) ", "map<text, list<bigint>>" },
		{ PKG "UserType(ks,61646472,737472656574:" PKG "UTF8Type,6e756d:" PKG "Int32Type)",
		  "addr" },
		{ PKG "UserType(ks,4d79416464,6e:" PKG "Int32Type)", "\"MyAdd\"" },
		{ PKG "VectorType(" PKG "FrozenType(" PKG "ListType(" PKG "Int32Type)), 2)",
		  "vector<frozen<list<int>>, 2>" },
		{ "com.example.Foo", "'com.example.Foo'" },
	};
	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++) {
		ucql_type nodes[16];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 16);
		int i = ucql_type_parse_class(&s, ucql_bytes_str(tab[k].in));
		cr_assert_geq(i, 0, "%s: %d", tab[k].in, i);
		cr_assert_str_eq(cql_of(&s, i, UCQL_TYPE_FMT_FROZEN), tab[k].cql);
		/* class → type → class → type: the same tree. */
		char cls[1024];
		strcpy(cls, class_of(&s, i));
		ucql_type n2[16];
		ucql_type_set s2;
		ucql_type_set_init(&s2, n2, 16);
		int j = ucql_type_parse_class(&s2, ucql_bytes_str(cls));
		cr_assert_geq(j, 0, "%s", cls);
		cr_assert(ucql_type_equal(&s, i, &s2, j), "%s vs %s", tab[k].in, cls);
	}
}

Test(types, class_vector_format_matches_cassandra)
{
	ucql_type nodes[4];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 4);
	int i = ucql_type_parse_cql(&s, ucql_bytes_str("vector<float, 3>"));
	/* Cassandra 5: VectorType.toString = class + "(" + elem + " , " + dim + ")" */
	cr_assert_str_eq(class_of(&s, i), PKG "VectorType(" PKG "FloatType , 3)");
}

Test(types, class_malformed)
{
	static const char *bad[] = {
		"", "(", PKG "ListType(", PKG "ListType()", PKG "MapType(" PKG "Int32Type)",
		PKG "ListType(" PKG "Int32Type," PKG "Int32Type)", PKG "Int32Type(x)",
		PKG "VectorType(" PKG "FloatType)", PKG "VectorType(" PKG "FloatType, 0)",
		PKG "VectorType(" PKG "FloatType, -3)", PKG "VectorType(" PKG "FloatType, 3",
		PKG "VectorType(" PKG "FloatType, 99999999999)", PKG "Int32Type)",
		PKG "UserType(ks)", PKG "UserType(ks,zz)", PKG "UserType(ks,616,)", PKG "UserType(ks,61,6:"
		PKG "Int32Type)", PKG "UserType(ks,61,62)",
		PKG "UserType(ks,61,62" PKG "Int32Type)", "Foo(bar", "Int32Type Int32Type",
		PKG "FrozenType(" PKG "Int32Type",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ucql_type nodes[8];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 8);
		guard_buf g = guard_copy(bad[k], strlen(bad[k]));
		cr_assert_eq(ucql_type_parse_class(&s, ucql_bytes_of(g.p, g.len)), UCQL_E_BAD_TYPE,
			     "%s", bad[k]);
		cr_assert_eq(s.used, 0);
		guard_free(&g);
	}
}

Test(types, class_truncated_at_every_offset)
{
	const char *in = PKG "MapType(" PKG "UTF8Type," PKG "VectorType(" PKG "FloatType , 3))";
	size_t n = strlen(in);
	for (size_t cut = 0; cut < n; cut++) {
		ucql_type nodes[8];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 8);
		guard_buf g = guard_copy(in, cut);
		int i = ucql_type_parse_class(&s, ucql_bytes_of(g.p, cut));
		/* A prefix is either malformed or (cut inside the first class
		 * name) an unknown custom class. */
		if (i >= 0)
			cr_assert_eq(nodes[i].id, UCQL_TYPE_CUSTOM, "cut %zu", cut);
		else
			cr_assert_eq(i, UCQL_E_BAD_TYPE, "cut %zu", cut);
		guard_free(&g);
	}
}

Test(types, class_unexpressible_names)
{
	/* From the wire, a UDT keyspace and an opaque custom name may hold
	 * anything; class syntax cannot escape it. */
	uint8_t buf[128];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_write_short(&w, UCQL_TYPE_UDT);
	ucql_write_cstring(&w, "a,b");
	ucql_write_cstring(&w, "t");
	ucql_write_short(&w, 0);
	ucql_write_short(&w, 0);
	ucql_write_cstring(&w, "Foo(bar");
	ucql_type nodes[8];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 8);
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	int u = ucql_type_read(&r, &s);
	int c = ucql_type_read(&r, &s);
	cr_assert_geq(u, 0);
	cr_assert_geq(c, 0);
	cr_assert_eq(nodes[c].id, UCQL_TYPE_CUSTOM);
	uint8_t out[256];
	ucql_writer_init(&w, out, sizeof out);
	ucql_type_write_class(&w, &s, u);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	ucql_writer_init(&w, out, sizeof out);
	ucql_type_write_class(&w, &s, c);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	/* CQL text and [option] can carry both. */
	cr_assert_str_eq(cql_of(&s, c, 0), "'Foo(bar'");
	ucql_writer_init(&w, out, sizeof out);
	ucql_type_write_option(&w, &s, u, 4);
	cr_assert_eq(w.err, 0);
}

/* ---- CQL text -------------------------------------------------------- */

Test(types, cql_round_trips)
{
	static const struct { const char *in, *out; unsigned fmt; } tab[] = {
		{ "int", "int", 0 },
		{ "text", "text", 0 },
		{ "varchar", "text", 0 },
		{ "VARCHAR", "text", 0 },
		{ "BigInt", "bigint", 0 },
		{ "map<text, int>", "map<text, int>", 0 },
		{ "map<text,int>", "map<text, int>", 0 },
		{ "  map < text ,\tint >  ", "map<text, int>", 0 },
		{ "frozen<map<text, int>>", "frozen<map<text, int>>", UCQL_TYPE_FMT_FROZEN },
		{ "frozen<map<text, int>>", "map<text, int>", 0 },
		{ "list<frozen<tuple<int, text>>>", "list<frozen<tuple<int, text>>>", UCQL_TYPE_FMT_FROZEN },
		{ "list<tuple<int, text>>", "list<frozen<tuple<int, text>>>", UCQL_TYPE_FMT_FREEZE_NESTED },
		{ "set<frozen<list<int>>>", "set<frozen<list<int>>>", UCQL_TYPE_FMT_FROZEN },
		{ "vector<float, 3>", "vector<float, 3>", 0 },
		{ "VECTOR<FLOAT,3>", "vector<float, 3>", 0 },
		{ "vector<text, 2>", "vector<text, 2>", 0 },
		{ "tuple<int, text, boolean, duration>", "tuple<int, text, boolean, duration>", 0 },
		{ "address", "address", 0 },
		{ "ks.address", "ks.address", UCQL_TYPE_FMT_KEYSPACE },
		{ "ks.address", "address", 0 },
		{ "frozen<address>", "frozen<address>", UCQL_TYPE_FMT_FROZEN },
		{ "\"MyType\"", "\"MyType\"", 0 },
		{ "\"My\"\"Type\"", "\"My\"\"Type\"", 0 },
		{ "\"Ks\".\"T\"", "\"Ks\".\"T\"", UCQL_TYPE_FMT_KEYSPACE },
		{ "map<frozen<address>, list<int>>", "map<frozen<address>, frozen<list<int>>>",
		  UCQL_TYPE_FMT_FREEZE_NESTED },
		{ "'org.apache.cassandra.db.marshal.DynamicCompositeType(a=>x)'",
		  "'org.apache.cassandra.db.marshal.DynamicCompositeType(a=>x)'", 0 },
		{ "'it''s'", "'it''s'", 0 },
		{ "\"int\"", "\"int\"", 0 }, /* a quoted identifier is a UDT */
		{ "tuple<>", "tuple<>", 0 },
		{ "'org.apache.cassandra.db.marshal.Int32Type'", "int", 0 },
		{ "list<'org.apache.cassandra.db.marshal.VectorType("
		  "org.apache.cassandra.db.marshal.FloatType , 2)'>", "list<vector<float, 2>>", 0 }, /* not valid CQL, but a wire tuple may be empty */
	};
	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++) {
		ucql_type nodes[16];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 16);
		int i = ucql_type_parse_cql(&s, ucql_bytes_str(tab[k].in));
		cr_assert_geq(i, 0, "%s: %d", tab[k].in, i);
		cr_assert_str_eq(cql_of(&s, i, tab[k].fmt), tab[k].out, "%s", tab[k].in);
		/* text → type → text → type: the same tree. */
		char txt[512];
		strcpy(txt, cql_of(&s, i, UCQL_TYPE_FMT_FROZEN | UCQL_TYPE_FMT_KEYSPACE));
		ucql_type n2[16];
		ucql_type_set s2;
		ucql_type_set_init(&s2, n2, 16);
		int j = ucql_type_parse_cql(&s2, ucql_bytes_str(txt));
		cr_assert_geq(j, 0, "%s", txt);
		cr_assert(ucql_type_equal(&s, i, &s2, j), "%s vs %s", tab[k].in, txt);
	}
}

Test(types, cql_udt_reference)
{
	ucql_type nodes[4];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 4);
	int i = ucql_type_parse_cql(&s, ucql_bytes_str("frozen<\"Ks\".addr>"));
	cr_assert_geq(i, 0);
	cr_assert_eq(nodes[i].id, UCQL_TYPE_UDT);
	cr_assert(nodes[i].flags & UCQL_TYPE_F_REF);
	cr_assert(nodes[i].flags & UCQL_TYPE_F_FROZEN);
	cr_assert(nodes[i].flags & UCQL_TYPE_F_KS_QUOTED);
	cr_assert_not(nodes[i].flags & UCQL_TYPE_F_QUOTED);
	cr_assert(ucql_bytes_eq_str(nodes[i].ks, "Ks"));
	cr_assert(ucql_bytes_eq_str(nodes[i].name, "addr"));
	cr_assert_eq(nodes[i].n_children, 0);
	/* No fields: cannot go on the wire as an [option]. */
	uint8_t buf[64];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_type_write_option(&w, &s, i, 4);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
}

Test(types, cql_malformed)
{
	static const char *bad[] = {
		"", " ", "list", "list<", "list<int", "list<int,int>", "map<int>",
		"map<int, int, int>", "frozen", "frozen<int", "frozen int", "vector<float>",
		"vector<float, 0>", "vector<float, -1>", "vector<float, 3", "vector<float 3>",
		"int int", "int>", "list<>", "\"unterminated", "'unterminated",
		"int<int>", "ks.", ".x", "map<text, int>>", "vector<float, 2147483648>",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		ucql_type nodes[8];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 8);
		guard_buf g = guard_copy(bad[k], strlen(bad[k]));
		cr_assert_eq(ucql_type_parse_cql(&s, ucql_bytes_of(g.p, g.len)), UCQL_E_BAD_TYPE,
			     "%s", bad[k]);
		cr_assert_eq(s.used, 0);
		guard_free(&g);
	}
}

Test(types, cql_truncated_at_every_offset)
{
	const char *in = "map<frozen<tuple<int, \"My\"\"T\">>, vector<float, 12>>";
	size_t n = strlen(in);
	for (size_t cut = 0; cut < n; cut++) {
		ucql_type nodes[8];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 8);
		guard_buf g = guard_copy(in, cut);
		int i = ucql_type_parse_cql(&s, ucql_bytes_of(g.p, cut));
		/* Prefixes "m", "ma" name a UDT; everything else is bad ("map"
		 * is a keyword). */
		if (cut >= 1 && cut <= 2)
			cr_assert_eq(nodes[i].id, UCQL_TYPE_UDT, "cut %zu", cut);
		else
			cr_assert_eq(i, UCQL_E_BAD_TYPE, "cut %zu", cut);
		guard_free(&g);
	}
}

Test(types, cql_depth_and_capacity)
{
	char in[512] = "";
	for (int k = 0; k < 33; k++)
		strcat(in, "list<");
	strcat(in, "int");
	for (int k = 0; k < 33; k++)
		strcat(in, ">");
	ucql_type nodes[64];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 64);
	cr_assert_eq(ucql_type_parse_cql(&s, ucql_bytes_str(in)), UCQL_E_TOO_DEEP);
	in[strlen(in) - 1] = 0;
	cr_assert_eq(ucql_type_parse_cql(&s, ucql_bytes_str(in + 5)), 0, "32 levels are fine");
	cr_assert_eq(s.used, 33);
	ucql_type_set_init(&s, nodes, 3);
	cr_assert_eq(ucql_type_parse_cql(&s, ucql_bytes_str("tuple<int, int, int>")), UCQL_E_NOSPACE);
	cr_assert_eq(s.used, 0);
	cr_assert_eq(ucql_type_parse_class(&s, ucql_bytes_str("TupleType(Int32Type,Int32Type,Int32Type)")),
		     UCQL_E_NOSPACE);
	char deep[2048] = "";
	for (int k = 0; k < 33; k++)
		strcat(deep, "ListType(");
	strcat(deep, "Int32Type");
	for (int k = 0; k < 33; k++)
		strcat(deep, ")");
	ucql_type_set_init(&s, nodes, 64);
	cr_assert_eq(ucql_type_parse_class(&s, ucql_bytes_str(deep)), UCQL_E_TOO_DEEP);
}

/* ---- option encoding round trips ---------------------------------------- */

static void option_round_trip(const char *cql, int pv, const char *want_hex)
{
	ucql_type nodes[32], n2[32];
	ucql_type_set s, s2;
	ucql_type_set_init(&s, nodes, 32);
	ucql_type_set_init(&s2, n2, 32);
	int i = ucql_type_parse_cql(&s, ucql_bytes_str(cql));
	cr_assert_geq(i, 0, "%s", cql);
	uint8_t buf[512];
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ucql_type_write_option(&w, &s, i, pv);
	size_t need = w.len;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_type_write_option(&w, &s, i, pv);
	cr_assert_eq(w.err, 0);
	cr_assert_eq(w.len, need, "measuring agrees");
	if (want_hex) {
		uint8_t want[256];
		size_t n = unhex(want_hex, want);
		cr_assert_eq(w.len, n, "%s", cql);
		cr_assert_arr_eq(buf, want, n, "%s", cql);
	}
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	int j = ucql_type_read(&r, &s2);
	cr_assert_geq(j, 0);
	cr_assert_eq(ucql_reader_left(&r), 0);
	cr_assert(ucql_type_equal(&s, i, &s2, j), "%s", cql);
	cr_assert_str_eq(cql_of(&s2, j, 0), cql_of(&s, i, 0));
}

Test(types, option_encode_round_trips)
{
	option_round_trip("map<text, int>", 4, "0021000d0009");
	option_round_trip("list<tuple<int, blob>>", 4, "00200031000200090003");
	option_round_trip("set<uuid>", 3, "0022000c");
	option_round_trip("duration", 5, "0015");
	option_round_trip("map<frozen<list<varint>>, tuple<date, time, smallint, tinyint>>", 4, NULL);
	/* Cassandra 5 sends vectors as custom class names. */
	option_round_trip("vector<float, 3>", 5,
			  "000000596f72672e6170616368652e63617373616e6472612e64622e6d61727368616c2e"
			  "566563746f7254797065286f72672e6170616368652e63617373616e6472612e64622e"
			  "6d61727368616c2e466c6f617454797065202c203329");
	option_round_trip("vector<vector<int, 2>, 4>", 5, NULL);
	option_round_trip("'com.example.Foo'", 4, "0000000f636f6d2e6578616d706c652e466f6f");
}

Test(types, option_encode_duration_before_v5_and_udt)
{
	ucql_type nodes[8];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 8);
	int i = ucql_type_parse_cql(&s, ucql_bytes_str("duration"));
	uint8_t buf[128];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_type_write_option(&w, &s, i, 4);
	cr_assert_eq(w.err, 0);
	ucql_reader r;
	ucql_reader_init(&r, buf, w.len);
	cr_assert_eq(ucql_read_short(&r), 0);
	cr_assert(ucql_bytes_eq_str(ucql_read_string(&r), PKG "DurationType"));
	/* Read back, it is a duration again. */
	ucql_reader_init(&r, buf, w.len);
	int j = ucql_type_read(&r, &s);
	cr_assert_eq(nodes[j].id, UCQL_TYPE_DURATION);

	/* A UDT from class syntax (hex names) goes out with decoded names, and
	 * equals the wire form it was made from. */
	uint8_t wire[64];
	size_t n = unhex("00300002767300046164647200020006737472656574000d00036e756d0009", wire);
	ucql_type_set_init(&s, nodes, 8);
	int u = ucql_type_parse_class(&s, ucql_bytes_str(PKG "UserType(vs,61646472,737472656574:" PKG
					"UTF8Type,6e756d:" PKG "Int32Type)"));
	cr_assert_geq(u, 0);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_type_write_option(&w, &s, u, 4);
	cr_assert_eq(w.len, n);
	cr_assert_arr_eq(buf, wire, n);
	cr_assert_str_eq(cql_of(&s, u, 0), "addr");
}

Test(types, format_into_small_buffer)
{
	ucql_type nodes[8];
	ucql_type_set s;
	ucql_type_set_init(&s, nodes, 8);
	int i = ucql_type_parse_cql(&s, ucql_bytes_str("map<text, int>"));
	char buf[8];
	memset(buf, 'x', sizeof buf);
	cr_assert_eq(ucql_type_to_cql(&s, i, 0, buf, sizeof buf), 14, "needed length");
	cr_assert_str_eq(buf, "", "did not fit: empty, NUL-terminated");
	char ok[15];
	cr_assert_eq(ucql_type_to_cql(&s, i, 0, ok, sizeof ok), 14);
	cr_assert_str_eq(ok, "map<text, int>");
	cr_assert_eq(ucql_type_to_cql(&s, i, 0, NULL, 0), 14);
	/* Names needing quotes, from the wire (exact). */
	uint8_t wire[64];
	size_t n = unhex("003000016100094d79202254797065220000", wire);
	ucql_reader r;
	ucql_reader_init(&r, wire, n);
	ucql_type_set_init(&s, nodes, 8);
	i = ucql_type_read(&r, &s);
	cr_assert_geq(i, 0);
	cr_assert_str_eq(cql_of(&s, i, UCQL_TYPE_FMT_KEYSPACE), "a.\"My \"\"Type\"\"\"");
}

/* ---- helpers ----------------------------------------------------------------- */

Test(types, sizes)
{
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_INT), 4);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_BIGINT), 8);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_COUNTER), 8);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_DOUBLE), 8);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_TIMESTAMP), 8);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_TIME), 8);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_UUID), 16);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_TIMEUUID), 16);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_TINYINT), 1);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_BOOLEAN), 1);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_SMALLINT), 2);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_FLOAT), 4);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_DATE), 4);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_VARCHAR), -1);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_LIST), -1);
	cr_assert_eq(ucql_type_fixed_size(UCQL_TYPE_VECTOR), -1);
	cr_assert_null(ucql_type_name(0x0016));
	cr_assert_str_eq(ucql_type_name(UCQL_TYPE_VECTOR), "vector");

	static const struct { const char *t; int size; } vec[] = {
		{ "float", 4 }, { "int", 4 }, { "bigint", 8 }, { "double", 8 }, { "boolean", 1 },
		{ "uuid", 16 }, { "timeuuid", 16 }, { "timestamp", 8 }, { "text", -1 },
		/* Cassandra's ShortType, ByteType, SimpleDateType, TimeType and
		 * CounterColumnType do not override valueLengthIfFixed. */
		{ "smallint", -1 }, { "tinyint", -1 }, { "date", -1 }, { "time", -1 },
		{ "counter", -1 }, { "list<int>", -1 }, { "vector<int, 3>", 12 },
		{ "vector<text, 3>", -1 },
	};
	for (size_t k = 0; k < sizeof vec / sizeof vec[0]; k++) {
		ucql_type nodes[4];
		ucql_type_set s;
		ucql_type_set_init(&s, nodes, 4);
		int i = ucql_type_parse_cql(&s, ucql_bytes_str(vec[k].t));
		cr_assert_eq(ucql_type_vector_elem_size(&s, i), vec[k].size, "%s", vec[k].t);
	}
}
