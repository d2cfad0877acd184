/*
 * exec_ddl.c — CREATE/DROP KEYSPACE, TABLE, TYPE: the catalog change, a
 * RESULT Schema_change, and the SCHEMA_CHANGE event pushed to every
 * registered connection. IF [NOT] EXISTS no-ops answer Void, as Cassandra
 * 4.0 does.
 */
#include <string.h>

#include "engine_int.h"
#include "ucql/result.h"

static void write_sc(ucql_writer *w, void *arg)
{
	const ucql_schema_change *sc = arg;
	ucql_result_schema_change_encode(w, 4, sc);
}

static void write_void(ucql_writer *w, void *arg)
{
	(void)arg;
	ucql_result_void_encode(w, 4);
}

int mock_exec_ddl(mock_exec *x, const mock_stmt *s)
{
	char err[512] = "";
	int rc = 0, change = UCQL_CHANGE_CREATED, target = UCQL_TARGET_KEYSPACE;
	const char *ks = NULL, *name = NULL;
	mock_catalog *c = &x->e->cat;
	switch (s->kind) {
	case MOCK_STMT_CREATE_KEYSPACE:
		ks = s->u.create_ks.name;
		rc = mock_catalog_create_keyspace(c, &s->u.create_ks, err, sizeof err);
		break;
	case MOCK_STMT_DROP_KEYSPACE:
		ks = s->u.name.name.name;
		change = UCQL_CHANGE_DROPPED;
		rc = mock_catalog_drop_keyspace(c, ks, s->u.name.if_exists, err, sizeof err);
		break;
	case MOCK_STMT_CREATE_TABLE:
	case MOCK_STMT_DROP_TABLE:
	case MOCK_STMT_CREATE_TYPE:
	case MOCK_STMT_DROP_TYPE: {
		const mock_qname *q = s->kind == MOCK_STMT_CREATE_TABLE ? &s->u.create_table.table
				      : s->kind == MOCK_STMT_CREATE_TYPE ? &s->u.create_type.type
				      : &s->u.name.name;
		ks = mock_exec_ks(x, q->ks);
		name = q->name;
		if (!ks || !*ks)
			return mock_exec_error(x, UCQL_E_INVALID,
					       "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
		target = s->kind == MOCK_STMT_CREATE_TABLE || s->kind == MOCK_STMT_DROP_TABLE ? UCQL_TARGET_TABLE
											  : UCQL_TARGET_TYPE;
		if (s->kind == MOCK_STMT_CREATE_TABLE)
			rc = mock_catalog_create_table(c, ks, &s->u.create_table, err, sizeof err);
		else if (s->kind == MOCK_STMT_CREATE_TYPE)
			rc = mock_catalog_create_type(c, ks, &s->u.create_type, err, sizeof err);
		else if (s->kind == MOCK_STMT_DROP_TABLE)
			rc = mock_catalog_drop_table(c, ks, name, s->u.name.if_exists, err, sizeof err);
		else
			rc = mock_catalog_drop_type(c, ks, name, s->u.name.if_exists, err, sizeof err);
		if (s->kind == MOCK_STMT_DROP_TABLE || s->kind == MOCK_STMT_DROP_TYPE)
			change = UCQL_CHANGE_DROPPED;
		break;
	}
	default:
		return mock_exec_error(x, UCQL_E_INVALID, "not a DDL statement");
	}
	if (rc == UCQL_E_NOMEM)
		return rc;
	if (rc == UCQL_E_ALREADY_EXISTS)
		return mock_exec_already_exists(x, ks, target == UCQL_TARGET_KEYSPACE ? "" : name, err);
	if (rc < 0)
		return mock_exec_error(x, UCQL_E_SERVER_ERROR, "%s", err);
	if (rc > 1)
		return mock_exec_error(x, rc, "%s", err);
	if (rc == 1) {
		mock_exec_write(x, write_void, NULL);
		return MOCK_RES;
	}
	ucql_schema_change sc;
	memset(&sc, 0, sizeof sc);
	sc.change = change;
	sc.target = target;
	sc.keyspace = ucql_bytes_str(ks);
	sc.name = ucql_bytes_str(target == UCQL_TARGET_KEYSPACE ? "" : name);
	mock_exec_write(x, write_sc, &sc);
	if (x->e->cluster) {
		ucql_event ev;
		memset(&ev, 0, sizeof ev);
		ev.type = UCQL_EVENT_SCHEMA_CHANGE;
		ev.schema = sc;
		mock_cluster_push_event(x->e->cluster, &ev, 0);
	}
	return MOCK_RES;
}
