/*
 * topo_change.c — nodes joining and leaving a running cluster (see
 * topo_change.h). The engine keeps only ring snapshots, so a change
 * rebuilds a mutable topology from the current ring, applies it, and
 * installs the new ring with every keyspace's replica map rebuilt from its
 * stored options (non-strict: options are not re-validated, as Cassandra
 * keeps a keyspace whose DC lost its nodes). All-or-nothing: a failure
 * leaves the old ring in place.
 */
#include "topo_change.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"
#include "ucql/result.h"

static int fail(char *err, size_t errlen, int code, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return code;
}

/* A mutable topology equal to ring r (ids, places, tokens). */
static int topo_from_ring(const mock_ring *r, mock_topology **out, char *err, size_t errlen)
{
	size_t nn = mock_ring_node_count(r);
	size_t tpn = nn ? mock_ring_node_at(r, 0)->ntokens : 0;
	mock_topology_config cfg = { .nodes = 0, .tokens_per_node = (int)tpn };
	if (tpn < 1 || tpn > MOCK_RING_MAX_TOKENS)
		cfg.tokens_per_node = 0;
	int rc = mock_topology_new(out, &cfg, err, errlen);
	for (size_t i = 0; !rc && i < nn; i++) {
		const mock_node *n = mock_ring_node_at(r, i);
		/* The tokens add_node draws are replaced at once by the real ones. */
		rc = mock_topology_add_node(*out, n->id, n->dc, n->rack, NULL, err, errlen);
		if (!rc)
			rc = mock_topology_set_tokens(*out, n->id, n->tokens, n->ntokens, err, errlen);
	}
	if (rc) {
		mock_topology_free(*out);
		*out = NULL;
	}
	return rc;
}

/* A new ring from t and each keyspace's map on it (not installed yet). */
typedef struct pending {
	mock_ring *ring;
	mock_replica_map **maps;
	size_t n;
} pending;

static void pending_free(pending *p)
{
	for (size_t i = 0; p->maps && i < p->n; i++)
		mock_replica_map_free(p->maps[i]);
	free(p->maps);
	mock_ring_unref(p->ring);
	memset(p, 0, sizeof *p);
}

static int pending_build(mock_engine *e, const mock_topology *t, pending *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	int rc = mock_ring_build(&p->ring, t, err, errlen);
	if (rc)
		return rc;
	p->n = e->cat.nks;
	p->maps = calloc(p->n + 1, sizeof *p->maps);
	if (!p->maps)
		rc = fail(err, errlen, UCQL_E_NOMEM, "out of memory");
	for (size_t i = 0; !rc && i < p->n; i++)
		rc = mock_replica_map_build(&p->maps[i], p->ring, &e->cat.ks[i]->repl, err, errlen);
	if (rc)
		pending_free(p);
	return rc;
}

static void pending_install(mock_engine *e, pending *p)
{
	for (size_t i = 0; i < p->n; i++) {
		mock_replica_map_free(e->cat.ks[i]->map);
		e->cat.ks[i]->map = p->maps[i];
		p->maps[i] = NULL;
	}
	mock_ring_unref(e->cat.ring);
	e->cat.ring = mock_ring_ref(p->ring);
	mock_ring_unref(e->ring);
	e->ring = p->ring;
	p->ring = NULL;
	pending_free(p);
}

/* Per-node arrays (host ids, stats, table stores, activity logs) grown to
 * hold node id. Each array's size is updated only once it has grown, so a
 * failure half-way leaves everything consistent (just bigger). */
