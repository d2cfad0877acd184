/*
 * ucql_message_decode: every opcode reaches its own body decoder, and a
 * wrong body gives exactly that decoder's error.
 *
 * Bodies are hand-assembled from the spec (native_protocol_v4.spec §4);
 * their content is asserted through the union member the opcode selects,
 * so a dispatch to the wrong decoder (or the wrong member) fails.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "ucql/message.h"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;
	cr_assert_leq(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* One valid v4 body per opcode. */
static const struct {
	int opcode;
	const char *hex;
} bodies[] = {
	/* STARTUP {CQL_VERSION: 3.0.0} */
	{ UCQL_OP_STARTUP, "0001000b43514c5f56455253494f4e0005332e302e30" },
	{ UCQL_OP_OPTIONS, "" },
	/* REGISTER [SCHEMA_CHANGE] */
	{ UCQL_OP_REGISTER, "0001000d534348454d415f4348414e4745" },
	/* AUTH_RESPONSE token 01 02 */
	{ UCQL_OP_AUTH_RESPONSE, "000000020102" },
	/* QUERY "SELECT 1" ONE, no flags */
	{ UCQL_OP_QUERY, "0000000853454c4543542031000100" },
	/* PREPARE "SELECT 1" */
	{ UCQL_OP_PREPARE, "0000000853454c4543542031" },
	/* EXECUTE id abcd, ONE, no flags */
	{ UCQL_OP_EXECUTE, "0002abcd000100" },
	/* BATCH LOGGED, 1 query statement "SELECT 1" without values, ONE */
	{ UCQL_OP_BATCH, "000001000000000853454c45435420310000000100" },
	/* ERROR Unavailable "no" ONE required 3 alive 1 */
	{ UCQL_OP_ERROR, "0000100000026e6f00010000000300000001" },
	{ UCQL_OP_READY, "" },
	/* AUTHENTICATE "x" */
	{ UCQL_OP_AUTHENTICATE, "000178" },
	/* SUPPORTED {COMPRESSION: [lz4]} */
	{ UCQL_OP_SUPPORTED, "0001000b434f4d5052455353494f4e000100036c7a34" },
	/* RESULT Set_keyspace "ks" */
	{ UCQL_OP_RESULT, "0000000300026b73" },
	/* EVENT STATUS_CHANGE UP 127.0.0.1:9042 */
	{ UCQL_OP_EVENT, "000d5354415455535f4348414e474500025550047f00000100002352" },
	/* AUTH_CHALLENGE token aa */
	{ UCQL_OP_AUTH_CHALLENGE, "00000001aa" },
	/* AUTH_SUCCESS null token */
	{ UCQL_OP_AUTH_SUCCESS, "ffffffff" },
};
#define N_BODIES (sizeof bodies / sizeof bodies[0])

/* The oracle: the per-message decoder for the opcode, called directly. */
static int direct_decode(int version, int opcode, ucql_bytes b)
{
	ucql_message m;
	switch (opcode) {
	case UCQL_OP_STARTUP: return ucql_startup_decode(b, version, &m.u.startup);
	case UCQL_OP_OPTIONS: return ucql_options_decode(b, version);
	case UCQL_OP_REGISTER: return ucql_register_decode(b, version, &m.u.register_);
	case UCQL_OP_AUTH_RESPONSE: return ucql_auth_response_decode(b, version, &m.u.auth_response);
	case UCQL_OP_QUERY: return ucql_query_decode(b, version, &m.u.query);
	case UCQL_OP_PREPARE: return ucql_prepare_decode(b, version, &m.u.prepare);
	case UCQL_OP_EXECUTE: return ucql_execute_decode(b, version, &m.u.execute);
	case UCQL_OP_BATCH: return ucql_batch_decode(b, version, &m.u.batch);
	case UCQL_OP_ERROR: return ucql_error_msg_decode(b, version, &m.u.error);
	case UCQL_OP_READY: return ucql_ready_decode(b, version);
	case UCQL_OP_AUTHENTICATE: return ucql_authenticate_decode(b, version, &m.u.authenticate);
	case UCQL_OP_SUPPORTED: return ucql_supported_decode(b, version, &m.u.supported);
	case UCQL_OP_RESULT: return ucql_result_decode(b, version, &m.u.result);
	case UCQL_OP_EVENT: return ucql_event_decode(b, version, &m.u.event);
	case UCQL_OP_AUTH_CHALLENGE: return ucql_auth_challenge_decode(b, version, &m.u.auth_challenge);
	case UCQL_OP_AUTH_SUCCESS: return ucql_auth_success_decode(b, version, &m.u.auth_success);
	}
	cr_assert_fail("no decoder for opcode %d", opcode);
	return 0;
}

