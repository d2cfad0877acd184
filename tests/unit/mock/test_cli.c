/*
 * Tests of ucql-mock's options (every option, every error, exact
 * messages) and of a whole in-process run (mockcluster.h): start, OPTIONS
 * → SUPPORTED on every node with the test client, stop.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "mockcluster.h"

/* Parses the NULL-terminated arguments (argv[0] added). */
static int parse(mock_options *o, char *err, size_t errlen, ...)
{
	char *argv[64] = { "ucql-mock" };
	int argc = 1;
	va_list ap;
	va_start(ap, errlen);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && argc < 63;)
		argv[argc++] = (char *)a;
	va_end(ap);
	mock_options_init(o);
	return mock_options_parse(o, argc, argv, err, errlen);
}

Test(options, defaults)
{
	mock_options o;
	char err[256];
	cr_assert_eq(parse(&o, err, sizeof err, NULL), 0, "%s", err);
	cr_assert_eq(o.nodes, 1);
	cr_assert_eq(o.dcs, 1);
	cr_assert_eq(o.racks, 1);
	cr_assert_eq(o.port, 9042);
	cr_assert_eq(o.tokens, 0);
	cr_assert_eq(o.random_tokens, 0);
	cr_assert_str_eq(o.release, "4.0.11");
	cr_assert_eq(o.max_protocol, 5);
	for (int i = 0; i < MOCK_MAX_NODES; i++)
		cr_assert_eq(o.node_max_protocol[i], 0);
	cr_assert_eq(o.lz4, 1);
	cr_assert_eq(o.auth, 0);
	cr_assert_eq(o.n_users, 0);
	cr_assert_eq(o.tls, 0);
	cr_assert_null(o.cluster_name);
	cr_assert_eq(o.latency_ms, 0);
	cr_assert_eq(o.help, 0);
	mock_options_clear(&o);
}

Test(options, every_option)
{
	mock_options o;
	char err[256];
	int r = parse(&o, err, sizeof err, "--nodes", "6", "--dcs", "2", "--racks", "3", "--port", "19999",
		      "--tokens", "4", "--random-tokens", "18446744073709551615", "--release", "3.11.16",
		      "--max-protocol", "4", "--node-max-protocol", "2=3", "--node-max-protocol", "6=5",
		      "--compression", "none", "--auth", "--user", "alice:s3cr:et", "--user", "bob:",
		      "--tls", "--cert", "/dev/null", "--key", "/dev/null", "--ca", "/dev/null",
		      "--require-client-cert", "--cluster-name", "Test Cluster", "--latency-ms", "25",
		      NULL);
	cr_assert_eq(r, 0, "%s", err);
	cr_assert_eq(o.nodes, 6);
	cr_assert_eq(o.dcs, 2);
	cr_assert_eq(o.racks, 3);
	cr_assert_eq(o.port, 19999);
	cr_assert_eq(o.tokens, 4);
	cr_assert_eq(o.random_tokens, 1);
	cr_assert_eq(o.seed, UINT64_MAX);
	cr_assert_str_eq(o.release, "3.11.16");
	cr_assert_eq(o.max_protocol, 4);
	cr_assert_eq(o.node_max_protocol[1], 3);
	cr_assert_eq(o.node_max_protocol[5], 5);
	cr_assert_eq(o.node_max_protocol[0], 0);
	cr_assert_eq(o.lz4, 0);
	cr_assert_eq(o.auth, 1);
	cr_assert_eq(o.n_users, 2);
	cr_assert_str_eq(o.users[0].name, "alice");
	cr_assert_str_eq(o.users[0].password, "s3cr:et"); /* split at the first ':' */
	cr_assert_str_eq(o.users[1].name, "bob");
	cr_assert_str_eq(o.users[1].password, "");
	cr_assert_eq(o.tls, 1);
	cr_assert_str_eq(o.tls_cert, "/dev/null");
	cr_assert_str_eq(o.tls_key, "/dev/null");
	cr_assert_str_eq(o.tls_ca, "/dev/null");
	cr_assert_eq(o.require_client_cert, 1);
	cr_assert_str_eq(o.cluster_name, "Test Cluster");
	cr_assert_eq(o.latency_ms, 25);
	mock_options_clear(&o);
	cr_assert_null(o.users);
	cr_assert_eq(o.n_users, 0);
}

