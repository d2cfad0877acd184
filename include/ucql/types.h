/*
 * ucql/types.h — the CQL type system: type descriptors (parsed from the
 * wire's [option], from Cassandra's marshal class names and from CQL type
 * text, and formatted back) and the value codec for every CQL type.
 *
 * Type descriptors are parsed WITHOUT allocation into a caller-provided
 * array of nodes (a ucql_type_set). A type is a tree of nodes linked by
 * array indexes; names are views into the parsed input, which must outlive
 * the nodes.
 *
 * Values: a ucql_value is a view of one serialized value (len -1 null, 0
 * empty — distinct, as Cassandra allows empty ints). Getters decode it into
 * C types without copying or allocating and never read outside the view;
 * they return 0 or a negative ucql_err:
 *   UCQL_E_NULL       the value is null (or unset),
 *   UCQL_E_EMPTY      an empty value for a fixed-size type,
 *   UCQL_E_BAD_VALUE  wrong size or invalid content,
 *   UCQL_E_RANGE      valid, but does not fit the requested C type.
 * Encoders write a whole CQL [bytes] value (the [int] length, then the
 * serialized bytes) through a ucql_writer; with a NULL buffer they measure.
 *
 * Spec: native_protocol_v4.spec §4.2.5.2 ([option]) and §6 (serialization
 * of values), native_protocol_v5.spec §6 (duration, vint). Vectors are not
 * in any spec: they follow Cassandra 5's VectorType (see ucql_type_vector_elem_size).
 *
 * Every function here is pure: any thread may call it on its own data.
 */
#ifndef UCQL_TYPES_H
#define UCQL_TYPES_H

#include "common.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ==== type descriptors ================================================== */

/* Type ids: the wire's [option] ids (§4.2.5.2), plus pseudo ids outside
 * the 16-bit wire range's used part for types the wire carries as custom
 * class names. */
enum ucql_type_id {
	UCQL_TYPE_CUSTOM = 0x0000, /* name = Java class name */
	UCQL_TYPE_ASCII = 0x0001,
	UCQL_TYPE_BIGINT = 0x0002,
	UCQL_TYPE_BLOB = 0x0003,
	UCQL_TYPE_BOOLEAN = 0x0004,
	UCQL_TYPE_COUNTER = 0x0005,
	UCQL_TYPE_DECIMAL = 0x0006,
	UCQL_TYPE_DOUBLE = 0x0007,
	UCQL_TYPE_FLOAT = 0x0008,
	UCQL_TYPE_INT = 0x0009,
	UCQL_TYPE_TIMESTAMP = 0x000B,
	UCQL_TYPE_UUID = 0x000C,
	UCQL_TYPE_VARCHAR = 0x000D, /* CQL "text" and "varchar" */
	UCQL_TYPE_VARINT = 0x000E,
	UCQL_TYPE_TIMEUUID = 0x000F,
	UCQL_TYPE_INET = 0x0010,
	UCQL_TYPE_DATE = 0x0011,
	UCQL_TYPE_TIME = 0x0012,
	UCQL_TYPE_SMALLINT = 0x0013,
	UCQL_TYPE_TINYINT = 0x0014,
	UCQL_TYPE_DURATION = 0x0015, /* v5 on the wire; a custom class before */
	UCQL_TYPE_LIST = 0x0020,     /* 1 child: element */
	UCQL_TYPE_MAP = 0x0021,      /* 2 children: key, value */
	UCQL_TYPE_SET = 0x0022,      /* 1 child: element */
	UCQL_TYPE_UDT = 0x0030,      /* n children, each with .field */
	UCQL_TYPE_TUPLE = 0x0031,    /* n children */
	/* Pseudo id: Cassandra 5's vector, a custom class on the wire
	 * (org.apache.cassandra.db.marshal.VectorType(elem , dim)). 1 child. */
	UCQL_TYPE_VECTOR = 0x0100,
};

