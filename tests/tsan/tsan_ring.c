/*
 * Stress of the submission ring (lib/io/submit_ring.c), meant for
 * ThreadSanitizer builds (suite 'tsan') and run in the normal and ASan
 * builds too (suite 'unit'): more producer threads than CPUs against one
 * consumer that sleeps on the eventfd whenever the ring is empty.
 *
 * Checked: every item arrives exactly once and in its producer's order;
 * no wake-up is lost (the consumer's poll has a 60 s limit, and the
 * program a hang guard); push_wait back-pressure on a tiny ring; close
 * while producers wait — every push that returned 0 is delivered, no
 * other.
 *
 * `tsan_ring --bench` measures instead (not a test): push+pop throughput
 * with 1 and 2 producers, and eventfd wake-ups per item for a consumer
 * that drains in batches and sleeps when idle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ucql/common.h"
#include "../../lib/io/futex.h"
#include "../../lib/io/submit_ring.h"
#include "check.h"

#define MAXP 8
#define UNTIL_CLOSED_MAX 65536

/* An item points to a message the producer wrote with plain stores just
 * before the push, and the consumer reads with plain loads: only the
 * ring's publish (release) / pop (acquire) orders them, so TSan checks
 * that ordering. */
static void *message(uint64_t *msgs, int id, uint32_t seq)
{
	msgs[seq] = ((uint64_t)id << 32) | seq;
	return &msgs[seq];
}

enum { MODE_SPIN, MODE_YIELD, MODE_WAIT, MODE_WAIT_UNTIL_CLOSED, MODE_WAIT_SHORT };

struct producer {
	ucql__sring *q;
	int id;
	int mode;
	uint32_t count;      /* items to push (MODE_WAIT_UNTIL_CLOSED: upper bound) */
	uint32_t pushed;     /* pushes that returned 0 */
	uint32_t full;       /* MODE_WAIT_SHORT: pushes that timed out */
	int errors;
	_Atomic int done;
	uint64_t *msgs;      /* count messages */
};

static void *producer_main(void *arg)
{
	struct producer *p = arg;
	uint32_t seq = 0;
	for (uint32_t i = 0; i < p->count; i++) {
		void *it = message(p->msgs, p->id, seq);
		int r;
		switch (p->mode) {
		case MODE_SPIN:
			while ((r = ucql__sring_push(p->q, it)) == UCQL_E_QUEUE_FULL)
				ucql__cpu_relax();
			break;
		case MODE_YIELD:
			while ((r = ucql__sring_push(p->q, it)) == UCQL_E_QUEUE_FULL)
				sched_yield();
			break;
		case MODE_WAIT_SHORT:
			r = ucql__sring_push_wait(p->q, it, 50);
			if (r == UCQL_E_QUEUE_FULL) {
				p->full++;
				continue; /* this seq is skipped: it never entered */
			}
			break;
		default:
			r = ucql__sring_push_wait(p->q, it, -1);
			break;
		}
		if (r == UCQL_E_CLOSED && p->mode == MODE_WAIT_UNTIL_CLOSED)
			break;
		if (r != 0) {
			p->errors++;
			break;
		}
		p->pushed++;
		seq++;
	}
	atomic_store(&p->done, 1);
	return NULL;
}

struct consumer_stats {
	uint64_t got[MAXP];   /* items received per producer */
	uint64_t announces; /* prepare_sleep calls */
	uint64_t sleeps;
	uint64_t pops;
};

/* Pops one batch and checks order; returns the batch size. */
static uint32_t consume(ucql__sring *q, struct consumer_stats *st, uint32_t batch)
{
	void *out[256];
	uint32_t n = ucql__sring_pop(q, out, batch);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t v = *(const uint64_t *)out[i];
		uint32_t id = (uint32_t)(v >> 32), seq = (uint32_t)v;
		CHECK(id < MAXP, "bad producer id %u", id);
		if (id >= MAXP)
			continue;
		CHECK(seq == st->got[id], "producer %u: item %u arrived, expected %lu", id, seq,
		      (unsigned long)st->got[id]);
		st->got[id] = (uint64_t)seq + 1;
	}
	if (n)
		st->pops++;
	return n;
}

