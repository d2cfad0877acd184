/*
 * schema.c — the catalog: keyspaces, tables, user types, DDL with
 * Cassandra's error codes and messages. The system keyspaces and their
 * virtual tables are defined in schema_sys.c.
 */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cql_literal.h"
#include "schema_int.h"
#include "store.h"

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

char *mock__strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void mock_uuid_str(const uint8_t u[16], char out[37])
{
	static const char hx[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hx[u[i] >> 4];
		out[o++] = hx[u[i] & 15];
	}
	out[o] = 0;
}

void mock_catalog_bump(mock_catalog *c)
{
	if (mock_uuid_random(c->version)) {
		/* No randomness: still change it, deterministically. */
		for (int i = 15; i >= 0 && ++c->version[i] == 0; i--)
			;
	}
}

/* ==== lookups ============================================================ */

mock_keyspace *mock_catalog_keyspace(const mock_catalog *c, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < c->nks; i++)
		if (!strcmp(c->ks[i]->name, name))
			return c->ks[i];
	return NULL;
}

mock_table *mock_catalog_table(const mock_catalog *c, const char *ks, const char *name)
{
	mock_keyspace *k = mock_catalog_keyspace(c, ks);
	if (!k)
		return NULL;
	for (size_t i = 0; i < k->ntables; i++)
		if (!strcmp(k->tables[i]->name, name))
			return k->tables[i];
	return NULL;
}

mock_udt *mock_catalog_type(const mock_catalog *c, const char *ks, const char *name)
{
	mock_keyspace *k = mock_catalog_keyspace(c, ks);
	if (!k)
		return NULL;
	for (size_t i = 0; i < k->ntypes; i++)
		if (!strcmp(k->types[i]->name, name))
			return k->types[i];
	return NULL;
}

int mock_table_column(const mock_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return (int)i;
	return -1;
}

/* ==== types: parsing with user types expanded ============================ */

static int copy_type(const mock_catalog *c, const char *ks, ucql_type_set *dst,
		     const ucql_type_set *src, int i, int depth);

/* Appends a copy of node i of src (children included) to dst, replacing
 * UDT references by the type's definition. Returns the new index or < 0. */
static int copy_type(const mock_catalog *c, const char *ks, ucql_type_set *dst,
		     const ucql_type_set *src, int i, int depth)
{
	if (depth > UCQL_TYPE_MAX_DEPTH || dst->used >= dst->cap)
		return UCQL_E_TOO_DEEP;
	const ucql_type *s = ucql_type_at(src, i);
	int me = (int)dst->used++;
	dst->nodes[me] = *s;
	dst->nodes[me].first_child = -1;
	dst->nodes[me].next = -1;
	int prev = -1;
	if (s->id == UCQL_TYPE_UDT && (s->flags & UCQL_TYPE_F_REF)) {
		char name[256];
		size_t n = s->name.len < sizeof name - 1 ? s->name.len : sizeof name - 1;
		memcpy(name, s->name.p, n);
		name[n] = 0;
		if (!(s->flags & UCQL_TYPE_F_QUOTED))
			for (size_t k = 0; k < n; k++)
				if (name[k] >= 'A' && name[k] <= 'Z')
					name[k] = (char)(name[k] - 'A' + 'a');
		mock_udt *u = mock_catalog_type(c, ks, name);
		if (!u)
			return UCQL_E_INVALID;
		ucql_type *d = &dst->nodes[me];
		d->flags = (uint16_t)(s->flags & UCQL_TYPE_F_FROZEN);
		d->name = ucql_bytes_str(u->name);
		d->ks = ucql_bytes_str(u->ks);
		d->n_children = (uint16_t)u->nfields;
		for (size_t f = 0; f < u->nfields; f++) {
			ucql_type tmp[MOCK_TYPE_NODES];
			ucql_type_set ts;
			ucql_type_set_init(&ts, tmp, MOCK_TYPE_NODES);
			int r = ucql_type_parse_cql(&ts, ucql_bytes_str(u->field_types[f]));
			if (r < 0)
				return r;
			int ci = copy_type(c, ks, dst, &ts, r, depth + 1);
			if (ci < 0)
				return ci;
			dst->nodes[ci].field = ucql_bytes_str(u->field_names[f]);
			if (prev < 0)
				dst->nodes[me].first_child = ci;
			else
				dst->nodes[prev].next = ci;
			prev = ci;
		}
		return me;
	}
	for (int ch = s->first_child; ch >= 0; ch = ucql_type_at(src, ch)->next) {
		int ci = copy_type(c, ks, dst, src, ch, depth + 1);
		if (ci < 0)
			return ci;
		if (prev < 0)
			dst->nodes[me].first_child = ci;
		else
			dst->nodes[prev].next = ci;
		prev = ci;
	}
	return me;
}

