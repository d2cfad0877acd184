/*
 * The shard's timer wheel: exact cases, then a randomized model check
 * against a plain array of deadlines (fixed seeds). Time is simulated:
 * nothing here sleeps or reads a clock.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/common.h"
#include "../../../lib/io/timer_wheel.h"

#define MS 1000000ull
#define HOUR (3600ull * 1000 * MS)

/* A caller's struct with the timer inside, not first: container_of. */
struct req {
	int id;
	int fired;
	uint64_t fired_at;
	ucql__timer timer;
};

#define REQ_OF(t) ((struct req *)((char *)(t) - offsetof(struct req, timer)))

struct clock_ctx {
	uint64_t now;
	unsigned calls;
	int armed_in_fn; /* ucql__timer_armed seen inside the callback */
};

static void on_fire(ucql__timer *t, void *ctx)
{
	struct clock_ctx *c = ctx;
	struct req *r = REQ_OF(t);
	r->fired++;
	r->fired_at = c->now;
	c->calls++;
	c->armed_in_fn |= ucql__timer_armed(t);
}

static unsigned advance(ucql__wheel *w, struct clock_ctx *c, uint64_t now)
{
	c->now = now;
	return ucql__wheel_advance(w, now, c);
}

Test(timer_wheel, init_rejects_zero_tick)
{
	ucql__wheel w;
	cr_assert_eq(ucql__wheel_init(&w, 0, 0), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql__wheel_init(&w, 5, MS), 0);
	cr_assert_eq(ucql__wheel_next_ns(&w, 5), -1);
	cr_assert_eq(ucql__wheel_count(&w), 0);
}

Test(timer_wheel, fires_at_deadline_never_before)
{
	ucql__wheel w;
	struct clock_ctx c = { 0 };
	uint64_t t0 = 1000 * MS + 123; /* not on a tick boundary */
	ucql__wheel_init(&w, t0, MS);
	struct req r = { .id = 1 };
	ucql__timer_init(&r.timer, on_fire);
	ucql__wheel_add(&w, &r.timer, t0 + 5 * MS);
	cr_assert(ucql__timer_armed(&r.timer));
	cr_assert_eq(r.timer.deadline_ns, t0 + 5 * MS);
	cr_assert_eq(ucql__wheel_count(&w), 1);

	/* Due at 1005 ms + 123 ns: the first tick at or after is 1006 ms. */
	int64_t ns = ucql__wheel_next_ns(&w, t0);
	cr_assert_eq(ns, (int64_t)(1006 * MS - t0));
	cr_assert_eq(advance(&w, &c, t0 + 5 * MS - 1), 0);
	cr_assert_eq(advance(&w, &c, 1005 * MS + 999999), 0);
	cr_assert_eq(r.fired, 0);
	cr_assert_eq(advance(&w, &c, 1006 * MS), 1);
	cr_assert_eq(r.fired, 1);
	cr_assert_not(c.armed_in_fn, "disarmed before its callback");
	cr_assert_not(ucql__timer_armed(&r.timer));
	cr_assert_eq(ucql__wheel_count(&w), 0);
	cr_assert_eq(ucql__wheel_next_ns(&w, 1006 * MS), -1);
	cr_assert_eq(advance(&w, &c, 2000 * MS), 0);
	cr_assert_eq(r.fired, 1);
}

Test(timer_wheel, deadline_on_a_tick_fires_at_that_tick)
{
	ucql__wheel w;
	struct clock_ctx c = { 0 };
	ucql__wheel_init(&w, 0, MS);
	struct req r = { 0 };
	ucql__timer_init(&r.timer, on_fire);
	ucql__wheel_add(&w, &r.timer, 64 * MS);
	cr_assert_eq(ucql__wheel_next_ns(&w, 0), (int64_t)(64 * MS));
	cr_assert_eq(ucql__wheel_next_ns(&w, 10 * MS), (int64_t)(54 * MS));
	cr_assert_eq(advance(&w, &c, 64 * MS - 1), 0);
	cr_assert_eq(advance(&w, &c, 64 * MS), 1);
}