static int grow(mock_engine *e, int id)
{
	if (id <= e->nnodes)
		return 0;
	size_t n = (size_t)id + 1, old = (size_t)e->nnodes + 1;
	uint8_t(*h)[16] = realloc(e->host_id, n * sizeof *h);
	if (!h)
		return UCQL_E_NOMEM;
	e->host_id = h;
	uint64_t *a = realloc(e->replica_req, n * sizeof *a);
	if (!a)
		return UCQL_E_NOMEM;
	e->replica_req = a;
	uint64_t *b = realloc(e->non_replica_req, n * sizeof *b);
	if (!b)
		return UCQL_E_NOMEM;
	e->non_replica_req = b;
	for (size_t i = old; i < n; i++) {
		/* Same derivation as mock_engine_new: stable per (id, cluster). */
		char seed[200];
		int len = snprintf(seed, sizeof seed, "ucql-mock host %d %s", (int)i, e->cluster_name);
		mock_md5(seed, (size_t)len, e->host_id[i]);
		e->host_id[i][6] = (uint8_t)((e->host_id[i][6] & 0x0F) | 0x40);
		e->host_id[i][8] = (uint8_t)((e->host_id[i][8] & 0x3F) | 0x80);
		e->replica_req[i] = e->non_replica_req[i] = 0;
	}
	for (size_t k = 0; k < e->cat.nks; k++) {
		mock_keyspace *ks = e->cat.ks[k];
		for (size_t j = 0; j < ks->ntables; j++) {
			mock_table *t = ks->tables[j];
			if (t->nstores >= n)
				continue;
			mock_tstore **s = realloc(t->stores, n * sizeof *s);
			if (!s)
				return UCQL_E_NOMEM;
			memset(s + t->nstores, 0, (n - t->nstores) * sizeof *s);
			t->stores = s;
			t->nstores = n;
		}
	}
	mock_rules *rs = e->rules;
	if (rs && rs->nnodes < id) {
		mock_actlog *l = realloc(rs->logs, n * sizeof *l);
		if (!l)
			return UCQL_E_NOMEM;
		memset(l + rs->nnodes + 1, 0, (n - (size_t)rs->nnodes - 1) * sizeof *l);
		for (size_t i = (size_t)rs->nnodes + 1; i < n; i++)
			l[i].next_seq = 1;
		rs->logs = l;
		rs->nnodes = id;
	}
	e->cat.nnodes_max = (size_t)id;
	e->nnodes = id;
	return 0;
}

/* ---- data hand-over ---- */

static int copy_cells(mock_row *d, const mock_row *s, size_t from, size_t ncols)
{
	for (size_t i = from; i < ncols; i++) {
		uint8_t *b = NULL;
		if (s->cells[i].p && s->cells[i].len >= 0) {
			b = malloc(s->cells[i].len ? (size_t)s->cells[i].len : 1);
			if (!b)
				return UCQL_E_NOMEM;
			memcpy(b, s->cells[i].p, (size_t)s->cells[i].len);
		}
		free(d->cells[i].p);
		d->cells[i] = s->cells[i];
		d->cells[i].p = b;
	}
	d->marker_ts = s->marker_ts;
	d->marker_expire = s->marker_expire;
	d->marker_ttl = s->marker_ttl;
	d->del_ts = s->del_ts;
	return 0;
}

static int copy_partition(mock_tstore *dst, const mock_table *t, const mock_partition *p)
{
	ucql_value pk[64], ck[64];
	if (t->npk > 64 || t->nck > 64)
		return 0;
	for (size_t i = 0; i < t->npk; i++)
		pk[i] = ucql_value_of(p->statics.cells[i].p, p->statics.cells[i].len);
	mock_partition *q = mock_tstore_partition(dst, t, p->token, p->key, p->klen, pk);
	if (!q || copy_cells(&q->statics, &p->statics, t->npk, t->ncols))
		return UCQL_E_NOMEM;
	q->del_ts = p->del_ts;
	for (size_t r = 0; r < p->nrows; r++) {
		mock_row_ck(t, p->rows[r], ck);
		mock_row *qr = mock_partition_row(q, t, ck);
		if (!qr || copy_cells(qr, p->rows[r], t->npk + t->nck, t->ncols))
			return UCQL_E_NOMEM;
	}
	return 0;
}

/* Node id gets every partition it now replicates but lacks, copied from
 * node src's store (0: the first other node's store that holds it; the
 * replicas of a partition normally agree: writes go to every live
 * replica). */