/* Sleeps until woken; 0 on a wake-up (or nothing to wait for), -1 if
 * 60 s passed: a lost wake-up. */
static int consumer_sleep(ucql__sring *q, struct consumer_stats *st)
{
	st->announces++;
	if (!ucql__sring_prepare_sleep(q)) {
		ucql__sring_cancel_sleep(q);
		return 0;
	}
	struct pollfd pfd = { ucql__sring_eventfd(q), POLLIN, 0 };
	int r;
	do
		r = poll(&pfd, 1, 60000);
	while (r < 0 && errno == EINTR);
	if (r == 1) {
		uint64_t v;
		ssize_t rd = read(pfd.fd, &v, sizeof v);
		(void)rd;
	}
	ucql__sring_cancel_sleep(q);
	st->sleeps++;
	return r == 1 ? 0 : -1;
}

/* n producers with the given modes; the consumer pops `batch` at a time
 * and sleeps whenever the ring is empty, until every item arrived. */
static void run(uint32_t cap, int n, const int *modes, uint32_t per, uint32_t batch)
{
	ucql__sring q;
	CHECK(ucql__sring_init(&q, cap) == 0, "init");
	struct producer p[MAXP];
	pthread_t t[MAXP];
	for (int i = 0; i < n; i++) {
		memset(&p[i], 0, sizeof p[i]);
		p[i].q = &q;
		p[i].id = i;
		p[i].mode = modes[i];
		p[i].count = per;
		p[i].msgs = calloc(per, sizeof *p[i].msgs);
		pthread_create(&t[i], NULL, producer_main, &p[i]);
	}
	struct consumer_stats st;
	memset(&st, 0, sizeof st);
	uint64_t total = 0, want = (uint64_t)n * per;
	while (total < want) {
		uint32_t k = consume(&q, &st, batch);
		total += k;
		if (k == 0 && consumer_sleep(&q, &st) < 0) {
			CHECK(0, "lost wake-up: slept 60 s with %lu of %lu items", (unsigned long)total,
			      (unsigned long)want);
			break;
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		CHECK(p[i].errors == 0, "producer %d: %d push errors", i, p[i].errors);
		CHECK(st.got[i] == per, "producer %d: %lu of %u items", i, (unsigned long)st.got[i], per);
		free(p[i].msgs);
	}
	void *out[4];
	CHECK(ucql__sring_pop(&q, out, 4) == 0, "nothing extra");
	/* At most one eventfd write per announced sleep (one that prepare_sleep
	 * then cancelled may get one too: it leaves a spurious wake-up). */
	CHECK(ucql__sring_wakeups(&q) <= st.announces, "%lu eventfd writes for %lu announced sleeps",
	      (unsigned long)ucql__sring_wakeups(&q), (unsigned long)st.announces);
	printf("     %lu items, %lu batches, %lu sleeps, %lu eventfd writes, %lu producer futex wakes\n",
	       (unsigned long)want, (unsigned long)st.pops, (unsigned long)st.sleeps,
	       (unsigned long)ucql__sring_wakeups(&q), (unsigned long)ucql__sring_space_wakes(&q));
	ucql__sring_destroy(&q);
}

static uint32_t per_producer(void)
{
	/* TSan slows everything down ~10x; the interleavings are what count. */
	const char *e = getenv("TSAN_RING_ITEMS");
	return e ? (uint32_t)strtoul(e, NULL, 10) : 40000;
}

static void eight_producers_sleeping_consumer(void)
{
	int modes[8] = { MODE_SPIN, MODE_YIELD, MODE_WAIT, MODE_SPIN,
			 MODE_YIELD, MODE_WAIT, MODE_WAIT, MODE_YIELD };
	run(256, 8, modes, per_producer(), 64);
}

static void backpressure_tiny_ring(void)
{
	int modes[8] = { MODE_WAIT, MODE_WAIT, MODE_WAIT, MODE_WAIT,
			 MODE_WAIT, MODE_WAIT, MODE_WAIT, MODE_WAIT };
	run(2, 8, modes, per_producer() / 4, 1);
}

static void backpressure_batch_consumer(void)
{
	int modes[4] = { MODE_WAIT, MODE_WAIT, MODE_YIELD, MODE_WAIT };
	run(8, 4, modes, per_producer() / 2, 8);
}

/* Producers with a 50 µs push_wait timeout against a consumer that pops
 * one item per iteration: some pushes time out; exactly the others arrive
 * (checked per producer: its accepted items are numbered consecutively). */
static void timeouts_lose_nothing(void)
{
	ucql__sring q;
	CHECK(ucql__sring_init(&q, 4) == 0, "init");
	enum { N = 4 };
	struct producer p[N];
	pthread_t t[N];
	uint32_t per = per_producer() / 8;
	for (int i = 0; i < N; i++) {
		memset(&p[i], 0, sizeof p[i]);
		p[i].q = &q;
		p[i].id = i;
		p[i].mode = MODE_WAIT_SHORT;
		p[i].count = per;
		p[i].msgs = calloc(per, sizeof *p[i].msgs);
		pthread_create(&t[i], NULL, producer_main, &p[i]);
	}
	struct consumer_stats st;
	memset(&st, 0, sizeof st);
	for (;;) {
		int all_done = 1;
		for (int i = 0; i < N; i++)
			all_done &= atomic_load(&p[i].done);
		uint32_t k = consume(&q, &st, 1);
		if (k == 0 && all_done && consume(&q, &st, 256) == 0)
			break;
		if (k == 0)
			sched_yield();
	}
	uint64_t timeouts = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		CHECK(p[i].errors == 0, "producer %d errors", i);
		CHECK(st.got[i] == p[i].pushed, "producer %d: %lu received, %u accepted", i,
		      (unsigned long)st.got[i], p[i].pushed);
		CHECK(p[i].pushed + p[i].full == per, "producer %d: accounted", i);
		timeouts += p[i].full;
		free(p[i].msgs);
	}
	printf("     %u pushes, %lu timed out\n", N * per, (unsigned long)timeouts);
	ucql__sring_destroy(&q);
}