/* ucql_type.flags */
enum ucql_type_flag {
	UCQL_TYPE_F_FROZEN = 0x01, /* written frozen<...> / FrozenType(...) */
	UCQL_TYPE_F_REF = 0x02,    /* UDT known by name only (CQL text): no fields */
	UCQL_TYPE_F_QUOTED = 0x04, /* name is a "quoted" CQL identifier, as
				      written: inner text, "" still doubled */
	UCQL_TYPE_F_HEX = 0x08,    /* name and children's field names are hex
				      (UserType(...) class syntax) */
	UCQL_TYPE_F_KS_QUOTED = 0x10, /* like F_QUOTED, for ks */
};
/* Name encodings: from the wire, names are exact. From CQL text (F_REF
 * set), a name is a bare identifier as written (case-insensitive) unless
 * F_QUOTED; a custom class name from CQL text ('…') keeps '' doubled and
 * has F_QUOTED. From class syntax, UDT names are hex (F_HEX). The
 * formatters and ucql_type_write_option decode them. */

/* One node of a type tree. Children are linked: first_child, then each
 * child's next (-1 ends). All views borrow the parsed input. */
typedef struct ucql_type {
	uint16_t id;         /* enum ucql_type_id */
	uint16_t flags;      /* enum ucql_type_flag */
	uint16_t n_children;
	uint16_t reserved;
	int32_t dim;         /* vector dimension; 0 otherwise */
	int32_t first_child; /* index in the set, -1 none */
	int32_t next;        /* next sibling, -1 none */
	ucql_bytes name;     /* custom: class name; UDT: type name */
	ucql_bytes ks;       /* UDT: keyspace (empty when unknown) */
	ucql_bytes field;    /* field name when a child of a UDT */
} ucql_type;

/* Caller-owned node storage. Parsers append; `used` counts nodes taken. */
typedef struct ucql_type_set {
	ucql_type *nodes;
	size_t cap;
	size_t used;
} ucql_type_set;

/* Maximum nesting accepted by every parser (UCQL_E_TOO_DEEP beyond). */
#define UCQL_TYPE_MAX_DEPTH 32

static inline void ucql_type_set_init(ucql_type_set *s, ucql_type *nodes, size_t cap)
{
	s->nodes = nodes;
	s->cap = cap;
	s->used = 0;
}

/* The node at index i (no check: i must come from a parser). */
static inline const ucql_type *ucql_type_at(const ucql_type_set *s, int i)
{
	return &s->nodes[i];
}

/* Index of the n-th child of node i, or -1. */
UCQL_API int ucql_type_child(const ucql_type_set *s, int i, unsigned n);

/* Parses one [option] from r into s (§4.2.5.2; custom class names are
 * parsed like ucql_type_parse_class, so vectors get UCQL_TYPE_VECTOR).
 * Returns the root node's index (>= 0) or a negative error, also recorded
 * in r->err: UCQL_E_TRUNCATED, UCQL_E_BAD_TYPE (unknown id), UCQL_E_TOO_DEEP,
 * UCQL_E_NOSPACE (node array full). On error, s->used is restored. Names
 * borrow r's buffer. */
UCQL_API int ucql_type_read(ucql_reader *r, ucql_type_set *s);

/* Parses a Cassandra marshal class name, with or without the
 * "org.apache.cassandra.db.marshal." package, parameters included
 * ("…MapType(…UTF8Type,…Int32Type)", "…VectorType(…FloatType , 3)"). The
 * whole string must be one type. FrozenType(x) flags x frozen;
 * ReversedType(x) is x. Unknown classes become UCQL_TYPE_CUSTOM with the
 * whole text as name. Returns the root index or UCQL_E_BAD_TYPE (syntax),
 * UCQL_E_TOO_DEEP, UCQL_E_NOSPACE. Views borrow `text`. */
UCQL_API int ucql_type_parse_class(ucql_type_set *s, ucql_bytes text);

