/*
 * timer_wheel.c — the hierarchical timing wheel (see timer_wheel.h).
 *
 * Level k (0..3) has 64 slots; a slot of level k spans 64^k ticks. A timer
 * with expiry tick T, filed when the wheel is at tick cur, goes to the
 * level whose span fits delta = T - cur (level 0 for delta < 64, level 1
 * below 64^2, ...) and there to slot (T >> 6k) & 63. Invariant, with
 * c = cur >> 6k: a timer in level k has c < T >> 6k <= c + 64. So the slot
 * of block J = T >> 6k is reached, as the wheel turns, exactly at tick
 * J << 6k, and not before; then the level-k slot is "cascaded": its timers
 * are filed again, now with a smaller delta, into a finer level — down to
 * level 0, whose slots each hold one tick's timers, which fire.
 * A timer more than 2^24 ticks away is filed as if it were due at tick
 * cur + 2^24 - 1 (it keeps its true expiry) and re-filed when that slot is
 * cascaded: it bounces in the top level until it is in range.
 *
 * Turning the wheel tick by tick would cost O(ticks) for a time jump; an
 * occupancy bitmap per level lets advance go straight to the next tick at
 * which some non-empty slot fires or cascades (next_event), skipping empty
 * slots and empty cascades: that keeps the invariant, since nothing was
 * due in between.
 */
#include "ucql/common.h"

#include "timer_wheel.h"

#define BITS UCQL__WHEEL_BITS
#define SLOTS UCQL__WHEEL_SLOTS
#define LEVELS UCQL__WHEEL_LEVELS
#define MASK ((uint64_t)SLOTS - 1)
#define RANGE ((uint64_t)1 << (BITS * LEVELS)) /* ticks the levels cover */
#define WHERE_LIST UINT32_MAX                  /* on the due or firing list */

static void link_head(ucql__timer **head, ucql__timer *t)
{
	t->next = *head;
	if (t->next)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
}

