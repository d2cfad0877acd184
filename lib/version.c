#include "ucql/common.h"

const char *ucql_version(void)
{
	return UCQL_VERSION_STR;
}

int ucql_version_num(void)
{
	return UCQL_VERSION_NUM;
}
