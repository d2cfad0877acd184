/*
 * options.c — ucql-mock's command line: parsing, validation and --help,
 * shared by the executable (main.c) and in-process callers (mockcluster.h)
 * so both get the same checks and the same messages.
 */
#include "mockcluster.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucql/common.h"

/* What parse allocated: the --user array and its strings. */
typedef struct owned {
	mock_user *users;
	char **strs;
	size_t n, cap;
} owned;

void mock_options_init(mock_options *o)
{
	memset(o, 0, sizeof *o);
	o->nodes = 1;
	o->dcs = 1;
	o->racks = 1;
	o->port = MOCK_DEFAULT_PORT;
	o->release = MOCK_DEFAULT_RELEASE;
	o->max_protocol = UCQL_PROTOCOL_MAX;
	o->lz4 = 1; /* Cassandra offers lz4 (and snappy) out of the box */
}

void mock_options_clear(mock_options *o)
{
	owned *ow = o->owned_;
	if (!ow)
		return;
	for (size_t i = 0; i < ow->n; i++)
		free(ow->strs[i]);
	free(ow->strs);
	if (o->users == ow->users) {
		o->users = NULL;
		o->n_users = 0;
	}
	free(ow->users);
	free(ow);
	o->owned_ = NULL;
}

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return UCQL_E_INVALID_ARG;
}

/* Decimal digits only (no sign, no spaces, no 0x), at most max. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (!s || !*s)
		return -1;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* An integer option in lo..hi, with the message naming it. */
static int int_opt(const char *name, const char *s, long lo, long hi, long *out, char *err, size_t errlen)
{
	uint64_t v;
	if (parse_u64(s, UINT64_MAX, &v) || v < (uint64_t)lo || v > (uint64_t)hi)
		return bad(err, errlen, "%s: '%s' is not a number in %ld..%ld", name, s, lo, hi);
	*out = (long)v;
	return 0;
}

static int add_user(mock_options *o, const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	if (!colon || colon == spec)
		return bad(err, errlen, "--user: '%s' is not USER:PASSWORD", spec);
	owned *ow = o->owned_;
	if (!ow) {
		ow = calloc(1, sizeof *ow);
		if (!ow)
			return bad(err, errlen, "out of memory");
		o->owned_ = ow;
	}
	if (ow->n == ow->cap) {
		size_t cap = ow->cap ? ow->cap * 2 : 4;
		mock_user *u = realloc(ow->users, cap * sizeof *u);
		if (!u)
			return bad(err, errlen, "out of memory");
		ow->users = u;
		char **s = realloc(ow->strs, cap * sizeof *s);
		if (!s)
			return bad(err, errlen, "out of memory");
		ow->strs = s;
		ow->cap = cap;
	}
	char *copy = strdup(spec);
	if (!copy)
		return bad(err, errlen, "out of memory");
	size_t at = (size_t)(colon - spec);
	copy[at] = 0; /* name, then the password (which may contain ':') */
	ow->strs[ow->n] = copy;
	ow->users[ow->n].name = copy;
	ow->users[ow->n].password = copy + at + 1;
	ow->n++;
	o->users = ow->users;
	o->n_users = ow->n;
	return 0;
}

/* "3.11.16" → 3, 11; 0 or -1 when not MAJOR.MINOR[.PATCH…] digits. */
static int release_parse(const char *s, int *major, int *minor)
{
	uint64_t v[3] = { 0, 0, 0 };
	int parts = 0;
	const char *p = s;
	while (parts < 3) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		char num[12];
		if (len == 0 || len >= sizeof num)
			return -1;
		memcpy(num, p, len);
		num[len] = 0;
		if (parse_u64(num, 999999, &v[parts]))
			return -1;
		parts++;
		if (!dot)
			break;
		p = dot + 1;
		if (parts == 3)
			return -1; /* a fourth part */
	}
	if (parts < 2)
		return -1;
	*major = (int)v[0];
	*minor = (int)v[1];
	return 0;
}

