/*
 * A tiny harness for the concurrency stress programs of tests/tsan/:
 * plain C (no Criterion: its forked workers and ThreadSanitizer do not
 * mix well), one process, scenarios run in turn. Each prints one line per
 * scenario and, at the end, "N passed, M failed" (tools/summarize-tests.py
 * counts those). A hang guard (alarm) turns a lost wake-up into a failure
 * instead of a stuck test.
 */
#ifndef UCQL_TESTS_TSAN_CHECK_H
#define UCQL_TESTS_TSAN_CHECK_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_failures; /* failures in the running scenario */
static int check_passed, check_failed;
static const char *check_scenario = "";

/* CHECK(cond, fmt, ...): records a failure (does not stop the scenario:
 * the threads it started must still be joined). Main thread only. */
#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			check_failures++;                                \
			fprintf(stderr, "%s:%d: %s: check failed: %s: ", \
				__FILE__, __LINE__, check_scenario, #cond); \
			fprintf(stderr, __VA_ARGS__);                    \
			fputc('\n', stderr);                             \
		}                                                        \
	} while (0)

static void check_on_alarm(int sig)
{
	static const char m[] = "hang guard: the scenario did not finish in time (lost wake-up?)\n";
	ssize_t w = write(2, m, sizeof m - 1);
	(void)w;
	(void)sig;
	_exit(2);
}

/* Arms the hang guard for the whole program. */
static inline void check_init(unsigned guard_s)
{
	signal(SIGALRM, check_on_alarm);
	alarm(guard_s);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline void check_run(const char *name, void (*fn)(void))
{
	check_scenario = name;
	check_failures = 0;
	fn();
	if (check_failures) {
		check_failed++;
		printf("FAIL %s (%d checks)\n", name, check_failures);
	} else {
		check_passed++;
		printf("ok   %s\n", name);
	}
}

/* Prints the summary line; the exit status. */
static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