int mock__column_set_type(const mock_catalog *c, const char *ks, mock_column *col,
			  const char *type_text)
{
	free(col->type_text);
	if (!(col->type_text = mock__strdup(type_text)))
		return UCQL_E_NOMEM;
	ucql_type tmp[MOCK_TYPE_NODES];
	ucql_type_set ts;
	ucql_type_set_init(&ts, tmp, MOCK_TYPE_NODES);
	int r = ucql_type_parse_cql(&ts, ucql_bytes_str(col->type_text));
	if (r < 0)
		return UCQL_E_INVALID;
	ucql_type_set_init(&col->types, col->nodes, MOCK_TYPE_NODES);
	col->root = copy_type(c, ks, &col->types, &ts, r, 0);
	if (col->root < 0)
		return UCQL_E_INVALID;
	const ucql_type *t = ucql_type_at(&col->types, col->root);
	col->counter = t->id == UCQL_TYPE_COUNTER;
	col->multicell = (t->id == UCQL_TYPE_LIST || t->id == UCQL_TYPE_SET || t->id == UCQL_TYPE_MAP) &&
			 !(t->flags & UCQL_TYPE_F_FROZEN);
	return 0;
}

/* ==== tables ============================================================= */

static void column_clear(mock_column *col)
{
	free(col->name);
	free(col->type_text);
}

void mock__table_free(mock_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		column_clear(&t->cols[i]);
	for (size_t i = 0; i < t->nstores; i++)
		mock_tstore_free(t->stores[i]);
	free(t->stores);
	free(t->cols);
	free(t->ks);
	free(t->name);
	free(t);
}

mock_table *mock__table_new(const char *ks, const char *name, size_t nnodes)
{
	mock_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->ks = mock__strdup(ks);
	t->name = mock__strdup(name);
	t->stores = calloc(nnodes + 1, sizeof *t->stores);
	t->nstores = nnodes + 1;
	if (!t->ks || !t->name || !t->stores || mock_uuid_random(t->id)) {
		mock__table_free(t);
		return NULL;
	}
	return t;
}

int mock__table_add_column(const mock_catalog *c, mock_table *t, const char *name,
			   const char *type_text, int kind, int position, int desc)
{
	mock_column *cols = realloc(t->cols, (t->ncols + 1) * sizeof *cols);
	if (!cols)
		return UCQL_E_NOMEM;
	t->cols = cols;
	mock_column *col = &cols[t->ncols];
	memset(col, 0, sizeof *col);
	col->kind = kind;
	col->position = position;
	col->desc = desc;
	if (!(col->name = mock__strdup(name)))
		return UCQL_E_NOMEM;
	int rc = mock__column_set_type(c, t->ks, col, type_text);
	if (rc) {
		column_clear(col);
		return rc;
	}
	t->ncols++;
	if (kind == MOCK_COL_PK)
		t->npk++;
	else if (kind == MOCK_COL_CK)
		t->nck++;
	else if (kind == MOCK_COL_STATIC)
		t->has_static = 1;
	if (col->counter)
		t->is_counter = 1;
	return 0;
}

static int col_order(const void *a, const void *b)
{
	const mock_column *x = a, *y = b;
	int kx = x->kind == MOCK_COL_STATIC ? MOCK_COL_REGULAR : x->kind;
	int ky = y->kind == MOCK_COL_STATIC ? MOCK_COL_REGULAR : y->kind;
	if (kx != ky)
		return kx - ky;
	if (kx != MOCK_COL_REGULAR)
		return x->position - y->position;
	return strcmp(x->name, y->name);
}

/* SELECT * order: partition key, clustering, the others sorted by name.
 * The type sets' node pointers move with the columns: re-point them. */
void mock__table_sort(mock_table *t)
{
	qsort(t->cols, t->ncols, sizeof *t->cols, col_order);
	for (size_t i = 0; i < t->ncols; i++)
		t->cols[i].types.nodes = t->cols[i].nodes;
}

static int ks_add_table(mock_keyspace *k, mock_table *t)
{
	mock_table **v = realloc(k->tables, (k->ntables + 1) * sizeof *v);
	if (!v)
		return UCQL_E_NOMEM;
	k->tables = v;
	v[k->ntables++] = t;
	return 0;
}

/* ==== keyspaces ========================================================== */

