/*
 * bootstrap.c — what ucql_session_connect does before the shards start:
 * find a contact point that answers, negotiate the protocol version, read
 * the node list, and check that every node speaks the chosen version.
 *
 * It runs on the connecting thread with temporary shards (the same loop,
 * connections and requests as the real shards, driven here until done),
 * so the handshake and framing code has one implementation.
 *
 * Version negotiation (as the Java driver 4 does): start at 5 (or the
 * configured version, which is then never lowered); a node answering
 * "unsupported protocol version" makes us retry one lower. After the node
 * list is known, every node is probed at the chosen version; one that
 * refuses it lowers the session's version for all.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* n->name = "addr:port" ("[addr]:port" for IPv6) from n->addr. */
static void name_node(ucql__node *n, int port)
{
	char a[INET6_ADDRSTRLEN] = "?";
	int v6 = n->addr.ss_family == AF_INET6;
	if (v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&n->addr)->sin6_addr, a, sizeof a);
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&n->addr)->sin_addr, a, sizeof a);
	snprintf(n->name, sizeof n->name, v6 ? "[%s]:%d" : "%s:%d", a, port);
}

static int resolve(const char *host, int port, ucql__node *n)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	if (getaddrinfo(host, ps, &hints, &res) || !res)
		return -1;
	memset(n, 0, sizeof *n);
	memcpy(&n->addr, res->ai_addr, res->ai_addrlen);
	n->addrlen = (socklen_t)res->ai_addrlen;
	freeaddrinfo(res);
	name_node(n, port);
	return 0;
}

/* A node from a system table's [inet] address and its native port. */
static void set_inet(ucql__node *n, const ucql_inet *in, int port)
{
	memset(n, 0, sizeof *n);
	if (in->len == 4) {
		struct sockaddr_in *sa = (struct sockaddr_in *)&n->addr;
		sa->sin_family = AF_INET;
		sa->sin_port = htons((uint16_t)port);
		memcpy(&sa->sin_addr, in->addr, 4);
		n->addrlen = sizeof *sa;
	} else {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&n->addr;
		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons((uint16_t)port);
		memcpy(&sa->sin6_addr, in->addr, 16);
		n->addrlen = sizeof *sa;
	}
	name_node(n, port);
}

/* A temporary shard connected to s->nodes, driven until every connection
 * is ready or has failed once, or until the deadline. */
static ucql_shard *probe(ucql_session *s, uint64_t deadline)
{
	ucql_shard *sh;
	if (ucql__shard_create(s, 0, &sh))
		return NULL;
	sh->bootstrap = 1;
	sh->embedded = 0;
	ucql__cur_shard = NULL;
	if (ucql__shard_setup(sh)) {
		ucql__shard_shutdown(sh);
		ucql__shard_destroy(sh);
		return NULL;
	}
	for (;;) {
		int settled = 1;
		for (int i = 0; i < sh->nconns; i++) {
			int st = sh->conns[i]->state;
			if (st != UCQL__CONN_READY && st != UCQL__CONN_DOWN)
				settled = 0;
		}
		if (settled || ucql__now_ns() >= deadline)
			break;
		ucql__shard_run_once(sh, 10);
	}
	return sh;
}

static void drop(ucql_shard *sh)
{
	if (!sh)
		return;
	ucql__shard_shutdown(sh);
	ucql__shard_destroy(sh);
}

static void keep_rs(ucql_resultset *rs, void *ud)
{
	*(ucql_resultset **)ud = ucql_resultset_retain(rs);
}

