/*
 * tools/mock/replication.c — replication strategies as Cassandra 4.0
 * computes them (org.apache.cassandra.locator.SimpleStrategy,
 * NetworkTopologyStrategy, LocalStrategy; EverywhereStrategy as DSE and
 * ScyllaDB define it) and the per-keyspace replica tables built from them.
 */
#include "replication.h"

#include "mock_err.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ucql/common.h>

#define CLASS_PREFIX "org.apache.cassandra.locator."
#define RF_KEY "replication_factor"


const char *mock_replication_class_name(mock_repl_class cls)
{
	switch (cls) {
	case MOCK_REPL_SIMPLE:
		return CLASS_PREFIX "SimpleStrategy";
	case MOCK_REPL_NTS:
		return CLASS_PREFIX "NetworkTopologyStrategy";
	case MOCK_REPL_LOCAL:
		return CLASS_PREFIX "LocalStrategy";
	case MOCK_REPL_EVERYWHERE:
		return CLASS_PREFIX "EverywhereStrategy";
	}
	return "";
}

static const char *simple_name(mock_repl_class cls)
{
	return mock_replication_class_name(cls) + sizeof CLASS_PREFIX - 1;
}

/* ---- replication factor strings, as Java parses them ---- */

/* Integer.parseInt: an optional sign, at least one digit, int range. Its
 * NumberFormatException text reaches the client as the error message. */
static int java_parse_int(const char *s, size_t len, int *out, char *err, size_t errlen)
{
	size_t i = 0;
	int neg = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	long long v = 0;
	int ok = i < len;
	for (; ok && i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			ok = 0;
		else if ((v = v * 10 + (s[i] - '0')) > (long long)INT_MAX + neg)
			ok = 0;
	}
	if (!ok)
		return mock_fail(UCQL_E_CONFIG, err, errlen, "For input string: \"%.*s\"", (int)len, s);
	*out = (int)(neg ? -v : v);
	return 0;
}

/* ReplicationFactor.fromString and .validate of Cassandra 4.0, with
 * transient replication disabled as cassandra.yaml ships it. */
static int parse_rf(const char *s, int *out, char *err, size_t errlen)
{
	int total, trans = 0, rc;
	const char *slash = strchr(s, '/');
	if (slash) {
		/* String.split("/") drops trailing empty parts: "3/" is one part. */
		size_t len = strlen(s);
		while (len && s[len - 1] == '/')
			len--;
		const char *mid = memchr(s, '/', len);
		if (!mid || memchr(mid + 1, '/', len - (size_t)(mid + 1 - s)))
			return mock_fail(UCQL_E_CONFIG, err, errlen,
				    "Replication factor format is <replicas> or <replicas>/<transient>");
		if ((rc = java_parse_int(s, (size_t)(mid - s), &total, err, errlen)) ||
		    (rc = java_parse_int(mid + 1, len - (size_t)(mid + 1 - s), &trans, err, errlen)))
			return rc;
	} else if ((rc = java_parse_int(s, strlen(s), &total, err, errlen))) {
		return rc;
	}
	if (trans != 0)
		return mock_fail(UCQL_E_CONFIG, err, errlen, "Transient replication is not enabled on this node");
	if (total < 0)
		return mock_fail(UCQL_E_CONFIG, err, errlen, "Replication factor must be non-negative, found %d",
			    total);
	*out = total;
	return 0;
}

/* ---- option lists ---- */

typedef struct opt {
	const char *key;
	const char *value;
	char *owned; /* value allocated here (expanded replication_factor) */
} opt;

static void add_stored(mock_replication *r, char *key, char *value)
{
	r->keys[r->nopts] = key;
	r->values[r->nopts] = value;
	r->nopts++;
}

void mock_replication_clear(mock_replication *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nopts; i++) {
		free(r->keys[i]);
		free(r->values[i]);
	}
	free(r->keys);
	free(r->values);
	/* dcs[i].name points into keys[]. */
	free(r->dcs);
	memset(r, 0, sizeof *r);
}