Test(timer_wheel, overdue_fires_at_next_advance)
{
	ucql__wheel w;
	struct clock_ctx c = { 0 };
	ucql__wheel_init(&w, 100 * MS, MS);
	struct req a = { 0 }, b = { 0 };
	ucql__timer_init(&a.timer, on_fire);
	ucql__timer_init(&b.timer, on_fire);
	ucql__wheel_add(&w, &a.timer, 50 * MS); /* in the past */
	ucql__wheel_add(&w, &b.timer, 100 * MS); /* the current tick */
	cr_assert_eq(ucql__wheel_next_ns(&w, 100 * MS), 0);
	/* Same time, no tick passes: still fired. */
	cr_assert_eq(advance(&w, &c, 100 * MS), 2);
	cr_assert_eq(a.fired + b.fired, 2);
	/* Time going back moves nothing and breaks nothing. */
	ucql__wheel_add(&w, &a.timer, 101 * MS);
	cr_assert_eq(advance(&w, &c, 10 * MS), 0);
	cr_assert_eq(advance(&w, &c, 101 * MS), 1);
	cr_assert_eq(a.fired, 2);
}

Test(timer_wheel, cancel_and_rearm)
{
	ucql__wheel w;
	struct clock_ctx c = { 0 };
	ucql__wheel_init(&w, 0, MS);
	struct req r[3] = { { 0 } };
	for (int i = 0; i < 3; i++)
		ucql__timer_init(&r[i].timer, on_fire);
	ucql__wheel_cancel(&w, &r[0].timer); /* not armed: no-op */
	ucql__wheel_add(&w, &r[0].timer, 10 * MS);
	ucql__wheel_add(&w, &r[1].timer, 10 * MS); /* same slot */
	ucql__wheel_add(&w, &r[2].timer, 5000 * MS); /* a coarser level */
	cr_assert_eq(ucql__wheel_count(&w), 3);
	ucql__wheel_cancel(&w, &r[0].timer);
	ucql__wheel_cancel(&w, &r[0].timer);
	cr_assert_not(ucql__timer_armed(&r[0].timer));
	cr_assert_eq(ucql__wheel_count(&w), 2);
	/* Re-adding an armed timer moves it. */
	ucql__wheel_add(&w, &r[1].timer, 20 * MS);
	cr_assert_eq(ucql__wheel_count(&w), 2);
	cr_assert_eq(ucql__wheel_next_ns(&w, 0), (int64_t)(20 * MS));
	cr_assert_eq(advance(&w, &c, 19 * MS), 0);
	cr_assert_eq(advance(&w, &c, 20 * MS), 1);
	cr_assert_eq(r[1].fired, 1);
	ucql__wheel_cancel(&w, &r[2].timer);
	cr_assert_eq(ucql__wheel_count(&w), 0);
	/* Every slot empty again: nothing to wait for. */
	cr_assert_eq(ucql__wheel_next_ns(&w, 20 * MS), -1);
	cr_assert_eq(advance(&w, &c, 10 * HOUR), 0);
	cr_assert_eq(r[0].fired + r[2].fired, 0);
}

/* ---- callbacks that add and cancel ------------------------------------ */

struct periodic {
	ucql__wheel *w;
	uint64_t now;
	uint64_t period;
	unsigned fires;
	struct req *spawn;    /* added by the callback */
	uint64_t spawn_after;
	int overdue;          /* re-add with a deadline already passed */
};

static void periodic_fire(ucql__timer *t, void *ctx)
{
	struct periodic *p = ctx;
	p->fires++;
	REQ_OF(t)->fired++;
	if (p->spawn && !ucql__timer_armed(&p->spawn->timer) && !p->spawn->fired)
		ucql__wheel_add(p->w, &p->spawn->timer, p->now + p->spawn_after);
	if (p->overdue)
		ucql__wheel_add(p->w, t, p->now - MS);
	else if (p->period)
		ucql__wheel_add(p->w, t, p->now + p->period);
}