void mock__keyspace_free(mock_keyspace *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->ntables; i++)
		mock__table_free(k->tables[i]);
	for (size_t i = 0; i < k->ntypes; i++) {
		mock_udt *u = k->types[i];
		for (size_t f = 0; f < u->nfields; f++) {
			free(u->field_names[f]);
			free(u->field_types[f]);
		}
		free(u->field_names);
		free(u->field_types);
		free(u->ks);
		free(u->name);
		free(u);
	}
	free(k->types);
	free(k->tables);
	mock_replica_map_free(k->map);
	mock_replication_clear(&k->repl);
	free(k->name);
	free(k);
}

int mock__catalog_add_keyspace(mock_catalog *c, const char *name, const char *const *keys,
			       const char *const *values, size_t n, unsigned flags,
			       mock_keyspace **out, char *err, size_t errlen)
{
	mock_keyspace *k = calloc(1, sizeof *k);
	if (!k || !(k->name = mock__strdup(name))) {
		free(k);
		return fail(err, errlen, UCQL_E_NOMEM, "out of memory");
	}
	k->durable_writes = 1;
	int rc = mock_replication_parse(&k->repl, name, keys, values, n, c->ring, flags, err, errlen);
	if (!rc)
		rc = mock_replica_map_build(&k->map, c->ring, &k->repl, err, errlen);
	mock_keyspace **v = rc ? NULL : realloc(c->ks, (c->nks + 1) * sizeof *v);
	if (!rc && !v)
		rc = fail(err, errlen, UCQL_E_NOMEM, "out of memory");
	if (rc) {
		mock__keyspace_free(k);
		return rc;
	}
	c->ks = v;
	v[c->nks++] = k;
	*out = k;
	return 0;
}

void mock_catalog_free(mock_catalog *c)
{
	for (size_t i = 0; i < c->nks; i++)
		mock__keyspace_free(c->ks[i]);
	free(c->ks);
	mock_ring_unref(c->ring);
	memset(c, 0, sizeof *c);
}

static int system_ks_check(const mock_keyspace *k, char *err, size_t errlen)
{
	if (k->system)
		return fail(err, errlen, UCQL_E_UNAUTHORIZED, "%s keyspace is not user-modifiable.",
			    k->name);
	return 0;
}

int mock_catalog_create_keyspace(mock_catalog *c, const mock_create_keyspace *s, char *err,
				 size_t errlen)
{
	if (mock_catalog_keyspace(c, s->name)) {
		if (s->if_not_exists)
			return 1;
		return fail(err, errlen, UCQL_E_ALREADY_EXISTS,
			    "Cannot add already existing keyspace \"%s\"", s->name);
	}
	if (strlen(s->name) > 48)
		return fail(err, errlen, UCQL_E_INVALID,
			    "Keyspace name must not be more than 48 characters long (got %zu characters for \"%s\")",
			    strlen(s->name), s->name);
	const char **keys = calloc(s->n_repl + 1, sizeof *keys);
	const char **vals = calloc(s->n_repl + 1, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return fail(err, errlen, UCQL_E_NOMEM, "out of memory");
	}
	keys[0] = "class";
	vals[0] = s->repl_class;
	for (size_t i = 0; i < s->n_repl; i++) {
		keys[i + 1] = s->repl[i].key;
		vals[i + 1] = s->repl[i].value;
	}
	mock_keyspace *k = NULL;
	int rc = mock__catalog_add_keyspace(c, s->name, keys, vals, s->n_repl + 1, MOCK_REPL_STRICT,
					    &k, err, errlen);
	free(keys);
	free(vals);
	if (rc)
		return rc;
	k->durable_writes = s->durable_writes;
	mock_catalog_bump(c);
	return 0;
}

int mock_catalog_drop_keyspace(mock_catalog *c, const char *name, int if_exists, char *err,
			       size_t errlen)
{
	for (size_t i = 0; i < c->nks; i++) {
		if (strcmp(c->ks[i]->name, name))
			continue;
		int rc = system_ks_check(c->ks[i], err, errlen);
		if (rc)
			return rc;
		mock__keyspace_free(c->ks[i]);
		memmove(&c->ks[i], &c->ks[i + 1], (c->nks - i - 1) * sizeof *c->ks);
		c->nks--;
		mock_catalog_bump(c);
		return 0;
	}
	if (if_exists)
		return 1;
	return fail(err, errlen, UCQL_E_CONFIG, "Cannot drop non existing keyspace '%s'.", name);
}

