/*
 * tools/mock/ring.c — nodes, token assignment and the immutable token ring
 * of ucql-mock. See ring.h for the model and the error convention.
 */
#include "mock_err.h"
#include "ring.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ucql/common.h>

struct mock_topology {
	mock_topology_config cfg; /* defaults filled in */
	mock_node *nodes;         /* sorted by id */
	size_t nnodes;
	size_t nslots; /* allocated; slots past nnodes are zero (tokens NULL) */
	int next_id; /* one more than the highest id ever used */
};

struct mock_ring {
	atomic_size_t refs;
	mock_node *nodes; /* id order; tokens point into token_store */
	uint32_t *node_dc;
	uint32_t *node_rack;
	size_t nnodes;
	int64_t *token_store;
	mock_ring_entry *entries; /* sorted by token */
	size_t nentries;
	char (*dc_names)[MOCK_NAME_MAX];
	size_t *dc_nodes;
	size_t *dc_racks;
	size_t ndcs;
	size_t nracks;
};


/* uint64 → int64 two's complement without implementation-defined
 * conversion. */
static int64_t u2s(uint64_t u)
{
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1;
}

static uint64_t s2u(int64_t s)
{
	return (uint64_t)s; /* well defined: modulo 2^64 */
}

/* ---- tokens ---- */

int mock_token_format(int64_t t, char *buf, size_t len)
{
	if (!buf || len < MOCK_TOKEN_STR_MAX)
		return UCQL_E_NOSPACE;
	return snprintf(buf, len, "%" PRId64, t);
}

int mock_token_parse(const char *s, int64_t *out)
{
	if (!s || !out)
		return UCQL_E_INVALID_ARG;
	int neg = 0;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!*s)
		return UCQL_E_INVALID_ARG;
	/* Accumulate the magnitude in uint64 so INT64_MIN parses. */
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return UCQL_E_INVALID_ARG;
		unsigned d = (unsigned)(*s - '0');
		if (v > (limit - d) / 10)
			return UCQL_E_INVALID_ARG;
		v = v * 10 + d;
	}
	*out = neg ? u2s(0 - v) : (int64_t)v;
	return 0;
}

int64_t mock_token_even(uint64_t slice, uint64_t slices)
{
	if (slices <= 1)
		return INT64_MIN;
	/* floor(2^64 / slices) from UINT64_MAX = 2^64 - 1: one more when
	 * slices divides 2^64 exactly (a power of two). */
	uint64_t step = UINT64_MAX / slices;
	if (UINT64_MAX % slices == slices - 1)
		step++;
	/* - 2^63 modulo 2^64 flips the top bit. */
	return u2s((step * slice) ^ ((uint64_t)1 << 63));
}

uint64_t mock_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

void mock_node_default_location(int id, int dcs, int racks, int *dc, int *rack)
{
	if (dcs < 1)
		dcs = 1;
	if (racks < 1)
		racks = 1;
	if (id < 1)
		id = 1;
	*dc = (id - 1) % dcs + 1;
	*rack = ((id - 1) / dcs) % racks + 1;
}

/* ---- topology ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int has_token(const mock_node *n, int64_t t)
{
	return bsearch(&t, n->tokens, n->ntokens, sizeof t, cmp_i64) != NULL;
}

/* 1 if any node other than `skip` (NULL: none) owns t. */
static int token_taken(const mock_topology *t, const mock_node *skip, int64_t tok)
{
	for (size_t i = 0; i < t->nnodes; i++)
		if (&t->nodes[i] != skip && has_token(&t->nodes[i], tok))
			return 1;
	return 0;
}

static size_t node_index(const mock_topology *t, int id, int *found)
{
	size_t lo = 0, hi = t->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->nodes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < t->nnodes && t->nodes[lo].id == id;
	return lo;
}

static int check_name(const char *what, const char *s, char *err, size_t errlen)
{
	size_t len = strlen(s);
	if (len == 0)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "%s name must not be empty", what);
	if (len >= MOCK_NAME_MAX)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "%s name longer than %d bytes", what,
			    MOCK_NAME_MAX - 1);
	return 0;
}

