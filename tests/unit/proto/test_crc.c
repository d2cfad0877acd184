#include <criterion/criterion.h>
#include <stdlib.h>

#include "ucql/segment.h"

/* Bit-at-a-time references, written from the definitions (notes/protocol.md,
 * "Framing (v5 §2)"), to check the table CRC24 and ISA-L's CRC32 on data
 * the known answers do not cover. */
static uint32_t ref_crc24(const uint8_t *p, size_t n)
{
	uint32_t crc = 0x875060;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 16;
		for (int b = 0; b < 8; b++) {
			crc <<= 1;
			if (crc & 0x1000000)
				crc ^= 0x1974F0B;
		}
	}
	return crc;
}

static uint32_t ref_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

Test(crc, crc24_known_answers)
{
	/* notes/protocol.md: crc24 of the 3 bytes of value 0x020009. */
	cr_assert_eq(ucql_crc24((const uint8_t *)"\x09\x00\x02", 3), 0xc1c8a4);
	/* Python driver's cassandra.segment.compute_crc24(value, n). */
	cr_assert_eq(ucql_crc24((const uint8_t *)"\xff\xff\x03", 3), 0x474025);
	cr_assert_eq(ucql_crc24((const uint8_t *)"\x00\x00\x00", 3), 0x7de777);
	cr_assert_eq(ucql_crc24((const uint8_t *)"\xff\xff\xff\xff\x03", 5), 0xb388a2);
	cr_assert_eq(ucql_crc24((const uint8_t *)"\x45\x23\xff\xff\x07", 5), 0x5e9d8c);
	cr_assert_eq(ucql_crc24((const uint8_t *)"\x00\x00\x00\x00\x00", 5), 0xaaac0a);
	cr_assert_eq(ucql_crc24(NULL, 0), 0x875060);
}

Test(crc, crc24_matches_bitwise_reference)
{
	srand(24);
	uint8_t b[8];
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(i % 9);
		for (size_t k = 0; k < n; k++)
			b[k] = (uint8_t)rand();
		cr_assert_eq(ucql_crc24(b, n), ref_crc24(b, n));
	}
}

Test(crc, crc32_known_answers)
{
	cr_assert_eq(ucql_crc32_update(0, "123456789", 9), 0xcbf43926);
	cr_assert_eq(ucql_crc32_cql("123456789", 9), 0xe2a261a7);
	/* The primed start is zlib.crc32(b"\xfa\x2d\x55\xca"). */
	cr_assert_eq(ucql_crc32_update(0, "\xfa\x2d\x55\xca", 4), UCQL_CRC32_CQL_INIT);
	cr_assert_eq(ucql_crc32_cql(NULL, 0), UCQL_CRC32_CQL_INIT);
	/* Python: zlib.crc32(bytes(range(256)) * 300, CRC32_INITIAL) / plain. */
	static uint8_t d[256 * 300];
	for (size_t i = 0; i < sizeof d; i++)
		d[i] = (uint8_t)i;
	cr_assert_eq(ucql_crc32_cql(d, sizeof d), 0xcc5d7ee8);
	cr_assert_eq(ucql_crc32_update(0, d, sizeof d), 0xbb9cf916);
}

Test(crc, crc32_isal_matches_reference_all_lengths_and_alignments)
{
	static uint8_t d[2100];
	srand(32);
	for (size_t i = 0; i < sizeof d; i++)
		d[i] = (uint8_t)rand();
	for (size_t n = 0; n <= 2048; n++) {
		size_t off = n % 17;
		cr_assert_eq(ucql_crc32_cql(d + off, n), ref_crc32(UCQL_CRC32_CQL_INIT, d + off, n),
			     "n=%zu", n);
	}
}

Test(crc, crc32_incremental_equals_one_shot)
{
	static uint8_t d[5000];
	for (size_t i = 0; i < sizeof d; i++)
		d[i] = (uint8_t)(i * 31 + 1);
	uint32_t whole = ucql_crc32_cql(d, sizeof d);
	for (size_t cut = 0; cut <= sizeof d; cut += 97) {
		uint32_t c = ucql_crc32_update(UCQL_CRC32_CQL_INIT, d, cut);
		c = ucql_crc32_update(c, d + cut, sizeof d - cut);
		cr_assert_eq(c, whole, "cut %zu", cut);
	}
}