int mock_catalog_create_table(mock_catalog *c, const char *ks, const mock_create_table *s,
			      char *err, size_t errlen)
{
	mock_keyspace *k = mock_catalog_keyspace(c, ks);
	if (!k)
		return fail(err, errlen, UCQL_E_INVALID, "Keyspace '%s' does not exist", ks);
	int rc = system_ks_check(k, err, errlen);
	if (rc)
		return rc;
	if (mock_catalog_table(c, ks, s->table.name)) {
		if (s->if_not_exists)
			return 1;
		return fail(err, errlen, UCQL_E_ALREADY_EXISTS,
			    "Cannot add already existing table \"%s\" to keyspace \"%s\"", s->table.name, ks);
	}
	if (s->compact_storage)
		return fail(err, errlen, UCQL_E_INVALID,
			    "COMPACT STORAGE tables are not allowed starting with version 4.0");
	mock_table *t = mock__table_new(ks, s->table.name, c->nnodes_max);
	if (!t)
		return fail(err, errlen, UCQL_E_NOMEM, "out of memory");
	int counters = 0, noncounters = 0;
	for (size_t i = 0; i < s->n_cols && !rc; i++) {
		const mock_column_def *d = &s->cols[i];
		int kind = d->is_static ? MOCK_COL_STATIC : MOCK_COL_REGULAR, pos = -1, desc = 0;
		for (size_t j = 0; j < s->n_pk; j++)
			if (!strcmp(s->pk[j], d->name))
				kind = MOCK_COL_PK, pos = (int)j;
		for (size_t j = 0; j < s->n_ck; j++)
			if (!strcmp(s->ck[j], d->name))
				kind = MOCK_COL_CK, pos = (int)j, desc = s->ck_desc[j];
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->cols[j].name, d->name))
				rc = fail(err, errlen, UCQL_E_INVALID, "Duplicate column '%s' declaration for table '%s'",
					  d->name, s->table.name);
		if (rc)
			break;
		if (d->is_static && !s->n_ck)
			rc = fail(err, errlen, UCQL_E_INVALID,
				  "Static columns are only useful (and thus allowed) if the table has at least one clustering column");
		else if (d->is_static && kind != MOCK_COL_STATIC)
			rc = fail(err, errlen, UCQL_E_INVALID, "Static column %s cannot be part of the PRIMARY KEY",
				  d->name);
		if (rc)
			break;
		rc = mock__table_add_column(c, t, d->name, d->type_text, kind, pos, desc);
		if (rc == UCQL_E_INVALID)
			rc = fail(err, errlen, UCQL_E_INVALID, "Unknown type %s.%s", ks, d->type_text);
		else if (rc)
			rc = fail(err, errlen, rc, "out of memory");
		if (rc)
			break;
		mock_column *col = &t->cols[t->ncols - 1];
		if (col->counter)
			counters += kind != MOCK_COL_PK && kind != MOCK_COL_CK;
		else if (kind == MOCK_COL_REGULAR || kind == MOCK_COL_STATIC)
			noncounters++;
		if (col->counter && (kind == MOCK_COL_PK || kind == MOCK_COL_CK))
			rc = fail(err, errlen, UCQL_E_INVALID,
				  "counter type is not supported for PRIMARY KEY column '%s'", d->name);
		else if (col->multicell && (kind == MOCK_COL_PK || kind == MOCK_COL_CK))
			rc = fail(err, errlen, UCQL_E_INVALID,
				  "Invalid non-frozen collection type for PRIMARY KEY component %s", d->name);
	}
	if (!rc && counters && noncounters)
		rc = fail(err, errlen, UCQL_E_INVALID, "Cannot mix counter and non counter columns in the same table");
	if (!rc && t->npk != s->n_pk)
		rc = fail(err, errlen, UCQL_E_INVALID, "Unknown definition in PRIMARY KEY");
	if (!rc)
		mock__table_sort(t);
	if (!rc)
		rc = ks_add_table(k, t);
	if (rc) {
		mock__table_free(t);
		return rc;
	}
	mock_catalog_bump(c);
	return 0;
}

int mock_catalog_drop_table(mock_catalog *c, const char *ks, const char *name, int if_exists,
			    char *err, size_t errlen)
{
	mock_keyspace *k = mock_catalog_keyspace(c, ks);
	if (!k) {
		if (if_exists)
			return 1;
		return fail(err, errlen, UCQL_E_INVALID, "Keyspace '%s' does not exist", ks);
	}
	for (size_t i = 0; i < k->ntables; i++) {
		if (strcmp(k->tables[i]->name, name))
			continue;
		int rc = system_ks_check(k, err, errlen);
		if (rc)
			return rc;
		mock__table_free(k->tables[i]);
		memmove(&k->tables[i], &k->tables[i + 1], (k->ntables - i - 1) * sizeof *k->tables);
		k->ntables--;
		mock_catalog_bump(c);
		return 0;
	}
	if (if_exists)
		return 1;
	return fail(err, errlen, UCQL_E_INVALID, "Table '%s.%s' doesn't exist", ks, name);
}

