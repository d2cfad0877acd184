/*
 * bench/count_ops.c — instruction counts per operation, independent of
 * machine load: runs N iterations of one operation inside a function named
 * run_<op>, so that callgrind can collect only that function:
 *
 *   valgrind --tool=callgrind --toggle-collect=run_execute_v4 \
 *       --callgrind-out-file=/tmp/cg.out build/bench/ucql-count-ops execute_v4 10000
 *
 * and Ir ("summary:" line of /tmp/cg.out) / N is the count per operation
 * (per cell for "rows": N result decodes × 500 cells). bench/summary.sh
 * --callgrind does this for every op. The operations are those of the
 * Google Benchmark harness (workload.h).
 *
 * Usage: ucql-count-ops OP N   (OP: execute_v4 execute_v5 rows token16
 * token3); prints the checksum so nothing is optimized away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

/* Each run_* is kept out of line and unclones (GCC's ipa-cp would
 * otherwise rename it run_rows.constprop.0) so callgrind finds it. */
#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noclone))
#endif

static uint8_t buf[64 * 1024];

static NOINLINE uint64_t run_execute_v4(long n)
{
	uint64_t sum = 0;
	for (long k = 0; k < n; k++) {
		ucql_writer w;
		ucql_writer_init(&w, buf, 512);
		sum += (uint64_t)ucql_bench_execute_typed(&w, 4, (int16_t)(k & 0x7fff), (int32_t)k,
							  1234567890123LL);
		sum += w.len + buf[w.len - 1];
	}
	return sum;
}

static NOINLINE uint64_t run_execute_v5(long n)
{
	uint64_t sum = 0;
	for (long k = 0; k < n; k++) {
		ucql_writer w;
		ucql_writer_init(&w, buf, 512);
		sum += (uint64_t)ucql_bench_execute_typed(&w, 5, (int16_t)(k & 0x7fff), (int32_t)k,
							  1234567890123LL);
		sum += w.len + buf[w.len - 1];
	}
	return sum;
}

/* n decodes of a 100 × 5 result, every cell read: divide by n × 500. */
static NOINLINE uint64_t run_rows(long n, ucql_bytes body)
{
	ucql_bench_sink s = { 0, 0, 0 };
	int64_t cells = 0;
	for (long k = 0; k < n; k++)
		cells += ucql_bench_rows_iterate(body, &s);
	return (uint64_t)cells + (uint64_t)s.ints + (uint64_t)s.dbl + (uint64_t)s.errors;
}

static NOINLINE uint64_t run_token16(long n, const uint8_t *key)
{
	uint64_t sum = 0;
	for (long k = 0; k < n; k++)
		sum += (uint64_t)ucql_token_murmur3(key, 16);
	return sum;
}

static NOINLINE uint64_t run_token3(long n, const ucql_bench_key3 *key)
{
	uint64_t sum = 0;
	for (long k = 0; k < n; k++) {
		int64_t t = 0;
		sum += (uint64_t)ucql_token_murmur3_parts(key->parts, 3, &t);
		sum += (uint64_t)t;
	}
	return sum;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s execute_v4|execute_v5|rows|token16|token3 N\n", argv[0]);
		return 2;
	}
	const char *op = argv[1];
	long n = strtol(argv[2], NULL, 10);
	uint64_t sum;
	if (n <= 0) {
		fprintf(stderr, "N must be > 0\n");
		return 2;
	}
	if (!strcmp(op, "execute_v4")) {
		sum = run_execute_v4(n);
	} else if (!strcmp(op, "execute_v5")) {
		sum = run_execute_v5(n);
	} else if (!strcmp(op, "rows")) {
		size_t len = ucql_bench_rows_body(buf, sizeof buf, 100);
		if (!len) {
			fprintf(stderr, "building the rows body failed\n");
			return 1;
		}
		sum = run_rows(n, ucql_bytes_of(buf, len));
	} else if (!strcmp(op, "token16")) {
		static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
						 9, 10, 11, 12, 13, 14, 15, 16 };
		sum = run_token16(n, key);
	} else if (!strcmp(op, "token3")) {
		ucql_bench_key3 k;
		ucql_bench_key3_init(&k);
		sum = run_token3(n, &k);
	} else {
		fprintf(stderr, "unknown op %s\n", op);
		return 2;
	}
	printf("%s %ld checksum %llu\n", op, n, (unsigned long long)sum);
	return 0;
}
