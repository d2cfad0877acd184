/*
 * Tests of tools/mock/ring.c: token assignment (known answers), node
 * placement, topology changes and ring lookups at the range boundaries.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ucql/common.h>

#include "ring.h"

static char err[256];

/* Known answers of Cassandra's Murmur3 token generator for 3 nodes:
 * i * floor(2^64 / 3) - 2^63 (the formula ccm and the docs use). */
#define T3_1 (-3074457345618258603LL)
#define T3_2 3074457345618258602LL

static mock_topology *topo(int nodes, int dcs, int racks, int tokens, mock_token_mode mode, uint64_t seed)
{
	mock_topology_config cfg = { nodes, dcs, racks, tokens, mode, seed };
	mock_topology *t = NULL;
	cr_assert_eq(mock_topology_new(&t, &cfg, err, sizeof err), 0, "%s", err);
	return t;
}

static mock_ring *ring_of(const mock_topology *t)
{
	mock_ring *r = NULL;
	cr_assert_eq(mock_ring_build(&r, t, err, sizeof err), 0, "%s", err);
	return r;
}

Test(ring, token_format_and_parse)
{
	char buf[MOCK_TOKEN_STR_MAX];
	cr_assert_eq(mock_token_format(INT64_MIN, buf, sizeof buf), 20);
	cr_assert_str_eq(buf, "-9223372036854775808");
	cr_assert_eq(mock_token_format(INT64_MAX, buf, sizeof buf), 19);
	cr_assert_str_eq(buf, "9223372036854775807");
	mock_token_format(0, buf, sizeof buf);
	cr_assert_str_eq(buf, "0");
	cr_assert_eq(mock_token_format(0, buf, MOCK_TOKEN_STR_MAX - 1), UCQL_E_NOSPACE);

	int64_t v;
	cr_assert_eq(mock_token_parse("-9223372036854775808", &v), 0);
	cr_assert_eq(v, INT64_MIN);
	cr_assert_eq(mock_token_parse("9223372036854775807", &v), 0);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(mock_token_parse("-3074457345618258603", &v), 0);
	cr_assert_eq(v, T3_1);
	const char *bad[] = { "", "-", "+1", " 1", "1 ", "12a", "9223372036854775808",
			      "-9223372036854775809", "99999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_assert_eq(mock_token_parse(bad[i], &v), UCQL_E_INVALID_ARG, "'%s'", bad[i]);
}

Test(ring, even_split_known_answers)
{
	cr_assert_eq(mock_token_even(0, 1), INT64_MIN);
	cr_assert_eq(mock_token_even(0, 3), INT64_MIN);
	cr_assert_eq(mock_token_even(1, 3), T3_1);
	cr_assert_eq(mock_token_even(2, 3), T3_2);
	/* A power of two divides 2^64 exactly. */
	cr_assert_eq(mock_token_even(1, 4), -4611686018427387904LL);
	cr_assert_eq(mock_token_even(2, 4), 0);
	cr_assert_eq(mock_token_even(3, 4), 4611686018427387904LL);

	mock_topology *t = topo(3, 1, 1, 1, MOCK_TOKENS_EVEN, 0);
	const int64_t want[] = { INT64_MIN, T3_1, T3_2 };
	for (int id = 1; id <= 3; id++) {
		const mock_node *n = mock_topology_node(t, id);
		cr_assert_eq(n->ntokens, 1);
		cr_assert_eq(n->tokens[0], want[id - 1]);
	}
	mock_topology_free(t);

	/* Interleaved: 2 nodes × 2 tokens = 4 slices, node 1 gets 0 and 2. */
	t = topo(2, 1, 1, 2, MOCK_TOKENS_EVEN, 0);
	const mock_node *n1 = mock_topology_node(t, 1), *n2 = mock_topology_node(t, 2);
	cr_assert_eq(n1->tokens[0], INT64_MIN);
	cr_assert_eq(n1->tokens[1], 0);
	cr_assert_eq(n2->tokens[0], -4611686018427387904LL);
	cr_assert_eq(n2->tokens[1], 4611686018427387904LL);
	mock_topology_free(t);
}

Test(ring, splitmix64_known_answer)
{
	/* Vigna's reference splitmix64.c from seed 1234567. */
	uint64_t s = 1234567;
	cr_assert_eq(mock_splitmix64(&s), 6457827717110365317u);
	cr_assert_eq(mock_splitmix64(&s), 3203168211198807973u);
	cr_assert_eq(mock_splitmix64(&s), 9817491932198370423u);
	cr_assert_eq(mock_splitmix64(&s), 4593380528125082431u);
	cr_assert_eq(mock_splitmix64(&s), 16408922859458223821u);
}

Test(ring, default_placement)
{
	int dc, rack;
	mock_node_default_location(7, 3, 2, &dc, &rack);
	cr_assert(dc == 1 && rack == 1); /* dc1's third node: rack (2 % 2) + 1 */
	mock_node_default_location(5, 3, 2, &dc, &rack);
	cr_assert(dc == 2 && rack == 2);

	mock_topology *t = topo(6, 2, 2, 0, MOCK_TOKENS_EVEN, 0);
	const char *want[][2] = { { "dc1", "rack1" }, { "dc2", "rack1" }, { "dc1", "rack2" },
				  { "dc2", "rack2" }, { "dc1", "rack1" }, { "dc2", "rack1" } };
	cr_assert_eq(mock_topology_node_count(t), 6);
	for (size_t i = 0; i < 6; i++) {
		const mock_node *n = mock_topology_node_at(t, i);
		char addr[16];
		snprintf(addr, sizeof addr, "127.0.0.%zu", i + 1);
		cr_assert_eq(n->id, (int)i + 1);
		cr_assert_str_eq(n->address, addr);
		cr_assert_str_eq(n->dc, want[i][0]);
		cr_assert_str_eq(n->rack, want[i][1]);
		cr_assert_eq(n->ntokens, MOCK_RING_DEFAULT_TOKENS);
	}
	cr_assert_null(mock_topology_node_at(t, 6));
	cr_assert_null(mock_topology_node(t, 7));

	mock_ring *r = ring_of(t);
	cr_assert_eq(mock_ring_size(r), 6 * MOCK_RING_DEFAULT_TOKENS);
	cr_assert_eq(mock_ring_dc_count(r), 2);
	cr_assert_str_eq(mock_ring_dc_name(r, 0), "dc1");
	cr_assert_str_eq(mock_ring_dc_name(r, 1), "dc2");
	cr_assert_null(mock_ring_dc_name(r, 2));
	cr_assert_eq(mock_ring_dc_find(r, "dc2"), 1);
	cr_assert_eq(mock_ring_dc_find(r, "DC2"), -1);
	cr_assert_eq(mock_ring_dc_node_count(r, 0), 3);
	cr_assert_eq(mock_ring_dc_rack_count(r, 1), 2);
	/* Racks are (DC, rack) pairs: rack1 of dc1 is not rack1 of dc2. */
	cr_assert_eq(mock_ring_rack_count(r), 4);
	cr_assert_eq(mock_ring_node_rack(r, 0), mock_ring_node_rack(r, 4));
	cr_assert_neq(mock_ring_node_rack(r, 0), mock_ring_node_rack(r, 1));
	cr_assert_eq(mock_ring_node_dc(r, 3), 1);
	mock_ring_unref(r);
	mock_topology_free(t);
}

static void check_tokens_sane(const mock_node *n)
{
	for (size_t i = 0; i < n->ntokens; i++) {
		cr_assert_neq(n->tokens[i], INT64_MIN);
		if (i)
			cr_assert_lt(n->tokens[i - 1], n->tokens[i]);
	}
}

Test(ring, random_tokens_are_seeded_per_node)
{
	mock_topology *a = topo(3, 1, 1, 16, MOCK_TOKENS_RANDOM, 5);
	mock_topology *b = topo(3, 1, 1, 16, MOCK_TOKENS_RANDOM, 5);
	mock_topology *c = topo(3, 1, 1, 16, MOCK_TOKENS_RANDOM, 6);
	for (int id = 1; id <= 3; id++) {
		const mock_node *x = mock_topology_node(a, id), *y = mock_topology_node(b, id),
				*z = mock_topology_node(c, id);
		check_tokens_sane(x);
		cr_assert_eq(memcmp(x->tokens, y->tokens, 16 * sizeof *x->tokens), 0);
		cr_assert_neq(memcmp(x->tokens, z->tokens, 16 * sizeof *x->tokens), 0);
	}
	/* Node 3 added later gets the tokens it has in a 3-node build. */
	mock_topology *d = topo(2, 1, 1, 16, MOCK_TOKENS_RANDOM, 5);
	int id = 0;
	cr_assert_eq(mock_topology_add_node(d, 0, NULL, NULL, &id, err, sizeof err), 0, "%s", err);
	cr_assert_eq(id, 3);
	cr_assert_eq(memcmp(mock_topology_node(d, 3)->tokens, mock_topology_node(a, 3)->tokens,
			    16 * sizeof(int64_t)),
		     0);
	mock_ring *r = ring_of(a);
	cr_assert_eq(mock_ring_size(r), 48);
	mock_ring_unref(r);
	mock_topology_free(a);
	mock_topology_free(b);
	mock_topology_free(c);
	mock_topology_free(d);
}

Test(ring, lookups_at_boundaries)
{
	mock_topology *t = topo(3, 1, 1, 1, MOCK_TOKENS_EVEN, 0);
	mock_ring *r = ring_of(t);
	/* (prev, token] belongs to token's node; past the last token wraps. */
	cr_assert_eq(mock_ring_find(r, INT64_MIN), 0);
	cr_assert_eq(mock_ring_owner(r, INT64_MIN), 1);
	cr_assert_eq(mock_ring_owner(r, INT64_MIN + 1), 2);
	cr_assert_eq(mock_ring_owner(r, T3_1 - 1), 2);
	cr_assert_eq(mock_ring_owner(r, T3_1), 2);
	cr_assert_eq(mock_ring_owner(r, T3_1 + 1), 3);
	cr_assert_eq(mock_ring_owner(r, 0), 3);
	cr_assert_eq(mock_ring_owner(r, T3_2), 3);
	cr_assert_eq(mock_ring_find(r, T3_2 + 1), 0);
	cr_assert_eq(mock_ring_owner(r, T3_2 + 1), 1);
	cr_assert_eq(mock_ring_owner(r, INT64_MAX), 1);
	mock_ring_unref(r);

	/* A token at INT64_MAX owns INT64_MAX itself. */
	int64_t mx = INT64_MAX;
	cr_assert_eq(mock_topology_set_tokens(t, 3, &mx, 1, err, sizeof err), 0, "%s", err);
	r = ring_of(t);
	cr_assert_eq(mock_ring_owner(r, INT64_MAX), 3);
	cr_assert_eq(mock_ring_owner(r, INT64_MAX - 1), 3);
	cr_assert_eq(mock_ring_owner(r, 0), 3);
	cr_assert_eq(mock_ring_find(r, INT64_MAX), 2);
	mock_ring_unref(r);
	mock_topology_free(t);

	/* One node owns everything. */
	t = topo(1, 1, 1, 4, MOCK_TOKENS_EVEN, 0);
	r = ring_of(t);
	const int64_t probes[] = { INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX };
	for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)
		cr_assert_eq(mock_ring_owner(r, probes[i]), 1);
	mock_ring_unref(r);
	mock_topology_free(t);

	/* No node: an empty ring. */
	t = topo(0, 0, 0, 0, MOCK_TOKENS_EVEN, 0);
	r = ring_of(t);
	cr_assert_eq(mock_ring_size(r), 0);
	cr_assert_eq(mock_ring_node_count(r), 0);
	cr_assert_eq(mock_ring_find(r, 0), 0);
	cr_assert_eq(mock_ring_owner(r, 0), 0);
	cr_assert_null(mock_ring_node(r, 1, NULL));
	mock_ring_unref(r);
	mock_topology_free(t);
}

