/*
 * CQL type descriptors, formatted: as CQL text, as Cassandra marshal class
 * names and as wire [option]s; and compared.
 */
#include "types_int.h"

/* ---- names, decoded ------------------------------------------------------------------ */

enum enc { ENC_RAW, ENC_DQUOTE, ENC_SQUOTE, ENC_HEX };

/* ucql_write_raw, minus the zero-length case (reserving 0 bytes of a NULL
 * buffer would compute NULL + 0, which UBSan flags). */
static void put_raw(ucql_writer *w, const void *p, size_t n)
{
	if (n)
		ucql_write_raw(w, p, n);
}

/* Next decoded byte of b at *pos, or -1 at the end. */
static int dec_next(ucql_bytes b, enum enc e, size_t *pos)
{
	if (*pos >= b.len)
		return -1;
	uint8_t ch = b.p[*pos];
	switch (e) {
	case ENC_HEX:
		if (*pos + 1 >= b.len)
			return -1;
		*pos += 2;
		return ucql__hexval(ch) << 4 | ucql__hexval(b.p[*pos - 1]);
	case ENC_DQUOTE:
	case ENC_SQUOTE:
		*pos += (ch == '"' || ch == '\'') && *pos + 1 < b.len && b.p[*pos + 1] == ch ? 2 : 1;
		return ch;
	default:
		(*pos)++;
		return ch;
	}
}

static void write_decoded(ucql_writer *w, ucql_bytes b, enum enc e)
{
	if (!b.len) /* (reserving 0 bytes of a NULL buffer computes NULL + 0) */
		return;
	if (e == ENC_RAW) {
		put_raw(w, b.p, b.len);
		return;
	}
	size_t pos = 0;
	int ch;
	while ((ch = dec_next(b, e, &pos)) >= 0)
		ucql_write_byte(w, (uint8_t)ch);
}