/* Parses CQL type text as in system_schema.columns.type: "int", "text",
 * "frozen<map<text, int>>", "list<frozen<tuple<int, text>>>",
 * "vector<float, 3>", 'custom.Class' (a quoted string: parsed as a class
 * name when it names a known one, else an opaque UCQL_TYPE_CUSTOM with
 * UCQL_TYPE_F_QUOTED; a name holding '' stays opaque), and any other
 * identifier — bare or "quoted" — as a UDT reference (UCQL_TYPE_UDT with
 * UCQL_TYPE_F_REF, no children; "ks.name" fills ks). Keywords are
 * case-insensitive; whitespace is free. Bare identifiers are kept as
 * written (compare case-insensitively). Errors: UCQL_E_BAD_TYPE,
 * UCQL_E_TOO_DEEP, UCQL_E_NOSPACE. Views borrow `text`. */
UCQL_API int ucql_type_parse_cql(ucql_type_set *s, ucql_bytes text);

/* Formatting flags for ucql_type_write_cql. */
enum ucql_type_fmt {
	UCQL_TYPE_FMT_FROZEN = 0x01,   /* frozen<> around nodes flagged frozen */
	UCQL_TYPE_FMT_FREEZE_NESTED = 0x02, /* also around every nested
					    collection, tuple and UDT (what CQL
					    requires inside a collection) */
	UCQL_TYPE_FMT_KEYSPACE = 0x04, /* UDTs as ks.name when ks is known */
};

/* Writes node i as CQL text ("map<text, int>", "vector<float, 3>",
 * "frozen<tuple<int, text>>", UDT names quoted when needed, custom types
 * as a quoted class name). Errors in w->err: UCQL_E_NOSPACE (keeps
 * counting). */
UCQL_API void ucql_type_write_cql(ucql_writer *w, const ucql_type_set *s, int i, unsigned fmt);
/* Convenience: CQL text into buf, NUL-terminated; returns the text length
 * needed (>= cap means it did not fit: buf then holds ""), or a
 * negative error. */
UCQL_API int ucql_type_to_cql(const ucql_type_set *s, int i, unsigned fmt, char *buf, size_t cap);
/* Writes node i as a Cassandra marshal class name (fully qualified; vectors
 * as "…VectorType(elem , dim)" like Cassandra 5's toString; FrozenType(…)
 * around nodes flagged frozen). Class syntax has no escapes: a UDT keyspace
 * holding whitespace or ( ) , : or an opaque custom name that would not
 * parse back as itself sets w->err = UCQL_E_INVALID_ARG. */
UCQL_API void ucql_type_write_class(ucql_writer *w, const ucql_type_set *s, int i);
/* Writes node i as a wire [option]. Vectors become custom (0x0000) with
 * their class name, as do durations when protocol_version < 5. A UDT
 * reference without fields cannot be encoded: w->err = UCQL_E_INVALID_ARG. */
UCQL_API void ucql_type_write_option(ucql_writer *w, const ucql_type_set *s, int i, int protocol_version);

/* 1 if the trees at (a, ia) and (b, ib) are equal: ids, dims, children,
 * the F_REF flag, and names, keyspaces and field names compared decoded
 * (a UDT from class syntax equals the same UDT from the wire). Bare CQL
 * identifiers compare as written. Frozen flags are ignored. */
UCQL_API int ucql_type_equal(const ucql_type_set *a, int ia, const ucql_type_set *b, int ib);

/* CQL name of a native type id ("int", "text", "list"…, "vector"), or NULL. */
UCQL_API const char *ucql_type_name(int id);
/* Serialized size of a value of a native type id when fixed: 1 boolean,
 * tinyint; 2 smallint; 4 int, float, date; 8 bigint, counter, double,
 * timestamp, time; 16 uuid, timeuuid. -1 for variable-size types. */
UCQL_API int ucql_type_fixed_size(int id);
/* Element size as Cassandra 5's VectorType serializes node i: the
 * fixed size for boolean, int, bigint, float, double, timestamp, uuid,
 * timeuuid (and a vector of those: dim × size); -1 (each element prefixed
 * by an [unsigned vint] length) for everything else — including smallint,
 * tinyint, date, time and counter, which Cassandra's AbstractType does not
 * declare fixed (valueLengthIfFixed). */
