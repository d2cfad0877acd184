/*
 * mockcluster.c — options → topology → engine → TLS context → server, and
 * back down (see mockcluster.h).
 *
 * --latency-ms wraps the engine's handler rather than living in the
 * engine: the server already delays any reply by mock_reply.delay_ms, so
 * the wrapper only adds the fixed latency to whatever the engine (or one
 * of its fault rules) asked for. Requests the server answers itself
 * (OPTIONS, STARTUP, REGISTER, AUTH_RESPONSE) are not delayed, so
 * connecting and heartbeats stay fast.
 */
#include "mockcluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "tls.h"
#include "ucql/common.h"

struct mock_run {
	mock_topology *topo;
	mock_engine *engine;
	mock_tls_ctx *tls;
	mock_cluster *cluster;
	uint32_t latency_ms;
};

static int latency_handler(void *ctx, const mock_request *req, mock_reply *out)
{
	mock_run *run = ctx;
	int r = mock_engine_handler(run->engine, req, out);
	/* A swallowed request has no reply to delay; a close is delayed like
	 * a reply, as a slow node would close late too. */
	if (out->action != MOCK_ACT_NO_REPLY)
		out->delay_ms += run->latency_ms;
	return r;
}

static void run_free(mock_run *run)
{
	mock_cluster_stop(run->cluster);
	mock_engine_free(run->engine);
	mock_tls_ctx_free(run->tls);
	mock_topology_free(run->topo);
	free(run);
}

int mock_run_start(const mock_options *o, mock_run **out, char *err, size_t errlen)
{
	char dummy[1];
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = 0;
	*out = NULL;
	int r = mock_options_validate(o, err, errlen);
	if (r)
		return r;
	mock_run *run = calloc(1, sizeof *run);
	if (!run) {
		snprintf(err, errlen, "out of memory");
		return UCQL_E_NOMEM;
	}
	run->latency_ms = o->latency_ms;

	mock_topology_config tc = {
		.nodes = o->nodes,
		.dcs = o->dcs,
		.racks = o->racks,
		.tokens_per_node = o->tokens,
		.token_mode = o->random_tokens ? MOCK_TOKENS_RANDOM : MOCK_TOKENS_EVEN,
		.seed = o->seed,
	};
	char why[256];
	r = mock_topology_new(&run->topo, &tc, why, sizeof why);
	if (r) {
		snprintf(err, errlen, "topology: %s", why);
		goto fail;
	}

	/* validate() accepted only 3.11.x, 4.x and 5.x. */
	mock_engine_config ec = {
		.topology = run->topo,
		.release_version = o->release,
		.mode_311 = o->release && !strncmp(o->release, "3.", 2),
		.cluster_name = o->cluster_name,
	};
	r = mock_engine_new(&ec, &run->engine, why, sizeof why);
	if (r) {
		snprintf(err, errlen, "engine: %s", why);
		goto fail;
	}

	mock_config cfg;
	memset(&cfg, 0, sizeof cfg);
	if (o->tls) {
#ifdef MOCK_SERVER_TLS
		mock_tls_config tlc = {
			.cert = o->tls_cert,
			.key = o->tls_key,
			.ca = o->tls_ca,
			.require_client_cert = o->require_client_cert,
		};
		r = mock_tls_ctx_new(&tlc, &run->tls, why, sizeof why);
		if (r) {
			snprintf(err, errlen, "TLS: %s", why);
			goto fail;
		}
		cfg.tls = run->tls;
#else
		snprintf(err, errlen, "TLS: this build's server has no TLS hook yet (see tools/mock/tls.h)");
		r = UCQL_E_INVALID_ARG;
		goto fail;
#endif
	}

	/* Cassandra's default superuser, when auth is asked for without users. */
	static const mock_user default_user = { "cassandra", "cassandra" };
	cfg.nodes = o->nodes;
	cfg.port = o->port;
	cfg.max_version = o->max_protocol;
	for (int i = 0; i < o->nodes && i < MOCK_MAX_NODES; i++)
		cfg.node_max_version[i] = o->node_max_protocol[i];
	cfg.lz4 = o->lz4;
	cfg.auth = o->auth;
	cfg.users = o->n_users ? o->users : &default_user;
	cfg.n_users = o->n_users ? o->n_users : 1;
	cfg.cluster_name = o->cluster_name;
	if (o->latency_ms) {
		cfg.handler = latency_handler;
		cfg.handler_ctx = run;
	} else {
		cfg.handler = mock_engine_handler;
		cfg.handler_ctx = run->engine;
	}
	r = mock_cluster_start(&cfg, &run->cluster, why, sizeof why);
	if (r) {
		snprintf(err, errlen, "%s", why);
		goto fail;
	}
	mock_engine_attach(run->engine, run->cluster);
	*out = run;
	return 0;
fail:
	run_free(run);
	return r;
}

void mock_run_stop(mock_run *run)
{
	if (run)
		run_free(run);
}

mock_cluster *mock_run_cluster(mock_run *run)
{
	return run->cluster;
}

const mock_topology *mock_run_topology(const mock_run *run)
{
	return run->topo;
}