Test(options, equals_form_and_last_wins)
{
	mock_options o;
	char err[256];
	int r = parse(&o, err, sizeof err, "--nodes=3", "--port=1", "--compression=lz4", "--nodes", "4",
		      "--release=4.1.3", "--release=5.0", "--latency-ms=0", "--tokens=1024", NULL);
	cr_assert_eq(r, 0, "%s", err);
	cr_assert_eq(o.nodes, 4);
	cr_assert_eq(o.port, 1);
	cr_assert_eq(o.lz4, 1);
	cr_assert_str_eq(o.release, "5.0");
	cr_assert_eq(o.latency_ms, 0);
	cr_assert_eq(o.tokens, 1024);
	mock_options_clear(&o);
}

Test(options, help_stops_parsing)
{
	mock_options o;
	char err[256];
	cr_assert_eq(parse(&o, err, sizeof err, "--help", "--bogus", NULL), 0);
	cr_assert_eq(o.help, 1);
	mock_options_clear(&o);
	cr_assert_eq(parse(&o, err, sizeof err, "--nodes", "2", "-h", NULL), 0);
	cr_assert_eq(o.help, 1);
	mock_options_clear(&o);
}

Test(options, usage_documents_every_option)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	mock_options_usage(f, "ucql-mock");
	fclose(f);
	static const char *const names[] = {
		"--nodes", "--dcs", "--racks", "--port", "--tokens", "--random-tokens", "--release",
		"--max-protocol", "--node-max-protocol", "--compression", "--auth", "--user", "--tls",
		"--cert", "--key", "--ca", "--require-client-cert", "--cluster-name", "--latency-ms",
		"--help", "ready", "SIGTERM",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		cr_assert(strstr(text, names[i]), "--help does not mention %s", names[i]);
	free(text);
}

static void fails(const char *expect, ...)
{
	char *argv[32] = { "ucql-mock" };
	int argc = 1;
	va_list ap;
	va_start(ap, expect);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && argc < 31;)
		argv[argc++] = (char *)a;
	va_end(ap);
	mock_options o;
	mock_options_init(&o);
	char err[256] = "";
	int r = mock_options_parse(&o, argc, argv, err, sizeof err);
	mock_options_clear(&o);
	cr_assert_eq(r, UCQL_E_INVALID_ARG, "'%s' was accepted", argv[1]);
	cr_assert_str_eq(err, expect);
}

