/*
 * Logging inside the library. A session builds one ucql__logger from its
 * config; any thread may log through it (it is immutable after init, and
 * the callback is thread-safe by contract, ucql/config.h).
 *
 * Log with UCQL__LOG(&logger, UCQL_LOG_INFO, "fmt", ...): the level is
 * tested before the call, so a filtered message costs one compare and
 * its arguments are not evaluated. Not for the per-request hot path even
 * when enabled: formatting costs a vsnprintf.
 */
#ifndef UCQL_LOG_INT_H
#define UCQL_LOG_INT_H

#include "config_int.h"

typedef struct ucql__logger {
	int level;     /* most verbose level emitted: UCQL_LOG_ERROR .. _DEBUG */
	ucql_log_fn fn; /* NULL = stderr */
	void *ud;
} ucql__logger;

/* Messages longer than this (NUL included) are cut, ending in "...". */
#define UCQL__LOG_MAX 1024

/* Takes level, callback and ud from v (log.level, the log callback). */
void ucql__logger_init(ucql__logger *l, const ucql__cfg *v);

/* Formats the message into a stack buffer and hands it to l->fn, or writes
 * "ucql LEVEL: message\n" to stderr; drops it if level is above l->level.
 * Prefer UCQL__LOG, which skips the call and the arguments' evaluation. */
void ucql__log(const ucql__logger *l, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define UCQL__LOG(l, lvl, ...)                                                  \
	do {                                                                    \
		if ((lvl) <= (l)->level)                                        \
			ucql__log((l), (lvl), __VA_ARGS__);                     \
	} while (0)

#endif