/* Asserts the member of the union the opcode selects holds the body's content. */
static void check_content(const ucql_message *m, const uint8_t *body)
{
	ucql_bytes v;
	switch (m->opcode) {
	case UCQL_OP_STARTUP:
		cr_assert(ucql_string_map_get(m->u.startup.options, "CQL_VERSION", &v));
		cr_assert(ucql_bytes_eq_str(v, "3.0.0"));
		break;
	case UCQL_OP_REGISTER:
		cr_assert_eq(m->u.register_.list.n, 1);
		break;
	case UCQL_OP_AUTH_RESPONSE:
		cr_assert_eq(m->u.auth_response.token.len, 2);
		cr_assert_eq(m->u.auth_response.token.p, body + 4, "a view into the body");
		break;
	case UCQL_OP_QUERY:
		cr_assert(ucql_bytes_eq_str(m->u.query.query, "SELECT 1"));
		cr_assert_eq(m->u.query.params.consistency, UCQL_CL_ONE);
		break;
	case UCQL_OP_PREPARE:
		cr_assert(ucql_bytes_eq_str(m->u.prepare.query, "SELECT 1"));
		break;
	case UCQL_OP_EXECUTE:
		cr_assert_eq(m->u.execute.id.len, 2);
		cr_assert_eq(m->u.execute.id.p[0], 0xab);
		cr_assert_eq(m->u.execute.params.consistency, UCQL_CL_ONE);
		break;
	case UCQL_OP_BATCH:
		cr_assert_eq(m->u.batch.type, UCQL_BATCH_LOGGED);
		cr_assert_eq(m->u.batch.n, 1);
		cr_assert_eq(m->u.batch.consistency, UCQL_CL_ONE);
		break;
	case UCQL_OP_ERROR:
		cr_assert_eq(m->u.error.wire_code, 0x1000);
		cr_assert_eq(m->u.error.required, 3);
		cr_assert_eq(m->u.error.alive, 1);
		cr_assert(ucql_bytes_eq_str(m->u.error.message, "no"));
		break;
	case UCQL_OP_AUTHENTICATE:
		cr_assert(ucql_bytes_eq_str(m->u.authenticate.authenticator, "x"));
		break;
	case UCQL_OP_SUPPORTED: {
		ucql_list_view vals;
		cr_assert(ucql_string_multimap_get(m->u.supported.options, "COMPRESSION", &vals));
		cr_assert_eq(vals.n, 1);
		break;
	}
	case UCQL_OP_RESULT:
		cr_assert_eq(m->u.result.kind, UCQL_RESULT_SET_KEYSPACE);
		cr_assert(ucql_bytes_eq_str(m->u.result.u.keyspace, "ks"));
		break;
	case UCQL_OP_EVENT:
		cr_assert_eq(m->u.event.type, UCQL_EVENT_STATUS_CHANGE);
		cr_assert_eq(m->u.event.change, UCQL_CHANGE_UP);
		cr_assert_eq(m->u.event.address.port, 9042);
		break;
	case UCQL_OP_AUTH_CHALLENGE:
		cr_assert_eq(m->u.auth_challenge.token.len, 1);
		cr_assert_eq(m->u.auth_challenge.token.p[0], 0xaa);
		break;
	case UCQL_OP_AUTH_SUCCESS:
		cr_assert_eq(m->u.auth_success.token.len, UCQL_NULL);
		break;
	default:
		break; /* OPTIONS, READY: nothing to hold */
	}
}