Test(options, errors)
{
	cr_assert_eq(MOCK_OPT_MAX_NODES, 64, "the expectations below assume 64 nodes at most");
	char max[64];
	snprintf(max, sizeof max, "--nodes: '%d' is not a number in 1..%d", MOCK_OPT_MAX_NODES + 1,
		 MOCK_OPT_MAX_NODES);
	char big[16];
	snprintf(big, sizeof big, "%d", MOCK_OPT_MAX_NODES + 1);
	fails("unknown option '--bogus' (see --help)", "--bogus", NULL);
	fails("unknown option '--bogus' (see --help)", "--bogus=1", NULL);
	fails("unknown option '-x' (see --help)", "-x", NULL);
	fails("unexpected argument 'three' (see --help)", "three", NULL);
	fails("--nodes needs a value (see --help)", "--nodes", NULL);
	fails("--auth takes no value", "--auth=1", NULL);
	fails("--nodes: '0' is not a number in 1..64", "--nodes", "0", NULL);
	fails(max, "--nodes", big, NULL);
	fails("--nodes: '-1' is not a number in 1..64", "--nodes", "-1", NULL);
	fails("--nodes: '3x' is not a number in 1..64", "--nodes", "3x", NULL);
	fails("--nodes: '' is not a number in 1..64", "--nodes=", NULL);
	fails("--nodes: ' 3' is not a number in 1..64", "--nodes", " 3", NULL);
	fails("--nodes: '99999999999999999999999' is not a number in 1..64", "--nodes",
	      "99999999999999999999999", NULL);
	fails("--dcs: '0' is not a number in 1..64", "--dcs", "0", NULL);
	fails("--dcs: 3 is not in 1..2 (every DC needs a node)", "--nodes", "2", "--dcs", "3", NULL);
	fails("--racks: 4 is not in 1..3 (every rack needs a node)", "--nodes", "3", "--racks", "4", NULL);
	fails("--port: '0' is not a number in 1..65535", "--port", "0", NULL);
	fails("--port: '65536' is not a number in 1..65535", "--port", "65536", NULL);
	fails("--tokens: '0' is not a number in 1..1024", "--tokens", "0", NULL);
	fails("--tokens: '1025' is not a number in 1..1024", "--tokens", "1025", NULL);
	fails("--random-tokens: 'x' is not a seed (0..18446744073709551615)", "--random-tokens", "x", NULL);
	fails("--random-tokens: '18446744073709551616' is not a seed (0..18446744073709551615)",
	      "--random-tokens", "18446744073709551616", NULL);
	fails("--release: '3.0.24' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)",
	      "--release", "3.0.24", NULL);
	fails("--release: '4' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)", "--release",
	      "4", NULL);
	fails("--release: '4.0.1.2' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)",
	      "--release", "4.0.1.2", NULL);
	fails("--release: '4.0.' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)",
	      "--release", "4.0.", NULL);
	fails("--release: 'latest' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)",
	      "--release", "latest", NULL);
	fails("--max-protocol: '2' is not a number in 3..5", "--max-protocol", "2", NULL);
	fails("--max-protocol: '6' is not a number in 3..5", "--max-protocol", "6", NULL);
	fails("--node-max-protocol: '2' is not NODE=VERSION", "--node-max-protocol", "2", NULL);
	fails("--node-max-protocol: '=4' is not NODE=VERSION", "--node-max-protocol", "=4", NULL);
	fails("--node-max-protocol: node '0' is out of range (1..64)", "--node-max-protocol", "0=4", NULL);
	fails("--node-max-protocol: node '65' is out of range (1..64)", "--node-max-protocol", "65=4",
	      NULL);
	fails("--node-max-protocol: node 4 is out of range (1..3)", "--nodes", "3", "--node-max-protocol",
	      "4=4", NULL);
	fails("--node-max-protocol: '6' is not a number in 3..5", "--node-max-protocol", "1=6", NULL);
	fails("--compression: 'snappy' is not lz4 or none", "--compression", "snappy", NULL);
	fails("--user: 'alice' is not USER:PASSWORD", "--auth", "--user", "alice", NULL);
	fails("--user: ':pw' is not USER:PASSWORD", "--auth", "--user", ":pw", NULL);
	fails("--user needs --auth", "--user", "alice:pw", NULL);
	fails("--tls needs --cert FILE and --key FILE", "--tls", NULL);
	fails("--tls needs --cert FILE and --key FILE", "--tls", "--cert", "/dev/null", NULL);
	fails("--cert, --key, --ca and --require-client-cert need --tls", "--cert", "/dev/null", NULL);
	fails("--cert, --key, --ca and --require-client-cert need --tls", "--require-client-cert", NULL);
	fails("--require-client-cert needs --ca FILE", "--tls", "--cert", "/dev/null", "--key", "/dev/null",
	      "--require-client-cert", NULL);
	fails("--cert: cannot read '/nonexistent.pem': No such file or directory", "--tls", "--cert",
	      "/nonexistent.pem", "--key", "/dev/null", NULL);
	fails("--key: cannot read '/nonexistent.key': No such file or directory", "--tls", "--cert",
	      "/dev/null", "--key", "/nonexistent.key", NULL);
	fails("--ca: cannot read '/nonexistent.ca': No such file or directory", "--tls", "--cert",
	      "/dev/null", "--key", "/dev/null", "--ca", "/nonexistent.ca", NULL);
	fails("--cert needs a file name", "--tls", "--cert", "", "--key", "/dev/null", NULL);
	fails("--cluster-name: must be 1..255 bytes", "--cluster-name", "", NULL);
	fails("--latency-ms: '3600001' is not a number in 0..3600000", "--latency-ms", "3600001", NULL);
}