/* Producers block in push_wait on a full ring; the consumer takes some,
 * closes, then drains: every push that returned 0 arrives, each producer
 * returns UCQL_E_CLOSED, and nothing arrives after drained. */
static void close_while_producers_wait(void)
{
	for (int round = 0; round < 20; round++) {
		ucql__sring q;
		CHECK(ucql__sring_init(&q, 4) == 0, "init");
		enum { N = 6 };
		struct producer p[N];
		pthread_t t[N];
		for (int i = 0; i < N; i++) {
			memset(&p[i], 0, sizeof p[i]);
			p[i].q = &q;
			p[i].id = i;
			p[i].mode = MODE_WAIT_UNTIL_CLOSED;
			p[i].count = UNTIL_CLOSED_MAX; /* far more than the run takes */
			p[i].msgs = calloc(UNTIL_CLOSED_MAX, sizeof *p[i].msgs);
			pthread_create(&t[i], NULL, producer_main, &p[i]);
		}
		struct consumer_stats st;
		memset(&st, 0, sizeof st);
		uint64_t taken = 0, stop_at = 200 + (uint64_t)round * 37;
		while (taken < stop_at) {
			uint32_t k = consume(&q, &st, 3);
			taken += k;
			if (k == 0 && consumer_sleep(&q, &st) < 0) {
				CHECK(0, "lost wake-up");
				break;
			}
		}
		ucql__sring_close(&q);
		int64_t guard = ucql__mono_ns() + 60 * INT64_C(1000000000);
		while (!ucql__sring_drained(&q)) {
			if (consume(&q, &st, 256) == 0)
				sched_yield();
			if (ucql__mono_ns() > guard) {
				CHECK(0, "never drained");
				break;
			}
		}
		for (int i = 0; i < N; i++) {
			pthread_join(t[i], NULL);
			CHECK(p[i].errors == 0, "producer %d: unexpected error", i);
			CHECK(st.got[i] == p[i].pushed, "round %d producer %d: %lu received, %u accepted",
			      round, i, (unsigned long)st.got[i], p[i].pushed);
			CHECK(p[i].pushed < UNTIL_CLOSED_MAX, "producer %d never saw the close", i);
			free(p[i].msgs);
		}
		void *out[1];
		CHECK(ucql__sring_pop(&q, out, 1) == 0, "nothing after drained");
		CHECK(ucql__sring_push(&q, out) == UCQL_E_CLOSED, "closed");
		ucql__sring_destroy(&q);
	}
}

