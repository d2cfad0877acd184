/*
 * ucql/response.h — bodies of the server→client messages of the CQL native
 * protocol v3–v5 (native_protocol_v4.spec §4.2, v5 §4.2): READY,
 * AUTHENTICATE, SUPPORTED, AUTH_CHALLENGE, AUTH_SUCCESS here; RESULT in
 * ucql/result.h, EVENT in ucql/event.h, ERROR in ucql/error_msg.h (all
 * included below).
 *
 * Every message has a body encoder (for servers: ucql's test cluster) and a
 * body decoder (for the driver):
 *
 *   void ucql_<msg>_encode(ucql_writer *w, int version, const ucql_<msg> *m);
 *   int  ucql_<msg>_decode(ucql_bytes body, int version, ucql_<msg> *m);
 *
 * Encoders write only the message body (the frame layer adds the header,
 * tracing id, warnings and custom payload) and report problems in w->err:
 * UCQL_E_NOSPACE past capacity (w->len is then the size needed; a NULL
 * buffer measures), UCQL_E_INVALID_ARG for a field the version cannot
 * carry or a bad version. Decoders take the whole message body, never
 * allocate, never read outside it, and return 0, or UCQL_E_BAD_VERSION
 * (version outside 3..5), UCQL_E_TRUNCATED, UCQL_E_BAD_LENGTH, or
 * UCQL_E_TRAILING when bytes are left over; the decoded struct then holds
 * views into `body`, valid as long as the caller's buffer. On error the
 * struct's content is unspecified.
 *
 * All functions are pure: any thread may call them on its own structs.
 */
#ifndef UCQL_RESPONSE_H
#define UCQL_RESPONSE_H

#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* READY (§4.2.2): an empty body. Decode: 0, or UCQL_E_TRAILING if not empty. */
UCQL_API void ucql_ready_encode(ucql_writer *w, int version);
UCQL_API int ucql_ready_decode(ucql_bytes body, int version);

/* AUTHENTICATE (§4.2.3): the [string] class name of the server's
 * IAuthenticator, e.g. "org.apache.cassandra.auth.PasswordAuthenticator". */
typedef struct ucql_authenticate {
	ucql_bytes authenticator;
} ucql_authenticate;

UCQL_API void ucql_authenticate_encode(ucql_writer *w, int version, const ucql_authenticate *m);
UCQL_API int ucql_authenticate_decode(ucql_bytes body, int version, ucql_authenticate *m);

/* SUPPORTED (§4.2.4): a [string multimap] of STARTUP options and their
 * values (CQL_VERSION, COMPRESSION, PROTOCOL_VERSIONS …). Look keys up with
 * ucql_string_multimap_get(m.options, "COMPRESSION", &vals) or iterate with
 * ucql_string_multimap_next (ucql/wire.h). */
typedef struct ucql_supported {
	ucql_list_view options;
} ucql_supported;

/* Writes m->options (a validated multimap view, e.g. one decoded earlier). */
UCQL_API void ucql_supported_encode(ucql_writer *w, int version, const ucql_supported *m);
/* Writes a SUPPORTED body from arrays: n keys, key i with counts[i] values
 * taken in order from vals (as ucql_write_string_multimap). Copies nothing. */
UCQL_API void ucql_supported_encode_arrays(ucql_writer *w, int version, const ucql_bytes *keys,
					   const size_t *counts, size_t n, const ucql_bytes *vals);
UCQL_API int ucql_supported_decode(ucql_bytes body, int version, ucql_supported *m);

/* AUTH_CHALLENGE (§4.2.7) and AUTH_SUCCESS (§4.2.8): one [bytes] token,
 * which may be null (token.len == UCQL_NULL) or empty (len 0). */
typedef struct ucql_auth_challenge {
	ucql_value token;
} ucql_auth_challenge;

typedef struct ucql_auth_success {
	ucql_value token;
} ucql_auth_success;

/* A token with a negative len is written as null. */
UCQL_API void ucql_auth_challenge_encode(ucql_writer *w, int version, const ucql_auth_challenge *m);
UCQL_API int ucql_auth_challenge_decode(ucql_bytes body, int version, ucql_auth_challenge *m);
UCQL_API void ucql_auth_success_encode(ucql_writer *w, int version, const ucql_auth_success *m);
UCQL_API int ucql_auth_success_decode(ucql_bytes body, int version, ucql_auth_success *m);

#ifdef __cplusplus
}
#endif

#include "error_msg.h"
#include "event.h"
#include "result.h"

#endif
