/*
 * fuzz_event — EVENT and ERROR message bodies.
 *
 * Input: a message body (no frame header). For each protocol version 3..5
 * it goes to ucql_event_decode and to ucql_error_msg_decode. Decoded
 * messages are checked (enum values in range, names known, strings inside
 * the input, v5 failure reasons iterate to the count) and re-encoded:
 * that encoding decodes and re-encodes to the same bytes, and the
 * measuring pass predicts its size. An event is also re-encoded as a
 * RESULT Schema_change where it is one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/response.h"

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                        \
		}                                                                       \
	} while (0)

static int inside(ucql_bytes v, const uint8_t *base, size_t len)
{
	if (v.len == 0)
		return 1;
	return v.p >= base && v.len <= len && (size_t)(v.p - base) <= len - v.len;
}

static void iter_string_list(ucql_list_view l, const uint8_t *base, size_t len)
{
	ucql_reader it;
	ucql_bytes s;
	CHECK(inside(l.raw, base, len));
	ucql_reader_init(&it, l.raw.p, l.raw.len);
	for (unsigned i = 0; i < l.n; i++)
		CHECK(ucql_string_list_next(&it, &s) == 1 && inside(s, base, len));
	CHECK(it.p == it.end && !it.err);
}

static void check_schema_change(const ucql_schema_change *sc, const uint8_t *base, size_t len)
{
	CHECK(sc->target >= UCQL_TARGET_KEYSPACE && sc->target <= UCQL_TARGET_AGGREGATE);
	CHECK(ucql_schema_target_name(sc->target) != NULL);
	CHECK(sc->change == UCQL_CHANGE_UNKNOWN ||
	      (sc->change >= UCQL_CHANGE_CREATED && sc->change <= UCQL_CHANGE_DROPPED));
	if (sc->change != UCQL_CHANGE_UNKNOWN)
		CHECK(ucql_bytes_eq_str(sc->change_str, ucql_change_name(sc->change)));
	CHECK(inside(sc->keyspace, base, len) && inside(sc->name, base, len) &&
	      inside(sc->change_str, base, len));
	if (sc->target == UCQL_TARGET_KEYSPACE)
		CHECK(sc->name.len == 0);
	if (sc->target >= UCQL_TARGET_FUNCTION)
		iter_string_list(sc->arg_types, base, len);
	else
		CHECK(sc->arg_types.n == 0);
}

static void check_event(const ucql_event *m, const uint8_t *base, size_t len)
{
	CHECK(m->type >= UCQL_EVENT_TOPOLOGY_CHANGE && m->type <= UCQL_EVENT_SCHEMA_CHANGE);
	CHECK(ucql_bytes_eq_str(m->type_str, ucql_event_type_name(m->type)));
	if (m->type == UCQL_EVENT_SCHEMA_CHANGE) {
		check_schema_change(&m->schema, base, len);
		return;
	}
	CHECK(m->address.len == 4 || m->address.len == 16);
	CHECK(inside(m->change_str, base, len));
	if (m->change != UCQL_CHANGE_UNKNOWN)
		CHECK(ucql_bytes_eq_str(m->change_str, ucql_change_name(m->change)));
	if (m->type == UCQL_EVENT_TOPOLOGY_CHANGE)
		CHECK(m->change == UCQL_CHANGE_UNKNOWN ||
		      (m->change >= UCQL_CHANGE_NEW_NODE && m->change <= UCQL_CHANGE_MOVED_NODE));
	else
		CHECK(m->change == UCQL_CHANGE_UNKNOWN || m->change == UCQL_CHANGE_UP ||
		      m->change == UCQL_CHANGE_DOWN);
}

static void check_error(const ucql_error_msg *m, int version, const uint8_t *base, size_t len)
{
	CHECK(m->code == ucql_err_from_wire(m->wire_code));
	CHECK(ucql_err_name(m->code) && ucql_err_str(m->code));
	CHECK(inside(m->message, base, len) && inside(m->extra, base, len) &&
	      inside(m->reasons, base, len) && inside(m->write_type, base, len) &&
	      inside(m->keyspace, base, len) && inside(m->name, base, len) &&
	      inside(m->unprepared_id, base, len));
	if (m->wire_code == 0x1300 || m->wire_code == 0x1500) {
		ucql_reader it;
		ucql_failure_reason fr;
		int32_t got = 0;
		ucql_reader_init(&it, m->reasons.p, m->reasons.len);
		while (ucql_failure_reason_next(&it, &fr)) {
			CHECK(fr.endpoint.len == 4 || fr.endpoint.len == 16);
			got++;
		}
		CHECK(version >= 5 ? got == m->num_failures : got == 0);
	}
	if (m->wire_code == 0x1400)
		iter_string_list(m->arg_types, base, len);
	if (m->wire_code == 0x1100 && version >= 5 && ucql_bytes_eq_str(m->write_type, "CAS"))
		CHECK(m->contentions >= 0 && m->contentions <= 0xFFFF);
}

/* Encodes through `enc(w)` into an exact-size heap buffer; NULL if the
 * encoder refuses. */