/* ---- measurements (--bench) --------------------------------------------- */

struct bench_prod {
	ucql__sring *q;
	uint64_t n;
	uint32_t burst;    /* 0: push flat out; else bursts, then a pause */
	uint64_t pause_ns;
};

static void *bench_producer(void *arg)
{
	struct bench_prod *b = arg;
	for (uint64_t i = 0; i < b->n; i++) {
		while (ucql__sring_push(b->q, (void *)(uintptr_t)(i + 1)) != 0)
			ucql__cpu_relax();
		if (b->burst && (i + 1) % b->burst == 0) {
			/* pacing, not synchronisation: the producer idles */
			struct timespec ts = { 0, (long)b->pause_ns };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

/* The consumer drains in batches of 64. spin_ns < 0: it busy-polls and
 * never sleeps; else, finding the ring empty, it keeps polling for spin_ns
 * (the shard's spin.us), then sleeps on the eventfd. */
static void bench_one(int producers, uint64_t per, uint32_t burst, uint64_t pause_ns,
		      int64_t spin_ns)
{
	ucql__sring q;
	if (ucql__sring_init(&q, 1024) != 0)
		exit(1);
	struct bench_prod b[MAXP];
	pthread_t t[MAXP];
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	int64_t t0 = ucql__mono_ns();
	for (int i = 0; i < producers; i++) {
		b[i] = (struct bench_prod){ &q, per, burst, pause_ns };
		pthread_create(&t[i], NULL, bench_producer, &b[i]);
	}
	uint64_t got = 0, want = per * (uint64_t)producers, batches = 0;
	void *out[64];
	struct consumer_stats st;
	memset(&st, 0, sizeof st);
	while (got < want) {
		uint32_t n = ucql__sring_pop(&q, out, 64);
		got += n;
		batches += n != 0;
		if (n != 0)
			continue;
		if (spin_ns < 0) {
			ucql__cpu_relax(); /* as a polling shard would */
			continue;
		}
		int64_t until = ucql__mono_ns() + spin_ns;
		while (spin_ns > 0 && (n = ucql__sring_pop(&q, out, 64)) == 0 && ucql__mono_ns() < until)
			ucql__cpu_relax();
		got += n;
		batches += n != 0;
		if (n == 0)
			consumer_sleep(&q, &st);
	}
	int64_t ns = ucql__mono_ns() - t0;
	for (int i = 0; i < producers; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	double cpu_ns = (double)(c1.tv_sec - c0.tv_sec) * 1e9 + (double)(c1.tv_nsec - c0.tv_nsec);
	char what[64];
	if (burst)
		snprintf(what, sizeof what, "bursts of %u, %lu us apart", burst,
			 (unsigned long)(pause_ns / 1000));
	else
		snprintf(what, sizeof what, "flat out");
	char cons[48];
	if (spin_ns < 0)
		snprintf(cons, sizeof cons, "busy-polls");
	else
		snprintf(cons, sizeof cons, "spins %lu us, sleeps", (unsigned long)(spin_ns / 1000));
	printf("  %dP %-26s consumer %-20s %8.2f M items/s  %7.1f ns CPU/item  "
	       "%6.1f items/batch  %.4f wake-ups/item\n",
	       producers, what, cons, (double)want * 1e3 / (double)ns, cpu_ns / (double)want,
	       (double)want / (double)batches, (double)ucql__sring_wakeups(&q) / (double)want);
	ucql__sring_destroy(&q);
}

/* One thread pushes `burst` items, then pops them: the instructions of a
 * push and a pop with no other thread around (CPU time: load-independent). */
static void bench_same_thread(uint32_t burst)
{
	ucql__sring q;
	if (ucql__sring_init(&q, 1024) != 0)
		exit(1);
	void *out[64];
	uint64_t n = 20000000;
	struct timespec c0, c1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	for (uint64_t i = 0; i < n; i += burst) {
		for (uint32_t k = 0; k < burst; k++)
			ucql__sring_push(&q, out);
		for (uint32_t got = 0; got < burst;)
			got += ucql__sring_pop(&q, out, 64);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	double ns = (double)(c1.tv_sec - c0.tv_sec) * 1e9 + (double)(c1.tv_nsec - c0.tv_nsec);
	printf("  same thread, push %u then pop them (batches of up to 64): %.1f ns CPU per "
	       "push+pop (%.0f M/s)\n", burst, ns / (double)n, (double)n * 1e3 / ns);
	ucql__sring_destroy(&q);
}

static _Atomic uint64_t pp_word;

static void *pp_peer(void *arg)
{
	uint64_t n = (uint64_t)(uintptr_t)arg;
	for (uint64_t i = 1; i <= n; i++) {
		while (atomic_load_explicit(&pp_word, memory_order_acquire) != 2 * i - 1)
			ucql__cpu_relax();
		atomic_store_explicit(&pp_word, 2 * i, memory_order_release);
	}
	return NULL;
}

/* A cache line bounced between two threads: how busy the machine is (on
 * an idle 2-vCPU VM ~0.2-0.5 µs; far more when other processes compete
 * for the CPUs, and then every cross-thread figure below suffers). */
static void bench_pingpong(void)
{
	uint64_t n = 100000;
	pthread_t t;
	atomic_store(&pp_word, 0);
	int64_t t0 = ucql__mono_ns();
	pthread_create(&t, NULL, pp_peer, (void *)(uintptr_t)n);
	for (uint64_t i = 1; i <= n; i++) {
		atomic_store_explicit(&pp_word, 2 * i - 1, memory_order_release);
		while (atomic_load_explicit(&pp_word, memory_order_acquire) != 2 * i)
			ucql__cpu_relax();
	}
	pthread_join(t, NULL);
	printf("  cache-line round trip between two threads: %.2f us\n",
	       (double)(ucql__mono_ns() - t0) / (double)n / 1000.0);
}

static int bench(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("load average before: ");
	FILE *la = fopen("/proc/loadavg", "r");
	char buf[64] = "?";
	if (la) {
		if (!fgets(buf, sizeof buf, la))
			buf[0] = '\0';
		fclose(la);
	}
	printf("%s", buf);
	bench_pingpong();
	bench_same_thread(1);
	bench_same_thread(64);
	printf("submission ring, capacity 1024, consumer pops up to 64 at a time (wall clock; "
	       "CPU = all threads):\n");
	for (int rep = 0; rep < 3; rep++) {
		bench_one(1, 5000000, 0, 0, -1);
		bench_one(2, 2500000, 0, 0, -1);
	}
	bench_one(1, 2000000, 0, 0, 0);
	bench_one(2, 1000000, 0, 0, 0);
	bench_one(1, 2000000, 0, 0, 20000);
	static const uint32_t bursts[] = { 1, 16, 64, 256 };
	for (int i = 0; i < 4; i++) {
		bench_one(1, 2000 * (uint64_t)bursts[i], bursts[i], 200000, 0);
		bench_one(1, 2000 * (uint64_t)bursts[i], bursts[i], 200000, 20000);
	}
	bench_pingpong();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
		return bench();
	check_init(600);
	check_run("eight producers, consumer sleeping on the eventfd", eight_producers_sleeping_consumer);
	check_run("push_wait back-pressure, ring of 2, pops of 1", backpressure_tiny_ring);
	check_run("push_wait back-pressure, ring of 8, pops of 8", backpressure_batch_consumer);
	check_run("push_wait timeouts deliver exactly the accepted items", timeouts_lose_nothing);
	check_run("close while producers wait", close_while_producers_wait);
	return check_done();
}
