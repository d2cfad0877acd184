/*
 * bench/alloc_count.h — heap allocation counter of the benchmark binary.
 *
 * alloc_count.c replaces malloc, calloc, realloc, the aligned allocators
 * and free in ucql-bench (the executable's definitions win over glibc's for
 * every caller: libucql, liblz4, libstdc++'s operator new) and forwards to
 * glibc's __libc_* entry points, counting calls. A benchmark reads the
 * counter before and after its timed loop and reports allocations per
 * iteration: the codec promises zero.
 */
#ifndef UCQL_BENCH_ALLOC_COUNT_H
#define UCQL_BENCH_ALLOC_COUNT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Allocations (malloc, calloc, realloc, aligned variants) so far, any thread. */
uint64_t ucql_bench_allocs(void);
/* free() calls of a non-NULL pointer so far. */
uint64_t ucql_bench_frees(void);

#ifdef __cplusplus
}
#endif
#endif
