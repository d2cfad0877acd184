/*
 * Any message body: dispatch on the opcode to the per-message decoder
 * (request.h, response.h and the result/event/error headers it includes).
 */
#include "ucql/message.h"

int ucql_message_decode(int version, int opcode, ucql_bytes body, ucql_message *m)
{
	/* Unknown opcodes first: the caller learns "not a message" before
	 * anything about the version. */
	if (opcode < 0 || opcode > UCQL_OP_AUTH_SUCCESS || opcode == 0x04)
		return UCQL_E_BAD_OPCODE;
	if (version < UCQL_PROTOCOL_MIN || version > UCQL_PROTOCOL_MAX)
		return UCQL_E_BAD_VERSION;
	m->opcode = opcode;
	m->version = version;
	switch (opcode) {
	case UCQL_OP_STARTUP:
		return ucql_startup_decode(body, version, &m->u.startup);
	case UCQL_OP_OPTIONS:
		return ucql_options_decode(body, version);
	case UCQL_OP_REGISTER:
		return ucql_register_decode(body, version, &m->u.register_);
	case UCQL_OP_AUTH_RESPONSE:
		return ucql_auth_response_decode(body, version, &m->u.auth_response);
	case UCQL_OP_QUERY:
		return ucql_query_decode(body, version, &m->u.query);
	case UCQL_OP_PREPARE:
		return ucql_prepare_decode(body, version, &m->u.prepare);
	case UCQL_OP_EXECUTE:
		return ucql_execute_decode(body, version, &m->u.execute);
	case UCQL_OP_BATCH:
		return ucql_batch_decode(body, version, &m->u.batch);
	case UCQL_OP_ERROR:
		return ucql_error_msg_decode(body, version, &m->u.error);
	case UCQL_OP_READY:
		return ucql_ready_decode(body, version);
	case UCQL_OP_AUTHENTICATE:
		return ucql_authenticate_decode(body, version, &m->u.authenticate);
	case UCQL_OP_SUPPORTED:
		return ucql_supported_decode(body, version, &m->u.supported);
	case UCQL_OP_RESULT:
		return ucql_result_decode(body, version, &m->u.result);
	case UCQL_OP_EVENT:
		return ucql_event_decode(body, version, &m->u.event);
	case UCQL_OP_AUTH_CHALLENGE:
		return ucql_auth_challenge_decode(body, version, &m->u.auth_challenge);
	case UCQL_OP_AUTH_SUCCESS:
		return ucql_auth_success_decode(body, version, &m->u.auth_success);
	}
	return UCQL_E_BAD_OPCODE;
}
