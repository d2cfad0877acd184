/*
 * ucql/wire.h — the CQL native protocol's constants and primitive types
 * ([int], [string], [bytes], [value], [vint], [inet], maps …), read and
 * written through bounded cursors over caller buffers.
 *
 * Spec: native_protocol_v4.spec §3 and native_protocol_v5.spec §3. All
 * integers here are big-endian (only v5 segment framing is little-endian).
 *
 * Reader: a sticky-error cursor. Every read checks bounds; the first
 * failure sets r->err (a negative ucql_err), moves the cursor to the end and
 * makes every later read return zero/empty, so a decoder may read a whole
 * message and check r->err once (librdkafka's rd_kafka_buf style). No read
 * ever touches a byte outside [p, end).
 *
 * Writer: writes into a caller buffer; past its capacity it stops writing
 * but keeps counting, sets w->err = UCQL_E_NOSPACE, and w->len tells the
 * size that was needed. Encoding with a NULL buffer of capacity 0 therefore
 * measures a message.
 *
 * Views returned by readers point into the reader's buffer: no copies, no
 * allocation. Every function is pure; any thread may call it on its own
 * cursor.
 */
#ifndef UCQL_WIRE_H
#define UCQL_WIRE_H

#include <string.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- protocol constants ------------------------------------------------ */

enum ucql_opcode {
	UCQL_OP_ERROR = 0x00,
	UCQL_OP_STARTUP = 0x01,
	UCQL_OP_READY = 0x02,
	UCQL_OP_AUTHENTICATE = 0x03,
	UCQL_OP_OPTIONS = 0x05,
	UCQL_OP_SUPPORTED = 0x06,
	UCQL_OP_QUERY = 0x07,
	UCQL_OP_RESULT = 0x08,
	UCQL_OP_PREPARE = 0x09,
	UCQL_OP_EXECUTE = 0x0A,
	UCQL_OP_REGISTER = 0x0B,
	UCQL_OP_EVENT = 0x0C,
	UCQL_OP_BATCH = 0x0D,
	UCQL_OP_AUTH_CHALLENGE = 0x0E,
	UCQL_OP_AUTH_RESPONSE = 0x0F,
	UCQL_OP_AUTH_SUCCESS = 0x10,
};

/* Spec name of an opcode ("QUERY"), or NULL if unknown. */
UCQL_API const char *ucql_opcode_name(int opcode);
/* 1 if the opcode is sent by clients, 0 if by servers, -1 if unknown. */
UCQL_API int ucql_opcode_is_request(int opcode);

/* Frame header flags (§2.2). */
enum ucql_frame_flag {
	UCQL_FLAG_COMPRESSION = 0x01, /* v3/v4 only; v5 compresses segments */
	UCQL_FLAG_TRACING = 0x02,
	UCQL_FLAG_CUSTOM_PAYLOAD = 0x04,
	UCQL_FLAG_WARNING = 0x08,
	UCQL_FLAG_USE_BETA = 0x10,
};

enum ucql_consistency {
	UCQL_CL_ANY = 0x0000,
	UCQL_CL_ONE = 0x0001,
	UCQL_CL_TWO = 0x0002,
	UCQL_CL_THREE = 0x0003,
	UCQL_CL_QUORUM = 0x0004,
	UCQL_CL_ALL = 0x0005,
	UCQL_CL_LOCAL_QUORUM = 0x0006,
	UCQL_CL_EACH_QUORUM = 0x0007,
	UCQL_CL_SERIAL = 0x0008,
	UCQL_CL_LOCAL_SERIAL = 0x0009,
	UCQL_CL_LOCAL_ONE = 0x000A,
};
/* "LOCAL_QUORUM" etc., or NULL if unknown. */
UCQL_API const char *ucql_consistency_name(int cl);

#define UCQL_PROTOCOL_MIN 3
#define UCQL_PROTOCOL_MAX 5
#define UCQL_FRAME_HEADER_SIZE 9
#define UCQL_DEFAULT_MAX_FRAME (256u * 1024u * 1024u)

/* ---- compound views ----------------------------------------------------- */

/* A validated [string list], [string map], [string multimap] or [bytes map]:
 * `n` entries serialized in raw (starting after the [short] count). Iterate
 * with the *_next functions below, which cannot fail on a validated view. */
typedef struct ucql_list_view {
	uint16_t n;
	ucql_bytes raw;
} ucql_list_view;

/* [inet] / [inetaddr]: the address bytes (4 or 16) are copied here; port is
 * 0 for an [inetaddr]. */