static void unlink_timer(ucql__timer *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

/* Moves a whole list to *dst (empty), fixing the first node's back link. */
static void move_list(ucql__timer **dst, ucql__timer **src)
{
	*dst = *src;
	*src = NULL;
	if (*dst)
		(*dst)->pprev = dst;
}

/* Files t (expiry >= cur) into its level and slot. */
static void file_timer(ucql__wheel *w, ucql__timer *t)
{
	uint64_t exp = t->expiry, delta = exp - w->cur;
	if (delta >= RANGE) { /* too far: wait in the top level, re-filed later */
		delta = RANGE - 1;
		exp = w->cur + delta;
	}
	/* Level = index of delta's top bit / BITS (delta | 1: level 0 for 0). */
	unsigned lvl = (unsigned)(63 - __builtin_clzll(delta | 1)) / BITS;
	unsigned s = (unsigned)((exp >> (BITS * lvl)) & MASK);
	link_head(&w->slot[lvl][s], t);
	t->where = lvl * SLOTS + s;
	w->occupied[lvl] |= (uint64_t)1 << s;
}

int ucql__wheel_init(ucql__wheel *w, uint64_t now_ns, uint64_t tick_ns)
{
	if (!tick_ns)
		return UCQL_E_INVALID_ARG;
	*w = (ucql__wheel){ .tick_ns = tick_ns, .cur = now_ns / tick_ns };
	return 0;
}

static void disarm_list(ucql__timer **head)
{
	ucql__timer *t = *head;
	while (t) {
		ucql__timer *next = t->next;
		t->next = NULL;
		t->pprev = NULL;
		t = next;
	}
	*head = NULL;
}

void ucql__wheel_destroy(ucql__wheel *w)
{
	disarm_list(&w->due);
	disarm_list(&w->firing);
	for (unsigned l = 0; l < LEVELS; l++) {
		for (unsigned s = 0; s < SLOTS; s++)
			disarm_list(&w->slot[l][s]);
		w->occupied[l] = 0;
	}
	w->count = 0;
}

void ucql__wheel_add(ucql__wheel *w, ucql__timer *t, uint64_t deadline_ns)
{
	if (t->pprev)
		ucql__wheel_cancel(w, t);
	/* The first tick at or after the deadline (a ceiling that cannot
	 * overflow): firing at that tick is never early. */
	uint64_t exp = deadline_ns / w->tick_ns;
	if (exp * w->tick_ns != deadline_ns)
		exp++;
	t->deadline_ns = deadline_ns;
	t->expiry = exp;
	w->count++;
	if (exp <= w->cur) { /* that tick has passed: the next advance fires it */
		link_head(&w->due, t);
		t->where = WHERE_LIST;
	} else {
		file_timer(w, t);
	}
}

void ucql__wheel_cancel(ucql__wheel *w, ucql__timer *t)
{
	if (!t->pprev)
		return;
	unlink_timer(t);
	w->count--;
	/* `where` may be stale for a timer on the firing list (its old level-0
	 * slot); testing the slot itself keeps the bit exact either way. */
	if (t->where != WHERE_LIST) {
		unsigned lvl = t->where / SLOTS, s = t->where % SLOTS;
		if (!w->slot[lvl][s])
			w->occupied[lvl] &= ~((uint64_t)1 << s);
	}
}

/* The first tick after cur at which a non-empty slot fires (level 0) or
 * cascades (levels 1..3); UINT64_MAX if every slot is empty. For level k
 * with c = cur >> 6k, slot s is reached at the first block j > c with
 * j & 63 == s: later in this round of 64 blocks if s > c & 63, else in the
 * next round (s == c & 63 included: by the invariant its timers are in
 * block c + 64). */
static uint64_t next_event(const ucql__wheel *w)
{
	uint64_t best = UINT64_MAX;
	for (unsigned lvl = 0; lvl < LEVELS; lvl++) {
		uint64_t bits = w->occupied[lvl];
		if (!bits)
			continue;
		unsigned shift = BITS * lvl;
		uint64_t c = w->cur >> shift;
		unsigned pos = (unsigned)(c & MASK);
		uint64_t later = pos == MASK ? 0 : bits & (~(uint64_t)0 << (pos + 1));
		uint64_t j = (c & ~MASK) +
			     (later ? (uint64_t)__builtin_ctzll(later)
				    : SLOTS + (uint64_t)__builtin_ctzll(bits));
		uint64_t e = j << shift;
		if (e < best)
			best = e;
	}
	return best;
}

/* Re-files the timers of slot s of level lvl (cur is that slot's tick:
 * every timer there has expiry >= cur). */
static void cascade(ucql__wheel *w, unsigned lvl, unsigned s)
{
	ucql__timer *t = w->slot[lvl][s];
	if (!t)
		return;
	w->slot[lvl][s] = NULL;
	w->occupied[lvl] &= ~((uint64_t)1 << s);
	while (t) {
		ucql__timer *next = t->next;
		t->next = NULL;
		t->pprev = NULL;
		if (t->expiry < w->cur) { /* cannot happen (invariant); never lose one */
			link_head(&w->due, t);
			t->where = WHERE_LIST;
		} else {
			file_timer(w, t);
		}
		t = next;
	}
}

/* Fires the firing list. A callback may cancel a timer still on it (it is
 * unlinked like any other) or add timers (they go to slots or to due). */
static unsigned fire(ucql__wheel *w, void *ctx)
{
	unsigned n = 0;
	ucql__timer *t;
	while ((t = w->firing) != NULL) {
		unlink_timer(t);
		w->count--;
		n++;
		if (t->fn)
			t->fn(t, ctx);
	}
	return n;
}

unsigned ucql__wheel_advance(ucql__wheel *w, uint64_t now_ns, void *ctx)
{
	unsigned fired = 0;
	if (w->due) {
		move_list(&w->firing, &w->due);
		fired += fire(w, ctx);
	}
	uint64_t target = now_ns / w->tick_ns;
	while (w->cur < target) {
		uint64_t e = next_event(w); /* > cur */
		if (e > target) {
			w->cur = target;
			break;
		}
		w->cur = e;
		/* Coarse levels first cascade into finer ones; a timer due at e
		 * itself lands in level 0's slot e & 63, fired just below. The
		 * slot of level k is reached when e is a multiple of 64^k. */
		for (unsigned lvl = 1; lvl < LEVELS; lvl++) {
			unsigned shift = BITS * lvl;
			if (e & (((uint64_t)1 << shift) - 1))
				break;
			cascade(w, lvl, (unsigned)((e >> shift) & MASK));
		}
		unsigned s = (unsigned)(e & MASK);
		if (w->slot[0][s]) {
			move_list(&w->firing, &w->slot[0][s]);
			w->occupied[0] &= ~((uint64_t)1 << s);
			fired += fire(w, ctx);
		}
	}
	return fired;
}

int64_t ucql__wheel_next_ns(const ucql__wheel *w, uint64_t now_ns)
{
	if (w->due || w->firing)
		return 0;
	if (!w->count)
		return -1;
	uint64_t e = next_event(w);
	if (e == UINT64_MAX)
		return -1;
	if (e > UINT64_MAX / w->tick_ns)
		return INT64_MAX;
	uint64_t at = e * w->tick_ns; /* advance(at) reaches tick e */
	if (at <= now_ns)
		return 0;
	uint64_t d = at - now_ns;
	return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
}
