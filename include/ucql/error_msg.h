/*
 * ucql/error_msg.h — the ERROR message body (native_protocol_v4.spec §4.2.1
 * and §9, v5 §8): [int] code, [string] message, then a code-specific
 * extra body.
 *
 * Conventions (encode/decode signatures, ownership, errors): see
 * ucql/response.h. Pure functions; any thread.
 *
 * Extra bodies, per wire code:
 *   0x1000 Unavailable        <cl><required:int><alive:int>
 *   0x1100 Write_timeout      <cl><received><blockfor><writeType:string>
 *                             [+ <contentions:short> in v5 when writeType is "CAS"]
 *   0x1200 Read_timeout       <cl><received><blockfor><data_present:byte>
 *   0x1300 Read_failure       <cl><received><blockfor><failures><data_present>
 *   0x1400 Function_failure   <keyspace:string><function:string><arg_types:string list>
 *   0x1500 Write_failure      <cl><received><blockfor><failures><writeType>
 *   0x1700 CAS_write_unknown  <cl><received><blockfor>
 *   0x2400 Already_exists     <keyspace:string><table:string> (table "" for a keyspace)
 *   0x2500 Unprepared         <id:short bytes>
 *   any other known code      nothing
 * <failures> is an [int] count in v3/v4 and, in v5, a reason map: [int] n
 * then n × (<endpoint:inetaddr><failure code:short>).
 *
 * Version notes: v3 has no 0x1300–0x1700 codes; ucql reads and writes them
 * in their v4 form there. A code ucql does not know (e.g. one a later
 * Cassandra adds) decodes without error: its remaining bytes, whatever they
 * are, are left in `extra` rather than reported as UCQL_E_TRAILING, so a
 * driver keeps working when servers grow new errors.
 */
#ifndef UCQL_ERROR_MSG_H
#define UCQL_ERROR_MSG_H

#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ucql_error_msg {
	int32_t wire_code;  /* the code as on the wire (0x0000 = Server error) */
	int code;           /* ucql_err_from_wire(wire_code): 0x0000 → UCQL_E_SERVER_ERROR */
	ucql_bytes message; /* [string], not checked for UTF-8 */

	/* Extra body; a field is meaningful only for the codes named. */
	uint16_t consistency;  /* Unavailable, timeouts, failures, CAS_write_unknown */
	int32_t required;      /* Unavailable */
	int32_t alive;         /* Unavailable */
	int32_t received;      /* timeouts, failures, CAS_write_unknown */
	int32_t block_for;     /* timeouts, failures, CAS_write_unknown */
	ucql_bytes write_type; /* Write_timeout, Write_failure: "SIMPLE", "CAS" … */
	int32_t contentions;   /* v5 Write_timeout with writeType "CAS"; else -1 */
	uint8_t data_present;  /* Read_timeout, Read_failure */
	/* Read_failure, Write_failure: v3/v4 the [int] numfailures; v5 the
	 * number of reason-map entries (>= 0), which are in `reasons`. */
	int32_t num_failures;
	/* v5 reason map entries (after the [int] count), validated: iterate
	 * with ucql_failure_reason_next. Empty before v5. */
	ucql_bytes reasons;
	ucql_bytes keyspace;       /* Function_failure, Already_exists */
	ucql_bytes name;           /* Function_failure: function; Already_exists: table */
	ucql_list_view arg_types;  /* Function_failure: CQL type of each argument */
	ucql_bytes unprepared_id;  /* Unprepared: the unknown prepared id */
	ucql_bytes extra;          /* unknown codes: the bytes after the message */
} ucql_error_msg;

/* Zeroes *m and sets code (a ucql code, e.g. UCQL_E_WRITE_TIMEOUT or
 * UCQL_E_SERVER_ERROR), wire_code = ucql_err_to_wire(code), message,
 * contentions = -1. Borrows message. */
UCQL_API void ucql_error_msg_init(ucql_error_msg *m, int code, ucql_bytes message);

/* Writes m->wire_code, m->message and the extra body that code has in
 * `version` (m->code is ignored). For an unknown code writes m->extra raw.
 * v5 Write_timeout with writeType "CAS" needs contentions in 0..65535, and
 * v5 failures write num_failures as the count followed by `reasons` raw —
 * build them with ucql_failure_reason_write. Problems: w->err =
 * UCQL_E_INVALID_ARG. */
UCQL_API void ucql_error_msg_encode(ucql_writer *w, int version, const ucql_error_msg *m);

/* Decodes an ERROR body. Besides the common errors (ucql/response.h):
 * UCQL_E_BAD_LENGTH for a negative v5 reason-map count, UCQL_E_BAD_VALUE
 * for an endpoint that is neither 4 nor 16 bytes. Unknown codes: see above. */
UCQL_API int ucql_error_msg_decode(ucql_bytes body, int version, ucql_error_msg *m);

/* One v5 reason-map entry. */
typedef struct ucql_failure_reason {
	ucql_inet endpoint; /* [inetaddr]: port 0 */
	uint16_t code;      /* failure reason code (Cassandra's RequestFailureReason) */
} ucql_failure_reason;

/* Appends one reason-map entry (<inetaddr><short>) to w. */
UCQL_API void ucql_failure_reason_write(ucql_writer *w, const ucql_failure_reason *r);
/* Iterates a decoded `reasons` view: init a reader on m.reasons, then call
 * until it returns 0 (each 1 fills *r). */
UCQL_API int ucql_failure_reason_next(ucql_reader *it, ucql_failure_reason *r);

#ifdef __cplusplus
}
#endif
#endif