UCQL_API int ucql_type_vector_elem_size(const ucql_type_set *s, int i);

/* ==== values: validation helpers ======================================== */

/* 1 if b is valid UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF), else 0. */
UCQL_API int ucql_utf8_valid(ucql_bytes b);
/* 1 if every byte of b is < 0x80, else 0. */
UCQL_API int ucql_ascii_valid(ucql_bytes b);

/* ==== values: fixed-size getters (inline: the row decoding hot path) ==== */

/* 0 if v holds exactly n bytes, else the reason (see the top of the file). */
static inline int ucql__value_check(ucql_value v, int32_t n)
{
	if (__builtin_expect(v.len == n, 1))
		return 0;
	if (v.len < 0)
		return UCQL_E_NULL;
	return v.len == 0 ? UCQL_E_EMPTY : UCQL_E_BAD_VALUE;
}

static inline int ucql_value_get_int(ucql_value v, int32_t *out)
{
	int rc = ucql__value_check(v, 4);
	if (rc)
		return rc;
	*out = (int32_t)ucql__be32(v.p);
	return 0;
}
/* bigint; also counter and timestamp (ms since the Unix epoch). */
static inline int ucql_value_get_bigint(ucql_value v, int64_t *out)
{
	int rc = ucql__value_check(v, 8);
	if (rc)
		return rc;
	*out = (int64_t)ucql__be64(v.p);
	return 0;
}
static inline int ucql_value_get_counter(ucql_value v, int64_t *out)
{
	return ucql_value_get_bigint(v, out);
}
static inline int ucql_value_get_timestamp(ucql_value v, int64_t *ms)
{
	return ucql_value_get_bigint(v, ms);
}
static inline int ucql_value_get_smallint(ucql_value v, int16_t *out)
{
	int rc = ucql__value_check(v, 2);
	if (rc)
		return rc;
	*out = (int16_t)ucql__be16(v.p);
	return 0;
}
static inline int ucql_value_get_tinyint(ucql_value v, int8_t *out)
{
	int rc = ucql__value_check(v, 1);
	if (rc)
		return rc;
	*out = (int8_t)v.p[0];
	return 0;
}
/* Any non-zero byte is true (Cassandra's BooleanSerializer). */
static inline int ucql_value_get_boolean(ucql_value v, int *out)
{
	int rc = ucql__value_check(v, 1);
	if (rc)
		return rc;
	*out = v.p[0] != 0;
	return 0;
}
static inline int ucql_value_get_float(ucql_value v, float *out)
{
	int rc = ucql__value_check(v, 4);
	if (rc)
		return rc;
	uint32_t u = ucql__be32(v.p);
	memcpy(out, &u, 4);
	return 0;
}
static inline int ucql_value_get_double(ucql_value v, double *out)
{
	int rc = ucql__value_check(v, 8);
	if (rc)
		return rc;
	uint64_t u = ucql__be64(v.p);
	memcpy(out, &u, 8);
	return 0;
}
/* date: days since the Unix epoch, offset by 2^31 (1970-01-01 is
 * 0x80000000). Use ucql_date_to_days for a signed day count. */