int mock_catalog_create_type(mock_catalog *c, const char *ks, const mock_create_type *s, char *err,
			     size_t errlen)
{
	mock_keyspace *k = mock_catalog_keyspace(c, ks);
	if (!k)
		return fail(err, errlen, UCQL_E_INVALID, "Keyspace '%s' does not exist", ks);
	int rc = system_ks_check(k, err, errlen);
	if (rc)
		return rc;
	if (mock_catalog_type(c, ks, s->type.name)) {
		if (s->if_not_exists)
			return 1;
		return fail(err, errlen, UCQL_E_ALREADY_EXISTS, "A user type with name '%s' already exists",
			    s->type.name);
	}
	/* Every field type must resolve (user types must exist already). */
	for (size_t i = 0; i < s->n_fields; i++) {
		mock_column probe;
		memset(&probe, 0, sizeof probe);
		rc = mock__column_set_type(c, ks, &probe, s->fields[i].type_text);
		free(probe.type_text);
		if (rc == UCQL_E_NOMEM)
			return fail(err, errlen, rc, "out of memory");
		if (rc)
			return fail(err, errlen, UCQL_E_INVALID, "Unknown type %s.%s", ks,
				    s->fields[i].type_text);
	}
	mock_udt *u = calloc(1, sizeof *u);
	mock_udt **v = realloc(k->types, (k->ntypes + 1) * sizeof *v);
	if (v)
		k->types = v;
	if (!u || !v || !(u->ks = mock__strdup(ks)) || !(u->name = mock__strdup(s->type.name)) ||
	    !(u->field_names = calloc(s->n_fields + 1, sizeof *u->field_names)) ||
	    !(u->field_types = calloc(s->n_fields + 1, sizeof *u->field_types)))
		goto nomem;
	for (size_t i = 0; i < s->n_fields; i++) {
		u->nfields = i + 1;
		if (!(u->field_names[i] = mock__strdup(s->fields[i].name)) ||
		    !(u->field_types[i] = mock__strdup(s->fields[i].type_text)))
			goto nomem;
	}
	k->types[k->ntypes++] = u;
	mock_catalog_bump(c);
	return 0;
nomem:
	if (u) {
		for (size_t i = 0; i < u->nfields; i++) {
			free(u->field_names[i]);
			free(u->field_types[i]);
		}
		free(u->field_names);
		free(u->field_types);
		free(u->ks);
		free(u->name);
		free(u);
	}
	return fail(err, errlen, UCQL_E_NOMEM, "out of memory");
}

int mock_catalog_drop_type(mock_catalog *c, const char *ks, const char *name, int if_exists,
			   char *err, size_t errlen)
{
	mock_keyspace *k = mock_catalog_keyspace(c, ks);
	for (size_t i = 0; k && i < k->ntypes; i++) {
		if (strcmp(k->types[i]->name, name))
			continue;
		/* Columns view the type's strings: refuse while in use, as
		 * Cassandra does. */
		for (size_t t = 0; t < k->ntables; t++)
			for (size_t j = 0; j < k->tables[t]->ncols; j++) {
				const mock_column *col = &k->tables[t]->cols[j];
				for (size_t n = 0; n < col->types.used; n++) {
					const ucql_type *ty = &col->types.nodes[n];
					if (ty->id == UCQL_TYPE_UDT && ty->name.p == (const uint8_t *)k->types[i]->name)
						return fail(err, errlen, UCQL_E_INVALID,
							    "Cannot drop user type %s.%s as it is still used by table %s",
							    ks, name, k->tables[t]->name);
				}
			}
		mock_udt *u = k->types[i];
		for (size_t f = 0; f < u->nfields; f++) {
			free(u->field_names[f]);
			free(u->field_types[f]);
		}
		free(u->field_names);
		free(u->field_types);
		free(u->ks);
		free(u->name);
		free(u);
		memmove(&k->types[i], &k->types[i + 1], (k->ntypes - i - 1) * sizeof *k->types);
		k->ntypes--;
		mock_catalog_bump(c);
		return 0;
	}
	if (if_exists)
		return 1;
	if (!k)
		return fail(err, errlen, UCQL_E_INVALID, "Keyspace '%s' does not exist", ks);
	return fail(err, errlen, UCQL_E_INVALID, "Type '%s.%s' doesn't exist", ks, name);
}