static int hand_over(mock_engine *e, int id, int src_node)
{
	for (size_t k = 0; k < e->cat.nks; k++) {
		mock_keyspace *ks = e->cat.ks[k];
		if (ks->system || ks->virtual_ks)
			continue;
		for (size_t j = 0; j < ks->ntables; j++) {
			mock_table *t = ks->tables[j];
			if (t->vtable)
				continue;
			for (size_t n = 1; n < t->nstores; n++) {
				const mock_tstore *src = t->stores[n];
				if ((int)n == id || !src || (src_node && (int)n != src_node))
					continue;
				for (size_t i = 0; i < src->n; i++) {
					const mock_partition *p = src->parts[i];
					if (!mock_replica_map_contains(ks->map, p->token, id, id))
						continue;
					mock_tstore *dst = mock_tstore_get(t, id);
					if (!dst)
						return UCQL_E_NOMEM;
					if (mock_tstore_find(dst, p->token, p->key, p->klen))
						continue;
					int rc = copy_partition(dst, t, p);
					if (rc)
						return rc;
				}
			}
		}
	}
	return 0;
}

/* Drops node id's data and prepared statements (a node added again later
 * starts empty and unprepared, like a fresh Cassandra node). */
static void forget(mock_engine *e, int id)
{
	for (size_t k = 0; k < e->cat.nks; k++) {
		mock_keyspace *ks = e->cat.ks[k];
		for (size_t j = 0; j < ks->ntables; j++) {
			mock_table *t = ks->tables[j];
			if ((size_t)id < t->nstores) {
				mock_tstore_free(t->stores[id]);
				t->stores[id] = NULL;
			}
		}
	}
	for (size_t b = 0; b < MOCK_PREP_BUCKETS; b++)
		for (mock_prep *p = e->prep[b]; p; p = p->next)
			if (id <= 64)
				p->nodes &= ~((uint64_t)1 << (id - 1));
	if (id <= e->nnodes)
		e->replica_req[id] = e->non_replica_req[id] = 0;
}

/* ---- events ---- */

void mock_engine_push_node_event(mock_engine *e, int type, int change, int node)
{
	if (!e->cluster)
		return;
	ucql_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.change = change;
	uint32_t a = mock_node_addr(node);
	ev.address.len = 4;
	ev.address.addr[0] = (uint8_t)(a >> 24);
	ev.address.addr[1] = (uint8_t)(a >> 16);
	ev.address.addr[2] = (uint8_t)(a >> 8);
	ev.address.addr[3] = (uint8_t)a;
	ev.address.port = mock_cluster_port(e->cluster);
	mock_cluster_push_event(e->cluster, &ev, node);
}

/* ---- the operations ---- */

