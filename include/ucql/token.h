/*
 * ucql/token.h — Murmur3Partitioner tokens: which token (and so which
 * replicas) a partition key maps to.
 *
 * Token = h1, the first 64 bits of MurmurHash3_x64_128 with seed 0, over
 * the serialized partition key, with Cassandra's two quirks
 * (Murmur3Partitioner / MurmurHash.hash3_x64_128):
 *  - the tail bytes (length % 16) are read as Java signed bytes, so a tail
 *    byte ≥ 0x80 is sign-extended before it is shifted into place (textbook
 *    Murmur3 differs from the token then);
 *  - Long.MIN_VALUE is not a valid token and maps to Long.MAX_VALUE.
 * A key of several columns is serialized as CompositeType: per component
 * <length: 2 bytes big-endian><bytes><0x00>; a one-column key is its value
 * bytes as they are.
 *
 * Thread safety: pure functions, any thread. No allocation.
 */
#ifndef UCQL_TOKEN_H
#define UCQL_TOKEN_H

#include "common.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Murmur3Partitioner token of a serialized partition key. */
UCQL_API int64_t ucql_token_murmur3(const void *key, size_t len);

/* The token of a partition key given its n component values (their
 * serialized CQL values, in partition key order): n == 1 hashes the value
 * itself; n ≥ 2 hashes the composite serialization, streamed without a
 * copy. Returns 0 with *token set, or UCQL_E_INVALID_ARG if n is 0 or,
 * when n ≥ 2, a component is longer than 65535 bytes. */
UCQL_API int ucql_token_murmur3_parts(const ucql_bytes *parts, size_t n, int64_t *token);

/* Writes the serialized partition key (the "routing key") of n component
 * values, as ucql_token_murmur3_parts hashes it. Errors in w->err: as
 * ucql_token_murmur3_parts (UCQL_E_INVALID_ARG), or UCQL_E_NOSPACE. */
UCQL_API void ucql_token_write_key(ucql_writer *w, const ucql_bytes *parts, size_t n);

#ifdef __cplusplus
}
#endif
#endif