Test(ring, vnode_lookups_match_a_linear_scan)
{
	mock_topology *t = topo(5, 2, 2, 8, MOCK_TOKENS_RANDOM, 1);
	mock_ring *r = ring_of(t);
	const mock_ring_entry *e = mock_ring_entries(r);
	size_t n = mock_ring_size(r);
	cr_assert_eq(n, 40);
	uint64_t s = 99;
	for (int i = 0; i < 2000; i++) {
		int64_t tok;
		uint64_t u = mock_splitmix64(&s);
		memcpy(&tok, &u, sizeof tok);
		if (i % 3 == 0) /* exactly on a ring token, or next to it */
			tok = e[u % n].token + (int64_t)(i % 2);
		size_t want = 0;
		while (want < n && e[want].token < tok)
			want++;
		if (want == n)
			want = 0;
		cr_assert_eq(mock_ring_find(r, tok), want);
		cr_assert_eq(mock_ring_owner(r, tok), mock_ring_node_at(r, e[want].node)->id);
	}
	mock_ring_unref(r);
	mock_topology_free(t);
}

Test(ring, add_node_bisects_the_largest_range)
{
	mock_topology *t = topo(3, 2, 1, 1, MOCK_TOKENS_EVEN, 0);
	int id = 0;
	cr_assert_eq(mock_topology_add_node(t, 0, NULL, NULL, &id, err, sizeof err), 0, "%s", err);
	cr_assert_eq(id, 4);
	const mock_node *n = mock_topology_node(t, 4);
	/* The wrapping range (T3_2, INT64_MIN] is one token longer than the
	 * others (2^64 = 3 * 6148914691236517205 + 1): its midpoint. */
	cr_assert_eq(n->ntokens, 1);
	cr_assert_eq(n->tokens[0], 6148914691236517205LL);
	cr_assert_str_eq(n->address, "127.0.0.4");
	cr_assert_str_eq(n->dc, "dc2"); /* node 4 of 2 DCs */
	mock_ring *r = ring_of(t);
	cr_assert_eq(mock_ring_owner(r, T3_2 + 1), 4);
	cr_assert_eq(mock_ring_owner(r, 6148914691236517205LL), 4);
	cr_assert_eq(mock_ring_owner(r, 6148914691236517206LL), 1);
	mock_ring_unref(r);
	mock_topology_free(t);

	/* 2 nodes × 4 tokens: 8 equal ranges. The new node's 4 tokens halve 4
	 * of them, spread around the ring (no two closer than 2 ranges). */
	t = topo(2, 1, 1, 4, MOCK_TOKENS_EVEN, 0);
	cr_assert_eq(mock_topology_add_node(t, 0, "dcx", "rx", &id, err, sizeof err), 0, "%s", err);
	n = mock_topology_node(t, 3);
	cr_assert_str_eq(n->dc, "dcx");
	cr_assert_str_eq(n->rack, "rx");
	cr_assert_eq(n->ntokens, 4);
	const uint64_t eighth = (uint64_t)1 << 61;
	for (size_t i = 0; i < 4; i++) {
		uint64_t off = (uint64_t)n->tokens[i] - (uint64_t)INT64_MIN;
		cr_assert_eq(off % eighth, eighth / 2, "token %zu is a midpoint", i);
		if (i)
			cr_assert_geq((uint64_t)n->tokens[i] - (uint64_t)n->tokens[i - 1], 2 * eighth);
	}
	mock_topology_free(t);

	/* Into an empty cluster: the even split of its own tokens; then a
	 * second node halves the one-token ring. */
	t = topo(0, 1, 1, 1, MOCK_TOKENS_EVEN, 0);
	cr_assert_eq(mock_topology_add_node(t, 0, NULL, NULL, &id, err, sizeof err), 0, "%s", err);
	cr_assert_eq(id, 1);
	cr_assert_eq(mock_topology_node(t, 1)->tokens[0], INT64_MIN);
	cr_assert_eq(mock_topology_add_node(t, 0, NULL, NULL, &id, err, sizeof err), 0, "%s", err);
	cr_assert_eq(mock_topology_node(t, 2)->tokens[0], 0);
	mock_topology_free(t);
}

