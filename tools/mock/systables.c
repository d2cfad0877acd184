/*
 * systables.c — rows of the virtual tables, computed at each SELECT into a
 * scratch store that the ordinary SELECT machinery then reads (WHERE,
 * column lists, paging all work the same): system.local / peers /
 * peers_v2, system_schema.*, system_virtual_schema.*, and the control
 * tables ucql_mock.nodes (UPDATE state = 'down'/'up') and ucql_mock.stats
 * (TRUNCATE resets).
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "rules.h"
#include "topo_change.h"
#include "ucql/result.h"
#include "vrow.h"

/* ==== cluster tables ===================================================== */

static uint16_t port_of(const mock_exec *x)
{
	return x->e->cluster ? mock_cluster_port(x->e->cluster) : MOCK_DEFAULT_PORT;
}

static void node_common(mock_vrow *r, mock_exec *x, const mock_node *n)
{
	char sv[37];
	mock_uuid_str(x->e->cat.version, sv);
	const char **toks = mock_arena_alloc(x->arena, (n->ntokens + 1) * sizeof *toks);
	if (!toks) {
		r->err = UCQL_E_NOMEM;
		return;
	}
	for (size_t i = 0; i < n->ntokens; i++) {
		char *s = mock_arena_alloc(x->arena, MOCK_TOKEN_STR_MAX);
		if (!s) {
			r->err = UCQL_E_NOMEM;
			return;
		}
		mock_token_format(n->tokens[i], s, MOCK_TOKEN_STR_MAX);
		toks[i] = s;
	}
	mock_vrow_text(r, "data_center", n->dc);
	mock_vrow_text(r, "rack", n->rack);
	if (n->id > 0 && n->id <= x->e->nnodes)
		mock_vrow_raw(r, "host_id", x->e->host_id[n->id], 16);
	mock_vrow_text(r, "release_version", x->e->release_version);
	mock_vrow_raw(r, "schema_version", x->e->cat.version, 16);
	mock_vrow_strings(r, "tokens", toks, n->ntokens, 1);
}

static int fill_cluster(mock_exec *x, mock_table *t, mock_tstore *s)
{
	const mock_ring *ring = x->e->ring;
	int rc = 0;
	for (size_t i = 0; i < mock_ring_node_count(ring) && !rc; i++) {
		const mock_node *n = mock_ring_node_at(ring, i);
		mock_vrow r;
		mock_vrow_begin(&r, x, t, s);
		if (t->vtable == MOCK_VT_LOCAL) {
			if (n->id != x->node)
				continue;
			mock_vrow_text(&r, "key", "local");
			mock_vrow_text(&r, "bootstrapped", "COMPLETED");
			mock_vrow_inet(&r, "broadcast_address", n->address);
			mock_vrow_int(&r, "broadcast_port", 7000);
			mock_vrow_text(&r, "cluster_name", x->e->cluster_name);
			mock_vrow_text(&r, "cql_version", x->e->mode_311 ? "3.4.4" : "3.4.5");
			mock_vrow_int(&r, "gossip_generation", 1700000000);
			mock_vrow_inet(&r, "listen_address", n->address);
			mock_vrow_int(&r, "listen_port", 7000);
			mock_vrow_text(&r, "native_protocol_version", x->e->mode_311 ? "4" : "5");
			mock_vrow_text(&r, "partitioner", "org.apache.cassandra.dht.Murmur3Partitioner");
			mock_vrow_inet(&r, "rpc_address", n->address);
			mock_vrow_int(&r, "rpc_port", port_of(x));
		} else if (t->vtable == MOCK_VT_PEERS || t->vtable == MOCK_VT_PEERS_V2) {
			if (n->id == x->node)
				continue;
			mock_vrow_inet(&r, "peer", n->address);
			mock_vrow_inet(&r, "preferred_ip", n->address);
			if (t->vtable == MOCK_VT_PEERS) {
				mock_vrow_inet(&r, "rpc_address", n->address);
			} else {
				mock_vrow_int(&r, "peer_port", 7000);
				mock_vrow_inet(&r, "native_address", n->address);
				mock_vrow_int(&r, "native_port", port_of(x));
				mock_vrow_int(&r, "preferred_port", 7000);
			}
		} else if (t->vtable == MOCK_VT_NODES) {
			mock_vrow_int(&r, "node", n->id);
			mock_vrow_inet(&r, "address", n->address);
			mock_vrow_text(&r, "dc", n->dc);
			mock_vrow_text(&r, "rack", n->rack);
			mock_vrow_text(&r, "state", mock_node_up(x->e, n->id) ? "up" : "down");
			rc = mock_vrow_end(&r);
			continue;
		} else if (t->vtable == MOCK_VT_STATS) {
			mock_node_stats st;
			memset(&st, 0, sizeof st);
			if (x->e->cluster)
				mock_node_stats_get(x->e->cluster, n->id, &st);
			mock_vrow_int(&r, "node", n->id);
			mock_vrow_bigint(&r, "requests", (int64_t)st.requests);
			if (n->id <= x->e->nnodes) {
				mock_vrow_bigint(&r, "replica_requests", (int64_t)x->e->replica_req[n->id]);
				mock_vrow_bigint(&r, "non_replica_requests", (int64_t)x->e->non_replica_req[n->id]);
			}
			mock_vrow_int(&r, "connections", (int32_t)st.connections);
			rc = mock_vrow_end(&r);
			continue;
		}
		node_common(&r, x, n);
		rc = mock_vrow_end(&r);
	}
	return rc;
}