/* Releases the engine can play: 3.11 (no peers_v2, no virtual tables) and
 * 4.x / 5.x (Cassandra 4.0's system tables). */
static int release_ok(const char *s)
{
	int major, minor;
	if (!s || release_parse(s, &major, &minor))
		return 0;
	return (major == 3 && minor == 11) || major == 4 || major == 5;
}

static int readable(const char *opt, const char *path, char *err, size_t errlen)
{
	if (!path || !*path)
		return bad(err, errlen, "%s needs a file name", opt);
	FILE *f = fopen(path, "rb");
	if (!f)
		return bad(err, errlen, "%s: cannot read '%s': %s", opt, path, strerror(errno));
	fclose(f);
	return 0;
}

int mock_options_validate(const mock_options *o, char *err, size_t errlen)
{
	if (o->nodes < 1 || o->nodes > MOCK_OPT_MAX_NODES)
		return bad(err, errlen, "--nodes: %d is not in 1..%d", o->nodes, MOCK_OPT_MAX_NODES);
	if (o->dcs < 1 || o->dcs > o->nodes)
		return bad(err, errlen, "--dcs: %d is not in 1..%d (every DC needs a node)", o->dcs,
			   o->nodes);
	if (o->racks < 1 || o->racks > o->nodes)
		return bad(err, errlen, "--racks: %d is not in 1..%d (every rack needs a node)", o->racks,
			   o->nodes);
	if (o->port == 0)
		return bad(err, errlen, "--port: 0 is not in 1..65535");
	if (o->tokens < 0 || o->tokens > MOCK_RING_MAX_TOKENS)
		return bad(err, errlen, "--tokens: %d is not in 1..%d", o->tokens, MOCK_RING_MAX_TOKENS);
	if (!release_ok(o->release))
		return bad(err, errlen,
			   "--release: '%s' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)",
			   o->release ? o->release : "(null)");
	if (o->max_protocol < UCQL_PROTOCOL_MIN || o->max_protocol > UCQL_PROTOCOL_MAX)
		return bad(err, errlen, "--max-protocol: %d is not in %d..%d", o->max_protocol,
			   UCQL_PROTOCOL_MIN, UCQL_PROTOCOL_MAX);
	for (int i = 0; i < MOCK_MAX_NODES; i++) {
		int v = o->node_max_protocol[i];
		if (!v)
			continue;
		if (i >= o->nodes)
			return bad(err, errlen, "--node-max-protocol: node %d is out of range (1..%d)", i + 1,
				   o->nodes);
		if (v < UCQL_PROTOCOL_MIN || v > UCQL_PROTOCOL_MAX)
			return bad(err, errlen, "--node-max-protocol: version %d of node %d is not in %d..%d",
				   v, i + 1, UCQL_PROTOCOL_MIN, UCQL_PROTOCOL_MAX);
	}
	if (o->n_users && !o->auth)
		return bad(err, errlen, "--user needs --auth");
	if (o->n_users && !o->users)
		return bad(err, errlen, "users: n_users is set but users is NULL");
	for (size_t i = 0; i < o->n_users; i++)
		if (!o->users[i].name || !o->users[i].name[0] || !o->users[i].password)
			return bad(err, errlen, "--user: user %zu has no name or no password", i + 1);
	if (!o->tls) {
		if (o->tls_cert || o->tls_key || o->tls_ca || o->require_client_cert)
			return bad(err, errlen, "--cert, --key, --ca and --require-client-cert need --tls");
	} else {
		if (!o->tls_cert || !o->tls_key)
			return bad(err, errlen, "--tls needs --cert FILE and --key FILE");
		if (o->require_client_cert && !o->tls_ca)
			return bad(err, errlen, "--require-client-cert needs --ca FILE");
		int r = readable("--cert", o->tls_cert, err, errlen);
		if (!r)
			r = readable("--key", o->tls_key, err, errlen);
		if (!r && o->tls_ca)
			r = readable("--ca", o->tls_ca, err, errlen);
		if (r)
			return r;
	}
	if (o->cluster_name && (!o->cluster_name[0] || strlen(o->cluster_name) > 255))
		return bad(err, errlen, "--cluster-name: must be 1..255 bytes");
	if (o->latency_ms > MOCK_OPT_MAX_LATENCY_MS)
		return bad(err, errlen, "--latency-ms: %u is not in 0..%u", (unsigned)o->latency_ms,
			   MOCK_OPT_MAX_LATENCY_MS);
	return 0;
}

