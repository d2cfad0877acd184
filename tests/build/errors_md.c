/*
 * Prints docs/errors.md from the error table (UCQL_ERROR_TABLE in
 * ucql/common.h), so the doc cannot drift from the code: the test
 * 'docs/errors' fails when the committed file differs. Regenerate with
 *   build/tests/build/errors-md > docs/errors.md
 */
#include <stdio.h>

#include "ucql/common.h"

int main(void)
{
	puts("# Errors\n");
	puts("Generated from `UCQL_ERROR_TABLE` in `include/ucql/common.h` by");
	puts("`build/tests/build/errors-md > docs/errors.md`; do not edit by hand.\n");
	puts("Local errors are negative. Server errors keep their wire code (native");
	puts("protocol spec §9), except the wire's Server error 0x0000, which is");
	puts("`UCQL_E_SERVER_ERROR` = 0x10000 here because 0 means success");
	puts("(`ucql_err_from_wire` / `ucql_err_to_wire` convert). `ucql_err_name()`,");
	puts("`ucql_err_str()` and `ucql_err_retriable()` read the same table.\n");
	puts("| name | code | message | retriable |");
	puts("|---|---|---|---|");
#define ROW(name, code, msg, retr)                                                   \
	if ((code) < 0)                                                              \
		printf("| `UCQL_" #name "` | %d | %s | %s |\n", (code), msg, (retr) ? "yes" : "no"); \
	else                                                                         \
		printf("| `UCQL_" #name "` | 0x%04X | %s | %s |\n", (unsigned)(code), msg, (retr) ? "yes" : "no");
	UCQL_ERROR_TABLE(ROW)
#undef ROW
	return 0;
}