/* ==== schema tables ====================================================== */

static const char *kind_name(int k)
{
	return k == MOCK_COL_PK ? "partition_key" : k == MOCK_COL_CK ? "clustering"
		: k == MOCK_COL_STATIC ? "static" : "regular";
}

static int fill_columns(mock_exec *x, mock_table *t, mock_tstore *s, const mock_table *src)
{
	for (size_t i = 0; i < src->ncols; i++) {
		const mock_column *c = &src->cols[i];
		mock_vrow r;
		mock_vrow_begin(&r, x, t, s);
		mock_vrow_text(&r, "keyspace_name", src->ks);
		mock_vrow_text(&r, "table_name", src->name);
		mock_vrow_text(&r, "column_name", c->name);
		mock_vrow_text(&r, "clustering_order", c->kind == MOCK_COL_CK ? (c->desc ? "desc" : "asc") : "none");
		mock_vrow_text(&r, "column_name_bytes", c->name);
		mock_vrow_text(&r, "kind", kind_name(c->kind));
		mock_vrow_int(&r, "position", c->kind == MOCK_COL_PK || c->kind == MOCK_COL_CK ? c->position : -1);
		mock_vrow_text(&r, "type", c->type_text);
		int rc = mock_vrow_end(&r);
		if (rc)
			return rc;
	}
	return 0;
}

static int fill_table_row(mock_exec *x, mock_table *t, mock_tstore *s, const mock_table *src)
{
	static const char *const caching[] = { "keys", "ALL", "rows_per_partition", "NONE" };
	static const char *const compaction[] = {
		"class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
		"max_threshold", "32", "min_threshold", "4" };
	static const char *const compression[] = {
		"chunk_length_in_kb", "16", "class", "org.apache.cassandra.io.compress.LZ4Compressor" };
	mock_vrow r;
	mock_vrow_begin(&r, x, t, s);
	mock_vrow_text(&r, "keyspace_name", src->ks);
	mock_vrow_text(&r, "table_name", src->name);
	mock_vrow_text(&r, "additional_write_policy", "99p");
	mock_vrow_double(&r, "bloom_filter_fp_chance", 0.01);
	mock_vrow_map(&r, "caching", caching, 2);
	mock_vrow_bool(&r, "cdc", 0);
	mock_vrow_text(&r, "comment", "");
	mock_vrow_map(&r, "compaction", compaction, 3);
	mock_vrow_map(&r, "compression", compression, 2);
	mock_vrow_double(&r, "crc_check_chance", 1.0);
	mock_vrow_int(&r, "default_time_to_live", 0);
	mock_vrow_map(&r, "extensions", NULL, 0);
	const char *flags[] = { "compound" };
	mock_vrow_strings(&r, "flags", flags, 1, 0);
	mock_vrow_int(&r, "gc_grace_seconds", 864000);
	mock_vrow_raw(&r, "id", src->id, 16);
	mock_vrow_int(&r, "max_index_interval", 2048);
	mock_vrow_int(&r, "memtable_flush_period_in_ms", 0);
	mock_vrow_int(&r, "min_index_interval", 128);
	mock_vrow_text(&r, "read_repair", "BLOCKING");
	mock_vrow_text(&r, "speculative_retry", "99p");
	return mock_vrow_end(&r);
}