static inline int ucql_value_get_date(ucql_value v, uint32_t *out)
{
	int rc = ucql__value_check(v, 4);
	if (rc)
		return rc;
	*out = ucql__be32(v.p);
	return 0;
}
#define UCQL_TIME_MAX INT64_C(86399999999999) /* 23:59:59.999999999 in ns */
/* time: nanoseconds since midnight, 0..UCQL_TIME_MAX (else BAD_VALUE). */
static inline int ucql_value_get_time(ucql_value v, int64_t *ns)
{
	int rc = ucql__value_check(v, 8);
	if (rc)
		return rc;
	int64_t t = (int64_t)ucql__be64(v.p);
	if ((uint64_t)t > (uint64_t)UCQL_TIME_MAX)
		return UCQL_E_BAD_VALUE;
	*ns = t;
	return 0;
}
/* uuid: a pointer to the 16 bytes in v (zero-copy). */
static inline int ucql_value_get_uuid(ucql_value v, const uint8_t **uuid)
{
	int rc = ucql__value_check(v, 16);
	if (rc)
		return rc;
	*uuid = v.p;
	return 0;
}
/* timeuuid: like uuid, and the version nibble must be 1 (else BAD_VALUE). */
static inline int ucql_value_get_timeuuid(ucql_value v, const uint8_t **uuid)
{
	int rc = ucql__value_check(v, 16);
	if (rc)
		return rc;
	if ((v.p[6] & 0xF0) != 0x10)
		return UCQL_E_BAD_VALUE;
	*uuid = v.p;
	return 0;
}
/* text/varchar/ascii/blob: a view of the bytes (empty is a valid value).
 * Not validated: see ucql_utf8_valid / ucql_ascii_valid. */
static inline int ucql_value_get_bytes(ucql_value v, ucql_bytes *out)
{
	if (v.len < 0)
		return UCQL_E_NULL;
	out->p = v.p;
	out->len = (size_t)v.len;
	return 0;
}
static inline int ucql_value_get_text(ucql_value v, ucql_bytes *out)
{
	return ucql_value_get_bytes(v, out);
}
static inline int ucql_value_get_blob(ucql_value v, ucql_bytes *out)
{
	return ucql_value_get_bytes(v, out);
}

/* ==== values: other getters ============================================= */

/* inet: 4 or 16 address bytes, copied into out (port 0). */
UCQL_API int ucql_value_get_inet(ucql_value v, ucql_inet *out);
/* varint (two's complement, big-endian) into an int64; UCQL_E_RANGE when
 * it does not fit (read the bytes with ucql_value_get_bytes then). Non-
 * minimal encodings are accepted. */
UCQL_API int ucql_value_get_varint(ucql_value v, int64_t *out);
/* decimal: [int scale][varint unscaled]; value = unscaled × 10^-scale.
 * The unscaled part is a view (non-empty, else BAD_VALUE). */
UCQL_API int ucql_value_get_decimal(ucql_value v, int32_t *scale, ucql_bytes *unscaled);
/* decimal with the unscaled part as an int64 (UCQL_E_RANGE if too big). */
UCQL_API int ucql_value_get_decimal_i64(ucql_value v, int32_t *scale, int64_t *unscaled);

/* duration: months, days, nanoseconds (three zig-zag [vint]s, v5 §6).
 * BAD_VALUE when truncated, when a part overflows (months/days are int32),
 * on trailing bytes, or when the signs disagree (Cassandra's rule). */
typedef struct ucql_duration {
	int32_t months;
	int32_t days;
	int64_t nanos;
} ucql_duration;
UCQL_API int ucql_value_get_duration(ucql_value v, ucql_duration *out);

/* date ↔ days since 1970-01-01 (negative before). */
static inline int64_t ucql_date_to_days(uint32_t date)
{
	return (int64_t)date - INT64_C(2147483648);
}
/* UCQL_E_RANGE if days is outside [-2^31, 2^31). */
static inline int ucql_date_from_days(int64_t days, uint32_t *date)
{
	if (days < -INT64_C(2147483648) || days > INT64_C(2147483647))
		return UCQL_E_RANGE;
	*date = (uint32_t)(days + INT64_C(2147483648));
	return 0;
}

/* ==== values: collections, tuples, UDTs, vectors (iteration) ============ */

/* A cursor over the elements of a serialized collection, tuple, UDT or
 * vector. Views it returns borrow the value's buffer. */
typedef struct ucql_iter {
	const uint8_t *p;
	const uint8_t *end;
	int32_t left;     /* elements (list/set), pairs (map) or dims left; -1 tuple/UDT */
	int32_t elem_size; /* vector: fixed element size, -1 vint-prefixed */
} ucql_iter;

