/* Error reporting shared by the mock's modules: a code plus a message
 * written into a caller buffer (err may be NULL or errlen 0). */
#ifndef MOCK_ERR_H
#define MOCK_ERR_H

#include <stddef.h>

/* Formats the message into err[errlen] and returns code. */
int mock_fail(int code, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* mock_fail(UCQL_E_NOMEM, err, errlen, "out of memory"). */
int mock_nomem(char *err, size_t errlen);

#endif