static int fill_stored(mock_replication *r, const opt *opts, size_t n)
{
	r->keys = calloc(n + 1, sizeof *r->keys);
	r->values = calloc(n + 1, sizeof *r->values);
	if (!r->keys || !r->values)
		return UCQL_E_NOMEM;
	char *k = strdup("class"), *v = strdup(mock_replication_class_name(r->cls));
	if (!k || !v) {
		free(k);
		free(v);
		return UCQL_E_NOMEM;
	}
	add_stored(r, k, v);
	for (size_t i = 0; i < n; i++) {
		k = strdup(opts[i].key);
		v = strdup(opts[i].value);
		if (!k || !v) {
			free(k);
			free(v);
			return UCQL_E_NOMEM;
		}
		add_stored(r, k, v);
	}
	return 0;
}

int mock_replication_parse(mock_replication *out, const char *keyspace, const char *const *keys,
			   const char *const *values, size_t n, const mock_ring *ring, unsigned flags,
			   char *err, size_t errlen)
{
	if (!out || (n && (!keys || !values)))
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing argument");
	memset(out, 0, sizeof *out);
	if (!keyspace)
		keyspace = "";
	int strict = (flags & MOCK_REPL_STRICT) != 0;
	size_t ndc_ring = ring ? mock_ring_dc_count(ring) : 0;

	/* Options minus 'class', a later duplicate key replacing an earlier
	 * one as in a Java map; room for the DCs replication_factor may add. */
	opt *opts = calloc(n + ndc_ring + 1, sizeof *opts);
	if (!opts)
		return mock_nomem(err, errlen);
	size_t nopt = 0;
	const char *klass = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!keys[i] || !values[i]) {
			free(opts);
			return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "null replication option");
		}
		if (strcmp(keys[i], "class") == 0) {
			klass = values[i];
			continue;
		}
		size_t j = 0;
		while (j < nopt && strcmp(opts[j].key, keys[i]) != 0)
			j++;
		opts[j].key = keys[i];
		opts[j].value = values[i];
		if (j == nopt)
			nopt++;
	}

	int rc = 0;
	char name[256];
	/* KeyspaceAttributes.validate, then AbstractReplicationStrategy.getClass. */
	if (!klass) {
		rc = mock_fail(UCQL_E_CONFIG, err, errlen, "Missing replication strategy class");
		goto out;
	}
	if (strchr(klass, '.'))
		snprintf(name, sizeof name, "%s", klass);
	else
		snprintf(name, sizeof name, CLASS_PREFIX "%s", klass);
	static const mock_repl_class all[] = { MOCK_REPL_SIMPLE, MOCK_REPL_NTS, MOCK_REPL_LOCAL,
					       MOCK_REPL_EVERYWHERE };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		if (strcmp(name, mock_replication_class_name(all[i])) == 0)
			out->cls = all[i];
	if (!out->cls) {
		if (strcmp(name, CLASS_PREFIX "OldNetworkTopologyStrategy") == 0)
			rc = mock_fail(UCQL_E_CONFIG, err, errlen,
				  "The support for the OldNetworkTopologyStrategy has been removed in C* "
				  "version 4.0. The keyspace strategy should be switch to "
				  "NetworkTopologyStrategy");
		else
			rc = mock_fail(UCQL_E_CONFIG, err, errlen, "Unable to find replication strategy class '%s'",
				  name);
		goto out;
	}

	if (out->cls == MOCK_REPL_NTS) {
		/* NetworkTopologyStrategy.prepareOptions: 'replication_factor'
		 * becomes that RF for every DC not named explicitly, then DCs
		 * set to exactly "0" are dropped. A bad RF there is swallowed
		 * (the reflective call's exception is ignored), leaving the
		 * option just removed. */
		size_t j = 0;
		while (j < nopt && strcmp(opts[j].key, RF_KEY) != 0)
			j++;
		if (j < nopt) {
			const char *rfs = opts[j].value;
			memmove(&opts[j], &opts[j + 1], (nopt - j - 1) * sizeof *opts);
			nopt--;
			int rf;
			if (parse_rf(rfs, &rf, NULL, 0) == 0) {
				for (size_t d = 0; d < ndc_ring; d++) {
					const char *dc = mock_ring_dc_name(ring, d);
					size_t q = 0;
					while (q < nopt && strcmp(opts[q].key, dc) != 0)
						q++;
					if (q < nopt)
						continue;
					char buf[16];
					snprintf(buf, sizeof buf, "%d", rf);
					opts[nopt].key = dc;
					opts[nopt].owned = strdup(buf);
					if (!opts[nopt].owned) {
						rc = mock_nomem(err, errlen);
						goto out;
					}
					opts[nopt].value = opts[nopt].owned;
					nopt++;
				}
			}
		}
		for (size_t q = 0; q < nopt;) {
			if (strcmp(opts[q].value, "0") == 0) {
				free(opts[q].owned);
				memmove(&opts[q], &opts[q + 1], (nopt - q - 1) * sizeof *opts);
				nopt--;
			} else {
				q++;
			}
		}
	}

	/* CreateKeyspaceStatement / AlterKeyspaceStatement. */
	if (strict && out->cls == MOCK_REPL_LOCAL) {
		rc = mock_fail(UCQL_E_INVALID, err, errlen,
			  "Unable to use given strategy class: LocalStrategy is reserved for internal use.");
		goto out;
	}

	/* The strategy's constructor, then validateExpectedOptions (strict
	 * only: Cassandra merely logs it for stored schema), then
	 * validateOptions. */
	switch (out->cls) {
	case MOCK_REPL_SIMPLE: {
		const char *rfs = NULL;
		for (size_t q = 0; q < nopt; q++)
			if (strcmp(opts[q].key, RF_KEY) == 0)
				rfs = opts[q].value;
		if (!rfs) {
			rc = mock_fail(UCQL_E_CONFIG, err, errlen,
				  "SimpleStrategy requires a replication_factor strategy option.");
			goto out;
		}
		if ((rc = parse_rf(rfs, &out->rf, err, errlen)))
			goto out;
		break;
	}
	case MOCK_REPL_NTS:
		for (size_t q = 0; q < nopt; q++) {
			if (strcasecmp(opts[q].key, RF_KEY) == 0) {
				rc = mock_fail(UCQL_E_CONFIG, err, errlen,
					  RF_KEY " should not appear as an option at construction time for "
						 "NetworkTopologyStrategy");
				goto out;
			}
			int rf;
			if ((rc = parse_rf(opts[q].value, &rf, err, errlen)))
				goto out;
		}
		if (strict && nopt == 0) {
			rc = mock_fail(UCQL_E_CONFIG, err, errlen,
				  "Configuration for at least one datacenter must be present");
			goto out;
		}
		break;
	case MOCK_REPL_LOCAL:
	case MOCK_REPL_EVERYWHERE:
		break;
	}
	if (strict) {
		for (size_t q = 0; q < nopt; q++) {
			int known;
			if (out->cls == MOCK_REPL_SIMPLE)
				known = strcmp(opts[q].key, RF_KEY) == 0;
			else if (out->cls == MOCK_REPL_NTS)
				known = ring && mock_ring_dc_find(ring, opts[q].key) >= 0;
			else
				known = 0;
			if (!known) {
				rc = mock_fail(UCQL_E_CONFIG, err, errlen,
					  "Unrecognized strategy option {%s} passed to %s for keyspace %s",
					  opts[q].key, simple_name(out->cls), keyspace);
				goto out;
			}
		}
	}

	/* Stored as given (strict mode rejected unknown options above;
	 * non-strict input is schema Cassandra already accepted). */
	if ((rc = fill_stored(out, opts, nopt))) {
		rc = mock_nomem(err, errlen);
		goto out;
	}
	if (out->cls == MOCK_REPL_NTS && nopt) {
		out->dcs = calloc(nopt, sizeof *out->dcs);
		if (!out->dcs) {
			rc = mock_nomem(err, errlen);
			goto out;
		}
		for (size_t q = 0; q < nopt; q++) {
			out->dcs[q].name = out->keys[q + 1];
			parse_rf(out->values[q + 1], &out->dcs[q].rf, NULL, 0);
		}
		out->ndcs = nopt;
	}