Test(timer_wheel, callback_re_adds_itself)
{
	ucql__wheel w;
	ucql__wheel_init(&w, 0, MS);
	struct periodic p = { .w = &w, .period = 3 * MS };
	struct req r = { 0 };
	ucql__timer_init(&r.timer, periodic_fire);
	ucql__wheel_add(&w, &r.timer, 3 * MS);
	for (uint64_t ms = 1; ms <= 300; ms++) {
		p.now = ms * MS;
		ucql__wheel_advance(&w, p.now, &p);
	}
	cr_assert_eq(p.fires, 100);
	cr_assert(ucql__timer_armed(&r.timer));
	/* One jump of 30 ms: due at 303 ms, it fires once and re-adds itself
	 * for p.now + period = 333 ms, beyond this advance. */
	p.now = 330 * MS;
	cr_assert_eq(ucql__wheel_advance(&w, p.now, &p), 1);
	cr_assert_eq(r.timer.deadline_ns, 333 * MS);
}

Test(timer_wheel, callback_re_adding_overdue_does_not_loop)
{
	ucql__wheel w;
	ucql__wheel_init(&w, 0, MS);
	struct periodic p = { .w = &w, .overdue = 1 };
	struct req r = { 0 };
	ucql__timer_init(&r.timer, periodic_fire);
	ucql__wheel_add(&w, &r.timer, 5 * MS);
	p.now = 5 * MS;
	cr_assert_eq(ucql__wheel_advance(&w, p.now, &p), 1);
	cr_assert_eq(ucql__wheel_next_ns(&w, p.now), 0);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(ucql__wheel_advance(&w, p.now, &p), 1);
	cr_assert_eq(p.fires, 11);
}

static ucql__wheel *cancel_other_wheel;

/* Two timers due at the same tick; whichever fires first cancels the other
 * while it waits on the firing list. */
static void cancel_other(ucql__timer *t, void *ctx)
{
	struct req *pair = ctx;
	struct req *self = REQ_OF(t);
	self->fired++;
	struct req *other = self == &pair[0] ? &pair[1] : &pair[0];
	ucql__wheel_cancel(cancel_other_wheel, &other->timer);
}

Test(timer_wheel, a_cancelled_timer_on_the_firing_list_does_not_fire)
{
	ucql__wheel w;
	ucql__wheel_init(&w, 0, MS);
	cancel_other_wheel = &w;
	struct req pair[2] = { { 0 } };
	for (int i = 0; i < 2; i++) {
		ucql__timer_init(&pair[i].timer, cancel_other);
		ucql__wheel_add(&w, &pair[i].timer, 300 * MS); /* via a cascade */
	}
	cr_assert_eq(ucql__wheel_advance(&w, 300 * MS, pair), 1);
	cr_assert_eq(pair[0].fired + pair[1].fired, 1);
	cr_assert_eq(ucql__wheel_count(&w), 0);
	cr_assert_eq(ucql__wheel_next_ns(&w, 300 * MS), -1);
}

Test(timer_wheel, callback_adds_a_timer_due_within_the_same_advance)
{
	ucql__wheel w;
	ucql__wheel_init(&w, 0, MS);
	struct req a = { 0 }, b = { 0 };
	ucql__timer_init(&a.timer, periodic_fire);
	ucql__timer_init(&b.timer, periodic_fire);
	struct periodic p = { .w = &w, .spawn = &b, .spawn_after = 20 * MS };
	ucql__wheel_add(&w, &a.timer, 10 * MS);
	/* The callback runs with p.now = 10 ms (the tick it fires at), adds b
	 * for 30 ms; the same advance to 50 ms reaches it. */
	p.now = 10 * MS;
	cr_assert_eq(ucql__wheel_advance(&w, 50 * MS, &p), 2);
	cr_assert_eq(a.fired, 1);
	cr_assert_eq(b.fired, 1);
}

