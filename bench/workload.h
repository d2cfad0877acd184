/*
 * bench/workload.h — the measured operations that both the Google
 * Benchmark harness (C++) and the instruction counter count_ops.c (C) run,
 * so that nanoseconds and instruction counts describe the same code.
 *
 * Written against the public C API only.
 */
#ifndef UCQL_BENCH_WORKLOAD_H
#define UCQL_BENCH_WORKLOAD_H

#include <stdint.h>
#include <string.h>

#include "ucql/frame.h"
#include "ucql/request.h"
#include "ucql/result.h"
#include "ucql/token.h"
#include "ucql/types.h"

#ifdef __cplusplus
extern "C" {
#endif

static const uint8_t ucql_bench_prepared_id[16] = { 0x8e, 0x11, 0x2a, 0x5c, 0x01, 0x9d,
						    0x73, 0xee, 0x42, 0x07, 0xc3, 0x58,
						    0xba, 0x6f, 0x90, 0x1d };
static const uint8_t ucql_bench_metadata_id[16] = { 0x35, 0xa1, 0x0b, 0x7e, 0xcc, 0x13,
						    0x64, 0x2f, 0x9a, 0x50, 0xd8, 0x06,
						    0x71, 0xe4, 0x2b, 0xc9 };
static const char ucql_bench_text16[17] = "0123456789abcdef";

/*
 * A complete EXECUTE frame (header with stream id, [short bytes] id,
 * v5: result metadata id, query parameters with 3 values: int, 16-byte
 * text, bigint serialized from C types with the types.h writers straight
 * into w, length patched). Returns 0 or the writer's error.
 *
 * EXECUTE has no head/tail split of its own, so the id(s) are written with
 * the wire.h primitives before ucql_query_params_encode_head.
 */
static inline int ucql_bench_execute_typed(ucql_writer *w, int version, int16_t stream,
					   int32_t i, int64_t big)
{
	ucql_frame_header h;
	memset(&h, 0, sizeof h);
	h.version = (uint8_t)version;
	h.stream = stream;
	h.opcode = UCQL_OP_EXECUTE;
	size_t at = ucql_frame_begin(w, &h);
	ucql_write_short_bytes(w, ucql_bytes_of(ucql_bench_prepared_id, 16));
	if (version >= 5)
		ucql_write_short_bytes(w, ucql_bytes_of(ucql_bench_metadata_id, 16));
	ucql_query_params p;
	memset(&p, 0, sizeof p);
	p.consistency = UCQL_CL_LOCAL_QUORUM;
	p.flags = UCQL_QP_VALUES;
	p.n_values = 3;
	ucql_query_params_encode_head(w, version, &p);
	ucql_value_write_int(w, i);
	ucql_value_write_text(w, ucql_bytes_of(ucql_bench_text16, 16));
	ucql_value_write_bigint(w, big);
	ucql_query_params_encode_tail(w, version, &p);
	return ucql_frame_end(w, at, 0);
}

/* Columns of the ROWS benchmark: int, bigint, text(16), blob(32), double. */
#define UCQL_BENCH_COLS 5

/*
 * Builds the body of a v4 RESULT/ROWS message of nrows rows with
 * ucql_result_rows_begin and the value writers: global table spec
 * ks.bench, columns a int, b bigint, c text (16 bytes), d blob (32 bytes),
 * e double. Returns the body length, or 0 if cap is too small.
 */
static inline size_t ucql_bench_rows_body_ex(uint8_t *buf, size_t cap, int32_t nrows, int vary);
static inline size_t ucql_bench_rows_body(uint8_t *buf, size_t cap, int32_t nrows)
{
	return ucql_bench_rows_body_ex(buf, cap, nrows, 0);
}

/* vary = 1: text lengths 8..24 and blob lengths 16..48 change from row to
 * row, the worst case for ucql_row_next's length prediction. */
static inline size_t ucql_bench_rows_body_ex(uint8_t *buf, size_t cap, int32_t nrows, int vary)
{
	static const uint8_t t_int[2] = { 0, UCQL_TYPE_INT };
	static const uint8_t t_bigint[2] = { 0, UCQL_TYPE_BIGINT };
	static const uint8_t t_text[2] = { 0, UCQL_TYPE_VARCHAR };
	static const uint8_t t_blob[2] = { 0, UCQL_TYPE_BLOB };
	static const uint8_t t_double[2] = { 0, UCQL_TYPE_DOUBLE };
	const uint8_t *types[UCQL_BENCH_COLS] = { t_int, t_bigint, t_text, t_blob, t_double };
	static const char *const names[UCQL_BENCH_COLS] = { "a", "b", "c", "d", "e" };
	ucql_col_spec cols[UCQL_BENCH_COLS];
	memset(cols, 0, sizeof cols);
	for (int c = 0; c < UCQL_BENCH_COLS; c++) {
		cols[c].name = ucql_bytes_of(names[c], 1);
		cols[c].type = ucql_bytes_of(types[c], 2);
	}
	ucql_metadata md;
	memset(&md, 0, sizeof md);
	md.flags = UCQL_MD_GLOBAL_TABLES_SPEC;
	md.columns_count = UCQL_BENCH_COLS;
	md.global_keyspace = ucql_bytes_of("ks", 2);
	md.global_table = ucql_bytes_of("bench", 5);
	md.cols = cols;

	uint8_t blob[48];
	for (int k = 0; k < 48; k++)
		blob[k] = (uint8_t)(k * 37 + 11);
	ucql_writer w;
	ucql_writer_init(&w, buf, cap);
	size_t at = ucql_result_rows_begin(&w, 4, &md);
	for (int32_t r = 0; r < nrows; r++) {
		char text[25];
		memset(text, 'x', sizeof text);
		memcpy(text, ucql_bench_text16, 16);
		size_t tlen = vary ? 8 + (size_t)(r * 7) % 17 : 16;
		size_t blen = vary ? 16 + (size_t)(r * 13) % 33 : 32;
		text[tlen - 1] = (char)('a' + r % 26);
		blob[0] = (uint8_t)r;
		ucql_value_write_int(&w, r * 7 - 300);
		ucql_value_write_bigint(&w, (int64_t)r * 1000003 + 5);
		ucql_value_write_text(&w, ucql_bytes_of(text, tlen));
		ucql_value_write_blob(&w, ucql_bytes_of(blob, blen));
		ucql_value_write_double(&w, r * 0.25 + 1.5);
	}
	ucql_result_rows_end(&w, at, nrows);
	return w.err ? 0 : w.len;
}

/* What iterating a row set produces: every cell's decoded content folded
 * in, so no getter can be skipped by the optimizer. */
typedef struct ucql_bench_sink {
	int64_t ints;
	double dbl;
	int32_t errors;
} ucql_bench_sink;

/*
 * Decodes the RESULT body and reads every cell with its typed getter:
 * get_int, get_bigint, get_text (view), get_blob (view), get_double.
 * Returns the number of cells read, or a negative error from decode.
 */
static inline int64_t ucql_bench_rows_iterate(ucql_bytes body, ucql_bench_sink *s)
{
	ucql_result res;
	int rc = ucql_result_decode(body, 4, &res);
	if (rc < 0)
		return rc;
	ucql_cell_iter it = ucql_rows_cells(&res.u.rows);
	ucql_value row[UCQL_BENCH_COLS];
	int64_t cells = 0;
	/* Row at a time, as the driver's result API reads: ucql_row_next
	 * predicts each cell's length from the previous row. */
	while (ucql_row_next(&it, row, UCQL_BENCH_COLS)) {
		/* Initialized so a failing getter (counted in errors) leaves
		 * something harmless to fold in. */
		int32_t i32 = 0;
		int64_t i64 = 0;
		ucql_bytes b = { (const uint8_t *)ucql_bench_text16, 1 };
		double d = 0;
		s->errors |= ucql_value_get_int(row[0], &i32);
		s->ints += i32;
		s->errors |= ucql_value_get_bigint(row[1], &i64);
		s->ints += i64;
		s->errors |= ucql_value_get_text(row[2], &b);
		s->ints += (int64_t)b.len + b.p[b.len - 1];
		s->errors |= ucql_value_get_blob(row[3], &b);
		s->ints += (int64_t)b.len + b.p[0];
		s->errors |= ucql_value_get_double(row[4], &d);
		s->dbl += d;
		cells += UCQL_BENCH_COLS;
	}
	return cells;
}

/* A 3-component partition key: int, text(16), bigint, serialized. */
typedef struct ucql_bench_key3 {
	uint8_t i32[4];
	uint8_t i64[8];
	ucql_bytes parts[3];
} ucql_bench_key3;

static inline void ucql_bench_key3_init(ucql_bench_key3 *k)
{
	ucql__put32(k->i32, 123456);
	ucql__put64(k->i64, 987654321012345ULL);
	k->parts[0] = ucql_bytes_of(k->i32, 4);
	k->parts[1] = ucql_bytes_of(ucql_bench_text16, 16);
	k->parts[2] = ucql_bytes_of(k->i64, 8);
}

#ifdef __cplusplus
}
#endif
#endif