out:
	for (size_t q = 0; q < nopt; q++)
		free(opts[q].owned);
	free(opts);
	if (rc)
		mock_replication_clear(out);
	return rc;
}

int mock_replication_copy(mock_replication *dst, const mock_replication *src)
{
	memset(dst, 0, sizeof *dst);
	dst->cls = src->cls;
	dst->rf = src->rf;
	dst->keys = calloc(src->nopts + 1, sizeof *dst->keys);
	dst->values = calloc(src->nopts + 1, sizeof *dst->values);
	if (!dst->keys || !dst->values)
		goto fail;
	for (size_t i = 0; i < src->nopts; i++) {
		char *k = strdup(src->keys[i]), *v = strdup(src->values[i]);
		if (!k || !v) {
			free(k);
			free(v);
			goto fail;
		}
		add_stored(dst, k, v);
	}
	if (src->ndcs) {
		dst->dcs = calloc(src->ndcs, sizeof *dst->dcs);
		if (!dst->dcs)
			goto fail;
		for (size_t i = 0; i < src->ndcs; i++) {
			/* src->dcs[i].name is src->keys[j] for some j. */
			size_t j = 0;
			while (j < src->nopts && src->keys[j] != src->dcs[i].name)
				j++;
			dst->dcs[i].name = j < src->nopts ? dst->keys[j] : NULL;
			dst->dcs[i].rf = src->dcs[i].rf;
		}
		dst->ndcs = src->ndcs;
	}
	return 0;
fail:
	mock_replication_clear(dst);
	return UCQL_E_NOMEM;
}