int mock_engine_add_node(mock_engine *e, int id, const char *dc, const char *rack, char *err,
			 size_t errlen)
{
	if (id < 1 || id > MOCK_MAX_NODES) {
		snprintf(err, errlen, "node must be in 1..%d (got %d)", MOCK_MAX_NODES, id);
		return UCQL_E_INVALID;
	}
	if (mock_ring_node(e->ring, id, NULL)) {
		snprintf(err, errlen, "node %d already exists", id);
		return UCQL_E_INVALID;
	}
	char dcb[MOCK_NAME_MAX], rackb[MOCK_NAME_MAX];
	if (!dc || !rack) {
		/* The round-robin rule over the cluster's current DCs / racks. */
		size_t dcs = mock_ring_dc_count(e->ring), racks = 1;
		for (size_t i = 0; i < dcs; i++)
			if (mock_ring_dc_rack_count(e->ring, i) > racks)
				racks = mock_ring_dc_rack_count(e->ring, i);
		int d, r;
		mock_node_default_location(id, dcs ? (int)dcs : 1, (int)racks, &d, &r);
		snprintf(dcb, sizeof dcb, "dc%d", d);
		snprintf(rackb, sizeof rackb, "rack%d", r);
		if (!dc)
			dc = dcb;
		if (!rack)
			rack = rackb;
	}
	mock_topology *t = NULL;
	char why[256];
	int rc = topo_from_ring(e->ring, &t, why, sizeof why);
	if (!rc)
		rc = mock_topology_add_node(t, id, dc, rack, NULL, why, sizeof why);
	pending p;
	if (!rc)
		rc = pending_build(e, t, &p, why, sizeof why);
	mock_topology_free(t);
	if (rc) {
		snprintf(err, errlen, "cannot add node %d: %s", id, why);
		return rc == UCQL_E_NOMEM ? rc : UCQL_E_INVALID;
	}
	if (grow(e, id)) {
		pending_free(&p);
		snprintf(err, errlen, "out of memory");
		return UCQL_E_NOMEM;
	}
	if (e->cluster) {
		int r = mock_cluster_add_node(e->cluster, id, 0);
		if (r) {
			pending_free(&p);
			snprintf(err, errlen, "cannot add node %d: %s", id, strerror(-r));
			return UCQL_E_INVALID;
		}
	}
	pending_install(e, &p);
	/* Stale data of an earlier member with this id would be resurrected. */
	forget(e, id);
	rc = hand_over(e, id, 0);
	mock_engine_push_node_event(e, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_NEW_NODE, id);
	mock_engine_push_node_event(e, UCQL_EVENT_STATUS_CHANGE, UCQL_CHANGE_UP, id);
	if (rc) {
		snprintf(err, errlen, "node %d added, but out of memory copying its data", id);
		return rc;
	}
	return 0;
}

int mock_engine_remove_node(mock_engine *e, int id, char *err, size_t errlen)
{
	if (!mock_ring_node(e->ring, id, NULL)) {
		snprintf(err, errlen, "node %d does not exist", id);
		return UCQL_E_INVALID;
	}
	if (mock_ring_node_count(e->ring) == 1) {
		snprintf(err, errlen, "node %d is the last node: it cannot be removed", id);
		return UCQL_E_INVALID;
	}
	mock_topology *t = NULL;
	char why[256];
	int rc = topo_from_ring(e->ring, &t, why, sizeof why);
	if (!rc)
		rc = mock_topology_remove_node(t, id, why, sizeof why);
	pending p;
	if (!rc)
		rc = pending_build(e, t, &p, why, sizeof why);
	mock_topology_free(t);
	if (rc) {
		snprintf(err, errlen, "cannot remove node %d: %s", id, why);
		return rc == UCQL_E_NOMEM ? rc : UCQL_E_INVALID;
	}
	if (e->cluster)
		mock_cluster_remove_node(e->cluster, id);
	pending_install(e, &p);
	/* Decommission: the leaving node's partitions go to their new
	 * replicas before its data is dropped. */
	rc = 0;
	for (size_t i = 0; !rc && i < mock_ring_node_count(e->ring); i++)
		rc = hand_over(e, mock_ring_node_at(e->ring, i)->id, id);
	forget(e, id);
	mock_engine_push_node_event(e, UCQL_EVENT_TOPOLOGY_CHANGE, UCQL_CHANGE_REMOVED_NODE, id);
	if (rc)
		snprintf(err, errlen, "node %d removed, but out of memory copying its data", id);
	return rc;
}

/* ---- CQL ---- */

static void write_void(ucql_writer *w, void *arg)
{
	(void)arg;
	ucql_result_void_encode(w, 4);
}

static int text_arg(mock_exec *x, mock_table *t, const char *col, const mock_term *term, char *buf,
		    int *rc)
{
	ucql_value v;
	if (mock_term_value(x, t, mock_table_column(t, col), term, &v, rc))
		return 1;
	if (v.len <= 0 || v.len >= MOCK_NAME_MAX) {
		*rc = mock_exec_error(x, UCQL_E_INVALID, "%s must be 1..%d characters", col, MOCK_NAME_MAX - 1);
		return 1;
	}
	memcpy(buf, v.p, (size_t)v.len);
	buf[v.len] = 0;
	return 0;
}

