/*
 * Compression (issue 4, proof 8): v5 segments with and without lz4, v4
 * and v3 frames with lz4. Rows of 10 KB text (compressible), 10 KB random
 * blobs (not) and a few 200 KB values (several v5 segments, several
 * receive buffers) round-trip intact. That lz4 is really in use shows on
 * the wire: the driver's byte counters stay far below the payload with
 * lz4, and above it without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define N_ROWS 100
#define TEXT_LEN 10240
#define BIG_LEN (200 * 1024)

/* Row i's text: compressible, distinct per row. */
static void fill_text(char *buf, size_t len, int i)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog ";
	for (size_t j = 0; j < len; j++)
		buf[j] = words[(j + (size_t)i) % (sizeof words - 1)];
	snprintf(buf, 16, "row-%05d:", i);
	buf[10] = ' ';
}

/* Row i's blob: pseudo-random (xorshift), incompressible. */
static void fill_blob(uint8_t *buf, size_t len, int i)
{
	uint64_t x = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
	for (size_t j = 0; j < len; j++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[j] = (uint8_t)x;
	}
}

static void workload_bufs(const char *version, const char *compression, int mock_lz4, int expect_compressed,
			  const char *buf_size)
{
	it_mock m;
	mock_options o;
	mock_options_init(&o);
	o.nodes = 1;
	o.lz4 = mock_lz4;
	it_mock_start(&m, &o);
	ucql_config *cfg = it_config(&m, 1);
	it_set(cfg, "protocol.version", version);
	it_set(cfg, "compression", compression);
	if (buf_size) {
		it_set(cfg, "recv.buffer_size", buf_size);
		it_set(cfg, "recv.buffer_count", "16");
	}
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	cr_assert_eq(ucql_session_protocol_version(s), atoi(version));
	it_keyspace(s, "ks", 1);
	it_exec(s, "CREATE TABLE ks.t (k int PRIMARY KEY, txt text, b blob)");

	char *txt = malloc(BIG_LEN);
	uint8_t *blob = malloc(BIG_LEN);
	cr_assert(txt && blob);
	ucql_prepared_stmt *p = it_prepare(s, "INSERT INTO ks.t (k, txt, b) VALUES (?, ?, ?)");
	ucql_metrics m0 = it_metrics(s);
	for (int i = 0; i < N_ROWS; i++) {
		fill_text(txt, TEXT_LEN, i);
		ucql_statement *st = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, i), 0);
		cr_assert_eq(ucql_statement_bind_text(st, 1, txt, TEXT_LEN), 0);
		cr_assert_eq(ucql_statement_bind_null(st, 2), 0);
		ucql_resultset_free(it_run(s, st));
		ucql_statement_free(st);
	}
	ucql_metrics m1 = it_metrics(s);
	uint64_t out = m1.bytes_out - m0.bytes_out;
	uint64_t payload = (uint64_t)N_ROWS * TEXT_LEN;
	if (expect_compressed)
		cr_assert_lt(out, payload / 4, "lz4 did not shrink the requests: %llu bytes for %llu",
			     (unsigned long long)out, (unsigned long long)payload);
	else
		cr_assert_geq(out, payload, "%llu bytes out for %llu of payload: compressed?",
			      (unsigned long long)out, (unsigned long long)payload);

	/* read them back (also measures the replies) */
	ucql_statement *sel = ucql_statement_new("SELECT k, txt FROM ks.t", 0);
	cr_assert_eq(ucql_statement_set_page_size(sel, 0), 0);
	ucql_resultset *rs = it_run(s, sel);
	ucql_statement_free(sel);
	cr_assert_eq(ucql_resultset_row_count(rs), N_ROWS);
	const ucql_value *row;
	int seen = 0;
	while ((row = ucql_resultset_next_row(rs))) {
		int32_t k;
		cr_assert_eq(ucql_value_get_int(row[0], &k), 0);
		fill_text(txt, TEXT_LEN, k);
		cr_assert_eq(row[1].len, TEXT_LEN);
		cr_assert(!memcmp(row[1].p, txt, TEXT_LEN), "row %d differs", k);
		seen++;
	}
	cr_assert_eq(seen, N_ROWS);
	ucql_resultset_free(rs);
	ucql_metrics m2 = it_metrics(s);
	uint64_t in = m2.bytes_in - m1.bytes_in;
	if (expect_compressed)
		cr_assert_lt(in, payload / 4, "lz4 did not shrink the replies: %llu bytes", (unsigned long long)in);
	else
		cr_assert_geq(in, payload, "%llu bytes in: compressed?", (unsigned long long)in);

	/* incompressible blobs, and values larger than a receive buffer and a
	 * v5 segment's 128 KiB */
	for (int i = 0; i < 20; i++) {
		size_t len = i % 5 == 4 ? BIG_LEN : TEXT_LEN;
		fill_blob(blob, len, i);
		fill_text(txt, len, i);
		ucql_statement *st = ucql_prepared_stmt_bind(p);
		cr_assert_eq(ucql_statement_bind_int32(st, 0, 1000 + i), 0);
		cr_assert_eq(ucql_statement_bind_text(st, 1, txt, len), 0);
		cr_assert_eq(ucql_statement_bind_blob(st, 2, blob, len), 0);
		ucql_resultset_free(it_run(s, st));
		ucql_statement_free(st);
	}
	for (int i = 0; i < 20; i++) {
		size_t len = i % 5 == 4 ? BIG_LEN : TEXT_LEN;
		char q[96];
		snprintf(q, sizeof q, "SELECT txt, b FROM ks.t WHERE k = %d", 1000 + i);
		rs = it_query(s, q);
		row = ucql_resultset_next_row(rs);
		cr_assert_not_null(row);
		fill_blob(blob, len, i);
		fill_text(txt, len, i);
		cr_assert_eq(row[0].len, (int32_t)len);
		cr_assert_eq(row[1].len, (int32_t)len);
		cr_assert(!memcmp(row[0].p, txt, len), "text %d differs", i);
		cr_assert(!memcmp(row[1].p, blob, len), "blob %d differs", i);
		ucql_resultset_free(rs);
	}
	ucql_prepared_stmt_free(p);
	free(txt);
	free(blob);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

static void workload(const char *version, const char *compression, int mock_lz4, int expect_compressed)
{
	workload_bufs(version, compression, mock_lz4, expect_compressed, NULL);
}

Test(compression, v5_lz4, .timeout = 60)
{
	workload("5", "lz4", 1, 1);
}

Test(compression, v5_none, .timeout = 60)
{
	workload("5", "none", 1, 0);
}

Test(compression, v4_lz4, .timeout = 60)
{
	workload("4", "lz4", 1, 1);
}

Test(compression, v4_none, .timeout = 60)
{
	workload("4", "none", 1, 0);
}

Test(compression, v3_lz4, .timeout = 60)
{
	workload("3", "lz4", 1, 1);
}

/* lz4 asked for, not offered by the server: plain frames, still correct. */
Test(compression, lz4_not_offered, .timeout = 60)
{
	workload("5", "lz4", 0, 0);
	workload("4", "lz4", 0, 0);
}

/* Responses much larger than the receive buffers (4 KiB): reassembled
 * across buffers, then decompressed / cut out of segments. */
Test(compression, small_receive_buffers, .timeout = 60)
{
	workload_bufs("5", "lz4", 1, 1, "4096");
	workload_bufs("5", "none", 1, 0, "4096");
	workload_bufs("4", "lz4", 1, 1, "4096");
}