/* ---- replica tables ---- */

struct mock_replica_map {
	mock_ring *ring;
	mock_repl_class cls;
	size_t k;  /* replicas per range: the same for every range */
	int *ids;  /* size(ring) * k node ids, range by range */
};

/* Per-build scratch for the ring walk. */
typedef struct walk {
	const mock_ring *ring;
	const mock_ring_entry *e;
	size_t size;
	unsigned char *chosen; /* by node index */
	unsigned char *seen;   /* by global rack index: racks are (DC, rack) pairs */
	int *rf;               /* by DC; 0 = not replicated there */
	size_t *left;          /* by DC */
	long long *repeats;    /* by DC */
} walk;

/* SimpleStrategy.calculateNaturalReplicas: distinct nodes in ring order
 * from the range's end token. EverywhereStrategy is the same walk with
 * k = every node. */
static void walk_simple(walk *w, size_t start, int *out, size_t k)
{
	memset(w->chosen, 0, mock_ring_node_count(w->ring));
	size_t cnt = 0;
	for (size_t j = 0; j < w->size && cnt < k; j++) {
		uint32_t node = w->e[(start + j) % w->size].node;
		if (w->chosen[node])
			continue;
		w->chosen[node] = 1;
		out[cnt++] = mock_ring_node_at(w->ring, node)->id;
	}
}

/* NetworkTopologyStrategy.calculateNaturalReplicas (4.0): one walk from
 * the range's end token serving every DC at once. In each DC a node is
 * taken if its rack is new; a node of an already seen rack is taken only
 * while the DC's allowance of rack repeats (RF minus the DC's rack count)
 * lasts — so with enough racks each replica is in its own rack, and with
 * too few the first-met repeats fill the gap. A DC wants min(RF, nodes).
 * (Cassandra 2.x/3.0 and the Python driver instead skip repeats and
 * append them once every rack was seen: the same set, another order.) */
static void walk_nts(walk *w, size_t start, int *out)
{
	const mock_ring *r = w->ring;
	size_t ndc = mock_ring_dc_count(r);
	memset(w->chosen, 0, mock_ring_node_count(r));
	memset(w->seen, 0, mock_ring_rack_count(r));
	size_t to_fill = 0, cnt = 0;
	for (size_t d = 0; d < ndc; d++) {
		size_t nodes = mock_ring_dc_node_count(r, d);
		w->left[d] = (size_t)w->rf[d] < nodes ? (size_t)w->rf[d] : nodes;
		w->repeats[d] = (long long)w->rf[d] - (long long)mock_ring_dc_rack_count(r, d);
		if (w->left[d])
			to_fill++;
	}
	for (size_t j = 0; j < w->size && to_fill; j++) {
		uint32_t node = w->e[(start + j) % w->size].node;
		uint32_t dc = mock_ring_node_dc(r, node);
		if (w->left[dc] == 0 || w->chosen[node])
			continue;
		uint32_t rack = mock_ring_node_rack(r, node);
		if (w->seen[rack]) {
			if (w->repeats[dc] <= 0)
				continue;
			w->repeats[dc]--;
		}
		w->seen[rack] = 1;
		w->chosen[node] = 1;
		out[cnt++] = mock_ring_node_at(r, node)->id;
		if (--w->left[dc] == 0)
			to_fill--;
	}
}