/* Runs one query on a probe shard's connection to node 0 and waits. */
static ucql_resultset *query(ucql_shard *sh, const char *q, uint64_t deadline)
{
	ucql_resultset *out = NULL;
	ucql__req *r = ucql__req_get(sh);
	if (!r)
		return NULL;
	if (ucql__req_encode_query(r, ucql__session_version(sh->s), q, strlen(q))) {
		ucql__req_unref(r);
		return NULL;
	}
	r->cb = keep_rs;
	r->ud = &out;
	r->node_hint = 0;
	r->start_ns = ucql__now_ns();
	r->timeout_ms = (int64_t)((deadline - r->start_ns) / 1000000u) + 1;
	ucql__cur_shard = sh;
	ucql__shard_submit_local(sh, r);
	ucql__cur_shard = NULL;
	while (!out)
		ucql__shard_run_once(sh, 10);
	return out;
}

/* Appends peers from a system.peers_v2 (v2 = 1) or system.peers result. */
static void add_peers(ucql_session *s, ucql_resultset *rs, int v2)
{
	int32_t ia = ucql_resultset_column_index(rs, v2 ? "native_address" : "rpc_address");
	int32_t ip = v2 ? ucql_resultset_column_index(rs, "native_port") : -1;
	int32_t idc = ucql_resultset_column_index(rs, "data_center");
	int32_t irk = ucql_resultset_column_index(rs, "rack");
	const ucql_value *row;
	while (ia >= 0 && (row = ucql_resultset_next_row(rs)) && s->nnodes < UCQL__MAX_NODES) {
		ucql_inet in;
		int32_t port = s->v->port;
		if (ucql_value_get_inet(row[ia], &in))
			continue;
		if (ip >= 0 && ucql_value_get_int(row[ip], &port))
			port = s->v->port;
		ucql__node *n = &s->nodes[s->nnodes];
		set_inet(n, &in, port);
		ucql_bytes b;
		if (idc >= 0 && !ucql_value_get_text(row[idc], &b))
			snprintf(n->dc, sizeof n->dc, "%.*s", (int)b.len, (const char *)b.p);
		if (irk >= 0 && !ucql_value_get_text(row[irk], &b))
			snprintf(n->rack, sizeof n->rack, "%.*s", (int)b.len, (const char *)b.p);
		int dup = 0;
		for (int k = 0; k < s->nnodes; k++)
			if (strcmp(s->nodes[k].name, n->name) == 0)
				dup = 1;
		if (!dup)
			s->nnodes++;
	}
}