/* list/set/map (protocol v3+: [int n] then n elements, each [int len]
 * [bytes]; a map has n key/value pairs). Returns 0, UCQL_E_NULL, or
 * UCQL_E_TRUNCATED (no count) / UCQL_E_BAD_LENGTH (negative count). An
 * empty value (len 0) is an empty collection. */
static inline int ucql_coll_iter_init(ucql_iter *it, ucql_value v)
{
	/* On error the iterator is left empty, so iterating it is harmless. */
	it->p = it->end = v.len > 0 ? v.p : NULL;
	it->left = 0;
	it->elem_size = -1;
	if (v.len <= 0)
		return v.len < 0 ? UCQL_E_NULL : 0;
	if (v.len < 4)
		return UCQL_E_TRUNCATED;
	int32_t n = (int32_t)ucql__be32(v.p);
	if (n < 0)
		return UCQL_E_BAD_LENGTH;
	it->p = v.p + 4;
	it->end = ucql__end(v.p, (size_t)v.len);
	it->left = n;
	return 0;
}
/* Number of elements (pairs for a map) declared by the header. */
static inline int32_t ucql_coll_count(const ucql_iter *it)
{
	return it->left;
}

/* Reads one [int len][bytes] element. null (-1) allowed only if allow_null. */
static inline int ucql__iter_elem(ucql_iter *it, ucql_value *out, int allow_null)
{
	if ((size_t)(it->end - it->p) < 4)
		return UCQL_E_TRUNCATED;
	int32_t n = (int32_t)ucql__be32(it->p);
	it->p += 4;
	if (n < 0) {
		if (n != -1 || !allow_null)
			return UCQL_E_BAD_LENGTH;
		out->p = NULL;
		out->len = UCQL_NULL;
		return 0;
	}
	if ((size_t)(it->end - it->p) < (size_t)n)
		return UCQL_E_TRUNCATED;
	out->p = it->p;
	out->len = n;
	it->p += n;
	return 0;
}

/* Next list/set element: 1 and *elem set, 0 at the end, or a negative
 * error: UCQL_E_TRUNCATED (element runs past the value), UCQL_E_BAD_LENGTH
 * (negative length: null elements are not allowed), UCQL_E_TRAILING (bytes
 * after the last element). */
static inline int ucql_list_next(ucql_iter *it, ucql_value *elem)
{
	if (it->left == 0)
		return it->p == it->end ? 0 : UCQL_E_TRAILING;
	int rc = ucql__iter_elem(it, elem, 0);
	if (rc)
		return rc;
	it->left--;
	return 1;
}
/* Next map entry; same returns as ucql_list_next. */
static inline int ucql_map_next(ucql_iter *it, ucql_value *key, ucql_value *val)
{
	if (it->left == 0)
		return it->p == it->end ? 0 : UCQL_E_TRAILING;
	int rc = ucql__iter_elem(it, key, 0);
	if (!rc)
		rc = ucql__iter_elem(it, val, 0);
	if (rc)
		return rc;
	it->left--;
	return 1;
}

/* tuple / UDT: a sequence of [bytes] fields up to the end of the value
 * (null fields allowed; a UDT may carry fewer fields than its type, the
 * missing ones are null). Returns 0 or UCQL_E_NULL. */
static inline int ucql_tuple_iter_init(ucql_iter *it, ucql_value v)
{
	it->p = v.p;
	it->end = ucql__end(v.p, v.len > 0 ? (size_t)v.len : 0);
	it->left = -1;
	it->elem_size = -1;
	return v.len < 0 ? UCQL_E_NULL : 0;
}
/* Next field: 1, 0 at the end, or UCQL_E_TRUNCATED / UCQL_E_BAD_LENGTH
 * (length below -1). */