/* The option table: name, whether it takes a value. */
enum opt_id {
	OPT_NODES, OPT_DCS, OPT_RACKS, OPT_PORT, OPT_TOKENS, OPT_RANDOM_TOKENS, OPT_RELEASE,
	OPT_MAX_PROTOCOL, OPT_NODE_MAX_PROTOCOL, OPT_COMPRESSION, OPT_AUTH, OPT_USER, OPT_TLS,
	OPT_CERT, OPT_KEY, OPT_CA, OPT_REQUIRE_CLIENT_CERT, OPT_CLUSTER_NAME, OPT_LATENCY_MS,
	OPT_HELP,
};

static const struct opt {
	const char *name;
	int id;
	int has_value;
} opts[] = {
	{ "--nodes", OPT_NODES, 1 },
	{ "--dcs", OPT_DCS, 1 },
	{ "--racks", OPT_RACKS, 1 },
	{ "--port", OPT_PORT, 1 },
	{ "--tokens", OPT_TOKENS, 1 },
	{ "--random-tokens", OPT_RANDOM_TOKENS, 1 },
	{ "--release", OPT_RELEASE, 1 },
	{ "--max-protocol", OPT_MAX_PROTOCOL, 1 },
	{ "--node-max-protocol", OPT_NODE_MAX_PROTOCOL, 1 },
	{ "--compression", OPT_COMPRESSION, 1 },
	{ "--auth", OPT_AUTH, 0 },
	{ "--user", OPT_USER, 1 },
	{ "--tls", OPT_TLS, 0 },
	{ "--cert", OPT_CERT, 1 },
	{ "--key", OPT_KEY, 1 },
	{ "--ca", OPT_CA, 1 },
	{ "--require-client-cert", OPT_REQUIRE_CLIENT_CERT, 0 },
	{ "--cluster-name", OPT_CLUSTER_NAME, 1 },
	{ "--latency-ms", OPT_LATENCY_MS, 1 },
	{ "--help", OPT_HELP, 0 },
	{ "-h", OPT_HELP, 0 },
};

