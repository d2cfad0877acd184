/*
 * futex.h — the blocking primitives under the submission ring's
 * back-pressure and the futures: futex wait/wake on a 32-bit word, a CPU
 * pause for spin loops, and a monotonic clock.
 *
 * Why futexes and not condition variables: a waiter announces itself with
 * a bit or counter in the same word (or next to it) that the other side
 * already reads, so the other side makes a system call only when someone
 * sleeps; and the kernel re-checks the word atomically before sleeping,
 * which closes the announce-then-sleep window without a mutex.
 *
 * The words are private to the process (FUTEX_*_PRIVATE). Any thread.
 * The including .c file must define _GNU_SOURCE (syscall()).
 */
#ifndef UCQL_IO_FUTEX_H
#define UCQL_IO_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Sleeps while *word == expected, at most timeout_ns (< 0: no limit).
 * Returns 0 when woken (possibly spuriously), -EAGAIN if *word already
 * differed, -ETIMEDOUT, or -EINTR. Callers re-check their condition in a
 * loop whatever it returns. */
static inline int ucql__futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t timeout_ns)
{
	struct timespec ts, *tp = NULL;
	if (timeout_ns >= 0) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000);
		ts.tv_nsec = (long)(timeout_ns % 1000000000);
		tp = &ts;
	}
	/* FUTEX_WAIT's timeout is relative (CLOCK_MONOTONIC). */
	long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, tp, NULL, 0);
	return r == 0 ? 0 : -errno;
}

/* Wakes up to n sleepers on word (INT_MAX: all). Returns how many woke. */
static inline int ucql__futex_wake(_Atomic uint32_t *word, int n)
{
	long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
	return r < 0 ? 0 : (int)r;
}

/* One spin-loop step: tells the CPU we are spinning (on x86 `pause`
 * yields the core's pipeline to its sibling hyper-thread and avoids the
 * memory-order mis-speculation flush when the awaited line changes). */
static inline void ucql__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* CLOCK_MONOTONIC in nanoseconds (vDSO: no system call). */
static inline int64_t ucql__mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