static inline int ucql_tuple_next(ucql_iter *it, ucql_value *field)
{
	if (it->p == it->end)
		return 0;
	int rc = ucql__iter_elem(it, field, 1);
	return rc ? rc : 1;
}

/* vector of `dim` elements; elem_size = ucql_type_vector_elem_size of the
 * vector's ELEMENT node (ucql_type_child(set, vector, 0)), not of the
 * vector itself, which gives the whole vector's size (>= 0: elements concatenated; -1: each prefixed by an [unsigned vint]
 * length — Cassandra 5's VectorType). Returns 0, UCQL_E_NULL, UCQL_E_EMPTY
 * (len 0), UCQL_E_INVALID_ARG (dim <= 0), or UCQL_E_BAD_VALUE (fixed
 * elements: len != dim × elem_size). */
UCQL_API int ucql_vector_iter_init(ucql_iter *it, ucql_value v, int32_t dim, int32_t elem_size);
/* Next element (a view without its length prefix): 1, 0 after `dim`
 * elements, or UCQL_E_TRUNCATED / UCQL_E_BAD_LENGTH (a vint length past
 * INT32_MAX) / UCQL_E_TRAILING (bytes after the last element). */
UCQL_API int ucql_vector_next(ucql_iter *it, ucql_value *elem);
/* vector<float, n> fast path: copies dim floats to out. Errors as
 * ucql_vector_iter_init with elem_size 4. */
UCQL_API int ucql_value_get_float_vector(ucql_value v, float *out, int32_t dim);

/* ==== values: encoders ================================================== */

/* Each writes one [bytes] value: [int len][serialized]. Errors land in
 * w->err (UCQL_E_NOSPACE keeps counting; UCQL_E_INVALID_ARG). */
static inline void ucql_value_write_null(ucql_writer *w)
{
	ucql_write_int(w, UCQL_NULL);
}
/* [int 0]: the empty value, distinct from null. */
static inline void ucql_value_write_empty(ucql_writer *w)
{
	ucql_write_int(w, 0);
}
static inline void ucql_value_write_int(ucql_writer *w, int32_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 8);
	if (d) {
		ucql__put32(d, 4);
		ucql__put32(d + 4, (uint32_t)v);
	}
}
static inline void ucql_value_write_bigint(ucql_writer *w, int64_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 12);
	if (d) {
		ucql__put32(d, 8);
		ucql__put64(d + 4, (uint64_t)v);
	}
}
static inline void ucql_value_write_counter(ucql_writer *w, int64_t v)
{
	ucql_value_write_bigint(w, v);
}
static inline void ucql_value_write_timestamp(ucql_writer *w, int64_t ms)
{
	ucql_value_write_bigint(w, ms);
}
static inline void ucql_value_write_smallint(ucql_writer *w, int16_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 6);
	if (d) {
		ucql__put32(d, 2);
		ucql__put16(d + 4, (uint16_t)v);
	}
}
static inline void ucql_value_write_tinyint(ucql_writer *w, int8_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 5);
	if (d) {
		ucql__put32(d, 1);
		d[4] = (uint8_t)v;
	}
}
static inline void ucql_value_write_boolean(ucql_writer *w, int v)
{
	ucql_value_write_tinyint(w, v ? 1 : 0);
}
static inline void ucql_value_write_float(ucql_writer *w, float v)
{
	uint32_t u;
	memcpy(&u, &v, 4);
	ucql_value_write_int(w, (int32_t)u);
}
static inline void ucql_value_write_double(ucql_writer *w, double v)
{
	uint64_t u;
	memcpy(&u, &v, 8);
	ucql_value_write_bigint(w, (int64_t)u);
}
static inline void ucql_value_write_date(ucql_writer *w, uint32_t date)
{
	ucql_value_write_int(w, (int32_t)date);
}
/* ns outside 0..UCQL_TIME_MAX: w->err = UCQL_E_INVALID_ARG. */
UCQL_API void ucql_value_write_time(ucql_writer *w, int64_t ns);
static inline void ucql_value_write_uuid(ucql_writer *w, const uint8_t uuid[16])
{
	uint8_t *d = ucql_writer_reserve(w, 20);
	if (d) {
		ucql__put32(d, 16);
		memcpy(d + 4, uuid, 16);
	}
}
/* Not a version-1 uuid: w->err = UCQL_E_INVALID_ARG. */
UCQL_API void ucql_value_write_timeuuid(ucql_writer *w, const uint8_t uuid[16]);
/* text / varchar / ascii / blob / raw serialized bytes (not validated). */
static inline void ucql_value_write_bytes(ucql_writer *w, ucql_bytes b)
{
	ucql_write_bytes(w, b);
}
static inline void ucql_value_write_text(ucql_writer *w, ucql_bytes s)
{
	ucql_write_bytes(w, s);
}
static inline void ucql_value_write_blob(ucql_writer *w, ucql_bytes b)
{
	ucql_write_bytes(w, b);
}
/* inet: a->len must be 4 or 16 (else UCQL_E_INVALID_ARG); port ignored. */
UCQL_API void ucql_value_write_inet(ucql_writer *w, const ucql_inet *a);
/* varint, minimal two's complement encoding (1..8 bytes). */
UCQL_API void ucql_value_write_varint(ucql_writer *w, int64_t v);
/* decimal from scale and unscaled int64. */
UCQL_API void ucql_value_write_decimal(ucql_writer *w, int32_t scale, int64_t unscaled);
/* decimal from scale and an already-encoded varint (non-empty, else
 * UCQL_E_INVALID_ARG). */
