#include <criterion/criterion.h>
#include <string.h>

#include "ucql/common.h"

Test(error, names_and_messages_come_from_the_table)
{
	cr_assert_str_eq(ucql_err_name(UCQL_E_TRUNCATED), "UCQL_E_TRUNCATED");
	cr_assert_str_eq(ucql_err_name(UCQL_E_UNAVAILABLE), "UCQL_E_UNAVAILABLE");
	cr_assert_str_eq(ucql_err_str(UCQL_E_CRC), "CRC mismatch");
	cr_assert_str_eq(ucql_err_name(-12345), "UCQL_E_UNKNOWN");
	cr_assert_str_eq(ucql_err_str(-12345), "unknown error");
}

Test(error, server_errors_keep_wire_codes_except_server_error)
{
	cr_assert_eq(UCQL_E_UNAVAILABLE, 0x1000);
	cr_assert_eq(UCQL_E_UNPREPARED, 0x2500);
	cr_assert_eq(ucql_err_from_wire(0), UCQL_E_SERVER_ERROR);
	cr_assert_eq(ucql_err_to_wire(UCQL_E_SERVER_ERROR), 0);
	cr_assert_eq(ucql_err_from_wire(0x1200), UCQL_E_READ_TIMEOUT);
	/* A server cannot impersonate a local error, nor send ucql's own code. */
	cr_assert_eq(ucql_err_from_wire(UCQL_E_TRUNCATED), UCQL_E_SERVER_ERROR);
	cr_assert_eq(ucql_err_from_wire(0x10000), UCQL_E_SERVER_ERROR);
	cr_assert_eq(ucql_err_from_wire(0x7777), 0x7777);
	cr_assert_eq(ucql_err_to_wire(UCQL_E_READ_TIMEOUT), 0x1200);
}

Test(error, retriable_flags)
{
	cr_assert(ucql_err_retriable(UCQL_E_UNAVAILABLE));
	cr_assert(ucql_err_retriable(UCQL_E_OVERLOADED));
	cr_assert_not(ucql_err_retriable(UCQL_E_SYNTAX));
	cr_assert_not(ucql_err_retriable(UCQL_E_CRC));
}

Test(error, version)
{
	cr_assert_eq(ucql_version_num(), UCQL_VERSION_NUM);
	cr_assert_str_eq(ucql_version(), UCQL_VERSION_STR);
}
