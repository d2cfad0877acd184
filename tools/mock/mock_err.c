#include "mock_err.h"

#include <stdarg.h>
#include <stdio.h>

#include "ucql/common.h"

int mock_fail(int code, char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

int mock_nomem(char *err, size_t errlen)
{
	return mock_fail(UCQL_E_NOMEM, err, errlen, "out of memory");
}