static int fill_schema(mock_exec *x, mock_table *t, mock_tstore *s)
{
	const mock_catalog *c = &x->e->cat;
	int virt = t->vtable == MOCK_VT_VIRT_KEYSPACES || t->vtable == MOCK_VT_VIRT_TABLES ||
		   t->vtable == MOCK_VT_VIRT_COLUMNS;
	int rc = 0;
	for (size_t i = 0; i < c->nks && !rc; i++) {
		const mock_keyspace *k = c->ks[i];
		if (k->virtual_ks != virt)
			continue;
		switch (t->vtable) {
		case MOCK_VT_SCHEMA_KEYSPACES:
		case MOCK_VT_VIRT_KEYSPACES: {
			mock_vrow r;
			mock_vrow_begin(&r, x, t, s);
			mock_vrow_text(&r, "keyspace_name", k->name);
			mock_vrow_bool(&r, "durable_writes", k->durable_writes);
			const char **kv = mock_arena_alloc(x->arena, (2 * k->repl.nopts + 1) * sizeof *kv);
			if (!kv)
				return UCQL_E_NOMEM;
			for (size_t j = 0; j < k->repl.nopts; j++) {
				kv[2 * j] = k->repl.keys[j];
				kv[2 * j + 1] = k->repl.values[j];
			}
			mock_vrow_map(&r, "replication", kv, k->repl.nopts);
			rc = mock_vrow_end(&r);
			break;
		}
		case MOCK_VT_SCHEMA_TABLES:
		case MOCK_VT_VIRT_TABLES:
			for (size_t j = 0; j < k->ntables && !rc; j++) {
				if (virt) {
					mock_vrow r;
					mock_vrow_begin(&r, x, t, s);
					mock_vrow_text(&r, "keyspace_name", k->name);
					mock_vrow_text(&r, "table_name", k->tables[j]->name);
					mock_vrow_text(&r, "comment", "");
					rc = mock_vrow_end(&r);
				} else
					rc = fill_table_row(x, t, s, k->tables[j]);
			}
			break;
		case MOCK_VT_SCHEMA_COLUMNS:
		case MOCK_VT_VIRT_COLUMNS:
			for (size_t j = 0; j < k->ntables && !rc; j++)
				rc = fill_columns(x, t, s, k->tables[j]);
			break;
		case MOCK_VT_SCHEMA_TYPES:
			for (size_t j = 0; j < k->ntypes && !rc; j++) {
				const mock_udt *u = k->types[j];
				mock_vrow r;
				mock_vrow_begin(&r, x, t, s);
				mock_vrow_text(&r, "keyspace_name", k->name);
				mock_vrow_text(&r, "type_name", u->name);
				mock_vrow_strings(&r, "field_names", (const char **)u->field_names, u->nfields, 0);
				mock_vrow_strings(&r, "field_types", (const char **)u->field_types, u->nfields, 0);
				rc = mock_vrow_end(&r);
			}
			break;
		default:
			break;
		}
	}
	return rc;
}

int mock_systable_fill(mock_exec *x, mock_table *t, mock_tstore *s)
{
	switch (t->vtable) {
	case MOCK_VT_LOCAL:
	case MOCK_VT_PEERS:
	case MOCK_VT_PEERS_V2:
	case MOCK_VT_NODES:
	case MOCK_VT_STATS:
		return fill_cluster(x, t, s);
	case MOCK_VT_SCHEMA_EMPTY:
	case MOCK_VT_EMPTY:
		return 0;
	case MOCK_VT_RULES:
	case MOCK_VT_ACTIVITY:
		return mock_rules_fill(x, t, s);
	default:
		return fill_schema(x, t, s);
	}
}

/* ==== control ============================================================ */

static void write_void(ucql_writer *w, void *arg)
{
	(void)arg;
	ucql_result_void_encode(w, 4);
}

int mock_systable_update(mock_exec *x, mock_table *t, const mock_update *u)
{
	int rc = 0;
	if (u->n_set != 1 || strcmp(u->set[0].column, "state") || u->set[0].op != MOCK_ASSIGN_SET)
		return mock_exec_error(x, UCQL_E_INVALID, "Only \"SET state = 'up'|'down'\" is supported on ucql_mock.nodes");
	int sc = mock_table_column(t, "state");
	ucql_value sv;
	if (mock_term_value(x, t, sc, u->set[0].value, &sv, &rc))
		return rc;
	int up;
	if (sv.len == 2 && !memcmp(sv.p, "up", 2))
		up = 1;
	else if (sv.len == 4 && !memcmp(sv.p, "down", 4))
		up = 0;
	else
		return mock_exec_error(x, UCQL_E_INVALID, "state must be 'up' or 'down'");
	mock_where w;
	if (mock_where_build(x, t, u->where, u->n_where, &w, &rc))
		return rc;
	if (!w.pk_full)
		return mock_exec_error(x, UCQL_E_INVALID, "Some partition key parts are missing: node");
	for (size_t i = 0; i < w.pk_n[0]; i++) {
		int32_t node;
		if (ucql_value_get_int(w.pk[0][i], &node) || !mock_ring_node(x->e->ring, node, NULL))
			return mock_exec_error(x, UCQL_E_INVALID, "No such node");
	}
	/* Reply first: setting our own node down closes this connection. */
	mock_exec_write(x, write_void, NULL);
	for (size_t i = 0; i < w.pk_n[0]; i++) {
		int32_t node = 0;
		ucql_value_get_int(w.pk[0][i], &node);
		if (!x->e->cluster || mock_node_up(x->e, node) == up)
			continue;
		mock_node_set_up(x->e->cluster, node, up);
		mock_engine_push_node_event(x->e, UCQL_EVENT_STATUS_CHANGE,
					    up ? UCQL_CHANGE_UP : UCQL_CHANGE_DOWN, node);
	}
	return MOCK_RES;
}

int mock_systable_truncate(mock_exec *x, mock_table *t)
{
	(void)t;
	if (x->e->cluster)
		mock_cluster_stats_reset(x->e->cluster);
	memset(x->e->replica_req, 0, ((size_t)x->e->nnodes + 1) * sizeof *x->e->replica_req);
	memset(x->e->non_replica_req, 0, ((size_t)x->e->nnodes + 1) * sizeof *x->e->non_replica_req);
	mock_exec_write(x, write_void, NULL);
	return MOCK_RES;
}
