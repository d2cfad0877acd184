/*
 * ucql/message.h — any CQL message body, requests and responses alike: a
 * tagged union of the per-message structs and one decoder that dispatches
 * on the opcode (native_protocol_v4.spec §4, v5 §4).
 *
 * For code that sees messages of several kinds without knowing which in
 * advance: a capture reader (tools/inspect), a test server, a fuzz target.
 * The driver's hot path calls the per-message decoders directly.
 *
 * Pure functions; any thread may call them on its own structs.
 */
#ifndef UCQL_MESSAGE_H
#define UCQL_MESSAGE_H

#include "common.h"
#include "frame.h"
#include "request.h"
#include "response.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A decoded message. `opcode` (UCQL_OP_*) tells which member of `u` is
 * valid; OPTIONS and READY have empty bodies and no member. Every view in
 * the members borrows the body passed to ucql_message_decode.
 */
typedef struct ucql_message {
	int opcode;  /* UCQL_OP_* */
	int version; /* protocol version the body was decoded with */
	union {
		/* client → server */
		ucql_startup startup;
		ucql_register register_;
		ucql_auth_response auth_response;
		ucql_query query;
		ucql_prepare prepare;
		ucql_execute execute;
		ucql_batch batch;
		/* server → client */
		ucql_error_msg error;
		ucql_authenticate authenticate;
		ucql_supported supported;
		ucql_result result;
		ucql_event event;
		ucql_auth_challenge auth_challenge;
		ucql_auth_success auth_success;
	} u;
} ucql_message;

/*
 * Decodes the message body `body` (the frame's body after its tracing id,
 * warnings and custom payload sections: ucql_frame.body) of the given
 * opcode in protocol `version`, filling m->opcode, m->version and the
 * member of m->u for that opcode. Request and response opcodes are both
 * accepted (the direction is the frame header's business).
 * Returns 0, or:
 *   UCQL_E_BAD_OPCODE   not an opcode of the spec (m->u untouched);
 *   UCQL_E_BAD_VERSION  version outside 3..5;
 *   otherwise the error of the body decoder for that opcode
 *   (UCQL_E_TRUNCATED, UCQL_E_TRAILING, UCQL_E_BAD_LENGTH, …), in which
 *   case m->u's content is unspecified.
 */
UCQL_API int ucql_message_decode(int version, int opcode, ucql_bytes body, ucql_message *m);

/* ucql_message_decode of a decoded, parsed frame's body (f->parsed must be
 * 1: a compressed frame is decompressed first). UCQL_E_INVALID_ARG if not. */
static inline int ucql_message_decode_frame(const ucql_frame *f, ucql_message *m)
{
	if (!f->parsed)
		return UCQL_E_INVALID_ARG;
	return ucql_message_decode(f->h.version, f->h.opcode, f->body, m);
}

#ifdef __cplusplus
}
#endif
#endif