/* Random tokens for node `id`: its own splitmix64 stream, keyed by a
 * mixed (seed, id) so that streams of different nodes do not overlap
 * (seeding with seed + id * gamma directly would make node k+1's stream
 * node k's shifted by one step). INT64_MIN is skipped as Cassandra's
 * Murmur3Partitioner never yields it, and duplicates are redrawn. */
static int draw_random(const mock_topology *t, int id, int64_t *out, size_t n)
{
	uint64_t key = t->cfg.seed + (uint64_t)id * 0x9E3779B97F4A7C15u;
	uint64_t state = mock_splitmix64(&key);
	for (size_t i = 0; i < n; i++) {
		for (int tries = 0;; tries++) {
			if (tries > 1000)
				return UCQL_E_INVALID_ARG; /* unreachable with a sound PRNG */
			int64_t tok = u2s(mock_splitmix64(&state));
			int dup = tok == INT64_MIN || token_taken(t, NULL, tok);
			for (size_t j = 0; !dup && j < i; j++)
				dup = out[j] == tok;
			if (!dup) {
				out[i] = tok;
				break;
			}
		}
	}
	qsort(out, n, sizeof *out, cmp_i64);
	return 0;
}

static uint64_t circ_dist(int64_t a, int64_t b)
{
	uint64_t d = s2u(a) - s2u(b);
	uint64_t e = s2u(b) - s2u(a);
	return d < e ? d : e;
}

/* n new tokens for an added node in EVEN mode: each goes to the midpoint
 * of the currently largest range, so the ring stays as balanced as it can
 * without moving anyone's tokens. Among equally large ranges the one whose
 * midpoint is farthest from this node's tokens placed so far wins, which
 * spreads the new node around the ring instead of bunching its tokens in
 * the first few ranges (an evenly split ring is all ties). */
static int bisect_tokens(const mock_topology *t, int64_t *out, size_t n, char *err, size_t errlen)
{
	size_t total = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		total += t->nodes[i].ntokens;
	if (total == 0) {
		for (size_t j = 0; j < n; j++)
			out[j] = mock_token_even(j, n);
		return 0;
	}
	int64_t *ring = malloc((total + n) * sizeof *ring);
	if (!ring)
		return mock_nomem(err, errlen);
	size_t k = 0;
	for (size_t i = 0; i < t->nnodes; i++)
		for (size_t j = 0; j < t->nodes[i].ntokens; j++)
			ring[k++] = t->nodes[i].tokens[j];
	qsort(ring, total, sizeof *ring, cmp_i64);

	for (size_t j = 0; j < n; j++) {
		size_t best = SIZE_MAX;
		uint64_t best_half = 0, best_spread = 0;
		int64_t best_mid = 0;
		for (size_t i = 0; i < total; i++) {
			int64_t start = ring[i ? i - 1 : total - 1];
			/* A ring of one token is one range covering all 2^64
			 * tokens: its half is 2^63. */
			uint64_t half = total == 1 ? (uint64_t)1 << 63 : (s2u(ring[i]) - s2u(start)) / 2;
			if (half == 0 || half < best_half)
				continue;
			int64_t mid = u2s(s2u(start) + half);
			uint64_t spread = UINT64_MAX;
			for (size_t q = 0; q < j; q++) {
				uint64_t d = circ_dist(mid, out[q]);
				if (d < spread)
					spread = d;
			}
			if (half > best_half || spread > best_spread) {
				best = i;
				best_half = half;
				best_spread = spread;
				best_mid = mid;
			}
		}
		if (best == SIZE_MAX) {
			free(ring);
			return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "no token range left to bisect");
		}
		out[j] = best_mid;
		/* Keep `ring` sorted: the midpoint sorts just before ring[best],
		 * except for the wrapping range, whose midpoint may sort anywhere
		 * at either end. */
		size_t pos = 0;
		while (pos < total && ring[pos] < best_mid)
			pos++;
		memmove(ring + pos + 1, ring + pos, (total - pos) * sizeof *ring);
		ring[pos] = best_mid;
		total++;
	}
	free(ring);
	qsort(out, n, sizeof *out, cmp_i64);
	return 0;
}

