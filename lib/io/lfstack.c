/*
 * lfstack.c — setup of the lock-free index stack and object pool (the
 * push/pop hot path is inline in lfstack.h).
 */
#include "lfstack.h"

#include <stdlib.h>

#include "ucql/common.h"

int ucql__lfstack_init(ucql__lfstack *s, uint32_t cap)
{
	if (cap == 0 || cap >= UCQL__LFSTACK_NONE)
		return UCQL_E_INVALID_ARG;
	_Atomic uint32_t *next = calloc(cap, sizeof *next);
	if (!next)
		return UCQL_E_NOMEM;
	atomic_init(&s->head, 0);
	s->next = next;
	s->cap = cap;
	s->owns_next = 1;
	return 0;
}

void ucql__lfstack_destroy(ucql__lfstack *s)
{
	if (s->owns_next)
		free((void *)s->next);
	s->next = NULL;
	s->cap = 0;
	s->owns_next = 0;
}

int ucql__lfpool_init(ucql__lfpool *p, void *base, size_t stride, uint32_t count)
{
	if (!base || stride == 0)
		return UCQL_E_INVALID_ARG;
	int r = ucql__lfstack_init(&p->st, count);
	if (r)
		return r;
	p->base = base;
	p->stride = stride;
	/* All free, index 0 on top: link i -> i + 1 (stored as index + 1). */
	for (uint32_t i = 0; i + 1 < count; i++)
		atomic_init(&p->st.next[i], i + 2);
	atomic_init(&p->st.next[count - 1], 0);
	atomic_init(&p->st.head, 1);
	return 0;
}

void ucql__lfpool_destroy(ucql__lfpool *p)
{
	ucql__lfstack_destroy(&p->st);
	p->base = NULL;
}