Test(message, every_opcode_dispatches_to_its_decoder)
{
	int seen = 0;
	for (size_t i = 0; i < N_BODIES; i++) {
		uint8_t body[256];
		size_t n = unhex(bodies[i].hex, body, sizeof body);
		guard_buf g = guard_copy(body, n);
		ucql_message m;
		memset(&m, 0xA5, sizeof m);
		int rc = ucql_message_decode(4, bodies[i].opcode, ucql_bytes_of(g.p, n), &m);
		cr_assert_eq(rc, 0, "opcode 0x%02x: %s", bodies[i].opcode, ucql_err_name(rc));
		cr_assert_eq(m.opcode, bodies[i].opcode);
		cr_assert_eq(m.version, 4);
		check_content(&m, g.p);
		guard_free(&g);
		seen |= 1 << bodies[i].opcode;
	}
	/* Every opcode of the spec is covered: 0x00..0x10 except 0x04. */
	cr_assert_eq(seen, 0x1FFFF & ~(1 << 4));
}

Test(message, a_wrong_body_gives_the_body_decoders_error)
{
	for (size_t i = 0; i < N_BODIES; i++) {
		uint8_t body[256];
		size_t n = unhex(bodies[i].hex, body, sizeof body);
		int op = bodies[i].opcode;
		/* One byte too many: every decoder refuses it (ERROR keeps
		 * left-over bytes only for codes it does not know). */
		body[n] = 0x00;
		guard_buf g = guard_copy(body, n + 1);
		ucql_message m;
		int rc = ucql_message_decode(4, op, ucql_bytes_of(g.p, n + 1), &m);
		cr_assert_eq(rc, UCQL_E_TRAILING, "opcode 0x%02x: %s", op, ucql_err_name(rc));
		cr_assert_eq(rc, direct_decode(4, op, ucql_bytes_of(g.p, n + 1)));
		guard_free(&g);
		/* Every truncation, the input ending at a guard page: the same
		 * result as the decoder itself, and an error for a non-empty body. */
		for (size_t k = 0; k < n; k++) {
			g = guard_copy(body, k);
			rc = ucql_message_decode(4, op, ucql_bytes_of(g.p, k), &m);
			cr_assert_eq(rc, direct_decode(4, op, ucql_bytes_of(g.p, k)),
				     "opcode 0x%02x cut at %zu", op, k);
			cr_assert_lt(rc, 0, "opcode 0x%02x cut at %zu decoded", op, k);
			guard_free(&g);
		}
	}
}

Test(message, specific_body_errors_pass_through)
{
	ucql_message m;
	uint8_t b[64];
	size_t n;
	/* QUERY whose [long string] runs past the body. */
	n = unhex("000000ff53454c45", b, sizeof b);
	cr_assert_eq(ucql_message_decode(4, UCQL_OP_QUERY, ucql_bytes_of(b, n), &m), UCQL_E_TRUNCATED);
	/* QUERY with a negative query length. */
	n = unhex("ffffff0000010000", b, sizeof b);
	cr_assert_eq(ucql_message_decode(4, UCQL_OP_QUERY, ucql_bytes_of(b, n), &m), UCQL_E_BAD_LENGTH);
	/* REGISTER of an unknown event type. */
	n = unhex("0001000358595a", b, sizeof b);
	cr_assert_eq(ucql_message_decode(4, UCQL_OP_REGISTER, ucql_bytes_of(b, n), &m), UCQL_E_BAD_KIND);
	/* RESULT of kind 9. */
	n = unhex("00000009", b, sizeof b);
	cr_assert_eq(ucql_message_decode(4, UCQL_OP_RESULT, ucql_bytes_of(b, n), &m), UCQL_E_BAD_KIND);
	/* BATCH of type 3. */
	n = unhex("0300000001", b, sizeof b);
	cr_assert_eq(ucql_message_decode(4, UCQL_OP_BATCH, ucql_bytes_of(b, n), &m), UCQL_E_BAD_KIND);
	/* READY with a body. */
	cr_assert_eq(ucql_message_decode(5, UCQL_OP_READY, ucql_bytes_of("x", 1), &m), UCQL_E_TRAILING);
}

