/*
 * The small server→client messages: READY, AUTHENTICATE, SUPPORTED,
 * AUTH_CHALLENGE, AUTH_SUCCESS (native_protocol_v4.spec §4.2.2–4.2.4,
 * §4.2.7–4.2.8; unchanged in v5).
 */
#include "ucql/response.h"

#include "response_priv.h"

void ucql_ready_encode(ucql_writer *w, int version)
{
	(void)ucql__response_enc_start(w, version);
}

int ucql_ready_decode(ucql_bytes body, int version)
{
	if (!ucql__response_version_ok(version))
		return UCQL_E_BAD_VERSION;
	return body.len ? UCQL_E_TRAILING : 0;
}

void ucql_authenticate_encode(ucql_writer *w, int version, const ucql_authenticate *m)
{
	if (ucql__response_enc_start(w, version))
		ucql_write_string(w, m->authenticator);
}

int ucql_authenticate_decode(ucql_bytes body, int version, ucql_authenticate *m)
{
	ucql_reader r;
	if (!ucql__response_version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->authenticator = ucql_read_string(&r);
	return ucql__response_dec_end(&r);
}

void ucql_supported_encode(ucql_writer *w, int version, const ucql_supported *m)
{
	if (ucql__response_enc_start(w, version))
		ucql_write_list_view(w, m->options);
}

void ucql_supported_encode_arrays(ucql_writer *w, int version, const ucql_bytes *keys,
				  const size_t *counts, size_t n, const ucql_bytes *vals)
{
	if (ucql__response_enc_start(w, version))
		ucql_write_string_multimap(w, keys, counts, n, vals);
}

int ucql_supported_decode(ucql_bytes body, int version, ucql_supported *m)
{
	ucql_reader r;
	if (!ucql__response_version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	m->options = ucql_read_string_multimap(&r);
	return ucql__response_dec_end(&r);
}

/* AUTH_CHALLENGE and AUTH_SUCCESS share one body: a [bytes] token. */
static void token_encode(ucql_writer *w, int version, ucql_value token)
{
	if (ucql__response_enc_start(w, version))
		ucql_write_value(w, token.len < 0 ? ucql_value_null() : token);
}

static int token_decode(ucql_bytes body, int version, ucql_value *token)
{
	ucql_reader r;
	if (!ucql__response_version_ok(version))
		return UCQL_E_BAD_VERSION;
	ucql_reader_init(&r, body.p, body.len);
	*token = ucql_read_bytes(&r);
	return ucql__response_dec_end(&r);
}

void ucql_auth_challenge_encode(ucql_writer *w, int version, const ucql_auth_challenge *m)
{
	token_encode(w, version, m->token);
}

int ucql_auth_challenge_decode(ucql_bytes body, int version, ucql_auth_challenge *m)
{
	return token_decode(body, version, &m->token);
}

void ucql_auth_success_encode(ucql_writer *w, int version, const ucql_auth_success *m)
{
	token_encode(w, version, m->token);
}

int ucql_auth_success_decode(ucql_bytes body, int version, ucql_auth_success *m)
{
	return token_decode(body, version, &m->token);
}
