/*
 * CQL type descriptors: parsing from [option] (§4.2.5.2 of the v4 spec),
 * from Cassandra marshal class names and from CQL type text, into a
 * caller-provided node array (no allocation); formatting back as CQL text,
 * class names and [option]s.
 */
#include "types_int.h"

/* ---- native type table ---------------------------------------------------- */

const struct ucql__native ucql__natives[] = {
	{ UCQL_TYPE_ASCII, -1, -1, "ascii", "AsciiType" },
	{ UCQL_TYPE_BIGINT, 8, 8, "bigint", "LongType" },
	{ UCQL_TYPE_BLOB, -1, -1, "blob", "BytesType" },
	{ UCQL_TYPE_BOOLEAN, 1, 1, "boolean", "BooleanType" },
	{ UCQL_TYPE_COUNTER, 8, -1, "counter", "CounterColumnType" },
	{ UCQL_TYPE_DECIMAL, -1, -1, "decimal", "DecimalType" },
	{ UCQL_TYPE_DOUBLE, 8, 8, "double", "DoubleType" },
	{ UCQL_TYPE_FLOAT, 4, 4, "float", "FloatType" },
	{ UCQL_TYPE_INT, 4, 4, "int", "Int32Type" },
	{ UCQL_TYPE_TIMESTAMP, 8, 8, "timestamp", "TimestampType" },
	{ UCQL_TYPE_UUID, 16, 16, "uuid", "UUIDType" },
	{ UCQL_TYPE_VARCHAR, -1, -1, "text", "UTF8Type" },
	{ UCQL_TYPE_VARINT, -1, -1, "varint", "IntegerType" },
	{ UCQL_TYPE_TIMEUUID, 16, 16, "timeuuid", "TimeUUIDType" },
	{ UCQL_TYPE_INET, -1, -1, "inet", "InetAddressType" },
	{ UCQL_TYPE_DATE, 4, -1, "date", "SimpleDateType" },
	{ UCQL_TYPE_TIME, 8, -1, "time", "TimeType" },
	{ UCQL_TYPE_SMALLINT, 2, -1, "smallint", "ShortType" },
	{ UCQL_TYPE_TINYINT, 1, -1, "tinyint", "ByteType" },
	{ UCQL_TYPE_DURATION, -1, -1, "duration", "DurationType" },
};
const size_t ucql__n_natives = sizeof ucql__natives / sizeof ucql__natives[0];

const struct ucql__native *ucql__type_native(int id)
{
	for (size_t i = 0; i < ucql__n_natives; i++)
		if (ucql__natives[i].id == id)
			return &ucql__natives[i];
	return NULL;
}

const char *ucql_type_name(int id)
{
	const struct ucql__native *n = ucql__type_native(id);
	if (n)
		return n->cql;
	switch (id) {
	case UCQL_TYPE_CUSTOM: return "custom";
	case UCQL_TYPE_LIST: return "list";
	case UCQL_TYPE_MAP: return "map";
	case UCQL_TYPE_SET: return "set";
	case UCQL_TYPE_UDT: return "udt";
	case UCQL_TYPE_TUPLE: return "tuple";
	case UCQL_TYPE_VECTOR: return "vector";
	}
	return NULL;
}

int ucql_type_fixed_size(int id)
{
	const struct ucql__native *n = ucql__type_native(id);
	return n ? n->fixed : -1;
}

int ucql_type_vector_elem_size(const ucql_type_set *s, int i)
{
	const ucql_type *t = &s->nodes[i];
	if (t->id == UCQL_TYPE_VECTOR) {
		int e = ucql_type_vector_elem_size(s, t->first_child);
		if (e < 0 || t->dim <= 0 || (int64_t)e * t->dim > INT32_MAX)
			return -1;
		return e * t->dim;
	}
	const struct ucql__native *n = ucql__type_native(t->id);
	return n ? n->vec_fixed : -1;
}

int ucql_type_child(const ucql_type_set *s, int i, unsigned n)
{
	int c = s->nodes[i].first_child;
	while (c >= 0 && n--)
		c = s->nodes[c].next;
	return c;
}

/* ---- nodes ------------------------------------------------------------------ */

static int new_node(ucql_type_set *s, uint16_t id)
{
	if (s->used >= s->cap || s->used >= INT32_MAX)
		return UCQL_E_NOSPACE;
	int i = (int)s->used++;
	ucql_type *t = &s->nodes[i];
	memset(t, 0, sizeof *t);
	t->id = id;
	t->first_child = -1;
	t->next = -1;
	return i;
}