Test(message, unknown_opcodes_and_versions)
{
	ucql_message m;
	memset(&m, 0, sizeof m);
	int bad_ops[] = { 0x04, 0x11, 0x12, 0xFF, -1, 0x100, 0x7FFFFFFF };
	for (size_t i = 0; i < sizeof bad_ops / sizeof bad_ops[0]; i++) {
		cr_assert_eq(ucql_message_decode(4, bad_ops[i], ucql_bytes_of(NULL, 0), &m),
			     UCQL_E_BAD_OPCODE, "opcode %d", bad_ops[i]);
		/* The opcode is checked before the version. */
		cr_assert_eq(ucql_message_decode(9, bad_ops[i], ucql_bytes_of(NULL, 0), &m),
			     UCQL_E_BAD_OPCODE);
	}
	cr_assert_eq(m.opcode, 0, "m untouched on a bad opcode");
	int bad_versions[] = { 0, 1, 2, 6, -1, 0x84 };
	for (size_t i = 0; i < sizeof bad_versions / sizeof bad_versions[0]; i++) {
		/* Even the empty-body messages check the version. */
		cr_assert_eq(ucql_message_decode(bad_versions[i], UCQL_OP_OPTIONS, ucql_bytes_of(NULL, 0), &m),
			     UCQL_E_BAD_VERSION);
		cr_assert_eq(ucql_message_decode(bad_versions[i], UCQL_OP_READY, ucql_bytes_of(NULL, 0), &m),
			     UCQL_E_BAD_VERSION);
	}
}

Test(message, version_reaches_the_decoder)
{
	ucql_message m;
	uint8_t b[64];
	/* v5 QUERY: flags are an [int]; the v4 body (flags [byte]) is 3 bytes short. */
	size_t n = unhex("0000000853454c4543542031000100000000", b, sizeof b);
	cr_assert_eq(ucql_message_decode(5, UCQL_OP_QUERY, ucql_bytes_of(b, n), &m), 0);
	cr_assert_eq(m.version, 5);
	cr_assert(ucql_bytes_eq_str(m.u.query.query, "SELECT 1"));
	cr_assert_eq(ucql_message_decode(4, UCQL_OP_QUERY, ucql_bytes_of(b, n), &m), UCQL_E_TRAILING);
	/* v5 PREPARE with a keyspace. */
	n = unhex("0000000853454c45435420310000000100026b73", b, sizeof b);
	cr_assert_eq(ucql_message_decode(5, UCQL_OP_PREPARE, ucql_bytes_of(b, n), &m), 0);
	cr_assert(ucql_bytes_eq_str(m.u.prepare.keyspace, "ks"));
	cr_assert_eq(ucql_message_decode(4, UCQL_OP_PREPARE, ucql_bytes_of(b, n), &m), UCQL_E_TRAILING);
}

Test(message, decode_frame_helper)
{
	/* A v4 OPTIONS request, then a RESULT Void response on stream 7. */
	uint8_t b[64];
	size_t n = unhex("840000070800000004""00000001", b, sizeof b);
	ucql_frame f;
	ucql_message m;
	cr_assert_eq(ucql_frame_decode(b, n, 0, &f), (int)n);
	cr_assert_eq(ucql_message_decode_frame(&f, &m), 0);
	cr_assert_eq(m.opcode, UCQL_OP_RESULT);
	cr_assert_eq(m.u.result.kind, UCQL_RESULT_VOID);
	f.parsed = 0;
	cr_assert_eq(ucql_message_decode_frame(&f, &m), UCQL_E_INVALID_ARG);
}
