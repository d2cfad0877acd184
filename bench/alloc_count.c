/*
 * bench/alloc_count.c — counts heap allocations in ucql-bench (see
 * alloc_count.h). glibc exports __libc_malloc and friends, the allocator
 * behind its own malloc, so forwarding to them needs no dlsym (which could
 * itself allocate while the first malloc is being resolved).
 *
 * Relaxed __atomic builtins on plain integers (clang refuses them on
 * _Atomic objects): the counters are read between timed loops, on the
 * thread that ran them; they only need to be exact, not ordered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc_count.h"

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

/* The prototypes of the replaced functions come from <stdlib.h> and
 * <malloc.h>; declared here instead so their attributes (malloc, nothrow)
 * cannot disagree with these definitions. */
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
void *memalign(size_t align, size_t n);
void *aligned_alloc(size_t align, size_t n);
int posix_memalign(void **out, size_t align, size_t n);
void *valloc(size_t n);
void *pvalloc(size_t n);

static uint64_t n_allocs;
static uint64_t n_frees;

static inline void counted(void)
{
	__atomic_fetch_add(&n_allocs, 1, __ATOMIC_RELAXED);
}

uint64_t ucql_bench_allocs(void)
{
	return __atomic_load_n(&n_allocs, __ATOMIC_RELAXED);
}

uint64_t ucql_bench_frees(void)
{
	return __atomic_load_n(&n_frees, __ATOMIC_RELAXED);
}

void *malloc(size_t n)
{
	counted();
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	counted();
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	counted();
	return __libc_realloc(p, n);
}

void free(void *p)
{
	if (p)
		__atomic_fetch_add(&n_frees, 1, __ATOMIC_RELAXED);
	__libc_free(p);
}

void *memalign(size_t align, size_t n)
{
	counted();
	return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	counted();
	return __libc_memalign(align, n);
}

void *valloc(size_t n)
{
	counted();
	return __libc_memalign(4096, n);
}

void *pvalloc(size_t n)
{
	counted();
	return __libc_memalign(4096, (n + 4095) & ~(size_t)4095);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	/* posix_memalign's contract: a power of two multiple of sizeof(void *). */
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	counted();
	void *p = __libc_memalign(align, n);
	if (!p && n)
		return ENOMEM;
	*out = p;
	return 0;
}