/* Appends child c to parent p; *last tracks p's last child (-1 at first). */
static void add_child(ucql_type_set *s, int p, int c, int *last)
{
	if (*last < 0)
		s->nodes[p].first_child = c;
	else
		s->nodes[*last].next = c;
	*last = c;
	s->nodes[p].n_children++;
}

/* ---- [option] ---------------------------------------------------------------- */

static int parse_class(ucql_type_set *s, ucql_bytes text, int depth);

static int read_opt(ucql_reader *r, ucql_type_set *s, int depth)
{
	if (depth > UCQL_TYPE_MAX_DEPTH)
		return UCQL_E_TOO_DEEP;
	uint16_t id = ucql_read_short(r);
	if (r->err)
		return r->err;
	int i, c, last = -1;
	switch (id) {
	case UCQL_TYPE_CUSTOM: {
		ucql_bytes name = ucql_read_string(r);
		if (r->err)
			return r->err;
		size_t used = s->used;
		i = parse_class(s, name, depth);
		if (i >= 0 && s->nodes[i].id == UCQL_TYPE_CUSTOM)
			s->nodes[i].name = name; /* opaque: exactly as sent */
		if (i != UCQL_E_BAD_TYPE)
			return i;
		/* A class we cannot parse stays an opaque custom type. */
		s->used = used;
		i = new_node(s, UCQL_TYPE_CUSTOM);
		if (i >= 0)
			s->nodes[i].name = name;
		return i;
	}
	case 0x000A: /* "text" in protocol v1; the same as varchar */
		return new_node(s, UCQL_TYPE_VARCHAR);
	case UCQL_TYPE_LIST:
	case UCQL_TYPE_SET:
	case UCQL_TYPE_MAP:
		if ((i = new_node(s, id)) < 0)
			return i;
		for (int k = id == UCQL_TYPE_MAP ? 2 : 1; k > 0; k--) {
			if ((c = read_opt(r, s, depth + 1)) < 0)
				return c;
			add_child(s, i, c, &last);
		}
		return i;
	case UCQL_TYPE_UDT: {
		if ((i = new_node(s, id)) < 0)
			return i;
		ucql_bytes ks = ucql_read_string(r);
		ucql_bytes name = ucql_read_string(r);
		uint16_t n = ucql_read_short(r);
		if (r->err)
			return r->err;
		s->nodes[i].ks = ks;
		s->nodes[i].name = name;
		for (uint16_t k = 0; k < n; k++) {
			ucql_bytes field = ucql_read_string(r);
			if (r->err)
				return r->err;
			if ((c = read_opt(r, s, depth + 1)) < 0)
				return c;
			s->nodes[c].field = field;
			add_child(s, i, c, &last);
		}
		return i;
	}
	case UCQL_TYPE_TUPLE: {
		if ((i = new_node(s, id)) < 0)
			return i;
		uint16_t n = ucql_read_short(r);
		if (r->err)
			return r->err;
		for (uint16_t k = 0; k < n; k++) {
			if ((c = read_opt(r, s, depth + 1)) < 0)
				return c;
			add_child(s, i, c, &last);
		}
		return i;
	}
	default:
		if (ucql__type_native(id))
			return new_node(s, id);
		return UCQL_E_BAD_TYPE;
	}
}

int ucql_type_read(ucql_reader *r, ucql_type_set *s)
{
	size_t used = s->used;
	if (r->err)
		return r->err;
	int i = read_opt(r, s, 0);
	if (i < 0) {
		s->used = used;
		ucql_reader_fail(r, i);
	}
	return i;
}

/* ---- text cursor --------------------------------------------------------------- */

typedef struct cur {
	const uint8_t *p, *end;
} cur;

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
static void skip_ws(cur *c)
{
	while (c->p < c->end && is_ws(*c->p))
		c->p++;
}
/* Skips whitespace; 1 and consumes ch if it is next. */
static int eat(cur *c, uint8_t ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}
static int eq_nocase(ucql_bytes b, const char *s)
{
	size_t n = strlen(s);
	if (b.len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ucql__lower(b.p[i]) != s[i])
			return 0;
	return 1;
}
static int eq_exact(ucql_bytes b, const char *s)
{
	size_t n = strlen(s);
	return b.len == n && memcmp(b.p, s, n) == 0;
}
static int is_ident(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static int is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A positive decimal int32 (vector dimension). */
static int read_dim(cur *c, int32_t *out)
{
	skip_ws(c);
	int64_t v = 0;
	const uint8_t *start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		v = v * 10 + (*c->p++ - '0');
		if (v > INT32_MAX)
			return UCQL_E_BAD_TYPE;
	}
	if (c->p == start || v <= 0)
		return UCQL_E_BAD_TYPE;
	*out = (int32_t)v;
	return 0;
}

