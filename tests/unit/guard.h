/*
 * Test helper: copies bytes so that they end exactly at an inaccessible page,
 * so a decoder that reads one byte past its input faults at once
 * (picohttpparser's trick). Free with guard_free.
 */
#ifndef UCQL_TEST_GUARD_H
#define UCQL_TEST_GUARD_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct guard_buf {
	uint8_t *p; /* the copy; p + len is the first byte of the guard page */
	size_t len;
	void *map;
	size_t maplen;
} guard_buf;

static inline guard_buf guard_copy(const void *src, size_t len)
{
	guard_buf g;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (len + pg - 1) / pg + 1;
	uint8_t *m = mmap(NULL, pages * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(m, MAP_FAILED);
	cr_assert_eq(mprotect(m + (pages - 1) * pg, pg, PROT_NONE), 0);
	g.p = m + (pages - 1) * pg - len;
	if (len)
		memcpy(g.p, src, len);
	g.len = len;
	g.map = m;
	g.maplen = pages * pg;
	return g;
}

static inline void guard_free(guard_buf *g)
{
	munmap(g->map, g->maplen);
	g->map = NULL;
}

#endif