typedef struct ucql_inet {
	uint8_t len; /* 4 or 16 */
	uint8_t addr[16];
	int32_t port;
} ucql_inet;

/* ---- reader ------------------------------------------------------------- */

typedef struct ucql_reader {
	const uint8_t *p;
	const uint8_t *end;
	int err; /* 0, or the first error met (negative ucql_err) */
} ucql_reader;

static inline void ucql_reader_init(ucql_reader *r, const void *buf, size_t len)
{
	r->p = (const uint8_t *)buf;
	r->end = ucql__end(r->p, len);
	r->err = 0;
}

static inline size_t ucql_reader_left(const ucql_reader *r)
{
	return (size_t)(r->end - r->p);
}

/* Records an error (the first one wins) and exhausts the cursor. */
static inline void ucql_reader_fail(ucql_reader *r, int err)
{
	if (!r->err)
		r->err = err;
	r->p = r->end;
}

/* 1 if n more bytes are available; otherwise records UCQL_E_TRUNCATED. */
static inline int ucql_reader_need(ucql_reader *r, size_t n)
{
	if ((size_t)(r->end - r->p) >= n && !r->err)
		return 1;
	ucql_reader_fail(r, UCQL_E_TRUNCATED);
	return 0;
}

static inline uint16_t ucql__be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t ucql__be32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}
static inline uint64_t ucql__be64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}
static inline void ucql__put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void ucql__put32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}
static inline void ucql__put64(uint8_t *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

static inline uint8_t ucql_read_byte(ucql_reader *r)
{
	if (!ucql_reader_need(r, 1))
		return 0;
	return *r->p++;
}
static inline uint16_t ucql_read_short(ucql_reader *r)
{
	if (!ucql_reader_need(r, 2))
		return 0;
	uint16_t v = ucql__be16(r->p);
	r->p += 2;
	return v;
}
static inline int32_t ucql_read_int(ucql_reader *r)
{
	if (!ucql_reader_need(r, 4))
		return 0;
	uint32_t v = ucql__be32(r->p);
	r->p += 4;
	return (int32_t)v;
}
static inline int64_t ucql_read_long(ucql_reader *r)
{
	if (!ucql_reader_need(r, 8))
		return 0;
	uint64_t v = ucql__be64(r->p);
	r->p += 8;
	return (int64_t)v;
}
/* n raw bytes as a view. */
static inline ucql_bytes ucql_read_raw(ucql_reader *r, size_t n)
{
	ucql_bytes b = { NULL, 0 };
	if (!ucql_reader_need(r, n))
		return b;
	b.p = r->p;
	b.len = n;
	r->p += n;
	return b;
}
/* [string]: [short n][n bytes]. Not checked for UTF-8. */
static inline ucql_bytes ucql_read_string(ucql_reader *r)
{
	uint16_t n = ucql_read_short(r);
	return ucql_read_raw(r, n);
}
/* [long string]: [int n][n bytes]; n < 0 is UCQL_E_BAD_LENGTH. */
static inline ucql_bytes ucql_read_long_string(ucql_reader *r)
{
	ucql_bytes b = { NULL, 0 };
	int32_t n = ucql_read_int(r);
	if (n < 0) {
		ucql_reader_fail(r, UCQL_E_BAD_LENGTH);
		return b;
	}
	return ucql_read_raw(r, (size_t)n);
}
/* [short bytes]: [short n][n bytes]. */
static inline ucql_bytes ucql_read_short_bytes(ucql_reader *r)
{
	return ucql_read_string(r);
}
/* [bytes]: [int n][n bytes]; any negative n is null (len UCQL_NULL). */
static inline ucql_value ucql_read_bytes(ucql_reader *r)
{
	ucql_value v = { NULL, UCQL_NULL };
	int32_t n = ucql_read_int(r);
	if (n < 0 || r->err)
		return v;
	if (!ucql_reader_need(r, (size_t)n))
		return v;
	v.p = r->p;
	v.len = n;
	r->p += n;
	return v;
}
/* [value]: like [bytes] but -1 is null, -2 unset, below -2 UCQL_E_BAD_LENGTH. */
static inline ucql_value ucql_read_value(ucql_reader *r)
{
	ucql_value v = { NULL, UCQL_NULL };
	int32_t n = ucql_read_int(r);
	if (r->err)
		return v;
	if (n < 0) {
		if (n < UCQL_UNSET)
			ucql_reader_fail(r, UCQL_E_BAD_LENGTH);
		else
			v.len = n;
		return v;
	}
	if (!ucql_reader_need(r, (size_t)n))
		return v;
	v.p = r->p;
	v.len = n;
	r->p += n;
	return v;
}
/* [uuid]: a pointer to 16 bytes in the buffer (NULL on error). */
static inline const uint8_t *ucql_read_uuid(ucql_reader *r)
{
	if (!ucql_reader_need(r, 16))
		return NULL;
	const uint8_t *u = r->p;
	r->p += 16;
	return u;
}
static inline uint16_t ucql_read_consistency(ucql_reader *r)
{
	return ucql_read_short(r);
}

/* [unsigned vint] (v5 §3): the count of leading 1 bits of the first byte is
 * the number of extra bytes (0..8), which follow big-endian. */
UCQL_API uint64_t ucql_read_uvint(ucql_reader *r);
/* [vint]: zig-zag encoded [unsigned vint]. */
UCQL_API int64_t ucql_read_vint(ucql_reader *r);
/* [inet]: [byte n (4|16)][n bytes][int port]. Other n: UCQL_E_BAD_VALUE. */
UCQL_API ucql_inet ucql_read_inet(ucql_reader *r);
/* [inetaddr]: [byte n (4|16)][n bytes]. */
UCQL_API ucql_inet ucql_read_inetaddr(ucql_reader *r);
/* Compound reads: validate every entry, return the view. */
UCQL_API ucql_list_view ucql_read_string_list(ucql_reader *r);
UCQL_API ucql_list_view ucql_read_string_map(ucql_reader *r);
UCQL_API ucql_list_view ucql_read_string_multimap(ucql_reader *r);
UCQL_API ucql_list_view ucql_read_bytes_map(ucql_reader *r);
/* [option]: [short id][value…]. Skips one option (recursing into list, set,
 * map, UDT and tuple ids; at most 32 levels deep, else UCQL_E_TOO_DEEP;
 * unknown ids UCQL_E_BAD_TYPE) and returns its bytes, id included. */
UCQL_API ucql_bytes ucql_read_option(ucql_reader *r);

/* Iteration over a validated view: set up a reader on view.raw, then call
 * *_next n times (each returns 1 while an entry was read). */
UCQL_API int ucql_string_list_next(ucql_reader *it, ucql_bytes *s);
UCQL_API int ucql_string_map_next(ucql_reader *it, ucql_bytes *k, ucql_bytes *v);
/* A multimap entry: the key and the raw [string list] of its values. */
UCQL_API int ucql_string_multimap_next(ucql_reader *it, ucql_bytes *k, ucql_list_view *vals);
UCQL_API int ucql_bytes_map_next(ucql_reader *it, ucql_bytes *k, ucql_value *v);
/* Looks `key` up in a string map / multimap view; 1 if found. */
UCQL_API int ucql_string_map_get(ucql_list_view m, const char *key, ucql_bytes *val);
UCQL_API int ucql_string_multimap_get(ucql_list_view m, const char *key, ucql_list_view *vals);

/* ---- writer ------------------------------------------------------------- */

typedef struct ucql_writer {
	uint8_t *buf;
	size_t cap;
	size_t len; /* bytes written, or needed once past cap */
	int err;    /* 0 or UCQL_E_NOSPACE / UCQL_E_INVALID_ARG */
} ucql_writer;

static inline void ucql_writer_init(ucql_writer *w, void *buf, size_t cap)
{
	w->buf = (uint8_t *)buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = 0;
}

/* Records an encoding error: the first real error wins; UCQL_E_NOSPACE
 * (which only says the buffer was short) gives way to a real one. */
static inline void ucql_writer_fail(ucql_writer *w, int err)
{
	if (!w->err || w->err == UCQL_E_NOSPACE)
		w->err = err;
}

/* Reserves n bytes; returns where to write them, or NULL past capacity
 * (the length is still counted). */
static inline uint8_t *ucql_writer_reserve(ucql_writer *w, size_t n)
{
	size_t at = w->len;
	w->len += n;
	/* w->buf may be NULL (measuring): never form NULL + offset. */
	if (w->len <= w->cap && w->len >= at && w->buf)
		return w->buf + at;
	if (!w->err)
		w->err = UCQL_E_NOSPACE;
	return NULL;
}

static inline void ucql_write_raw(ucql_writer *w, const void *p, size_t n)
{
	uint8_t *d = ucql_writer_reserve(w, n);
	if (d && n)
		memcpy(d, p, n);
}
static inline void ucql_write_byte(ucql_writer *w, uint8_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 1);
	if (d)
		*d = v;
}
static inline void ucql_write_short(ucql_writer *w, uint16_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 2);
	if (d)
		ucql__put16(d, v);
}
static inline void ucql_write_int(ucql_writer *w, int32_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 4);
	if (d)
		ucql__put32(d, (uint32_t)v);
}
static inline void ucql_write_long(ucql_writer *w, int64_t v)
{
	uint8_t *d = ucql_writer_reserve(w, 8);
	if (d)
		ucql__put64(d, (uint64_t)v);
}
/* Overwrites 4 bytes at `at` (for lengths known only afterwards). */
static inline void ucql_writer_patch_int(ucql_writer *w, size_t at, int32_t v)
{
	if (at + 4 <= w->cap && at + 4 <= w->len)
		ucql__put32(w->buf + at, (uint32_t)v);
}
static inline void ucql_writer_patch_short(ucql_writer *w, size_t at, uint16_t v)
{
	if (at + 2 <= w->cap && at + 2 <= w->len)
		ucql__put16(w->buf + at, v);
}
/* [string]; longer than 65535 bytes: UCQL_E_INVALID_ARG. */
static inline void ucql_write_string(ucql_writer *w, ucql_bytes s)
{
	if (s.len > 0xFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_short(w, (uint16_t)s.len);
	ucql_write_raw(w, s.p, s.len);
}
static inline void ucql_write_cstring(ucql_writer *w, const char *s)
{
	ucql_write_string(w, ucql_bytes_of(s, strlen(s)));
}
/* [long string]; longer than INT32_MAX: UCQL_E_INVALID_ARG. */
static inline void ucql_write_long_string(ucql_writer *w, ucql_bytes s)
{
	if (s.len > 0x7FFFFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_int(w, (int32_t)s.len);
	ucql_write_raw(w, s.p, s.len);
}
static inline void ucql_write_short_bytes(ucql_writer *w, ucql_bytes s)
{
	ucql_write_string(w, s);
}
/* [bytes] / [value]: len >= 0 writes the bytes, negative writes len as is
 * (UCQL_NULL, UCQL_UNSET). */
static inline void ucql_write_value(ucql_writer *w, ucql_value v)
{
	ucql_write_int(w, v.len);
	if (v.len > 0)
		ucql_write_raw(w, v.p, (size_t)v.len);
}
static inline void ucql_write_bytes(ucql_writer *w, ucql_bytes b)
{
	if (b.len > 0x7FFFFFFF) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	ucql_write_int(w, (int32_t)b.len);
	ucql_write_raw(w, b.p, b.len);
}
static inline void ucql_write_uuid(ucql_writer *w, const uint8_t uuid[16])
{
	ucql_write_raw(w, uuid, 16);
}
static inline void ucql_write_consistency(ucql_writer *w, uint16_t cl)
{
	ucql_write_short(w, cl);
}

UCQL_API void ucql_write_uvint(ucql_writer *w, uint64_t v);
UCQL_API void ucql_write_vint(ucql_writer *w, int64_t v);
/* Size in bytes of v as an [unsigned vint] (1..9). */
UCQL_API size_t ucql_uvint_size(uint64_t v);
UCQL_API void ucql_write_inet(ucql_writer *w, const ucql_inet *a);
UCQL_API void ucql_write_inetaddr(ucql_writer *w, const ucql_inet *a);
/* Compound writes from arrays. */
UCQL_API void ucql_write_string_list(ucql_writer *w, const ucql_bytes *s, size_t n);
/* A string map from n key/value pairs: kv[2i] key, kv[2i+1] value. */
UCQL_API void ucql_write_string_map(ucql_writer *w, const ucql_bytes *kv, size_t n);
/* A bytes map from n pairs: keys[i] → vals[i]. */
UCQL_API void ucql_write_bytes_map(ucql_writer *w, const ucql_bytes *keys,
				   const ucql_value *vals, size_t n);
/* A multimap: n keys; key i has counts[i] values taken in order from vals. */
UCQL_API void ucql_write_string_multimap(ucql_writer *w, const ucql_bytes *keys,
					 const size_t *counts, size_t n,
					 const ucql_bytes *vals);
/* A validated view written back as is ([short n] + raw). */
UCQL_API void ucql_write_list_view(ucql_writer *w, ucql_list_view v);

#ifdef __cplusplus
}
#endif
#endif