static int nodes_insert(mock_exec *x, mock_table *t, const mock_insert *in)
{
	int rc = 0, have_node = 0;
	int32_t node = 0;
	char dc[MOCK_NAME_MAX], rack[MOCK_NAME_MAX];
	int have_dc = 0, have_rack = 0;
	if (in->json || in->if_not_exists)
		return mock_exec_error(x, UCQL_E_INVALID, "INSERT INTO ucql_mock.nodes takes (node[, dc, rack]) VALUES (...)");
	for (size_t i = 0; i < in->n_cols; i++) {
		const char *c = in->cols[i];
		if (!strcmp(c, "node")) {
			ucql_value v;
			if (mock_term_value(x, t, mock_table_column(t, "node"), in->values[i], &v, &rc))
				return rc;
			if (ucql_value_get_int(v, &node))
				return mock_exec_error(x, UCQL_E_INVALID, "Invalid null value for partition key part node");
			have_node = 1;
		} else if (!strcmp(c, "dc")) {
			if (text_arg(x, t, "dc", in->values[i], dc, &rc))
				return rc;
			have_dc = 1;
		} else if (!strcmp(c, "rack")) {
			if (text_arg(x, t, "rack", in->values[i], rack, &rc))
				return rc;
			have_rack = 1;
		} else {
			return mock_exec_error(x, UCQL_E_INVALID, "INSERT INTO ucql_mock.nodes takes the columns node, dc and rack (not %s)", c);
		}
	}
	if (!have_node)
		return mock_exec_error(x, UCQL_E_INVALID, "Some partition key parts are missing: node");
	char err[512];
	rc = mock_engine_add_node(x->e, node, have_dc ? dc : NULL, have_rack ? rack : NULL, err, sizeof err);
	if (rc == UCQL_E_NOMEM)
		return rc;
	if (rc)
		return mock_exec_error(x, UCQL_E_INVALID, "%s", err);
	mock_exec_write(x, write_void, NULL);
	return MOCK_RES;
}

static int nodes_delete(mock_exec *x, mock_table *t, const mock_delete *d)
{
	int rc = 0;
	if (d->n_targets || d->if_exists || d->n_cond)
		return mock_exec_error(x, UCQL_E_INVALID, "Only \"DELETE FROM ucql_mock.nodes WHERE node = N\" is supported");
	mock_where w;
	if (mock_where_build(x, t, d->where, d->n_where, &w, &rc))
		return rc;
	if (!w.pk_full || w.npreds)
		return mock_exec_error(x, UCQL_E_INVALID, "Some partition key parts are missing: node");
	size_t left = mock_ring_node_count(x->e->ring);
	for (size_t i = 0; i < w.pk_n[0]; i++) {
		int32_t node = 0;
		if (ucql_value_get_int(w.pk[0][i], &node) || !mock_ring_node(x->e->ring, node, NULL))
			return mock_exec_error(x, UCQL_E_INVALID, "node %d does not exist", (int)node);
		if (left-- <= 1)
			return mock_exec_error(x, UCQL_E_INVALID, "node %d is the last node: it cannot be removed", (int)node);
	}
	/* The reply is written first; a node removing itself still sends it
	 * (the server closes its connections only after flushing them). */
	mock_exec_write(x, write_void, NULL);
	for (size_t i = 0; i < w.pk_n[0]; i++) {
		int32_t node = 0;
		ucql_value_get_int(w.pk[0][i], &node);
		char err[512];
		rc = mock_engine_remove_node(x->e, node, err, sizeof err);
		if (rc == UCQL_E_NOMEM)
			return rc;
		if (rc)
			return mock_exec_error(x, UCQL_E_INVALID, "%s", err);
	}
	return MOCK_RES;
}

int mock_nodes_modify(mock_exec *x, mock_table *t, const mock_stmt *s)
{
	if (s->kind == MOCK_STMT_INSERT)
		return nodes_insert(x, t, &s->u.insert);
	return nodes_delete(x, t, &s->u.del);
}