static int apply(mock_options *o, const struct opt *op, const char *v, char *err, size_t errlen)
{
	long n = 0;
	uint64_t u;
	int r = 0;
	switch (op->id) {
	case OPT_NODES:
		if (!(r = int_opt(op->name, v, 1, MOCK_OPT_MAX_NODES, &n, err, errlen)))
			o->nodes = (int)n;
		break;
	case OPT_DCS:
		if (!(r = int_opt(op->name, v, 1, MOCK_OPT_MAX_NODES, &n, err, errlen)))
			o->dcs = (int)n;
		break;
	case OPT_RACKS:
		if (!(r = int_opt(op->name, v, 1, MOCK_OPT_MAX_NODES, &n, err, errlen)))
			o->racks = (int)n;
		break;
	case OPT_PORT:
		if (!(r = int_opt(op->name, v, 1, 65535, &n, err, errlen)))
			o->port = (uint16_t)n;
		break;
	case OPT_TOKENS:
		if (!(r = int_opt(op->name, v, 1, MOCK_RING_MAX_TOKENS, &n, err, errlen)))
			o->tokens = (int)n;
		break;
	case OPT_RANDOM_TOKENS:
		if (parse_u64(v, UINT64_MAX, &u))
			return bad(err, errlen, "--random-tokens: '%s' is not a seed (0..%llu)", v,
				   (unsigned long long)UINT64_MAX);
		o->random_tokens = 1;
		o->seed = u;
		break;
	case OPT_RELEASE:
		if (!release_ok(v))
			return bad(err, errlen,
				   "--release: '%s' is not a supported release (3.11.x, 4.x or 5.x, e.g. 4.0.11)",
				   v);
		o->release = v;
		break;
	case OPT_MAX_PROTOCOL:
		if (!(r = int_opt(op->name, v, UCQL_PROTOCOL_MIN, UCQL_PROTOCOL_MAX, &n, err, errlen)))
			o->max_protocol = (int)n;
		break;
	case OPT_NODE_MAX_PROTOCOL: {
		const char *eq = strchr(v, '=');
		char node[16];
		size_t len = eq ? (size_t)(eq - v) : 0;
		if (!eq || len == 0 || len >= sizeof node)
			return bad(err, errlen, "--node-max-protocol: '%s' is not NODE=VERSION", v);
		memcpy(node, v, len);
		node[len] = 0;
		long id = 0, ver = 0;
		if (parse_u64(node, UINT64_MAX, &u) || u < 1 || u > MOCK_OPT_MAX_NODES)
			return bad(err, errlen, "--node-max-protocol: node '%s' is out of range (1..%d)", node,
				   MOCK_OPT_MAX_NODES);
		id = (long)u;
		if ((r = int_opt(op->name, eq + 1, UCQL_PROTOCOL_MIN, UCQL_PROTOCOL_MAX, &ver, err,
				 errlen)))
			break;
		o->node_max_protocol[id - 1] = (uint8_t)ver;
		break;
	}
	case OPT_COMPRESSION:
		if (!strcmp(v, "lz4"))
			o->lz4 = 1;
		else if (!strcmp(v, "none"))
			o->lz4 = 0;
		else
			return bad(err, errlen, "--compression: '%s' is not lz4 or none", v);
		break;
	case OPT_AUTH:
		o->auth = 1;
		break;
	case OPT_USER:
		r = add_user(o, v, err, errlen);
		break;
	case OPT_TLS:
		o->tls = 1;
		break;
	case OPT_CERT:
		o->tls_cert = v;
		break;
	case OPT_KEY:
		o->tls_key = v;
		break;
	case OPT_CA:
		o->tls_ca = v;
		break;
	case OPT_REQUIRE_CLIENT_CERT:
		o->require_client_cert = 1;
		break;
	case OPT_CLUSTER_NAME:
		o->cluster_name = v;
		break;
	case OPT_LATENCY_MS:
		if (!(r = int_opt(op->name, v, 0, MOCK_OPT_MAX_LATENCY_MS, &n, err, errlen)))
			o->latency_ms = (uint32_t)n;
		break;
	case OPT_HELP:
		o->help = 1;
		break;
	}
	return r;
}

int mock_options_parse(mock_options *o, int argc, char **argv, char *err, size_t errlen)
{
	int explicit_max = 0;
	if (err && errlen)
		err[0] = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		/* --name=value as well as --name value */
		const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct opt *op = NULL;
		for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
			if (strlen(opts[k].name) == nlen && !strncmp(opts[k].name, arg, nlen)) {
				op = &opts[k];
				break;
			}
		if (!op) {
			if (arg[0] == '-')
				return bad(err, errlen, "unknown option '%.*s' (see --help)", (int)nlen, arg);
			return bad(err, errlen, "unexpected argument '%s' (see --help)", arg);
		}
		const char *v = NULL;
		if (op->has_value) {
			if (eq) {
				v = eq + 1;
			} else if (i + 1 < argc) {
				v = argv[++i];
			} else {
				return bad(err, errlen, "%s needs a value (see --help)", op->name);
			}
		} else if (eq) {
			return bad(err, errlen, "%s takes no value", op->name);
		}
		int r = apply(o, op, v, err, errlen);
		if (r)
			return r;
		if (o->help)
			return 0;
		if (op->id == OPT_MAX_PROTOCOL)
			explicit_max = 1;
	}
	/* Cassandra 3.11 never spoke the final v5 (it had only v5-beta behind
	 * USE_BETA), so a 3.11 release tops out at v4 unless told otherwise. */
	int major, minor;
	if (!explicit_max && o->release && !release_parse(o->release, &major, &minor) &&
	    major == 3)
		o->max_protocol = 4;
	return mock_options_validate(o, err, errlen);
}