#define ENCODE(out, outlen, ENC)                                                        \
	do {                                                                            \
		ucql_writer w;                                                          \
		ucql_writer_init(&w, NULL, 0);                                          \
		ENC;                                                                    \
		out = NULL;                                                             \
		if (w.err == UCQL_E_INVALID_ARG)                                        \
			break;                                                          \
		size_t need_ = w.len;                                                   \
		out = malloc(need_ ? need_ : 1);                                        \
		ucql_writer_init(&w, out, need_);                                       \
		ENC;                                                                    \
		if (w.err == UCQL_E_INVALID_ARG) {                                      \
			free(out);                                                      \
			out = NULL;                                                     \
			break;                                                          \
		}                                                                       \
		CHECK(w.err == 0 && w.len == need_);                                    \
		outlen = need_;                                                         \
	} while (0)

static void event_roundtrip(const ucql_event *m, int version)
{
	uint8_t *e1, *e2;
	size_t n1 = 0, n2 = 0;
	ENCODE(e1, n1, ucql_event_encode(&w, version, m));
	if (!e1)
		return;
	ucql_event m2;
	int rc = ucql_event_decode(ucql_bytes_of(e1, n1), version, &m2);
	if (rc) {
		fprintf(stderr, "v%d: re-encoded EVENT does not decode: %s\n", version,
			ucql_err_name(rc));
		abort();
	}
	check_event(&m2, e1, n1);
	ENCODE(e2, n2, ucql_event_encode(&w, version, &m2));
	CHECK(e2 && n1 == n2 && memcmp(e1, e2, n1) == 0);
	free(e2);
	free(e1);

	if (m->type != UCQL_EVENT_SCHEMA_CHANGE)
		return;
	/* The same change as a RESULT. */
	ENCODE(e1, n1, ucql_result_schema_change_encode(&w, version, &m->schema));
	if (!e1)
		return;
	ucql_result r;
	CHECK(ucql_result_decode(ucql_bytes_of(e1, n1), version, &r) == 0);
	CHECK(r.kind == UCQL_RESULT_SCHEMA_CHANGE && r.u.schema_change.target == m->schema.target &&
	      r.u.schema_change.change == m->schema.change);
	check_schema_change(&r.u.schema_change, e1, n1);
	free(e1);
}

static void error_roundtrip(const ucql_error_msg *m, int version)
{
	uint8_t *e1, *e2;
	size_t n1 = 0, n2 = 0;
	ENCODE(e1, n1, ucql_error_msg_encode(&w, version, m));
	if (!e1)
		return;
	ucql_error_msg m2;
	int rc = ucql_error_msg_decode(ucql_bytes_of(e1, n1), version, &m2);
	if (rc) {
		fprintf(stderr, "v%d: re-encoded ERROR 0x%x does not decode: %s\n", version,
			(unsigned)m->wire_code, ucql_err_name(rc));
		abort();
	}
	check_error(&m2, version, e1, n1);
	ENCODE(e2, n2, ucql_error_msg_encode(&w, version, &m2));
	if (!e2 || n1 != n2 || memcmp(e1, e2, n1) != 0) {
		fprintf(stderr, "v%d: ERROR 0x%x re-encoding is not a fixed point\n", version,
			(unsigned)m->wire_code);
		abort();
	}
	free(e2);
	free(e1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ucql_bytes body = ucql_bytes_of(data, size);
	for (int version = 3; version <= 5; version++) {
		ucql_event ev;
		int rc = ucql_event_decode(body, version, &ev);
		CHECK(rc <= 0);
		if (rc == 0) {
			check_event(&ev, data, size);
			event_roundtrip(&ev, version);
		}
		ucql_error_msg em;
		rc = ucql_error_msg_decode(body, version, &em);
		CHECK(rc <= 0);
		if (rc == 0) {
			check_error(&em, version, data, size);
			error_roundtrip(&em, version);
		}
	}
	/* Out-of-range versions are refused up front. */
	ucql_event ev;
	ucql_error_msg em;
	CHECK(ucql_event_decode(body, 2, &ev) == UCQL_E_BAD_VERSION);
	CHECK(ucql_error_msg_decode(body, 6, &em) == UCQL_E_BAD_VERSION);
	return 0;
}
