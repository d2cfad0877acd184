/*
 * timer_wheel.h — a shard's timers (request timeouts, heartbeats,
 * reconnection delays): a hierarchical timing wheel with cascading, in the
 * style of Varghese & Lauck's scheme 7 and Linux's pre-4.8 timer wheel.
 *
 * One thread: the shard's. Timers are intrusive — the caller embeds a
 * ucql__timer in its own struct (container_of in the callback) — so adding
 * a timer allocates nothing. Add and cancel are O(1); advance costs O(1)
 * per fired timer, at most one re-filing per wheel level per timer (plus
 * one per 2^24 ticks of waiting for timers beyond the wheel's range) and one
 * step per non-empty slot it passes: not one per tick of a time jump.
 *
 * Time is counted in ticks of tick_ns (1 ms for request timeouts). A timer
 * due at deadline_ns fires at the first advance whose now_ns reaches the
 * tick ceil(deadline_ns / tick_ns): never before its deadline, and less
 * than one tick after it if the loop advances on time. Four levels of 64
 * slots cover 2^24 ticks (4.6 hours at 1 ms); a timer further away waits in
 * the top level and is re-filed each time its slot comes round, so any
 * deadline works.
 */
#ifndef UCQL_TIMER_WHEEL_H
#define UCQL_TIMER_WHEEL_H

#include <stddef.h>
#include <stdint.h>

#define UCQL__WHEEL_LEVELS 4
#define UCQL__WHEEL_BITS 6
#define UCQL__WHEEL_SLOTS (1u << UCQL__WHEEL_BITS)

typedef struct ucql__timer ucql__timer;
/* Runs when t expires, t already disarmed: it may re-add t, and add or
 * cancel any other timer. ctx is advance's argument. */
typedef void (*ucql__timer_fn)(ucql__timer *t, void *ctx);

struct ucql__timer {
	/* Links in a slot's list; pprev points at the previous node's next (or
	 * the list head), so unlinking needs no head. NULL = not armed. */
	ucql__timer *next, **pprev;
	uint64_t deadline_ns;
	ucql__timer_fn fn;
	uint64_t expiry; /* internal: the tick at which it fires */
	uint32_t where;  /* internal: its slot, for the occupancy bitmaps */
};

typedef struct ucql__wheel {
	uint64_t tick_ns;
	uint64_t cur;      /* ticks up to and including cur have fired */
	size_t count;      /* armed timers */
	ucql__timer *due;  /* added already overdue: fired by the next advance */
	ucql__timer *firing; /* being fired by advance */
	uint64_t occupied[UCQL__WHEEL_LEVELS]; /* bit s: slot[level][s] non-empty */
	ucql__timer *slot[UCQL__WHEEL_LEVELS][UCQL__WHEEL_SLOTS];
} ucql__wheel;

/* Prepares a timer (disarmed) with its callback. A zeroed ucql__timer is
 * also disarmed. */
static inline void ucql__timer_init(ucql__timer *t, ucql__timer_fn fn)
{
	t->next = NULL;
	t->pprev = NULL;
	t->deadline_ns = 0;
	t->fn = fn;
	t->expiry = 0;
	t->where = 0;
}

/* 1 if t is waiting to fire, else 0. */
static inline int ucql__timer_armed(const ucql__timer *t)
{
	return t->pprev != NULL;
}

/* An empty wheel whose time starts at now_ns, counting in ticks of tick_ns.
 * 0, or UCQL_E_INVALID_ARG if tick_ns is 0. Allocates nothing. */
int ucql__wheel_init(ucql__wheel *w, uint64_t now_ns, uint64_t tick_ns);
/* Forgets every timer (they are disarmed, never fired). */
void ucql__wheel_destroy(ucql__wheel *w);

/* Arms t to fire at deadline_ns (t->fn must be set). An armed t is moved.
 * A deadline already reached (at or before the wheel's current tick) fires
 * at the next advance. O(1). */
void ucql__wheel_add(ucql__wheel *w, ucql__timer *t, uint64_t deadline_ns);
/* Disarms t; no-op if it is not armed. O(1). */
void ucql__wheel_cancel(ucql__wheel *w, ucql__timer *t);

/* Moves the wheel's time to now_ns (time never goes back: an earlier now_ns
 * moves nothing) and fires every expired timer, in tick order, calling
 * t->fn(t, ctx) after disarming t. Timers that callbacks add already
 * overdue wait for the next call (so a callback re-adding itself cannot
 * loop forever). Returns the number fired. Not re-entrant (no advance from
 * a callback). */
unsigned ucql__wheel_advance(ucql__wheel *w, uint64_t now_ns, void *ctx);

/* Nanoseconds from now_ns until advance has work (0 if it has now), -1 if
 * no timer is armed: how long the loop may sleep. Never later than the
 * tick at which the earliest timer fires; may be earlier (a coarse level's
 * slot to re-file first: one spurious wake-up per level at most, or one per
 * 2^24 ticks for a timer beyond the wheel's range). */
int64_t ucql__wheel_next_ns(const ucql__wheel *w, uint64_t now_ns);

/* Number of armed timers. */
static inline size_t ucql__wheel_count(const ucql__wheel *w)
{
	return w->count;
}

#endif
