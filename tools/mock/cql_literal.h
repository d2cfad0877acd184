/*
 * cql_literal.h — CQL values in ucql-mock: parsed literals (mock_term) to
 * serialized values of a column type, the order Cassandra sorts values in,
 * and values back to CQL literal text.
 *
 * Types are the codec's descriptors (ucql/types.h); values are the codec's
 * serialized form (what a [bytes] holds after its length). Every function
 * is pure apart from the clock and the random source read by now() and
 * uuid(); any thread may call them on its own data.
 */
#ifndef MOCK_CQL_LITERAL_H
#define MOCK_CQL_LITERAL_H

#include "cql_ast.h"

typedef struct mock_literal_ctx {
	const char *receiver;    /* the column named in messages ("k") */
	const ucql_value *binds; /* values bound to markers, by bind index */
	size_t n_binds;          /*  (NULL/0: markers are an error) */
	int64_t now_us;          /* now(), currentTimestamp()...: this instant
				    (µs since the epoch), 0 = the clock */
} mock_literal_ctx;

/* Writes term t as a value of type (s, type): one [bytes] ([int len] then
 * the serialized value; null for the null literal or a null bound value,
 * as bound for an unset one) through w, with the codec's value writers.
 * Sets are written sorted and deduplicated, maps sorted by key (a later
 * duplicate key wins), both by mock_value_compare. Returns 0 (w->err may
 * then hold UCQL_E_NOSPACE, like the codec's encoders) or UCQL_E_INVALID /
 * UCQL_E_NOMEM with err filled with Cassandra's message, e.g.
 * "Invalid STRING constant (foo) for \"k\" of type int",
 * "Unable to make byte from '300'". Null and unset values inside a
 * collection are refused as Cassandra does. A UDT type must carry its
 * fields (not a bare UCQL_TYPE_F_REF reference). */
int mock_literal_write(ucql_writer *w, const ucql_type_set *s, int type, const mock_term *t,
		       const mock_literal_ctx *ctx, mock_cql_error *err);

/* Same, into the arena: *out views the serialized value (len -1 null,
 * -2 unset). */
int mock_literal_value(mock_arena *a, const ucql_type_set *s, int type, const mock_term *t,
		       const mock_literal_ctx *ctx, ucql_value *out, mock_cql_error *err);

/* Cassandra's order of two serialized values of type (s, type): < 0, 0,
 * > 0. Signed numbers, varint and decimal by value, float/double as Java's
 * Float.compare (-0.0 < 0.0, NaN last), text/ascii/blob/inet bytewise,
 * date chronologically, timeuuid by time then by the clock/node bytes
 * compared signed, uuid by version then (version 1) time or bytes,
 * collections/tuples/UDTs/vectors element by element (shorter first).
 * null sorts before empty, empty before any other value. Malformed values
 * compare bytewise. */
int mock_value_compare(const ucql_type_set *s, int type, ucql_value a, ucql_value b);
/* The order of a clustering column declared DESC (Cassandra's
 * ReversedType): mock_value_compare negated when desc. */
int mock_value_compare_dir(const ucql_type_set *s, int type, ucql_value a, ucql_value b, int desc);

/* Writes value v of type (s, type) as CQL literal text that parses back to
 * the same value ('it''s', 42, 1.5, 0xcafe, 2024-01-31 as '2024-01-31',
 * timestamps as '2024-01-31 12:00:00.000+0000', [1, 2], {'a': 1}, (1, 'x'),
 * {f: 1}, null) into buf (NUL-terminated when it fits). Returns the text
 * length needed (>= cap: truncated; call again with more room) or
 * UCQL_E_BAD_VALUE for malformed bytes. */
int mock_value_format(const ucql_type_set *s, int type, ucql_value v, char *buf, size_t cap);

/* A version 1 uuid for unix time `us` (µs), unique within the process
 * (later calls never repeat a timestamp), random clock sequence and node. */
void mock_timeuuid_make(int64_t us, uint8_t out[16]);
/* A random (version 4) uuid; 0 or UCQL_E_NOMEM if no randomness. */
int mock_uuid_random(uint8_t out[16]);

#endif
