/*
 * ERROR message bodies (native_protocol_v4.spec §4.2.1 and §9; v5 §8 adds
 * the reason map and the CAS contentions). Layouts: ucql/error_msg.h.
 */
#include "ucql/error_msg.h"

#include "response_priv.h"

/* Extra-body layouts, by wire code. */
enum layout {
	L_NONE,        /* known code without extra body */
	L_UNKNOWN,     /* code ucql does not know: rest kept raw */
	L_UNAVAILABLE, /* cl, required, alive */
	L_WRITE_TIMEOUT,
	L_READ_TIMEOUT,
	L_READ_FAILURE,
	L_FUNCTION_FAILURE,
	L_WRITE_FAILURE,
	L_CAS_UNKNOWN, /* cl, received, blockfor */
	L_ALREADY_EXISTS,
	L_UNPREPARED,
};

static enum layout layout_of(int32_t wire_code)
{
	switch (wire_code) {
	case 0x0000: case 0x000A: case 0x0100:
	case 0x1001: case 0x1002: case 0x1003: case 0x1600:
	case 0x2000: case 0x2100: case 0x2200: case 0x2300:
		return L_NONE;
	case 0x1000: return L_UNAVAILABLE;
	case 0x1100: return L_WRITE_TIMEOUT;
	case 0x1200: return L_READ_TIMEOUT;
	case 0x1300: return L_READ_FAILURE;
	case 0x1400: return L_FUNCTION_FAILURE;
	case 0x1500: return L_WRITE_FAILURE;
	case 0x1700: return L_CAS_UNKNOWN;
	case 0x2400: return L_ALREADY_EXISTS;
	case 0x2500: return L_UNPREPARED;
	default: return L_UNKNOWN;
	}
}

/* v5 §8: Write_timeout carries <contentions> only when writeType is "CAS". */
static int has_contentions(int version, ucql_bytes write_type)
{
	return version >= 5 && write_type.len == 3 && memcmp(write_type.p, "CAS", 3) == 0;
}

void ucql_error_msg_init(ucql_error_msg *m, int code, ucql_bytes message)
{
	memset(m, 0, sizeof *m);
	m->code = code;
	m->wire_code = ucql_err_to_wire(code);
	m->message = message;
	m->contentions = -1;
}

void ucql_failure_reason_write(ucql_writer *w, const ucql_failure_reason *r)
{
	ucql_write_inetaddr(w, &r->endpoint);
	ucql_write_short(w, r->code);
}

int ucql_failure_reason_next(ucql_reader *it, ucql_failure_reason *r)
{
	if (it->err || it->p >= it->end)
		return 0;
	r->endpoint = ucql_read_inetaddr(it);
	r->code = ucql_read_short(it);
	return !it->err;
}

static void write_cl_counts(ucql_writer *w, const ucql_error_msg *m)
{
	ucql_write_consistency(w, m->consistency);
	ucql_write_int(w, m->received);
	ucql_write_int(w, m->block_for);
}

static void write_failures(ucql_writer *w, int version, const ucql_error_msg *m)
{
	ucql_write_int(w, m->num_failures);
	if (version >= 5) {
		if (m->num_failures < 0)
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		ucql_write_raw(w, m->reasons.p, m->reasons.len);
	}
}

void ucql_error_msg_encode(ucql_writer *w, int version, const ucql_error_msg *m)
{
	if (!ucql__response_enc_start(w, version))
		return;
	ucql_write_int(w, m->wire_code);
	ucql_write_string(w, m->message);
	switch (layout_of(m->wire_code)) {
	case L_NONE:
		break;
	case L_UNKNOWN:
		ucql_write_raw(w, m->extra.p, m->extra.len);
		break;
	case L_UNAVAILABLE:
		ucql_write_consistency(w, m->consistency);
		ucql_write_int(w, m->required);
		ucql_write_int(w, m->alive);
		break;
	case L_WRITE_TIMEOUT:
		write_cl_counts(w, m);
		ucql_write_string(w, m->write_type);
		if (has_contentions(version, m->write_type)) {
			if (m->contentions < 0 || m->contentions > 0xFFFF)
				ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			ucql_write_short(w, (uint16_t)m->contentions);
		}
		break;
	case L_READ_TIMEOUT:
		write_cl_counts(w, m);
		ucql_write_byte(w, m->data_present);
		break;
	case L_READ_FAILURE:
		write_cl_counts(w, m);
		write_failures(w, version, m);
		ucql_write_byte(w, m->data_present);
		break;
	case L_FUNCTION_FAILURE:
		ucql_write_string(w, m->keyspace);
		ucql_write_string(w, m->name);
		ucql_write_list_view(w, m->arg_types);
		break;
	case L_WRITE_FAILURE:
		write_cl_counts(w, m);
		write_failures(w, version, m);
		ucql_write_string(w, m->write_type);
		break;
	case L_CAS_UNKNOWN:
		write_cl_counts(w, m);
		break;
	case L_ALREADY_EXISTS:
		ucql_write_string(w, m->keyspace);
		ucql_write_string(w, m->name);
		break;
	case L_UNPREPARED:
		ucql_write_short_bytes(w, m->unprepared_id);
		break;
	}
}