void mock_options_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"\n"
		"Runs a CQL test cluster: node N listens on 127.0.0.N (all on the same port)\n"
		"and speaks the native protocol v3-v5 with an in-memory CQL engine. Prints a\n"
		"line containing 'ready' once every node listens; runs until SIGINT or\n"
		"SIGTERM, then exits 0. Bad options exit 2; a failure to start exits 1.\n"
		"Options take their value as '--opt VALUE' or '--opt=VALUE'.\n"
		"\n"
		"Cluster:\n"
		"  --nodes N            nodes 127.0.0.1 .. 127.0.0.N (1..%d; default 1)\n"
		"  --dcs D              data centers dc1..dcD, nodes assigned round-robin\n"
		"                       (1..N; default 1)\n"
		"  --racks R            racks rack1..rackR in each DC, round-robin within the\n"
		"                       DC (1..N; default 1)\n"
		"  --port P             the port of every node (default %d)\n"
		"  --tokens T           tokens (vnodes) per node (1..%d; default %d),\n"
		"                       evenly spread over the ring\n"
		"  --random-tokens SEED random tokens instead, reproducible from SEED\n"
		"  --cluster-name NAME  system.local cluster_name (default ucql-mock)\n"
		"  --release VERSION    release_version reported (default %s); a 3.11.x\n"
		"                       release behaves as Cassandra 3.11: no system.peers_v2,\n"
		"                       no system_virtual_schema\n"
		"\n"
		"Protocol:\n"
		"  --max-protocol V     highest protocol version of every node (3..5; default 5,\n"
		"                       4 with a 3.11.x --release)\n"
		"  --node-max-protocol NODE=V\n"
		"                       highest version of one node (a mixed cluster);\n"
		"                       repeatable\n"
		"  --compression lz4|none\n"
		"                       compression offered in SUPPORTED (default lz4)\n"
		"  --latency-ms MS      fixed delay added to every QUERY/PREPARE/EXECUTE/BATCH\n"
		"                       reply (0..%u; default 0)\n"
		"\n"
		"Authentication:\n"
		"  --auth               require PasswordAuthenticator (SASL PLAIN) logins\n"
		"  --user USER:PASSWORD a user (needs --auth; repeatable; default\n"
		"                       cassandra:cassandra when none is given)\n"
		"\n"
		"TLS (wolfSSL; TLS 1.2 and 1.3; every node, every connection):\n"
		"  --tls                serve TLS only (needs --cert and --key)\n"
		"  --cert FILE          PEM certificate chain of the nodes, leaf first\n"
		"  --key FILE           PEM private key of that certificate\n"
		"  --ca FILE            PEM CA: client certificates are requested and, when\n"
		"                       sent, must be signed by it\n"
		"  --require-client-cert\n"
		"                       reject clients without such a certificate (needs --ca)\n"
		"\n"
		"  -h, --help           this text\n"
		"\n"
		"Steer the running cluster with CQL on any node (ucql_mock.nodes, .stats,\n"
		".rules); see docs/MOCK.md.\n",
		prog, MOCK_OPT_MAX_NODES, MOCK_DEFAULT_PORT, MOCK_RING_MAX_TOKENS,
		MOCK_RING_DEFAULT_TOKENS, MOCK_DEFAULT_RELEASE, MOCK_OPT_MAX_LATENCY_MS);
}