/* ---- class names ------------------------------------------------------------------ */

/* A class token: everything up to a delimiter. */
static ucql_bytes class_token(cur *c)
{
	skip_ws(c);
	const uint8_t *start = c->p;
	while (c->p < c->end && *c->p != '(' && *c->p != ')' && *c->p != ',' && *c->p != ':' &&
	       !is_ws(*c->p))
		c->p++;
	return ucql_bytes_of(start, (size_t)(c->p - start));
}

static ucql_bytes strip_pkg(ucql_bytes b)
{
	if (b.len > MARSHAL_LEN && memcmp(b.p, MARSHAL, MARSHAL_LEN) == 0) {
		b.p += MARSHAL_LEN;
		b.len -= MARSHAL_LEN;
	}
	return b;
}

/* Skips a balanced (...) group starting at '('. */
static int skip_parens(cur *c)
{
	int level = 0;
	do {
		if (c->p >= c->end)
			return UCQL_E_BAD_TYPE;
		if (*c->p == '(')
			level++;
		else if (*c->p == ')')
			level--;
		c->p++;
	} while (level > 0);
	return 0;
}

static int class_at(cur *c, ucql_type_set *s, int depth);

/* Parses comma-separated type parameters into children of i until ')'. */
static int class_params(cur *c, ucql_type_set *s, int i, int depth, int want)
{
	int last = -1, n = 0;
	/* want < 0 (tuple): any count, none included — the wire allows an
	 * empty tuple, so its formatted text must parse back. */
	if (want < 0 && eat(c, ')'))
		return i;
	do {
		int k = class_at(c, s, depth + 1);
		if (k < 0)
			return k;
		add_child(s, i, k, &last);
		n++;
	} while (eat(c, ','));
	if (!eat(c, ')') || (want >= 0 && n != want))
		return UCQL_E_BAD_TYPE;
	return i;
}

static int class_udt(cur *c, ucql_type_set *s, int depth)
{
	int i = new_node(s, UCQL_TYPE_UDT);
	if (i < 0)
		return i;
	s->nodes[i].flags |= UCQL_TYPE_F_HEX;
	/* Empty names are accepted: whatever a wire [option] holds must
	 * survive formatting as a class name and parsing back. */
	ucql_bytes ks = class_token(c);
	if (!eat(c, ','))
		return UCQL_E_BAD_TYPE;
	ucql_bytes name = class_token(c);
	if (name.len % 2)
		return UCQL_E_BAD_TYPE;
	for (size_t k = 0; k < name.len; k++)
		if (!is_hex(name.p[k]))
			return UCQL_E_BAD_TYPE;
	s->nodes[i].ks = ks;
	s->nodes[i].name = name;
	int last = -1;
	while (eat(c, ',')) {
		ucql_bytes field = class_token(c);
		if (field.len % 2 || !eat(c, ':'))
			return UCQL_E_BAD_TYPE;
		for (size_t k = 0; k < field.len; k++)
			if (!is_hex(field.p[k]))
				return UCQL_E_BAD_TYPE;
		int f = class_at(c, s, depth + 1);
		if (f < 0)
			return f;
		s->nodes[f].field = field;
		add_child(s, i, f, &last);
	}
	return eat(c, ')') ? i : UCQL_E_BAD_TYPE;
}