Test(options, validate_direct)
{
	/* In-process callers fill the struct themselves: same checks. */
	mock_options o;
	char err[256];
	mock_options_init(&o);
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), 0);
	o.nodes = 0;
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "--nodes: 0 is not in 1..64");
	o.nodes = 2;
	o.node_max_protocol[1] = 2;
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "--node-max-protocol: version 2 of node 2 is not in 3..5");
	o.node_max_protocol[1] = 0;
	o.release = NULL;
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "--release: '(null)' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)");
	o.release = "4.0.11";
	o.auth = 1;
	o.n_users = 1;
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "users: n_users is set but users is NULL");
	mock_user u = { NULL, "pw" };
	o.users = &u;
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "--user: user 1 has no name or no password");
	u.name = "x";
	o.latency_ms = MOCK_OPT_MAX_LATENCY_MS + 1;
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "--latency-ms: 3600001 is not in 0..3600000");
	o.latency_ms = 0;
	cr_assert_eq(mock_options_validate(&o, err, sizeof err), 0, "%s", err);
}

/* ---- whole runs --------------------------------------------------------- */

static mock_run *start(mock_options *o)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		o->port = (uint16_t)(23042 + ((unsigned)getpid() + (unsigned)attempt * 43u) % 1000u);
		char err[512];
		mock_run *run = NULL;
		int r = mock_run_start(o, &run, err, sizeof err);
		if (r == 0)
			return run;
		cr_assert_eq(r, -EADDRINUSE, "start failed: %d %s", r, err);
	}
	cr_assert_fail("no free port");
	return NULL;
}

static void options_supported(int node, uint16_t port, int version)
{
	tc c;
	int r = tc_connect(&c, node, port, version);
	cr_assert_eq(r, 0, "connect node %d: %s", node, strerror(-r));
	cr_assert_eq(tc_send_options(&c, 3), 0);
	tc_frame fr;
	cr_assert_eq(tc_recv(&c, &fr), 1, "node %d: no reply", node);
	cr_assert_eq(fr.f.h.opcode, UCQL_OP_SUPPORTED, "node %d: opcode %d", node, fr.f.h.opcode);
	cr_assert_eq(fr.f.h.stream, 3);
	cr_assert_eq(fr.merr, 0);
	ucql_list_view vals;
	cr_assert(ucql_string_multimap_get(fr.m.u.supported.options, "CQL_VERSION", &vals));
	tc_close(&c);
}

Test(run, three_nodes_answer_options_then_stop)
{
	mock_options o;
	mock_options_init(&o);
	o.nodes = 3;
	o.dcs = 2;
	mock_run *run = start(&o);
	mock_cluster *cl = mock_run_cluster(run);
	cr_assert_eq(mock_cluster_nodes(cl), 3);
	cr_assert_eq(mock_cluster_port(cl), o.port);
	const mock_topology *t = mock_run_topology(run);
	cr_assert_eq(mock_topology_node_count(t), 3);
	cr_assert_str_eq(mock_topology_node(t, 1)->dc, "dc1");
	cr_assert_str_eq(mock_topology_node(t, 2)->dc, "dc2");
	cr_assert_str_eq(mock_topology_node(t, 3)->dc, "dc1");
	cr_assert_eq(mock_topology_node(t, 1)->ntokens, MOCK_RING_DEFAULT_TOKENS);
	for (int node = 1; node <= 3; node++)
		options_supported(node, o.port, 4);
	/* Nothing listens on a fourth address. */
	tc c;
	cr_assert_eq(tc_connect(&c, 4, o.port, 4), -ECONNREFUSED);
	mock_run_stop(run);
	/* Stopped: every node refuses connections. */
	for (int node = 1; node <= 3; node++)
		cr_assert_eq(tc_connect(&c, node, o.port, 4), -ECONNREFUSED);
	mock_run_stop(NULL);
}

Test(run, options_reach_the_server)
{
	mock_options o;
	mock_options_init(&o);
	o.nodes = 2;
	o.max_protocol = 4;
	o.node_max_protocol[1] = 3;
	o.tokens = 3;
	o.random_tokens = 1;
	o.seed = 42;
	o.cluster_name = "Named";
	mock_run *run = start(&o);
	mock_cluster *cl = mock_run_cluster(run);
	cr_assert_eq(mock_node_max_version(cl, 1), 4);
	cr_assert_eq(mock_node_max_version(cl, 2), 3);
	cr_assert_str_eq(mock_cluster_name(cl), "Named");
	cr_assert_eq(mock_topology_node(mock_run_topology(run), 2)->ntokens, 3);
	options_supported(1, o.port, 4);
	options_supported(2, o.port, 3);
	mock_run_stop(run);
}

