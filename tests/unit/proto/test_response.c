/*
 * READY, AUTHENTICATE, SUPPORTED, AUTH_CHALLENGE, AUTH_SUCCESS bodies.
 *
 * Known answers: the hex below was produced by ucql's encoders and then
 * decoded with Debian's python3-cassandra 3.25
 * (cassandra.protocol.ProtocolHandler.decode_message(4, {}, 0, 0, opcode,
 * body, None, None), both the Cython and the pure-Python handler), which
 * returned exactly the fields asserted here.
 */
#include "resp_util.h"

/* AUTHENTICATE: python → authenticator='org.apache.cassandra.auth.PasswordAuthenticator' */
#define HEX_AUTHENTICATE \
	"002f6f72672e6170616368652e63617373616e6472612e617574682e50617373776f726441757468656e74696361746f72"
/* SUPPORTED: python → options {'COMPRESSION': ['lz4'], 'PROTOCOL_VERSIONS': ['3/v3','4/v4','5/v5']},
 * cql_versions ['3.4.5'] */
#define HEX_SUPPORTED                                                                    \
	"0003000b434f4d5052455353494f4e000100036c7a34000b43514c5f56455253494f4e00010005332e342e35" \
	"001150524f544f434f4c5f56455253494f4e5300030004332f76330004342f76340004352f7635"
/* AUTH_CHALLENGE: python → challenge b'\x01\x02' */
#define HEX_CHALLENGE "000000020102"
/* AUTH_SUCCESS with a null token: python → token '' (its "no token") */
#define HEX_SUCCESS_NULL "ffffffff"

Test(response, ready_is_empty_in_every_version)
{
	uint8_t buf[8];
	for (int v = 3; v <= 5; v++) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_ready_encode(&w, v);
		cr_assert_eq(w.err, 0);
		cr_assert_eq(w.len, 0);
		guard_buf g = guard_copy(buf, 0);
		cr_assert_eq(ucql_ready_decode(ucql_bytes_of(g.p, 0), v), 0);
		guard_free(&g);
		g = guard_copy("\x00", 1);
		cr_assert_eq(ucql_ready_decode(ucql_bytes_of(g.p, 1), v), UCQL_E_TRAILING);
		guard_free(&g);
	}
}

Test(response, bad_versions_are_refused_both_ways)
{
	uint8_t buf[64];
	ucql_authenticate a = { S("x") };
	int bad[] = { 0, 2, 6, -1 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_authenticate_encode(&w, bad[i], &a);
		cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
		cr_assert_eq(ucql_ready_decode(ucql_bytes_of(NULL, 0), bad[i]), UCQL_E_BAD_VERSION);
		cr_assert_eq(ucql_authenticate_decode(ucql_bytes_of("\x00\x00", 2), bad[i], &a),
			     UCQL_E_BAD_VERSION);
		ucql_supported s;
		cr_assert_eq(ucql_supported_decode(ucql_bytes_of("\x00\x00", 2), bad[i], &s),
			     UCQL_E_BAD_VERSION);
		ucql_auth_success t;
		cr_assert_eq(ucql_auth_success_decode(ucql_bytes_of("\xff\xff\xff\xff", 4), bad[i], &t),
			     UCQL_E_BAD_VERSION);
	}
}

Test(response, authenticate_known_answer_round_trip_and_edges)
{
	uint8_t buf[128], body[128];
	size_t n = unhex(HEX_AUTHENTICATE, body, sizeof body);
	for (int v = 3; v <= 5; v++) {
		ucql_authenticate a = { S("org.apache.cassandra.auth.PasswordAuthenticator") }, d;
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_authenticate_encode(&w, v, &a);
		ASSERT_WRITTEN(&w, buf, HEX_AUTHENTICATE);
		cr_assert_eq(ucql_authenticate_decode(ucql_bytes_of(body, n), v, &d), 0);
		cr_assert(ucql_bytes_eq_str(d.authenticator, "org.apache.cassandra.auth.PasswordAuthenticator"));
		cr_assert_eq(d.authenticator.p, body + 2, "a view into the body, not a copy");
		CHECK_DECODE_EDGES(ucql_authenticate_decode, body, n, v, &d);
	}
}