static void set_address(mock_node *n)
{
	snprintf(n->address, sizeof n->address, "127.0.0.%d", n->id);
}

static void set_default_location(const mock_topology *t, mock_node *n)
{
	int dc, rack;
	mock_node_default_location(n->id, t->cfg.dcs, t->cfg.racks, &dc, &rack);
	snprintf(n->dc, sizeof n->dc, "dc%d", dc);
	snprintf(n->rack, sizeof n->rack, "rack%d", rack);
}

int mock_topology_new(mock_topology **out, const mock_topology_config *cfg, char *err, size_t errlen)
{
	if (!out || !cfg)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing argument");
	*out = NULL;
	mock_topology_config c = *cfg;
	if (c.nodes < 0 || c.nodes > MOCK_RING_MAX_NODES)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "node count %d is not in 0..%d", c.nodes,
			    MOCK_RING_MAX_NODES);
	if (c.dcs == 0)
		c.dcs = 1;
	if (c.racks == 0)
		c.racks = 1;
	if (c.tokens_per_node == 0)
		c.tokens_per_node = MOCK_RING_DEFAULT_TOKENS;
	if (c.dcs < 1 || c.dcs > MOCK_RING_MAX_NODES)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "DC count %d is not in 1..%d", c.dcs,
			    MOCK_RING_MAX_NODES);
	if (c.racks < 1 || c.racks > MOCK_RING_MAX_NODES)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "rack count %d is not in 1..%d", c.racks,
			    MOCK_RING_MAX_NODES);
	if (c.tokens_per_node < 1 || c.tokens_per_node > MOCK_RING_MAX_TOKENS)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "tokens per node %d is not in 1..%d",
			    c.tokens_per_node, MOCK_RING_MAX_TOKENS);
	if (c.token_mode != MOCK_TOKENS_EVEN && c.token_mode != MOCK_TOKENS_RANDOM)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "unknown token mode %d", (int)c.token_mode);

	mock_topology *t = calloc(1, sizeof *t);
	if (!t)
		return mock_nomem(err, errlen);
	t->cfg = c;
	t->next_id = c.nodes + 1;
	if (c.nodes) {
		t->nodes = calloc((size_t)c.nodes, sizeof *t->nodes);
		if (!t->nodes) {
			free(t);
			return mock_nomem(err, errlen);
		}
		t->nslots = (size_t)c.nodes;
	}
	size_t per = (size_t)c.tokens_per_node;
	for (int k = 0; k < c.nodes; k++) {
		mock_node *n = &t->nodes[k];
		n->id = k + 1;
		set_address(n);
		set_default_location(t, n);
		n->tokens = malloc(per * sizeof *n->tokens);
		if (!n->tokens) {
			mock_topology_free(t);
			return mock_nomem(err, errlen);
		}
		if (c.token_mode == MOCK_TOKENS_EVEN) {
			for (size_t j = 0; j < per; j++)
				n->tokens[j] = mock_token_even((uint64_t)k + j * (uint64_t)c.nodes,
							       (uint64_t)c.nodes * per);
		} else if (draw_random(t, n->id, n->tokens, per)) {
			mock_topology_free(t);
			return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "could not draw unique tokens");
		}
		/* Counted only now so draw_random's duplicate check sees the
		 * nodes completed before this one. */
		n->ntokens = per;
		t->nnodes++;
	}
	*out = t;
	return 0;
}

void mock_topology_free(mock_topology *t)
{
	if (!t)
		return;
	/* A failed build leaves tokens in a slot past nnodes. */
	for (size_t i = 0; i < t->nslots; i++)
		free(t->nodes[i].tokens);
	free(t->nodes);
	free(t);
}