Test(ring, remove_and_re_add_nodes)
{
	mock_topology *t = topo(3, 1, 1, 1, MOCK_TOKENS_EVEN, 0);
	mock_ring *before = ring_of(t);
	cr_assert_eq(mock_topology_remove_node(t, 2, err, sizeof err), 0, "%s", err);
	cr_assert_eq(mock_topology_node_count(t), 2);
	cr_assert_null(mock_topology_node(t, 2));
	mock_ring *r = ring_of(t);
	cr_assert_eq(mock_ring_size(r), 2);
	cr_assert_eq(mock_ring_owner(r, T3_1), 3); /* node 2's range went to its successor */
	cr_assert_null(mock_ring_node(r, 2, NULL));
	size_t idx = 9;
	cr_assert_not_null(mock_ring_node(r, 3, &idx));
	cr_assert_eq(idx, 1);
	/* The old snapshot is untouched. */
	cr_assert_eq(mock_ring_owner(before, T3_1), 2);
	cr_assert_eq(mock_ring_ref(before), before);
	mock_ring_unref(before);
	mock_ring_unref(before);
	mock_ring_unref(r);

	cr_assert_eq(mock_topology_remove_node(t, 2, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "no node 2");
	int id;
	/* A new node does not take the removed node's address... */
	cr_assert_eq(mock_topology_add_node(t, 0, NULL, NULL, &id, err, sizeof err), 0, "%s", err);
	cr_assert_eq(id, 4);
	/* ...unless asked to. */
	cr_assert_eq(mock_topology_add_node(t, 2, NULL, NULL, &id, err, sizeof err), 0, "%s", err);
	cr_assert_eq(id, 2);
	cr_assert_eq(mock_topology_node_at(t, 1)->id, 2); /* kept in id order */
	cr_assert_eq(mock_topology_add_node(t, 2, NULL, NULL, &id, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "node 2 already exists");
	cr_assert_eq(mock_topology_add_node(t, 255, NULL, NULL, &id, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "node id 255 is not in 1..254");
	cr_assert_eq(mock_topology_add_node(t, 0, "", NULL, &id, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "DC name must not be empty");
	r = ring_of(t);
	cr_assert_eq(mock_ring_size(r), 4);
	mock_ring_unref(r);
	mock_topology_free(t);
}

Test(ring, explicit_tokens_and_locations)
{
	mock_topology *t = topo(3, 1, 1, 1, MOCK_TOKENS_EVEN, 0);
	const int64_t mine[] = { 30, -5, 10 };
	cr_assert_eq(mock_topology_set_tokens(t, 2, mine, 3, err, sizeof err), 0, "%s", err);
	const mock_node *n = mock_topology_node(t, 2);
	cr_assert_eq(n->ntokens, 3);
	cr_assert(n->tokens[0] == -5 && n->tokens[1] == 10 && n->tokens[2] == 30);
	const int64_t taken[] = { 1, T3_2 };
	cr_assert_eq(mock_topology_set_tokens(t, 1, taken, 2, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "token 3074457345618258602 is already taken");
	const int64_t twice[] = { 7, 7 };
	cr_assert_eq(mock_topology_set_tokens(t, 1, twice, 2, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "token 7 is already taken");
	cr_assert_eq(mock_topology_set_tokens(t, 1, twice, 0, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "token count 0 is not in 1..1024");
	cr_assert_eq(mock_topology_set_tokens(t, 8, twice, 1, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "no node 8");
	/* A node keeps a token it already owns. */
	cr_assert_eq(mock_topology_set_tokens(t, 2, mine, 2, err, sizeof err), 0, "%s", err);

	cr_assert_eq(mock_topology_set_location(t, 3, "east", NULL, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(mock_topology_node(t, 3)->dc, "east");
	cr_assert_str_eq(mock_topology_node(t, 3)->rack, "rack1");
	char longname[MOCK_NAME_MAX + 1];
	memset(longname, 'a', MOCK_NAME_MAX);
	longname[MOCK_NAME_MAX] = 0;
	cr_assert_eq(mock_topology_set_location(t, 3, NULL, longname, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "rack name longer than 63 bytes");
	longname[MOCK_NAME_MAX - 1] = 0;
	cr_assert_eq(mock_topology_set_location(t, 3, NULL, longname, err, sizeof err), 0, "%s", err);
	cr_assert_eq(mock_topology_set_location(t, 5, "x", NULL, err, sizeof err), UCQL_E_INVALID_ARG);

	mock_ring *r = ring_of(t);
	cr_assert_eq(mock_ring_dc_count(r), 2);
	cr_assert_eq(mock_ring_owner(r, 0), 2);
	cr_assert_eq(mock_ring_owner(r, 31), 3);
	mock_ring_unref(r);
	mock_topology_free(t);
}

Test(ring, bad_config)
{
	struct {
		mock_topology_config cfg;
		const char *msg;
	} bad[] = {
		{ { 255, 1, 1, 1, MOCK_TOKENS_EVEN, 0 }, "node count 255 is not in 0..254" },
		{ { -1, 1, 1, 1, MOCK_TOKENS_EVEN, 0 }, "node count -1 is not in 0..254" },
		{ { 3, -2, 1, 1, MOCK_TOKENS_EVEN, 0 }, "DC count -2 is not in 1..254" },
		{ { 3, 1, -1, 1, MOCK_TOKENS_EVEN, 0 }, "rack count -1 is not in 1..254" },
		{ { 3, 1, 1, 1025, MOCK_TOKENS_EVEN, 0 }, "tokens per node 1025 is not in 1..1024" },
		{ { 3, 1, 1, 1, (mock_token_mode)7, 0 }, "unknown token mode 7" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		mock_topology *t = (mock_topology *)&err; /* must be reset to NULL */
		cr_assert_eq(mock_topology_new(&t, &bad[i].cfg, err, sizeof err), UCQL_E_INVALID_ARG);
		cr_assert_str_eq(err, bad[i].msg);
		cr_assert_null(t);
	}
	/* Largest cluster: every address used. */
	mock_topology_config big = { MOCK_RING_MAX_NODES, 3, 3, 4, MOCK_TOKENS_RANDOM, 3 };
	mock_topology *t = NULL;
	cr_assert_eq(mock_topology_new(&t, &big, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(mock_topology_node(t, 254)->address, "127.0.0.254");
	int id;
	cr_assert_eq(mock_topology_add_node(t, 0, NULL, NULL, &id, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_str_eq(err, "the cluster already has 254 nodes");
	mock_ring *r = ring_of(t);
	cr_assert_eq(mock_ring_size(r), 254 * 4);
	mock_ring_unref(r);
	mock_topology_free(t);
	mock_topology_free(NULL);
	mock_ring_unref(NULL);
}
