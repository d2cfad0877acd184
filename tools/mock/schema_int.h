/*
 * schema_int.h — helpers shared by schema.c and schema_sys.c (the catalog's
 * internals; nothing outside the catalog uses them).
 */
#ifndef MOCK_SCHEMA_INT_H
#define MOCK_SCHEMA_INT_H

#include "schema.h"

char *mock__strdup(const char *s);
mock_table *mock__table_new(const char *ks, const char *name, size_t nnodes);
void mock__table_free(mock_table *t);
int mock__table_add_column(const mock_catalog *c, mock_table *t, const char *name,
			   const char *type_text, int kind, int position, int desc);
void mock__table_sort(mock_table *t);
int mock__column_set_type(const mock_catalog *c, const char *ks, mock_column *col,
			  const char *type_text);
void mock__keyspace_free(mock_keyspace *k);
int mock__catalog_add_keyspace(mock_catalog *c, const char *name, const char *const *keys,
			       const char *const *values, size_t n, unsigned flags,
			       mock_keyspace **out, char *err, size_t errlen);

#endif