/* ---- far deadlines and time jumps ------------------------------------- */

Test(timer_wheel, far_deadlines_fire_on_their_tick)
{
	/* Beyond the 2^24 ticks (4.6 h at 1 ms) the levels cover. */
	static const uint64_t far[] = { 4 * HOUR, 5 * HOUR, 10 * HOUR, 3 * 24 * HOUR,
					400 * 24 * HOUR + 17 * MS + 3 };
	enum { N = sizeof far / sizeof far[0] };
	ucql__wheel w;
	struct clock_ctx c = { 0 };
	uint64_t t0 = 77 * MS + 5;
	ucql__wheel_init(&w, t0, MS);
	struct req r[N] = { { 0 } };
	for (int i = 0; i < N; i++) {
		ucql__timer_init(&r[i].timer, on_fire);
		ucql__wheel_add(&w, &r[i].timer, t0 + far[i]);
	}
	/* Drive the wheel as the shard does: sleep as long as next_ns allows.
	 * Wake-ups: each timer passes at most 4 levels, and one beyond the
	 * wheel's range waits in the top level, which wakes the loop every 63
	 * of its slots (63 * 2^18 ticks, 4.6 h): 400 days cost ~2100. */
	unsigned wakeups = 0, max_wakeups = N * UCQL__WHEEL_LEVELS + 64 +
					      (unsigned)(far[N - 1] / MS / (63u << 18));
	uint64_t now = t0;
	int64_t ns;
	while ((ns = ucql__wheel_next_ns(&w, now)) >= 0) {
		cr_assert_gt(ns, 0, "nothing is due right after advance");
		now += (uint64_t)ns;
		advance(&w, &c, now);
		cr_assert_leq(++wakeups, max_wakeups, "too many wake-ups");
	}
	for (int i = 0; i < N; i++) {
		uint64_t d = t0 + far[i];
		cr_assert_eq(r[i].fired, 1);
		cr_assert_geq(r[i].fired_at, d);
		cr_assert_lt(r[i].fired_at, d + MS);
	}
}

Test(timer_wheel, one_big_jump_fires_exactly_the_expired)
{
	enum { N = 2000 };
	ucql__wheel w;
	ucql__wheel_init(&w, 0, MS);
	static struct req r[N];
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		r[i] = (struct req){ .id = i };
		ucql__timer_init(&r[i].timer, on_fire);
		ucql__wheel_add(&w, &r[i].timer, 1 + x % (2 * HOUR));
	}
	struct clock_ctx c = { 0 };
	unsigned due = 0;
	for (int i = 0; i < N; i++)
		due += r[i].timer.deadline_ns <= HOUR;
	cr_assert_gt(due, 0u);
	cr_assert_lt(due, (unsigned)N);
	cr_assert_eq(advance(&w, &c, HOUR), due);
	for (int i = 0; i < N; i++) {
		cr_assert_eq(r[i].fired, r[i].timer.deadline_ns <= HOUR ? 1 : 0, "timer %d", i);
		cr_assert_eq(ucql__timer_armed(&r[i].timer), !r[i].fired);
	}
	cr_assert_eq(advance(&w, &c, 3 * HOUR), (unsigned)N - due);
	cr_assert_eq(c.calls, (unsigned)N);
	cr_assert_eq(ucql__wheel_count(&w), 0);
}

Test(timer_wheel, destroy_disarms)
{
	ucql__wheel w;
	ucql__wheel_init(&w, 0, MS);
	struct req r[3] = { { 0 } };
	uint64_t d[3] = { 0, 3 * MS, 10 * HOUR };
	for (int i = 0; i < 3; i++) {
		ucql__timer_init(&r[i].timer, on_fire);
		ucql__wheel_add(&w, &r[i].timer, d[i]);
	}
	ucql__wheel_destroy(&w);
	for (int i = 0; i < 3; i++)
		cr_assert_not(ucql__timer_armed(&r[i].timer));
	cr_assert_eq(ucql__wheel_count(&w), 0);
}