int mock_replica_map_build(mock_replica_map **out, mock_ring *ring, const mock_replication *repl,
			   char *err, size_t errlen)
{
	if (!out || !ring || !repl)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing argument");
	*out = NULL;
	mock_replica_map *m = calloc(1, sizeof *m);
	if (!m)
		return mock_nomem(err, errlen);
	m->cls = repl->cls;
	size_t nodes = mock_ring_node_count(ring), ndc = mock_ring_dc_count(ring);
	size_t size = mock_ring_size(ring);
	walk w = { .ring = ring, .e = mock_ring_entries(ring), .size = size };
	int rc = 0;

	switch (repl->cls) {
	case MOCK_REPL_SIMPLE:
		m->k = (size_t)repl->rf < nodes ? (size_t)repl->rf : nodes;
		break;
	case MOCK_REPL_EVERYWHERE:
		m->k = nodes;
		break;
	case MOCK_REPL_LOCAL:
		m->k = 1;
		break;
	case MOCK_REPL_NTS:
		w.rf = calloc(ndc + 1, sizeof *w.rf);
		if (!w.rf) {
			rc = mock_nomem(err, errlen);
			goto out;
		}
		for (size_t i = 0; i < repl->ndcs; i++) {
			int d = repl->dcs[i].name ? mock_ring_dc_find(ring, repl->dcs[i].name) : -1;
			if (d < 0)
				continue; /* a DC without nodes holds no replica */
			w.rf[d] = repl->dcs[i].rf;
			size_t dn = mock_ring_dc_node_count(ring, (size_t)d);
			m->k += (size_t)repl->dcs[i].rf < dn ? (size_t)repl->dcs[i].rf : dn;
		}
		break;
	default:
		rc = mock_fail(UCQL_E_INVALID_ARG, err, errlen, "unknown replication class %d", (int)repl->cls);
		goto out;
	}

	if (repl->cls != MOCK_REPL_LOCAL && m->k && size) {
		if (size > SIZE_MAX / sizeof(int) / m->k) {
			rc = mock_nomem(err, errlen);
			goto out;
		}
		m->ids = malloc(size * m->k * sizeof *m->ids);
		w.chosen = malloc(nodes + 1);
		w.seen = malloc(mock_ring_rack_count(ring) + 1);
		w.left = calloc(ndc + 1, sizeof *w.left);
		w.repeats = calloc(ndc + 1, sizeof *w.repeats);
		if (!m->ids || !w.chosen || !w.seen || !w.left || !w.repeats) {
			rc = mock_nomem(err, errlen);
			goto out;
		}
		/* Range i is (entry i-1, entry i]: Cassandra computes its
		 * replicas from its end token, i.e. walking from entry i. */
		for (size_t i = 0; i < size; i++) {
			if (repl->cls == MOCK_REPL_NTS)
				walk_nts(&w, i, m->ids + i * m->k);
			else
				walk_simple(&w, i, m->ids + i * m->k, m->k);
		}
	}
	m->ring = mock_ring_ref(ring);

out:
	free(w.rf);
	free(w.chosen);
	free(w.seen);
	free(w.left);
	free(w.repeats);
	if (rc) {
		free(m->ids);
		free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void mock_replica_map_free(mock_replica_map *m)
{
	if (!m)
		return;
	mock_ring_unref(m->ring);
	free(m->ids);
	free(m);
}

const mock_ring *mock_replica_map_ring(const mock_replica_map *m)
{
	return m->ring;
}

const int *mock_replica_map_range(const mock_replica_map *m, size_t i, int coordinator, size_t *n)
{
	*n = 0;
	if (i >= mock_ring_size(m->ring))
		return NULL;
	if (m->cls == MOCK_REPL_LOCAL) {
		const mock_node *node = mock_ring_node(m->ring, coordinator, NULL);
		if (!node)
			return NULL;
		*n = 1;
		return &node->id;
	}
	if (!m->ids)
		return NULL;
	*n = m->k;
	return m->ids + i * m->k;
}

const int *mock_replica_map_get(const mock_replica_map *m, int64_t t, int coordinator, size_t *n)
{
	if (mock_ring_size(m->ring) == 0) {
		*n = 0;
		return NULL;
	}
	return mock_replica_map_range(m, mock_ring_find(m->ring, t), coordinator, n);
}

int mock_replica_map_contains(const mock_replica_map *m, int64_t t, int coordinator, int id)
{
	size_t n;
	const int *ids = mock_replica_map_get(m, t, coordinator, &n);
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}