int ucql__bootstrap(ucql_session *s, char *err, size_t errlen)
{
	int ncp = ucql__config_contact_points(s->v, NULL, 0);
	if (ncp <= 0) {
		snprintf(err, errlen, "no contact points configured");
		return UCQL_E_CONFIG_VALUE;
	}
	ucql__hostport *cps = calloc((size_t)ncp, sizeof *cps);
	if (!cps)
		return UCQL_E_NOMEM;
	ucql__config_contact_points(s->v, cps, ncp);
	uint64_t deadline = ucql__now_ns() + (uint64_t)s->v->connect_timeout_ms * 1000000u;
	int forced = s->v->protocol_version != 0;
	int version = forced ? s->v->protocol_version : 5;
	ucql_shard *sh = NULL;
	int last_err = UCQL_E_NO_HOSTS;
	char why[400] = "no contact point answered";
	ucql__node local;

	for (int i = 0; i < ncp && !sh; i++) {
		if (resolve(cps[i].host, cps[i].port, &local)) {
			snprintf(why, sizeof why, "cannot resolve %s", cps[i].host);
			continue;
		}
		for (;;) {
			s->nnodes = 1;
			s->nodes[0] = local;
			atomic_store(&s->version, version);
			ucql_shard *p = probe(s, deadline);
			if (!p) {
				free(cps);
				snprintf(err, errlen, "cannot set up io_uring");
				return UCQL_E_NOMEM;
			}
			ucql__conn *c = p->conns[0];
			if (c->state == UCQL__CONN_READY) {
				sh = p;
				break;
			}
			last_err = c->state == UCQL__CONN_DOWN ? c->last_err : UCQL_E_TIMEOUT;
			snprintf(why, sizeof why, "%s: %s", local.name,
				 c->state == UCQL__CONN_DOWN ? c->err : "timed out");
			drop(p);
			if (last_err == UCQL_E_BAD_VERSION && !forced && version > 3) {
				version--;
				continue;
			}
			break;
		}
		/* authentication and protocol refusals are the cluster's answer,
		 * not one node's: do not try the next contact point */
		if (!sh && (last_err == UCQL_E_AUTH || last_err == UCQL_E_AUTH_REQUIRED ||
			    last_err == UCQL_E_BAD_VERSION))
			break;
	}
	free(cps);
	if (!sh) {
		snprintf(err, errlen, "%s", why);
		return last_err == UCQL_E_BAD_VERSION ? UCQL_E_PROTOCOL : last_err;
	}

	/* a configured keyspace must exist (as the Java driver checks): a
	 * session whose every unqualified query would fail is an error now */
	if (s->keyspace[0]) {
		char q[300];
		snprintf(q, sizeof q, "USE %s", s->keyspace);
		ucql_resultset *u = query(sh, q, deadline);
		int uerr = u ? ucql_resultset_error_code(u) : UCQL_E_TIMEOUT;
		if (uerr) {
			snprintf(err, errlen, "keyspace %s: %s", s->keyspace,
				 u ? ucql_resultset_error_message(u) : "no answer");
			ucql_resultset_free(u);
			drop(sh);
			return uerr;
		}
		ucql_resultset_free(u);
	}

	/* the node list: the contact point we reached, then its peers */
	ucql_resultset *rs = query(sh, "SELECT data_center, rack, release_version FROM system.local WHERE key='local'",
				   deadline);
	if (rs && !ucql_resultset_error_code(rs)) {
		const ucql_value *row = ucql_resultset_next_row(rs);
		ucql_bytes b;
		if (row && !ucql_value_get_text(row[0], &b))
			snprintf(s->nodes[0].dc, sizeof s->nodes[0].dc, "%.*s", (int)b.len, (const char *)b.p);
		if (row && !ucql_value_get_text(row[1], &b))
			snprintf(s->nodes[0].rack, sizeof s->nodes[0].rack, "%.*s", (int)b.len, (const char *)b.p);
	}
	ucql_resultset_free(rs);
	rs = query(sh, "SELECT native_address, native_port, data_center, rack FROM system.peers_v2", deadline);
	if (rs && ucql_resultset_error_code(rs) == 0) {
		add_peers(s, rs, 1);
	} else {
		/* before Cassandra 4.0: system.peers */
		ucql_resultset_free(rs);
		rs = query(sh, "SELECT rpc_address, data_center, rack FROM system.peers", deadline);
		if (rs && !ucql_resultset_error_code(rs))
			add_peers(s, rs, 0);
	}
	ucql_resultset_free(rs);
	drop(sh);

	/* every node must speak the version: probe them all */
	while (s->nnodes > 1) {
		atomic_store(&s->version, version);
		ucql_shard *p = probe(s, deadline);
		if (!p)
			break;
		int refused = 0;
		for (int i = 0; i < p->nconns; i++) {
			ucql__conn *c = p->conns[i];
			if (c->state == UCQL__CONN_DOWN && c->last_err == UCQL_E_BAD_VERSION)
				refused = 1;
			else if (c->state != UCQL__CONN_READY)
				ucql__log(&s->log, UCQL_LOG_WARN, "node %s not reachable at connect: %s",
					  s->nodes[c->node].name, c->err[0] ? c->err : "timed out");
		}
		drop(p);
		if (!refused || forced || version <= 3)
			break;
		ucql__log(&s->log, UCQL_LOG_INFO, "a node refused protocol v%d: downgrading", version);
		version--;
	}
	atomic_store(&s->version, version);
	ucql__log(&s->log, UCQL_LOG_INFO, "connected: protocol v%d, %d nodes", version, s->nnodes);
	return 0;
}