/* ---- randomized model check ------------------------------------------- */

enum { MODEL_N = 300 };

struct model {
	ucql__wheel w;
	uint64_t tick;
	uint64_t now;
	uint64_t rng;
	struct req r[MODEL_N];
	int armed[MODEL_N];
	uint64_t deadline[MODEL_N];
	size_t narmed;
	/* Per advance: */
	uint64_t cur_before;  /* the last tick reached before this advance */
	int in_due_phase;     /* fires of overdue timers come first */
	uint64_t last_expiry; /* tick order among the others */
	unsigned fired;
	uint64_t total_fired;
};

static uint64_t rnd(struct model *m)
{
	uint64_t x = m->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	m->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t ceil_tick(const struct model *m, uint64_t d)
{
	return d / m->tick + (d % m->tick != 0);
}

/* A deadline relative to now, in ticks: mostly near, sometimes beyond the
 * wheel's range, sometimes already passed; plus a sub-tick offset. */
static uint64_t random_deadline(struct model *m, int allow_past)
{
	uint64_t k = rnd(m) % 100, ticks;
	if (allow_past && k < 8) {
		uint64_t back = (rnd(m) % 5) * m->tick + rnd(m) % m->tick;
		return m->now > back ? m->now - back : 0;
	}
	if (k < 55)
		ticks = rnd(m) % 100;
	else if (k < 80)
		ticks = rnd(m) % 10000;
	else if (k < 95)
		ticks = rnd(m) % (1u << 22);
	else
		ticks = rnd(m) % (1ull << 30);
	return m->now + 1 + ticks * m->tick + rnd(m) % m->tick;
}

static void model_add(struct model *m, int i, uint64_t d)
{
	if (!m->armed[i])
		m->narmed++;
	m->armed[i] = 1;
	m->deadline[i] = d;
	ucql__wheel_add(&m->w, &m->r[i].timer, d);
}

static void model_cancel(struct model *m, int i)
{
	if (m->armed[i])
		m->narmed--;
	m->armed[i] = 0;
	ucql__wheel_cancel(&m->w, &m->r[i].timer);
}

static void model_fire(ucql__timer *t, void *ctx)
{
	struct model *m = ctx;
	int i = REQ_OF(t)->id;
	cr_assert(m->armed[i], "timer %d fired but was not armed (cancelled?)", i);
	cr_assert_not(ucql__timer_armed(t));
	cr_assert_leq(m->deadline[i], m->now, "timer %d fired early", i);
	uint64_t exp = ceil_tick(m, m->deadline[i]);
	/* Only at a tick the wheel has reached. */
	cr_assert_leq(exp, m->now / m->tick, "timer %d fired before its tick", i);
	if (exp > m->cur_before) {
		/* A tick-driven fire: after every overdue one, in tick order. */
		m->in_due_phase = 0;
		cr_assert_geq(exp, m->last_expiry, "timer %d out of tick order", i);
		m->last_expiry = exp;
	} else {
		cr_assert(m->in_due_phase, "overdue timer %d fired after tick-driven ones", i);
	}
	m->armed[i] = 0;
	m->narmed--;
	m->fired++;
	/* Sometimes re-arm itself (in the future), or cancel/add another. */
	uint64_t k = rnd(m) % 100;
	if (k < 20)
		model_add(m, i, random_deadline(m, 0));
	else if (k < 30)
		model_cancel(m, (int)(rnd(m) % MODEL_N));
	else if (k < 35) {
		int j = (int)(rnd(m) % MODEL_N);
		if (j != i)
			model_add(m, j, random_deadline(m, 0));
	}
}

static void model_check_all(struct model *m)
{
	uint64_t cur = m->now / m->tick;
	uint64_t earliest = UINT64_MAX;
	for (int i = 0; i < MODEL_N; i++) {
		cr_assert_eq(ucql__timer_armed(&m->r[i].timer), m->armed[i], "timer %d", i);
		if (!m->armed[i])
			continue;
		uint64_t exp = ceil_tick(m, m->deadline[i]);
		cr_assert_gt(exp, cur, "timer %d missed: due at %llu, now %llu", i,
			     (unsigned long long)m->deadline[i], (unsigned long long)m->now);
		if (exp * m->tick < earliest)
			earliest = exp * m->tick;
	}
	cr_assert_eq(ucql__wheel_count(&m->w), m->narmed);
	int64_t ns = ucql__wheel_next_ns(&m->w, m->now);
	if (!m->narmed) {
		cr_assert_eq(ns, -1);
	} else {
		cr_assert_gt(ns, 0);
		cr_assert_leq((uint64_t)ns, earliest - m->now, "next_ns later than the earliest timer");
	}
}

static void model_advance(struct model *m, uint64_t now)
{
	uint64_t reached = m->now / m->tick;
	if (reached > m->cur_before)
		m->cur_before = reached; /* time never goes back in the wheel */
	m->now = now;
	m->in_due_phase = 1;
	m->last_expiry = 0;
	m->fired = 0;
	unsigned n = ucql__wheel_advance(&m->w, now, m);
	cr_assert_eq(n, m->fired);
	m->total_fired += n;
	model_check_all(m);
}

static void run_model(uint64_t seed, uint64_t tick, unsigned steps)
{
	static struct model m;
	memset(&m, 0, sizeof m);
	m.tick = tick;
	m.rng = seed;
	m.now = (rnd(&m) % 1000000) * tick + rnd(&m) % tick;
	cr_assert_eq(ucql__wheel_init(&m.w, m.now, tick), 0);
	m.cur_before = m.now / tick;
	for (int i = 0; i < MODEL_N; i++) {
		m.r[i].id = i;
		ucql__timer_init(&m.r[i].timer, model_fire);
	}
	for (unsigned step = 0; step < steps; step++) {
		uint64_t k = rnd(&m) % 100;
		if (k < 40) {
			model_add(&m, (int)(rnd(&m) % MODEL_N), random_deadline(&m, 1));
		} else if (k < 55) {
			model_cancel(&m, (int)(rnd(&m) % MODEL_N));
		} else if (k < 70) {
			/* Sleep as the loop would: exactly next_ns, or less. */
			int64_t ns = ucql__wheel_next_ns(&m.w, m.now);
			if (ns >= 0)
				model_advance(&m, m.now + (uint64_t)ns - (rnd(&m) % 2 ? 0 : (uint64_t)ns / 2));
		} else {
			uint64_t j = rnd(&m) % 100, d;
			if (j < 10)
				d = 0;
			else if (j < 60)
				d = rnd(&m) % (2 * tick);
			else if (j < 90)
				d = rnd(&m) % (100 * tick);
			else if (j < 98)
				d = rnd(&m) % ((1ull << 23) * tick);
			else
				d = rnd(&m) % ((1ull << 28) * tick);
			model_advance(&m, m.now + d);
		}
	}
	/* Drain: everything still armed fires, each at most one tick late. */
	unsigned guard = 0;
	while (m.narmed) {
		int64_t ns = ucql__wheel_next_ns(&m.w, m.now);
		cr_assert_geq(ns, 0);
		model_advance(&m, m.now + (uint64_t)ns);
		cr_assert_lt(++guard, 100000u);
	}
	cr_assert_gt(m.total_fired, (uint64_t)steps / 10, "the model fired too little to mean much");
	ucql__wheel_destroy(&m.w);
}

Test(timer_wheel, model_check_1ms_tick)
{
	run_model(0x9E3779B97F4A7C15ull, MS, 60000);
}

Test(timer_wheel, model_check_other_seeds_and_ticks)
{
	run_model(12345, MS, 20000);
	run_model(777, 1000, 20000);   /* 1 µs tick */
	run_model(4242, 7, 20000);     /* an odd tick */
	run_model(99, 250 * MS, 20000); /* a coarse tick */
}