int mock_topology_add_node(mock_topology *t, int id, const char *dc, const char *rack, int *id_out,
			   char *err, size_t errlen)
{
	if (!t)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing topology");
	if (t->nnodes >= MOCK_RING_MAX_NODES)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "the cluster already has %d nodes",
			    MOCK_RING_MAX_NODES);
	int found;
	if (id == 0) {
		id = t->next_id;
		if (id > MOCK_RING_MAX_NODES) /* every id used once: reuse the smallest free one */
			for (id = 1; node_index(t, id, &found), found; id++)
				;
	}
	if (id < 1 || id > MOCK_RING_MAX_NODES)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "node id %d is not in 1..%d", id,
			    MOCK_RING_MAX_NODES);
	size_t pos = node_index(t, id, &found);
	if (found)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "node %d already exists", id);
	int rc;
	if (dc && (rc = check_name("DC", dc, err, errlen)))
		return rc;
	if (rack && (rc = check_name("rack", rack, err, errlen)))
		return rc;

	size_t per = (size_t)t->cfg.tokens_per_node;
	int64_t *tokens = malloc(per * sizeof *tokens);
	if (!tokens)
		return mock_nomem(err, errlen);
	if (t->cfg.token_mode == MOCK_TOKENS_EVEN)
		rc = bisect_tokens(t, tokens, per, err, errlen);
	else if ((rc = draw_random(t, id, tokens, per)))
		mock_fail(rc, err, errlen, "could not draw unique tokens");
	if (rc) {
		free(tokens);
		return rc;
	}
	if (t->nslots < t->nnodes + 1) {
		mock_node *grown = realloc(t->nodes, (t->nnodes + 1) * sizeof *grown);
		if (!grown) {
			free(tokens);
			return mock_nomem(err, errlen);
		}
		t->nodes = grown;
		t->nslots = t->nnodes + 1;
	}
	memmove(&t->nodes[pos + 1], &t->nodes[pos], (t->nnodes - pos) * sizeof *t->nodes);
	t->nnodes++;
	mock_node *n = &t->nodes[pos];
	memset(n, 0, sizeof *n);
	n->id = id;
	set_address(n);
	set_default_location(t, n);
	if (dc)
		snprintf(n->dc, sizeof n->dc, "%s", dc);
	if (rack)
		snprintf(n->rack, sizeof n->rack, "%s", rack);
	n->tokens = tokens;
	n->ntokens = per;
	if (id >= t->next_id)
		t->next_id = id + 1;
	if (id_out)
		*id_out = id;
	return 0;
}

int mock_topology_remove_node(mock_topology *t, int id, char *err, size_t errlen)
{
	if (!t)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing topology");
	int found;
	size_t pos = node_index(t, id, &found);
	if (!found)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "no node %d", id);
	free(t->nodes[pos].tokens);
	memmove(&t->nodes[pos], &t->nodes[pos + 1], (t->nnodes - pos - 1) * sizeof *t->nodes);
	t->nnodes--;
	memset(&t->nodes[t->nnodes], 0, sizeof *t->nodes);
	return 0;
}

int mock_topology_set_location(mock_topology *t, int id, const char *dc, const char *rack, char *err,
			       size_t errlen)
{
	if (!t)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing topology");
	int found, rc;
	size_t pos = node_index(t, id, &found);
	if (!found)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "no node %d", id);
	if (dc && (rc = check_name("DC", dc, err, errlen)))
		return rc;
	if (rack && (rc = check_name("rack", rack, err, errlen)))
		return rc;
	if (dc)
		snprintf(t->nodes[pos].dc, sizeof t->nodes[pos].dc, "%s", dc);
	if (rack)
		snprintf(t->nodes[pos].rack, sizeof t->nodes[pos].rack, "%s", rack);
	return 0;
}