Test(response, supported_known_answer_lookup_and_edges)
{
	uint8_t buf[256], body[256];
	size_t n = unhex(HEX_SUPPORTED, body, sizeof body);
	ucql_bytes keys[] = { S("COMPRESSION"), S("CQL_VERSION"), S("PROTOCOL_VERSIONS") };
	size_t counts[] = { 1, 1, 3 };
	ucql_bytes vals[] = { S("lz4"), S("3.4.5"), S("3/v3"), S("4/v4"), S("5/v5") };
	for (int v = 3; v <= 5; v++) {
		ucql_writer w;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_supported_encode_arrays(&w, v, keys, counts, 3, vals);
		ASSERT_WRITTEN(&w, buf, HEX_SUPPORTED);

		ucql_supported s;
		cr_assert_eq(ucql_supported_decode(ucql_bytes_of(body, n), v, &s), 0);
		cr_assert_eq(s.options.n, 3);
		ucql_list_view pv;
		cr_assert(ucql_string_multimap_get(s.options, "PROTOCOL_VERSIONS", &pv));
		cr_assert_eq(pv.n, 3);
		ucql_reader it;
		ucql_bytes x;
		ucql_reader_init(&it, pv.raw.p, pv.raw.len);
		cr_assert(ucql_string_list_next(&it, &x) && ucql_bytes_eq_str(x, "3/v3"));
		cr_assert(ucql_string_list_next(&it, &x) && ucql_bytes_eq_str(x, "4/v4"));
		cr_assert(ucql_string_list_next(&it, &x) && ucql_bytes_eq_str(x, "5/v5"));
		cr_assert_not(ucql_string_list_next(&it, &x));
		cr_assert(ucql_string_multimap_get(s.options, "COMPRESSION", &pv));
		cr_assert_eq(pv.n, 1);
		cr_assert_not(ucql_string_multimap_get(s.options, "NOPE", &pv));

		/* The decoded view re-encodes to the same bytes. */
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_supported_encode(&w, v, &s);
		ASSERT_WRITTEN(&w, buf, HEX_SUPPORTED);
		CHECK_DECODE_EDGES(ucql_supported_decode, body, n, v, &s);
	}
}

Test(response, supported_empty_and_overflowing_count)
{
	ucql_supported s;
	cr_assert_eq(ucql_supported_decode(ucql_bytes_of("\x00\x00", 2), 4, &s), 0);
	cr_assert_eq(s.options.n, 0);
	/* 65535 entries announced, none present. */
	cr_assert_eq(ucql_supported_decode(ucql_bytes_of("\xff\xff", 2), 4, &s), UCQL_E_TRUNCATED);
	/* A key whose length runs past the end. */
	cr_assert_eq(ucql_supported_decode(ucql_bytes_of("\x00\x01\x00\x09" "ab", 6), 4, &s),
		     UCQL_E_TRUNCATED);
}

Test(response, auth_tokens_known_answers_null_empty_and_edges)
{
	uint8_t buf[64], body[64];
	for (int v = 3; v <= 5; v++) {
		ucql_writer w;
		ucql_auth_challenge c = { ucql_value_of("\x01\x02", 2) }, dc;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_auth_challenge_encode(&w, v, &c);
		ASSERT_WRITTEN(&w, buf, HEX_CHALLENGE);
		size_t n = unhex(HEX_CHALLENGE, body, sizeof body);
		cr_assert_eq(ucql_auth_challenge_decode(ucql_bytes_of(body, n), v, &dc), 0);
		cr_assert_eq(dc.token.len, 2);
		cr_assert_eq(memcmp(dc.token.p, "\x01\x02", 2), 0);
		CHECK_DECODE_EDGES(ucql_auth_challenge_decode, body, n, v, &dc);

		ucql_auth_success s = { ucql_value_null() }, ds;
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_auth_success_encode(&w, v, &s);
		ASSERT_WRITTEN(&w, buf, HEX_SUCCESS_NULL);
		n = unhex(HEX_SUCCESS_NULL, body, sizeof body);
		cr_assert_eq(ucql_auth_success_decode(ucql_bytes_of(body, n), v, &ds), 0);
		cr_assert_eq(ds.token.len, UCQL_NULL);
		CHECK_DECODE_EDGES(ucql_auth_success_decode, body, n, v, &ds);

		/* Empty is not null; unset (-2) is written as null. */
		s.token = ucql_value_of("", 0);
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_auth_success_encode(&w, v, &s);
		ASSERT_WRITTEN(&w, buf, "00000000");
		cr_assert_eq(ucql_auth_success_decode(ucql_bytes_of(buf, w.len), v, &ds), 0);
		cr_assert_eq(ds.token.len, 0);
		s.token = ucql_value_unset();
		ucql_writer_init(&w, buf, sizeof buf);
		ucql_auth_success_encode(&w, v, &s);
		ASSERT_WRITTEN(&w, buf, "ffffffff");
	}
}

Test(response, auth_token_overflowing_length_is_truncated)
{
	ucql_auth_challenge c;
	cr_assert_eq(ucql_auth_challenge_decode(ucql_bytes_of("\x7f\xff\xff\xff\x01", 5), 4, &c),
		     UCQL_E_TRUNCATED);
	/* Any negative length is null, as [bytes] says. */
	cr_assert_eq(ucql_auth_challenge_decode(ucql_bytes_of("\x80\x00\x00\x00", 4), 4, &c), 0);
	cr_assert_eq(c.token.len, UCQL_NULL);
}

Test(response, encoders_measure_with_a_null_buffer_and_report_nospace)
{
	uint8_t buf[8];
	ucql_writer w;
	ucql_authenticate a = { S("org.apache.cassandra.auth.PasswordAuthenticator") };
	ucql_writer_init(&w, NULL, 0);
	ucql_authenticate_encode(&w, 4, &a);
	cr_assert_eq(w.len, 2 + 47);
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_authenticate_encode(&w, 4, &a);
	cr_assert_eq(w.err, UCQL_E_NOSPACE);
	cr_assert_eq(w.len, 49);
}