/* A [string] of decoded bytes: placeholder length, then patched. */
static void write_decoded_string(ucql_writer *w, ucql_bytes b, enum enc e)
{
	size_t at = w->len;
	ucql_write_short(w, 0);
	write_decoded(w, b, e);
	size_t n = w->len - at - 2;
	if (n > 0xFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_writer_patch_short(w, at, (uint16_t)n);
}

static enum enc name_enc(const ucql_type *t)
{
	if (t->flags & UCQL_TYPE_F_HEX)
		return ENC_HEX;
	if (t->flags & UCQL_TYPE_F_QUOTED)
		return t->id == UCQL_TYPE_CUSTOM ? ENC_SQUOTE : ENC_DQUOTE;
	return ENC_RAW;
}

/* Writes an identifier as CQL: names from CQL text as written; exact
 * names quoted unless they are plain lowercase identifiers. */
static void write_cql_ident(ucql_writer *w, ucql_bytes b, enum enc e, int from_text)
{
	if (from_text) {
		if (e == ENC_DQUOTE) {
			ucql_write_byte(w, '"');
			put_raw(w, b.p, b.len);
			ucql_write_byte(w, '"');
		} else {
			put_raw(w, b.p, b.len);
		}
		return;
	}
	size_t pos = 0;
	int ch, plain = 1, first = 1;
	while ((ch = dec_next(b, e, &pos)) >= 0) {
		if (!((ch >= 'a' && ch <= 'z') || ch == '_' || (!first && ch >= '0' && ch <= '9')))
			plain = 0;
		first = 0;
	}
	if (plain && !first) {
		write_decoded(w, b, e);
		return;
	}
	ucql_write_byte(w, '"');
	pos = 0;
	while ((ch = dec_next(b, e, &pos)) >= 0) {
		if (ch == '"')
			ucql_write_byte(w, '"');
		ucql_write_byte(w, (uint8_t)ch);
	}
	ucql_write_byte(w, '"');
}

static void write_cstr(ucql_writer *w, const char *s)
{
	put_raw(w, s, strlen(s));
}

static void write_dec(ucql_writer *w, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		ucql_write_byte(w, '-');
	while (n)
		ucql_write_byte(w, (uint8_t)tmp[--n]);
}

/* ---- CQL formatting ------------------------------------------------------------------- */

static int is_complex(uint16_t id)
{
	return id == UCQL_TYPE_LIST || id == UCQL_TYPE_SET || id == UCQL_TYPE_MAP ||
	       id == UCQL_TYPE_UDT || id == UCQL_TYPE_TUPLE;
}

static void cql_write(ucql_writer *w, const ucql_type_set *s, int i, unsigned fmt, int nested)
{
	const ucql_type *t = &s->nodes[i];
	int frozen = ((fmt & UCQL_TYPE_FMT_FROZEN) && (t->flags & UCQL_TYPE_F_FROZEN)) ||
		     ((fmt & UCQL_TYPE_FMT_FREEZE_NESTED) && nested && is_complex(t->id));
	if (frozen)
		write_cstr(w, "frozen<");
	const char *open = NULL;
	switch (t->id) {
	case UCQL_TYPE_LIST: open = "list<"; break;
	case UCQL_TYPE_SET: open = "set<"; break;
	case UCQL_TYPE_MAP: open = "map<"; break;
	case UCQL_TYPE_TUPLE: open = "tuple<"; break;
	case UCQL_TYPE_VECTOR: open = "vector<"; break;
	case UCQL_TYPE_UDT: {
		int from_text = (t->flags & UCQL_TYPE_F_REF) != 0;
		if ((fmt & UCQL_TYPE_FMT_KEYSPACE) && t->ks.len) {
			enum enc ke = from_text ? ((t->flags & UCQL_TYPE_F_KS_QUOTED) ? ENC_DQUOTE : ENC_RAW)
						: ENC_RAW;
			write_cql_ident(w, t->ks, ke, from_text);
			ucql_write_byte(w, '.');
		}
		write_cql_ident(w, t->name, name_enc(t), from_text);
		break;
	}
	case UCQL_TYPE_CUSTOM: {
		ucql_write_byte(w, '\'');
		if (t->flags & UCQL_TYPE_F_QUOTED) {
			put_raw(w, t->name.p, t->name.len);
		} else {
			for (size_t k = 0; k < t->name.len; k++) {
				if (t->name.p[k] == '\'')
					ucql_write_byte(w, '\'');
				ucql_write_byte(w, t->name.p[k]);
			}
		}
		ucql_write_byte(w, '\'');
		break;
	}
	default: {
		const char *n = ucql_type_name(t->id);
		write_cstr(w, n ? n : "?");
	}
	}
	if (open) {
		write_cstr(w, open);
		int k = 0;
		for (int c = t->first_child; c >= 0; c = s->nodes[c].next, k++) {
			if (k)
				write_cstr(w, ", ");
			cql_write(w, s, c, fmt, 1);
		}
		if (t->id == UCQL_TYPE_VECTOR) {
			write_cstr(w, ", ");
			write_dec(w, t->dim);
		}
		ucql_write_byte(w, '>');
	}
	if (frozen)
		ucql_write_byte(w, '>');
}

void ucql_type_write_cql(ucql_writer *w, const ucql_type_set *s, int i, unsigned fmt)
{
	cql_write(w, s, i, fmt, 0);
}

int ucql_type_to_cql(const ucql_type_set *s, int i, unsigned fmt, char *buf, size_t cap)
{
	ucql_writer w;
	ucql_writer_init(&w, buf, cap ? cap - 1 : 0);
	cql_write(&w, s, i, fmt, 0);
	if (w.err && w.err != UCQL_E_NOSPACE)
		return w.err;
	if (w.len > INT32_MAX)
		return UCQL_E_RANGE;
	/* Past capacity the writer stops at an element boundary: rather than
	 * a ragged prefix, truncation leaves an empty string. */
	if (buf && cap)
		buf[w.len < cap ? w.len : 0] = '\0';
	return (int)w.len;
}

/* ---- class formatting ------------------------------------------------------------------ */

static void write_hex(ucql_writer *w, ucql_bytes b, enum enc e)
{
	if (e == ENC_HEX) {
		put_raw(w, b.p, b.len);
		return;
	}
	static const char digits[] = "0123456789abcdef";
	size_t pos = 0;
	int ch;
	while ((ch = dec_next(b, e, &pos)) >= 0) {
		ucql_write_byte(w, (uint8_t)digits[ch >> 4]);
		ucql_write_byte(w, (uint8_t)digits[ch & 15]);
	}
}

/* Class syntax has no escapes: a keyspace with a delimiter, or an opaque
 * custom name that would not parse back as that same opaque class, cannot
 * be written. */
static int class_safe_ks(ucql_bytes b)
{
	for (size_t k = 0; k < b.len; k++)
		if (strchr(" \t\n\r(),:", b.p[k]) && b.p[k])
			return 0;
	return 1;
}
static int class_safe_custom(ucql_bytes name)
{
	ucql_type one;
	ucql_type_set scratch;
	ucql_type_set_init(&scratch, &one, 1);
	return ucql_type_parse_class(&scratch, name) == 0 && one.id == UCQL_TYPE_CUSTOM &&
	       one.name.len == name.len;
}

void ucql_type_write_class(ucql_writer *w, const ucql_type_set *s, int i)
{
	const ucql_type *t = &s->nodes[i];
	int frozen = (t->flags & UCQL_TYPE_F_FROZEN) != 0;
	if (frozen)
		write_cstr(w, MARSHAL "FrozenType(");
	const struct ucql__native *n = ucql__type_native(t->id);
	if (n) {
		write_cstr(w, MARSHAL);
		write_cstr(w, n->cls);
	} else if (t->id == UCQL_TYPE_CUSTOM) {
		if (!class_safe_custom(t->name))
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		write_decoded(w, t->name, name_enc(t));
	} else {
		const char *cls = t->id == UCQL_TYPE_LIST  ? "ListType("
				  : t->id == UCQL_TYPE_SET ? "SetType("
				  : t->id == UCQL_TYPE_MAP ? "MapType("
				  : t->id == UCQL_TYPE_TUPLE ? "TupleType("
				  : t->id == UCQL_TYPE_VECTOR ? "VectorType("
				  : "UserType(";
		write_cstr(w, MARSHAL);
		write_cstr(w, cls);
		int k = 0;
		if (t->id == UCQL_TYPE_UDT) {
			if (!class_safe_ks(t->ks))
				ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			enum enc ke = (t->flags & UCQL_TYPE_F_KS_QUOTED) ? ENC_DQUOTE : ENC_RAW;
			write_decoded(w, t->ks, ke);
			ucql_write_byte(w, ',');
			write_hex(w, t->name, name_enc(t));
			k = 1;
		}
		enum enc fe = (t->flags & UCQL_TYPE_F_HEX) ? ENC_HEX : ENC_RAW;
		for (int c = t->first_child; c >= 0; c = s->nodes[c].next, k++) {
			if (k)
				ucql_write_byte(w, ',');
			if (t->id == UCQL_TYPE_UDT) {
				write_hex(w, s->nodes[c].field, fe);
				ucql_write_byte(w, ':');
			}
			ucql_type_write_class(w, s, c);
		}
		if (t->id == UCQL_TYPE_VECTOR) {
			write_cstr(w, " , ");
			write_dec(w, t->dim);
		}
		ucql_write_byte(w, ')');
	}
	if (frozen)
		ucql_write_byte(w, ')');
}

/* ---- [option] formatting ----------------------------------------------------------------- */

static void write_class_string(ucql_writer *w, const ucql_type_set *s, int i)
{
	size_t at = w->len;
	ucql_write_short(w, 0);
	ucql_type_write_class(w, s, i);
	size_t n = w->len - at - 2;
	if (n > 0xFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_writer_patch_short(w, at, (uint16_t)n);
}

void ucql_type_write_option(ucql_writer *w, const ucql_type_set *s, int i, int pv)
{
	const ucql_type *t = &s->nodes[i];
	switch (t->id) {
	case UCQL_TYPE_CUSTOM:
		ucql_write_short(w, 0);
		write_decoded_string(w, t->name, name_enc(t));
		return;
	case UCQL_TYPE_VECTOR:
		ucql_write_short(w, 0);
		write_class_string(w, s, i);
		return;
	case UCQL_TYPE_DURATION:
		if (pv < 5) {
			ucql_write_short(w, 0);
			ucql_write_cstring(w, MARSHAL "DurationType");
			return;
		}
		break;
	case UCQL_TYPE_UDT: {
		if (t->flags & UCQL_TYPE_F_REF) {
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			return;
		}
		ucql_write_short(w, UCQL_TYPE_UDT);
		write_decoded_string(w, t->ks, ENC_RAW);
		write_decoded_string(w, t->name, name_enc(t));
		ucql_write_short(w, t->n_children);
		enum enc fe = (t->flags & UCQL_TYPE_F_HEX) ? ENC_HEX : ENC_RAW;
		for (int c = t->first_child; c >= 0; c = s->nodes[c].next) {
			write_decoded_string(w, s->nodes[c].field, fe);
			ucql_type_write_option(w, s, c, pv);
		}
		return;
	}
	case UCQL_TYPE_TUPLE:
		ucql_write_short(w, UCQL_TYPE_TUPLE);
		ucql_write_short(w, t->n_children);
		for (int c = t->first_child; c >= 0; c = s->nodes[c].next)
			ucql_type_write_option(w, s, c, pv);
		return;
	}
	ucql_write_short(w, t->id);
	for (int c = t->first_child; c >= 0; c = s->nodes[c].next)
		ucql_type_write_option(w, s, c, pv);
}

/* ---- equality ------------------------------------------------------------------------------ */

/* Compares two names by their decoded bytes. */
static int name_eq(ucql_bytes a, enum enc ea, ucql_bytes b, enum enc eb)
{
	size_t pa = 0, pb = 0;
	int ca, cb;
	do {
		ca = dec_next(a, ea, &pa);
		cb = dec_next(b, eb, &pb);
		if (ca != cb)
			return 0;
	} while (ca >= 0);
	return 1;
}

static enum enc ks_enc(const ucql_type *t)
{
	return (t->flags & UCQL_TYPE_F_KS_QUOTED) ? ENC_DQUOTE : ENC_RAW;
}
static enum enc field_enc(const ucql_type *parent)
{
	return (parent->flags & UCQL_TYPE_F_HEX) ? ENC_HEX : ENC_RAW;
}

static int equal(const ucql_type_set *a, int ia, enum enc fa, const ucql_type_set *b, int ib, enum enc fb)
{
	const ucql_type *x = &a->nodes[ia], *y = &b->nodes[ib];
	if (x->id != y->id || x->dim != y->dim || x->n_children != y->n_children ||
	    (x->flags & UCQL_TYPE_F_REF) != (y->flags & UCQL_TYPE_F_REF) ||
	    !name_eq(x->name, name_enc(x), y->name, name_enc(y)) ||
	    !name_eq(x->ks, ks_enc(x), y->ks, ks_enc(y)) || !name_eq(x->field, fa, y->field, fb))
		return 0;
	for (int c = x->first_child, d = y->first_child; c >= 0 && d >= 0;
	     c = a->nodes[c].next, d = b->nodes[d].next)
		if (!equal(a, c, field_enc(x), b, d, field_enc(y)))
			return 0;
	return 1;
}

int ucql_type_equal(const ucql_type_set *a, int ia, const ucql_type_set *b, int ib)
{
	return equal(a, ia, ENC_RAW, b, ib, ENC_RAW);
}