static int class_at(cur *c, ucql_type_set *s, int depth)
{
	if (depth > UCQL_TYPE_MAX_DEPTH)
		return UCQL_E_TOO_DEEP;
	ucql_bytes full = class_token(c);
	ucql_bytes b = strip_pkg(full);
	if (!b.len)
		return UCQL_E_BAD_TYPE;
	int params = eat(c, '(');
	int i;
	if (eq_exact(b, "DateType")) /* the pre-2.2 name of timestamp */
		return params ? UCQL_E_BAD_TYPE : new_node(s, UCQL_TYPE_TIMESTAMP);
	for (size_t k = 0; k < ucql__n_natives; k++)
		if (eq_exact(b, ucql__natives[k].cls))
			return params ? UCQL_E_BAD_TYPE : new_node(s, ucql__natives[k].id);
	if (params) {
		if (eq_exact(b, "FrozenType") || eq_exact(b, "ReversedType")) {
			int f = eq_exact(b, "FrozenType");
			if ((i = class_at(c, s, depth + 1)) < 0)
				return i;
			if (!eat(c, ')'))
				return UCQL_E_BAD_TYPE;
			if (f)
				s->nodes[i].flags |= UCQL_TYPE_F_FROZEN;
			return i;
		}
		if (eq_exact(b, "ListType") || eq_exact(b, "SetType")) {
			if ((i = new_node(s, eq_exact(b, "ListType") ? UCQL_TYPE_LIST : UCQL_TYPE_SET)) < 0)
				return i;
			return class_params(c, s, i, depth, 1);
		}
		if (eq_exact(b, "MapType")) {
			if ((i = new_node(s, UCQL_TYPE_MAP)) < 0)
				return i;
			return class_params(c, s, i, depth, 2);
		}
		if (eq_exact(b, "TupleType")) {
			if ((i = new_node(s, UCQL_TYPE_TUPLE)) < 0)
				return i;
			return class_params(c, s, i, depth, -1);
		}
		if (eq_exact(b, "VectorType")) {
			if ((i = new_node(s, UCQL_TYPE_VECTOR)) < 0)
				return i;
			int e = class_at(c, s, depth + 1);
			if (e < 0)
				return e;
			int last = -1;
			add_child(s, i, e, &last);
			if (!eat(c, ',') || read_dim(c, &s->nodes[i].dim) || !eat(c, ')'))
				return UCQL_E_BAD_TYPE;
			return i;
		}
		if (eq_exact(b, "UserType"))
			return class_udt(c, s, depth);
		/* Unknown parameterized class: opaque, parameters included. */
		c->p--;
		while (*c->p != '(')
			c->p--;
		if (skip_parens(c))
			return UCQL_E_BAD_TYPE;
		full.len = (size_t)(c->p - full.p);
	}
	/* (without parameters, eat() may have skipped whitespace after the
	 * name: the name is the token alone) */
	if ((i = new_node(s, UCQL_TYPE_CUSTOM)) < 0)
		return i;
	s->nodes[i].name = full;
	return i;
}

static int parse_class(ucql_type_set *s, ucql_bytes text, int depth)
{
	cur c = { text.p, ucql__end(text.p, text.len) };
	int i = class_at(&c, s, depth);
	if (i >= 0) {
		skip_ws(&c);
		if (c.p != c.end)
			i = UCQL_E_BAD_TYPE;
	}
	return i;
}

int ucql_type_parse_class(ucql_type_set *s, ucql_bytes text)
{
	size_t used = s->used;
	int i = parse_class(s, text, 0);
	if (i < 0)
		s->used = used;
	return i;
}

/* ---- CQL text ------------------------------------------------------------------------ */

/* An identifier: bare ([A-Za-z0-9_]+) or "quoted" ("" escapes a quote).
 * *quoted tells which; the view excludes the quotes. */
static int cql_ident(cur *c, ucql_bytes *out, int *quoted)
{
	skip_ws(c);
	const uint8_t *start = c->p;
	if (c->p < c->end && *c->p == '"') {
		start = ++c->p;
		for (;;) {
			if (c->p >= c->end)
				return UCQL_E_BAD_TYPE;
			if (*c->p == '"') {
				if (c->p + 1 < c->end && c->p[1] == '"') {
					c->p += 2;
					continue;
				}
				break;
			}
			c->p++;
		}
		*out = ucql_bytes_of(start, (size_t)(c->p - start));
		c->p++;
		*quoted = 1;
		return 0; /* "" too: a wire UDT may have an empty name */
	}
	while (c->p < c->end && is_ident(*c->p))
		c->p++;
	*out = ucql_bytes_of(start, (size_t)(c->p - start));
	*quoted = 0;
	return out->len ? 0 : UCQL_E_BAD_TYPE;
}

static int cql_at(cur *c, ucql_type_set *s, int depth);

static int cql_params(cur *c, ucql_type_set *s, int i, int depth, int want)
{
	int last = -1, n = 0;
	/* want < 0 (tuple): any count, none included — the wire allows an
	 * empty tuple, so its formatted text must parse back. */
	if (want < 0 && eat(c, '>'))
		return i;
	do {
		int k = cql_at(c, s, depth + 1);
		if (k < 0)
			return k;
		add_child(s, i, k, &last);
		n++;
	} while (eat(c, ','));
	if (!eat(c, '>') || (want >= 0 && n != want))
		return UCQL_E_BAD_TYPE;
	return i;
}