int mock_topology_set_tokens(mock_topology *t, int id, const int64_t *tokens, size_t n, char *err,
			     size_t errlen)
{
	if (!t || (!tokens && n))
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing argument");
	int found;
	size_t pos = node_index(t, id, &found);
	if (!found)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "no node %d", id);
	if (n < 1 || n > MOCK_RING_MAX_TOKENS)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "token count %zu is not in 1..%d", n,
			    MOCK_RING_MAX_TOKENS);
	int64_t *copy = malloc(n * sizeof *copy);
	if (!copy)
		return mock_nomem(err, errlen);
	memcpy(copy, tokens, n * sizeof *copy);
	qsort(copy, n, sizeof *copy, cmp_i64);
	char buf[MOCK_TOKEN_STR_MAX];
	for (size_t i = 0; i < n; i++) {
		int dup = (i > 0 && copy[i] == copy[i - 1]) ||
			  token_taken(t, &t->nodes[pos], copy[i]);
		if (dup) {
			mock_token_format(copy[i], buf, sizeof buf);
			free(copy);
			return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "token %s is already taken", buf);
		}
	}
	free(t->nodes[pos].tokens);
	t->nodes[pos].tokens = copy;
	t->nodes[pos].ntokens = n;
	return 0;
}

size_t mock_topology_node_count(const mock_topology *t)
{
	return t ? t->nnodes : 0;
}

const mock_node *mock_topology_node_at(const mock_topology *t, size_t i)
{
	return t && i < t->nnodes ? &t->nodes[i] : NULL;
}

const mock_node *mock_topology_node(const mock_topology *t, int id)
{
	if (!t)
		return NULL;
	int found;
	size_t pos = node_index(t, id, &found);
	return found ? &t->nodes[pos] : NULL;
}

/* ---- ring ---- */

static void ring_free(mock_ring *r)
{
	free(r->nodes);
	free(r->node_dc);
	free(r->node_rack);
	free(r->token_store);
	free(r->entries);
	free(r->dc_names);
	free(r->dc_nodes);
	free(r->dc_racks);
	free(r);
}

static int cmp_entry(const void *a, const void *b)
{
	const mock_ring_entry *x = a, *y = b;
	return (x->token > y->token) - (x->token < y->token);
}

int mock_ring_build(mock_ring **out, const mock_topology *t, char *err, size_t errlen)
{
	if (!out || !t)
		return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "missing argument");
	*out = NULL;
	size_t nn = t->nnodes, total = 0;
	for (size_t i = 0; i < nn; i++)
		total += t->nodes[i].ntokens;

	mock_ring *r = calloc(1, sizeof *r);
	if (!r)
		return mock_nomem(err, errlen);
	atomic_init(&r->refs, 1);
	r->nnodes = nn;
	r->nentries = total;
	/* +1: calloc(0) may return NULL, which would read as a failure. */
	r->nodes = calloc(nn + 1, sizeof *r->nodes);
	r->node_dc = calloc(nn + 1, sizeof *r->node_dc);
	r->node_rack = calloc(nn + 1, sizeof *r->node_rack);
	r->token_store = calloc(total + 1, sizeof *r->token_store);
	r->entries = calloc(total + 1, sizeof *r->entries);
	r->dc_names = calloc(nn + 1, sizeof *r->dc_names);
	r->dc_nodes = calloc(nn + 1, sizeof *r->dc_nodes);
	r->dc_racks = calloc(nn + 1, sizeof *r->dc_racks);
	/* (dc, rack) pairs seen so far, to number racks globally. */
	uint32_t *rack_dc = calloc(nn + 1, sizeof *rack_dc);
	const char **rack_name = calloc(nn + 1, sizeof *rack_name);
	if (!r->nodes || !r->node_dc || !r->node_rack || !r->token_store || !r->entries ||
	    !r->dc_names || !r->dc_nodes || !r->dc_racks || !rack_dc || !rack_name) {
		free(rack_dc);
		free(rack_name);
		ring_free(r);
		return mock_nomem(err, errlen);
	}

	size_t k = 0;
	for (size_t i = 0; i < nn; i++) {
		const mock_node *src = &t->nodes[i];
		mock_node *n = &r->nodes[i];
		*n = *src;
		n->tokens = r->token_store + k;
		memcpy(n->tokens, src->tokens, src->ntokens * sizeof *n->tokens);
		for (size_t j = 0; j < src->ntokens; j++) {
			r->entries[k + j].token = src->tokens[j];
			r->entries[k + j].node = (uint32_t)i;
		}
		k += src->ntokens;

		size_t dc = 0;
		while (dc < r->ndcs && strcmp(r->dc_names[dc], n->dc) != 0)
			dc++;
		if (dc == r->ndcs)
			memcpy(r->dc_names[r->ndcs++], n->dc, MOCK_NAME_MAX);
		r->node_dc[i] = (uint32_t)dc;
		r->dc_nodes[dc]++;

		size_t rk = 0;
		while (rk < r->nracks && !(rack_dc[rk] == dc && strcmp(rack_name[rk], n->rack) == 0))
			rk++;
		if (rk == r->nracks) {
			rack_dc[rk] = (uint32_t)dc;
			rack_name[rk] = n->rack;
			r->nracks++;
			r->dc_racks[dc]++;
		}
		r->node_rack[i] = (uint32_t)rk;
	}
	free(rack_dc);
	free(rack_name);

	qsort(r->entries, total, sizeof *r->entries, cmp_entry);
	for (size_t i = 1; i < total; i++) {
		if (r->entries[i].token == r->entries[i - 1].token) {
			char buf[MOCK_TOKEN_STR_MAX];
			mock_token_format(r->entries[i].token, buf, sizeof buf);
			int a = r->nodes[r->entries[i - 1].node].id, b = r->nodes[r->entries[i].node].id;
			ring_free(r);
			return mock_fail(UCQL_E_INVALID_ARG, err, errlen, "token %s is owned by nodes %d and %d",
				    buf, a, b);
		}
	}
	*out = r;
	return 0;
}

