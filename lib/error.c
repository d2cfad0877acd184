/* The error table's lookups (the table itself is in ucql/common.h). */
#include "ucql/common.h"

#include <string.h>

struct entry {
	int code;
	const char *name;
	const char *msg;
	int retriable;
};

static const struct entry table[] = {
#define E(name, code, msg, retr) { code, "UCQL_" #name, msg, retr },
	UCQL_ERROR_TABLE(E)
#undef E
};

static const struct entry *find(int code)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return &table[i];
	return NULL;
}

const char *ucql_err_name(int code)
{
	const struct entry *e = find(code);
	return e ? e->name : "UCQL_E_UNKNOWN";
}

const char *ucql_err_str(int code)
{
	const struct entry *e = find(code);
	return e ? e->msg : "unknown error";
}

int ucql_err_retriable(int code)
{
	const struct entry *e = find(code);
	return e ? e->retriable : 0;
}

int ucql_err_from_wire(int32_t wire_code)
{
	/* Wire codes are non-negative and below 0x10000; anything else (a
	 * negative code would read as a local decode error) is reported as a
	 * server error of unknown kind. */
	if (wire_code <= 0 || wire_code >= UCQL_E_SERVER_ERROR)
		return UCQL_E_SERVER_ERROR;
	return (int)wire_code;
}

int32_t ucql_err_to_wire(int code)
{
	return code == UCQL_E_SERVER_ERROR ? 0 : (int32_t)code;
}

ucql_bytes ucql_bytes_str(const char *s)
{
	return ucql_bytes_of(s, s ? strlen(s) : 0);
}

int ucql_bytes_eq_str(ucql_bytes b, const char *s)
{
	size_t n = strlen(s);
	return b.len == n && (n == 0 || memcmp(b.p, s, n) == 0);
}