static int cql_at(cur *c, ucql_type_set *s, int depth)
{
	if (depth > UCQL_TYPE_MAX_DEPTH)
		return UCQL_E_TOO_DEEP;
	skip_ws(c);
	int i;
	if (c->p < c->end && *c->p == '\'') { /* 'custom.Class' */
		const uint8_t *start = ++c->p;
		for (;;) {
			if (c->p >= c->end)
				return UCQL_E_BAD_TYPE;
			if (*c->p == '\'') {
				if (c->p + 1 < c->end && c->p[1] == '\'') {
					c->p += 2;
					continue;
				}
				break;
			}
			c->p++;
		}
		ucql_bytes name = ucql_bytes_of(start, (size_t)(c->p - start));
		c->p++;
		/* A class name Cassandra knows ('…VectorType(…)', '…Int32Type')
		 * is that type, as when it comes in an [option]. */
		if (!memchr(name.p, '\'', name.len)) {
			size_t used = s->used;
			i = parse_class(s, name, depth);
			if (i >= 0 && s->nodes[i].id != UCQL_TYPE_CUSTOM)
				return i;
			if (i != UCQL_E_BAD_TYPE && i < 0)
				return i;
			s->used = used;
		}
		if ((i = new_node(s, UCQL_TYPE_CUSTOM)) < 0)
			return i;
		s->nodes[i].name = name;
		s->nodes[i].flags |= UCQL_TYPE_F_QUOTED;
		return i;
	}
	ucql_bytes id;
	int quoted;
	if (cql_ident(c, &id, &quoted))
		return UCQL_E_BAD_TYPE;
	if (!quoted) {
		int angle = eat(c, '<');
		if (eq_nocase(id, "frozen")) {
			if (!angle)
				return UCQL_E_BAD_TYPE;
			if ((i = cql_at(c, s, depth + 1)) < 0)
				return i;
			s->nodes[i].flags |= UCQL_TYPE_F_FROZEN;
			return eat(c, '>') ? i : UCQL_E_BAD_TYPE;
		}
		if (eq_nocase(id, "list") || eq_nocase(id, "set") || eq_nocase(id, "map") ||
		    eq_nocase(id, "tuple")) {
			if (!angle)
				return UCQL_E_BAD_TYPE;
			uint16_t tid = eq_nocase(id, "list")  ? UCQL_TYPE_LIST
				       : eq_nocase(id, "set") ? UCQL_TYPE_SET
				       : eq_nocase(id, "map") ? UCQL_TYPE_MAP
							      : UCQL_TYPE_TUPLE;
			if ((i = new_node(s, tid)) < 0)
				return i;
			return cql_params(c, s, i, depth,
					  tid == UCQL_TYPE_MAP ? 2 : tid == UCQL_TYPE_TUPLE ? -1 : 1);
		}
		if (eq_nocase(id, "vector")) {
			if (!angle)
				return UCQL_E_BAD_TYPE;
			if ((i = new_node(s, UCQL_TYPE_VECTOR)) < 0)
				return i;
			int e = cql_at(c, s, depth + 1);
			if (e < 0)
				return e;
			int last = -1;
			add_child(s, i, e, &last);
			if (!eat(c, ',') || read_dim(c, &s->nodes[i].dim) || !eat(c, '>'))
				return UCQL_E_BAD_TYPE;
			return i;
		}
		if (angle)
			return UCQL_E_BAD_TYPE;
		if (eq_nocase(id, "varchar"))
			return new_node(s, UCQL_TYPE_VARCHAR);
		for (size_t k = 0; k < ucql__n_natives; k++)
			if (eq_nocase(id, ucql__natives[k].cql))
				return new_node(s, ucql__natives[k].id);
	}
	/* Anything else names a user type: [ks.]name. */
	if ((i = new_node(s, UCQL_TYPE_UDT)) < 0)
		return i;
	ucql_type *t = &s->nodes[i];
	t->flags |= UCQL_TYPE_F_REF;
	t->name = id;
	if (quoted)
		t->flags |= UCQL_TYPE_F_QUOTED;
	if (eat(c, '.')) {
		t->ks = id;
		if (quoted)
			t->flags |= UCQL_TYPE_F_KS_QUOTED;
		if (cql_ident(c, &t->name, &quoted))
			return UCQL_E_BAD_TYPE;
		t->flags = (uint16_t)((t->flags & ~UCQL_TYPE_F_QUOTED) | (quoted ? UCQL_TYPE_F_QUOTED : 0));
	}
	return i;
}

int ucql_type_parse_cql(ucql_type_set *s, ucql_bytes text)
{
	size_t used = s->used;
	cur c = { text.p, ucql__end(text.p, text.len) };
	int i = cql_at(&c, s, 0);
	if (i >= 0) {
		skip_ws(&c);
		if (c.p != c.end)
			i = UCQL_E_BAD_TYPE;
	}
	if (i < 0)
		s->used = used;
	return i;
}
