/* Spec names of opcodes and consistency levels, for tools and messages. */
#include "ucql/wire.h"

static const char *const opcode_names[] = {
	[UCQL_OP_ERROR] = "ERROR",
	[UCQL_OP_STARTUP] = "STARTUP",
	[UCQL_OP_READY] = "READY",
	[UCQL_OP_AUTHENTICATE] = "AUTHENTICATE",
	[UCQL_OP_OPTIONS] = "OPTIONS",
	[UCQL_OP_SUPPORTED] = "SUPPORTED",
	[UCQL_OP_QUERY] = "QUERY",
	[UCQL_OP_RESULT] = "RESULT",
	[UCQL_OP_PREPARE] = "PREPARE",
	[UCQL_OP_EXECUTE] = "EXECUTE",
	[UCQL_OP_REGISTER] = "REGISTER",
	[UCQL_OP_EVENT] = "EVENT",
	[UCQL_OP_BATCH] = "BATCH",
	[UCQL_OP_AUTH_CHALLENGE] = "AUTH_CHALLENGE",
	[UCQL_OP_AUTH_RESPONSE] = "AUTH_RESPONSE",
	[UCQL_OP_AUTH_SUCCESS] = "AUTH_SUCCESS",
};

const char *ucql_opcode_name(int opcode)
{
	if (opcode < 0 || (size_t)opcode >= sizeof opcode_names / sizeof opcode_names[0])
		return NULL;
	return opcode_names[opcode];
}

int ucql_opcode_is_request(int opcode)
{
	switch (opcode) {
	case UCQL_OP_STARTUP: case UCQL_OP_OPTIONS: case UCQL_OP_QUERY:
	case UCQL_OP_PREPARE: case UCQL_OP_EXECUTE: case UCQL_OP_REGISTER:
	case UCQL_OP_BATCH: case UCQL_OP_AUTH_RESPONSE:
		return 1;
	case UCQL_OP_ERROR: case UCQL_OP_READY: case UCQL_OP_AUTHENTICATE:
	case UCQL_OP_SUPPORTED: case UCQL_OP_RESULT: case UCQL_OP_EVENT:
	case UCQL_OP_AUTH_CHALLENGE: case UCQL_OP_AUTH_SUCCESS:
		return 0;
	default:
		return -1;
	}
}

static const char *const cl_names[] = {
	"ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL",
	"LOCAL_QUORUM", "EACH_QUORUM", "SERIAL", "LOCAL_SERIAL", "LOCAL_ONE",
};

const char *ucql_consistency_name(int cl)
{
	if (cl < 0 || (size_t)cl >= sizeof cl_names / sizeof cl_names[0])
		return NULL;
	return cl_names[cl];
}
