/*
 * Private to the type-descriptor files (types.c, types_fmt.c): the table
 * of native types and small character helpers.
 */
#ifndef UCQL_PROTO_TYPES_INT_H
#define UCQL_PROTO_TYPES_INT_H

#include "ucql/types.h"

#define MARSHAL "org.apache.cassandra.db.marshal."
#define MARSHAL_LEN (sizeof MARSHAL - 1)

struct ucql__native {
	uint16_t id;
	int8_t fixed;     /* serialized size, -1 variable */
	int8_t vec_fixed; /* Cassandra's valueLengthIfFixed (vectors), -1 variable */
	const char *cql;
	const char *cls; /* marshal class, without the package */
};

extern const struct ucql__native ucql__natives[];
extern const size_t ucql__n_natives;

/* The table entry of a native type id, or NULL. */
const struct ucql__native *ucql__type_native(int id);

static inline int ucql__lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}
static inline int ucql__hexval(uint8_t c)
{
	return c <= '9' ? c - '0' : ucql__lower(c) - 'a' + 10;
}

#endif
