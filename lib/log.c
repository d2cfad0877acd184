/* The library's logger (lib/log_int.h) and ucql_log_level_name. */
#include "log_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ucql_log_level_name(int level)
{
	switch (level) {
	case UCQL_LOG_ERROR:
		return "ERROR";
	case UCQL_LOG_WARN:
		return "WARN";
	case UCQL_LOG_INFO:
		return "INFO";
	case UCQL_LOG_DEBUG:
		return "DEBUG";
	default:
		return "UNKNOWN";
	}
}

void ucql__logger_init(ucql__logger *l, const ucql__cfg *v)
{
	l->level = v->log_level;
	l->fn = v->log_fn;
	l->ud = v->log_ud;
}

void ucql__log(const ucql__logger *l, int level, const char *fmt, ...)
{
	if (level > l->level)
		return;
	char msg[UCQL__LOG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(msg, sizeof msg, "(unformattable log message: %s)", fmt);
	else if ((size_t)n >= sizeof msg)
		memcpy(msg + sizeof msg - 4, "...", 4);
	if (l->fn)
		l->fn(l->ud, level, msg);
	else
		/* One fprintf: stdio locks the stream for the call, so lines
		 * from concurrent threads do not interleave. */
		fprintf(stderr, "ucql %s: %s\n", ucql_log_level_name(level), msg);
}
