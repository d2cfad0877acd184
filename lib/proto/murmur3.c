/*
 * murmur3.c — Murmur3Partitioner tokens (Cassandra's MurmurHash.hash3_x64_128
 * with seed 0; the token is h1).
 *
 * Cassandra's quirk: the tail (len % 16 bytes) is read as Java signed
 * bytes, `k1 ^= ((long) key.get(i)) << shift`, so a byte ≥ 0x80 is
 * sign-extended and its high 1 bits fold into the other tail bytes. Full
 * 16-byte blocks are read as unsigned little-endian longs, as in the
 * reference. Long.MIN_VALUE is mapped to Long.MAX_VALUE (Murmur3Partitioner
 * .normalize).
 *
 * Composite keys are hashed by a small streaming hasher (16-byte carry), so
 * no concatenation buffer is needed whatever the key size.
 */
#include "ucql/token.h"

#define C1 0x87c37b91114253d5ULL
#define C2 0x4cf5ad432745937fULL

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

typedef struct mm3 {
	uint64_t h1, h2;
} mm3;

static inline void mm3_block(mm3 *s, const uint8_t *p)
{
	uint64_t k1 = le64(p), k2 = le64(p + 8);
	k1 *= C1;
	k1 = rotl64(k1, 31);
	k1 *= C2;
	s->h1 ^= k1;
	s->h1 = rotl64(s->h1, 27);
	s->h1 += s->h2;
	s->h1 = s->h1 * 5 + 0x52dce729;
	k2 *= C2;
	k2 = rotl64(k2, 33);
	k2 *= C1;
	s->h2 ^= k2;
	s->h2 = rotl64(s->h2, 31);
	s->h2 += s->h1;
	s->h2 = s->h2 * 5 + 0x38495ab5;
}

/* Java's ((long) signedByte) << shift, without C's UB on negative shifts. */
static inline uint64_t sbyte(uint8_t b, int shift)
{
	return (uint64_t)(int64_t)(int8_t)b << shift;
}

/* The tail (n < 16 bytes) and finalization; total = the key's length. */
static inline int64_t mm3_final(mm3 *s, const uint8_t *tail, size_t n, uint64_t total)
{
	uint64_t k1 = 0, k2 = 0;
	if (n > 8) {
		for (size_t i = 8; i < n; i++)
			k2 ^= sbyte(tail[i], (int)(i - 8) * 8);
		k2 *= C2;
		k2 = rotl64(k2, 33);
		k2 *= C1;
		s->h2 ^= k2;
	}
	if (n > 0) {
		size_t m = n < 8 ? n : 8;
		for (size_t i = 0; i < m; i++)
			k1 ^= sbyte(tail[i], (int)i * 8);
		k1 *= C1;
		k1 = rotl64(k1, 31);
		k1 *= C2;
		s->h1 ^= k1;
	}
	uint64_t h1 = s->h1 ^ total, h2 = s->h2 ^ total;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	int64_t t = (int64_t)h1;
	return t == INT64_MIN ? INT64_MAX : t;
}

int64_t ucql_token_murmur3(const void *key, size_t len)
{
	const uint8_t *p = (const uint8_t *)key;
	mm3 s = { 0, 0 };
	size_t nblocks = len / 16;
	for (size_t i = 0; i < nblocks; i++)
		mm3_block(&s, p + 16 * i);
	return mm3_final(&s, p + 16 * nblocks, len & 15, (uint64_t)len);
}

/* ---- composite keys ------------------------------------------------------ */

typedef struct mm3_stream {
	mm3 s;
	uint8_t buf[16];
	size_t nbuf;
	uint64_t total;
} mm3_stream;

static void mm3_feed(mm3_stream *m, const uint8_t *p, size_t n)
{
	m->total += n;
	if (m->nbuf) {
		size_t k = 16 - m->nbuf;
		if (k > n)
			k = n;
		memcpy(m->buf + m->nbuf, p, k);
		m->nbuf += k;
		p += k;
		n -= k;
		if (m->nbuf < 16)
			return;
		mm3_block(&m->s, m->buf);
		m->nbuf = 0;
	}
	for (; n >= 16; p += 16, n -= 16)
		mm3_block(&m->s, p);
	if (n)
		memcpy(m->buf, p, n);
	m->nbuf = n;
}

static int check_parts(const ucql_bytes *parts, size_t n)
{
	if (n == 0 || !parts)
		return UCQL_E_INVALID_ARG;
	if (n > 1)
		for (size_t i = 0; i < n; i++)
			if (parts[i].len > 0xFFFF)
				return UCQL_E_INVALID_ARG;
	return 0;
}

/* Composite keys up to this many serialized bytes are hashed from a stack
 * copy; longer ones stream. */
#define UCQL__TOKEN_STACK_KEY 256

int ucql_token_murmur3_parts(const ucql_bytes *parts, size_t n, int64_t *token)
{
	int r = check_parts(parts, n);
	if (r)
		return r;
	if (n == 1) {
		*token = ucql_token_murmur3(parts[0].p, parts[0].len);
		return 0;
	}
	/* Small keys (nearly all): serialize on the stack and hash in one
	 * pass — streaming 3 pieces per component through the 16-byte stager
	 * costs ~9x more than hashing the same bytes whole. */
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += parts[i].len + 3;
	if (total <= UCQL__TOKEN_STACK_KEY) {
		uint8_t key[UCQL__TOKEN_STACK_KEY];
		uint8_t *k = key;
		for (size_t i = 0; i < n; i++) {
			k[0] = (uint8_t)(parts[i].len >> 8);
			k[1] = (uint8_t)parts[i].len;
			if (parts[i].len)
				memcpy(k + 2, parts[i].p, parts[i].len);
			k[2 + parts[i].len] = 0; /* CompositeType end-of-component */
			k += parts[i].len + 3;
		}
		*token = ucql_token_murmur3(key, total);
		return 0;
	}
	mm3_stream m;
	memset(&m, 0, sizeof m);
	for (size_t i = 0; i < n; i++) {
		uint8_t len[2] = { (uint8_t)(parts[i].len >> 8), (uint8_t)parts[i].len };
		static const uint8_t eoc = 0; /* CompositeType end-of-component byte */
		mm3_feed(&m, len, 2);
		if (parts[i].len)
			mm3_feed(&m, parts[i].p, parts[i].len);
		mm3_feed(&m, &eoc, 1);
	}
	*token = mm3_final(&m.s, m.buf, m.nbuf, m.total);
	return 0;
}

void ucql_token_write_key(ucql_writer *w, const ucql_bytes *parts, size_t n)
{
	if (check_parts(parts, n)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return;
	}
	if (n == 1) {
		ucql_write_raw(w, parts[0].p, parts[0].len);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		ucql_write_short(w, (uint16_t)parts[i].len);
		ucql_write_raw(w, parts[i].p, parts[i].len);
		ucql_write_byte(w, 0);
	}
}
