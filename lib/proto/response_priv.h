/*
 * Private helpers shared by the server→client message codecs (response.c,
 * error_msg.c, event.c, result.c). Not installed.
 */
#ifndef UCQL_PROTO_RESPONSE_PRIV_H
#define UCQL_PROTO_RESPONSE_PRIV_H

#include "ucql/wire.h"

static inline int ucql__response_version_ok(int version)
{
	return version >= UCQL_PROTOCOL_MIN && version <= UCQL_PROTOCOL_MAX;
}

/* Encoders start with this: 0 (and w->err set) for a bad version. */
static inline int ucql__response_enc_start(ucql_writer *w, int version)
{
	if (ucql__response_version_ok(version))
		return 1;
	ucql_writer_fail(w, UCQL_E_INVALID_ARG);
	return 0;
}

/* Decoders end with this: the reader's error, or UCQL_E_TRAILING if bytes
 * are left over, else 0. */
static inline int ucql__response_dec_end(const ucql_reader *r)
{
	if (r->err)
		return r->err;
	return r->p != r->end ? UCQL_E_TRAILING : 0;
}

#endif