Test(run, auth_with_the_default_user)
{
	mock_options o;
	mock_options_init(&o);
	o.auth = 1;
	mock_run *run = start(&o);
	tc c;
	cr_assert_eq(tc_connect(&c, 1, o.port, 4), 0);
	tc_frame fr;
	cr_assert_eq(tc_startup(&c, NULL, &fr), UCQL_OP_AUTHENTICATE);
	cr_assert_eq(tc_auth(&c, "cassandra", "cassandra", &fr), UCQL_OP_AUTH_SUCCESS, "%s",
		     tc_error_text(&fr));
	tc_close(&c);
	cr_assert_eq(tc_connect(&c, 1, o.port, 4), 0);
	cr_assert_eq(tc_startup(&c, NULL, &fr), UCQL_OP_AUTHENTICATE);
	cr_assert_eq(tc_auth(&c, "cassandra", "wrong", &fr), UCQL_OP_ERROR);
	tc_close(&c);
	mock_run_stop(run);
}

Test(run, latency_delays_engine_replies)
{
	mock_options o;
	mock_options_init(&o);
	o.latency_ms = 150;
	mock_run *run = start(&o);
	tc c;
	cr_assert_eq(tc_connect(&c, 1, o.port, 4), 0);
	tc_frame fr;
	cr_assert_eq(tc_startup(&c, NULL, &fr), UCQL_OP_READY);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	cr_assert_eq(tc_send_query(&c, 1, 0, "SELECT release_version FROM system.local"), 0);
	cr_assert_eq(tc_recv(&c, &fr), 1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_assert_eq(fr.f.h.stream, 1);
	/* A lower bound only: the reply cannot come before the added delay,
	 * however fast or slow the machine is. */
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	cr_assert_geq(ms, 150.0, "reply after %.1f ms", ms);
	tc_close(&c);
	mock_run_stop(run);
}

Test(run, bad_options_start_nothing)
{
	mock_options o;
	mock_options_init(&o);
	o.nodes = 2;
	o.dcs = 3;
	mock_run *run = (mock_run *)&o; /* must be reset to NULL */
	char err[256];
	cr_assert_eq(mock_run_start(&o, &run, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_null(run);
	cr_assert_str_eq(err, "--dcs: 3 is not in 1..2 (every DC needs a node)");
}

Test(run, port_in_use)
{
	mock_options o;
	mock_options_init(&o);
	mock_run *run = start(&o);
	mock_run *second = NULL;
	char err[256];
	int r = mock_run_start(&o, &second, err, sizeof err);
	cr_assert_eq(r, -EADDRINUSE, "%d %s", r, err);
	cr_assert_null(second);
	cr_assert_neq(err[0], 0);
	mock_run_stop(run);
}

Test(cli, release_311_defaults_to_protocol_v4)
{
	/* Cassandra 3.11 had no final v5: the default follows the release,
	 * an explicit --max-protocol wins in either order. */
	mock_options o;
	char err[256];
	cr_assert_eq(parse(&o, err, sizeof err, "--release", "3.11.16", NULL), 0, "%s", err);
	cr_assert_eq(o.max_protocol, 4);
	mock_options_clear(&o);
	cr_assert_eq(parse(&o, err, sizeof err, "--release", "3.11.16", "--max-protocol", "5", NULL), 0, "%s", err);
	cr_assert_eq(o.max_protocol, 5);
	mock_options_clear(&o);
	cr_assert_eq(parse(&o, err, sizeof err, "--max-protocol", "5", "--release", "3.11.16", NULL), 0, "%s", err);
	cr_assert_eq(o.max_protocol, 5);
	mock_options_clear(&o);
	cr_assert_eq(parse(&o, err, sizeof err, "--release", "4.0.11", NULL), 0, "%s", err);
	cr_assert_eq(o.max_protocol, 5);
	mock_options_clear(&o);
}