mock_ring *mock_ring_ref(mock_ring *r)
{
	if (r)
		atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
	return r;
}

void mock_ring_unref(mock_ring *r)
{
	/* acq_rel: the freeing thread must see every other holder's reads
	 * done (the usual refcount pattern). */
	if (r && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
		ring_free(r);
}

size_t mock_ring_size(const mock_ring *r)
{
	return r->nentries;
}

const mock_ring_entry *mock_ring_entries(const mock_ring *r)
{
	return r->entries;
}

size_t mock_ring_find(const mock_ring *r, int64_t t)
{
	size_t lo = 0, hi = r->nentries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->entries[mid].token < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == r->nentries ? 0 : lo;
}

int mock_ring_owner(const mock_ring *r, int64_t t)
{
	if (r->nentries == 0)
		return 0;
	return r->nodes[r->entries[mock_ring_find(r, t)].node].id;
}

size_t mock_ring_node_count(const mock_ring *r)
{
	return r->nnodes;
}

const mock_node *mock_ring_node_at(const mock_ring *r, size_t i)
{
	return i < r->nnodes ? &r->nodes[i] : NULL;
}

const mock_node *mock_ring_node(const mock_ring *r, int id, size_t *index)
{
	size_t lo = 0, hi = r->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->nodes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == r->nnodes || r->nodes[lo].id != id)
		return NULL;
	if (index)
		*index = lo;
	return &r->nodes[lo];
}

uint32_t mock_ring_node_dc(const mock_ring *r, size_t i)
{
	return r->node_dc[i];
}

uint32_t mock_ring_node_rack(const mock_ring *r, size_t i)
{
	return r->node_rack[i];
}

size_t mock_ring_dc_count(const mock_ring *r)
{
	return r->ndcs;
}

const char *mock_ring_dc_name(const mock_ring *r, size_t dc)
{
	return dc < r->ndcs ? r->dc_names[dc] : NULL;
}

int mock_ring_dc_find(const mock_ring *r, const char *name)
{
	for (size_t i = 0; i < r->ndcs; i++)
		if (strcmp(r->dc_names[i], name) == 0)
			return (int)i;
	return -1;
}

size_t mock_ring_dc_node_count(const mock_ring *r, size_t dc)
{
	return dc < r->ndcs ? r->dc_nodes[dc] : 0;
}

size_t mock_ring_dc_rack_count(const mock_ring *r, size_t dc)
{
	return dc < r->ndcs ? r->dc_racks[dc] : 0;
}

size_t mock_ring_rack_count(const mock_ring *r)
{
	return r->nracks;
}