static void read_cl_counts(ucql_reader *r, ucql_error_msg *m)
{
	m->consistency = ucql_read_consistency(r);
	m->received = ucql_read_int(r);
	m->block_for = ucql_read_int(r);
}

/* v3/v4: [int] numfailures. v5: [int] n, then n × <inetaddr><short>,
 * validated here so that ucql_failure_reason_next cannot fail. */
static void read_failures(ucql_reader *r, int version, ucql_error_msg *m)
{
	m->num_failures = ucql_read_int(r);
	if (version < 5 || r->err)
		return;
	if (m->num_failures < 0) {
		ucql_reader_fail(r, UCQL_E_BAD_LENGTH);
		return;
	}
	const uint8_t *start = r->p;
	/* Each entry takes at least 1 + 4 + 2 bytes: a count beyond what is
	 * left fails at once instead of looping. */
	if ((size_t)m->num_failures > ucql_reader_left(r) / 7) {
		ucql_reader_fail(r, UCQL_E_TRUNCATED);
		return;
	}
	for (int32_t i = 0; i < m->num_failures && !r->err; i++) {
		(void)ucql_read_inetaddr(r);
		(void)ucql_read_short(r);
	}
	if (!r->err)
		m->reasons = ucql_bytes_of(start, (size_t)(r->p - start));
}

int ucql_error_msg_decode(ucql_bytes body, int version, ucql_error_msg *m)
{
	ucql_reader r;
	if (!ucql__response_version_ok(version))
		return UCQL_E_BAD_VERSION;
	memset(m, 0, sizeof *m);
	m->contentions = -1;
	ucql_reader_init(&r, body.p, body.len);
	m->wire_code = ucql_read_int(&r);
	m->message = ucql_read_string(&r);
	if (r.err)
		return r.err;
	m->code = ucql_err_from_wire(m->wire_code);
	switch (layout_of(m->wire_code)) {
	case L_NONE:
		break;
	case L_UNKNOWN:
		m->extra = ucql_read_raw(&r, ucql_reader_left(&r));
		break;
	case L_UNAVAILABLE:
		m->consistency = ucql_read_consistency(&r);
		m->required = ucql_read_int(&r);
		m->alive = ucql_read_int(&r);
		break;
	case L_WRITE_TIMEOUT:
		read_cl_counts(&r, m);
		m->write_type = ucql_read_string(&r);
		if (!r.err && has_contentions(version, m->write_type))
			m->contentions = ucql_read_short(&r);
		break;
	case L_READ_TIMEOUT:
		read_cl_counts(&r, m);
		m->data_present = ucql_read_byte(&r);
		break;
	case L_READ_FAILURE:
		read_cl_counts(&r, m);
		read_failures(&r, version, m);
		m->data_present = ucql_read_byte(&r);
		break;
	case L_FUNCTION_FAILURE:
		m->keyspace = ucql_read_string(&r);
		m->name = ucql_read_string(&r);
		m->arg_types = ucql_read_string_list(&r);
		break;
	case L_WRITE_FAILURE:
		read_cl_counts(&r, m);
		read_failures(&r, version, m);
		m->write_type = ucql_read_string(&r);
		break;
	case L_CAS_UNKNOWN:
		read_cl_counts(&r, m);
		break;
	case L_ALREADY_EXISTS:
		m->keyspace = ucql_read_string(&r);
		m->name = ucql_read_string(&r);
		break;
	case L_UNPREPARED:
		m->unprepared_id = ucql_read_short_bytes(&r);
		break;
	}
	return ucql__response_dec_end(&r);
}