UCQL_API void ucql_value_write_decimal_bytes(ucql_writer *w, int32_t scale, ucql_bytes unscaled);
/* duration; signs of the three parts must agree (else UCQL_E_INVALID_ARG). */
UCQL_API void ucql_value_write_duration(ucql_writer *w, ucql_duration d);

/* ==== values: builders for collections, tuples, UDTs and vectors ======= */

/* Builds a nested value in place: begin writes placeholder(s), the caller
 * writes the elements with any ucql_value_write_* (nested builders
 * included), end patches the lengths. Works in measuring mode too. */
typedef struct ucql_builder {
	size_t start;     /* offset of the [int len] placeholder */
	size_t mark;      /* vector: start of the current element */
	int32_t elem_size; /* vector element size, -1 variable */
	int32_t n;        /* vector: elements added */
} ucql_builder;

/* list/set/map: [int len][int n] placeholders. End with n = number of
 * elements (pairs for a map) written. */
UCQL_API void ucql_coll_begin(ucql_builder *b, ucql_writer *w);
UCQL_API void ucql_coll_end(ucql_builder *b, ucql_writer *w, int32_t n);
/* tuple/UDT: [int len] placeholder; write each field (nulls allowed). */
UCQL_API void ucql_tuple_begin(ucql_builder *b, ucql_writer *w);
UCQL_API void ucql_tuple_end(ucql_builder *b, ucql_writer *w);
/* vector: write each element with a ucql_value_write_* call, then call
 * ucql_vector_elem_done, which rewrites that element's [int] length prefix
 * in place: dropped for fixed-size elements (its length must equal
 * elem_size), an [unsigned vint] otherwise. A size mismatch sets
 * UCQL_E_INVALID_ARG, as does a null element (detected only when the
 * element landed in the buffer: measuring cannot tell null from empty).
 * ucql_vector_end does not check the dimension: write exactly dim elements. */
UCQL_API void ucql_vector_begin(ucql_builder *b, ucql_writer *w, int32_t elem_size);
UCQL_API void ucql_vector_elem_done(ucql_builder *b, ucql_writer *w);
UCQL_API void ucql_vector_end(ucql_builder *b, ucql_writer *w);
/* vector<float, n> fast path: the whole [bytes] value. */
UCQL_API void ucql_value_write_float_vector(ucql_writer *w, const float *v, size_t dim);

#ifdef __cplusplus
}
#endif
#endif
