/*
 * lib/prepared.c: prepared statements made from PREPARED results, the
 * session's cache (by text and keyspace, by id), reference counting. Run
 * under ASan, the reference tests also prove nothing leaks or is freed
 * twice.
 */
#include "driver_fixture.h"

static ucql_session *sess;

static void setup(void)
{
	sess = fx_session(4, NULL);
}
static void teardown(void)
{
	fx_session_free(sess);
}

TestSuite(prepared, .init = setup, .fini = teardown);

static const fx_col markers[] = {
	FX_COL("k", FX_T_INT),
	FX_COL("m", FX_T_MAP_TEXT_BIGINT),
	FX_COL("Quoted Name", FX_T_VARCHAR),
};
static const fx_col columns[] = { FX_COL("k", FX_T_INT), FX_COL("v", FX_T_VARCHAR) };

#define Q1 "SELECT k, v FROM t WHERE k = ? AND m = ? AND \"Quoted Name\" = ?"

static int32_t refs(const ucql_prepared_stmt *p)
{
	return atomic_load(&p->refs);
}

static size_t cache_len(ucql_session *s)
{
	size_t n = 0;
	for (ucql_prepared_stmt *c = s->prepared; c; c = c->next_cached)
		n++;
	return n;
}

static int bytes_is(ucql_bytes b, const void *p, size_t n)
{
	return b.len == n && (n == 0 || memcmp(b.p, p, n) == 0);
}

Test(prepared, from_result_builds_the_markers)
{
	for (int v = 3; v <= 5; v++) {
		ucql_session *s = fx_session(v, NULL);
		ucql_prepared_stmt *p = fx_prepare(s, Q1, "id-1", markers, 3, columns, 2);
		cr_assert_eq(p->s, s);
		cr_assert_eq(refs(p), 2, "the caller's and the cache's");
		cr_assert_eq(s->prepared, p);
		cr_assert_eq(ucql_prepared_stmt_param_count(p), 3);
		cr_assert(ucql_bytes_eq_str(ucql_prepared_stmt_param_name(p, 0), "k"));
		cr_assert(ucql_bytes_eq_str(ucql_prepared_stmt_param_name(p, 1), "m"));
		cr_assert(ucql_bytes_eq_str(ucql_prepared_stmt_param_name(p, 2), "Quoted Name"));
		cr_assert(bytes_is(ucql_prepared_stmt_param_type(p, 0), FX_T_INT, 2));
		cr_assert(bytes_is(ucql_prepared_stmt_param_type(p, 1), FX_T_MAP_TEXT_BIGINT, 6));
		cr_assert(bytes_is(ucql_prepared_stmt_param_type(p, 2), FX_T_VARCHAR, 2));
		cr_assert(ucql_bytes_eq_str(ucql_prepared_stmt_param_name(p, 0), "k"));
		cr_assert(ucql_bytes_eq_str(p->params[1].keyspace, "ks"));
		cr_assert(ucql_bytes_eq_str(p->params[1].table, "t"));
		cr_assert(ucql_bytes_eq_str(ucql_prepared_stmt_id(p), "id-1"));
		cr_assert(ucql_bytes_eq_str(ucql_prepared_stmt_query(p), Q1));
		cr_assert_str_eq(p->query, Q1);
		cr_assert_str_eq(p->keyspace, "");
		cr_assert_eq(p->p.result.columns_count, 2);
		cr_assert_eq(p->p.params.columns_count, 3);
		if (v >= 4)
			cr_assert_eq(p->p.params.pk_count, 1);
		if (v == 5)
			cr_assert(ucql_bytes_eq_str(p->p.result_metadata_id, "RMID"));
		else
			cr_assert_eq(p->p.result_metadata_id.len, 0);
		/* every view points into the statement's own copy */
		cr_assert_geq(p->p.id.p, p->resp);
		cr_assert_leq(p->p.id.p + p->p.id.len, p->resp + p->resp_len);
		cr_assert_geq(p->params[2].name.p, p->resp);
		cr_assert_leq(p->params[2].name.p + 11, p->resp + p->resp_len);
		ucql_prepared_stmt_free(p);
		cr_assert_eq(refs(p), 1);
		fx_session_free(s);
	}
}

Test(prepared, out_of_range_and_null_getters)
{
	ucql_prepared_stmt *p = fx_prepare(sess, "SELECT 1", "none", NULL, 0, NULL, 0);
	cr_assert_eq(ucql_prepared_stmt_param_count(p), 0);
	cr_assert_null(p->params);
	cr_assert_null(ucql_prepared_stmt_param_name(p, 0).p);
	cr_assert_null(ucql_prepared_stmt_param_type(p, 0).p);
	cr_assert_eq(ucql_prepared_stmt_param_count(NULL), 0);
	cr_assert_eq(ucql_prepared_stmt_param_name(NULL, 0).len, 0);
	cr_assert_eq(ucql_prepared_stmt_param_type(NULL, 0).len, 0);
	cr_assert_eq(ucql_prepared_stmt_id(NULL).len, 0);
	cr_assert_eq(ucql_prepared_stmt_query(NULL).len, 0);
	ucql_prepared_stmt_free(NULL);
	ucql_prepared_stmt_free(p);
}

Test(prepared, lookup_by_text_and_by_id_share_one_object)
{
	ucql_prepared_stmt *p = fx_prepare(sess, Q1, "id-1", markers, 3, columns, 2);
	ucql_prepared_stmt *q = ucql__prepared_lookup(sess, Q1, strlen(Q1));
	cr_assert_eq(q, p);
	cr_assert_eq(refs(p), 3);
	ucql_prepared_stmt *r = ucql__prepared_find_id(sess, S("id-1"));
	cr_assert_eq(r, p);
	cr_assert_eq(refs(p), 4);
	/* misses */
	cr_assert_null(ucql__prepared_lookup(sess, Q1, strlen(Q1) - 1));
	cr_assert_null(ucql__prepared_lookup(sess, "SELECT", 6));
	cr_assert_null(ucql__prepared_find_id(sess, S("id-")));
	cr_assert_null(ucql__prepared_find_id(sess, S("id-10")));
	cr_assert_eq(refs(p), 4);
	ucql_prepared_stmt_free(r);
	ucql_prepared_stmt_free(q);
	ucql_prepared_stmt_free(p);
	cr_assert_eq(refs(p), 1);
	cr_assert_eq(cache_len(sess), 1);
}

Test(prepared, same_answer_twice_reuses_the_cached_statement)
{
	ucql_prepared_stmt *p = fx_prepare(sess, Q1, "id-1", markers, 3, columns, 2);
	/* another node answers the same PREPARE */
	ucql_prepared_stmt *p2 = fx_prepare(sess, Q1, "id-1", markers, 3, columns, 2);
	cr_assert_eq(p2, p);
	cr_assert_eq(refs(p), 3);
	cr_assert_eq(cache_len(sess), 1);
	ucql_prepared_stmt_free(p2);
	ucql_prepared_stmt_free(p);
}

Test(prepared, a_new_id_for_the_same_text_is_a_new_entry)
{
	ucql_prepared_stmt *p = fx_prepare(sess, Q1, "id-1", markers, 3, columns, 2);
	/* the schema changed and the server gave the text a new id */
	ucql_prepared_stmt *p2 = fx_prepare(sess, Q1, "id-2", markers, 2, columns, 1);
	cr_assert_neq(p2, p);
	cr_assert_eq(refs(p2), 2);
	cr_assert_eq(cache_len(sess), 2);
	ucql_prepared_stmt *q = ucql__prepared_lookup(sess, Q1, strlen(Q1));
	cr_assert_eq(q, p2, "the text finds the newest");
	ucql_prepared_stmt *old = ucql__prepared_find_id(sess, S("id-1"));
	cr_assert_eq(old, p, "the old id still maps back");
	ucql_prepared_stmt_free(old);
	ucql_prepared_stmt_free(q);
	ucql_prepared_stmt_free(p2);
	ucql_prepared_stmt_free(p);
}

Test(prepared, the_cache_is_per_keyspace)
{
	/* (the session keeps the keyspace in its own form: compare with it) */
	char ks1[sizeof sess->keyspace], ks2[sizeof sess->keyspace];
	ucql__session_set_keyspace(sess, S("ks1"));
	memcpy(ks1, sess->keyspace, sizeof ks1);
	cr_assert_not_null(strstr(ks1, "ks1"));
	ucql_prepared_stmt *p = fx_prepare(sess, "SELECT * FROM t", "a", NULL, 0, columns, 2);
	cr_assert_str_eq(p->keyspace, ks1);
	ucql__session_set_keyspace(sess, S("ks2"));
	memcpy(ks2, sess->keyspace, sizeof ks2);
	cr_assert_null(ucql__prepared_lookup(sess, "SELECT * FROM t", 15), "t is another table here");
	ucql_prepared_stmt *byid = ucql__prepared_find_id(sess, S("a"));
	cr_assert_eq(byid, p, "ids are the server's: found in any keyspace");
	ucql_prepared_stmt_free(byid);
	/* the same text prepared in ks2 (same id from this server) is another entry */
	ucql_prepared_stmt *p2 = fx_prepare(sess, "SELECT * FROM t", "a", NULL, 0, columns, 2);
	cr_assert_neq(p2, p);
	cr_assert_str_eq(p2->keyspace, ks2);
	cr_assert_eq(cache_len(sess), 2);
	ucql__session_set_keyspace(sess, S("ks1"));
	ucql_prepared_stmt *q = ucql__prepared_lookup(sess, "SELECT * FROM t", 15);
	cr_assert_eq(q, p);
	ucql_prepared_stmt_free(q);
	ucql_prepared_stmt_free(p2);
	ucql_prepared_stmt_free(p);
}

Test(prepared, not_a_prepared_result_gives_null)
{
	uint8_t body[64];
	fx_resp o;
	ucql_result res;
	size_t n = fx_unhex("00000001", body, sizeof body); /* VOID */
	fx_frame(&o, 4, UCQL_OP_RESULT, NULL, body, n);
	cr_assert_eq(ucql_result_decode(o.f.body, 4, &res), 0);
	cr_assert_null(ucql__prepared_from_result(sess, "q", 1, &o.f, &res));
	fx_resp_free(&o);
	cr_assert_eq(cache_len(sess), 0);
}

Test(prepared, bound_statements_hold_their_own_reference)
{
	ucql_prepared_stmt *p = fx_prepare(sess, Q1, "id-1", markers, 3, columns, 2);
	ucql_statement *st = ucql_prepared_stmt_bind(p);
	ucql_statement *st2 = ucql_prepared_stmt_bind(p);
	cr_assert_eq(refs(p), 4);
	/* the application and the cache let go: the statements keep it */
	ucql_prepared_stmt_free(p);
	ucql__prepared_cache_clear(sess);
	cr_assert_eq(cache_len(sess), 0);
	cr_assert_null(ucql__prepared_lookup(sess, Q1, strlen(Q1)));
	cr_assert_eq(refs(p), 2);
	/* still usable: bind by name reads the markers, encode reads the id */
	cr_assert_eq(ucql_statement_bind_int32_by_name(st, "k", 1), 0);
	cr_assert_eq(ucql_statement_bind_string_by_name(st, "Quoted Name", "q"), 0);
	ucql__req *r = ucql__req_get(NULL);
	cr_assert_eq(ucql__req_encode(sess, r, st), 0);
	cr_assert_eq(refs(p), 3);
	ucql_statement_free(st);
	ucql_statement_free(st2);
	cr_assert_eq(refs(p), 1, "the request alone");
	ucql_execute e;
	cr_assert_eq(ucql_execute_decode(ucql_bytes_of(r->body, r->body_len), 4, &e), 0);
	cr_assert(ucql_bytes_eq_str(e.id, "id-1"));
	ucql__req_unref(r); /* the last reference: freed here (ASan watches) */
}

Test(prepared, cache_clear_drops_only_the_caches_references)
{
	ucql_prepared_stmt *a = fx_prepare(sess, "A", "a", markers, 1, NULL, 0);
	ucql_prepared_stmt *b = fx_prepare(sess, "B", "b", markers, 2, NULL, 0);
	ucql_prepared_stmt *c = fx_prepare(sess, "C", "c", NULL, 0, columns, 2);
	cr_assert_eq(cache_len(sess), 3);
	ucql_prepared_stmt_free(c); /* c now lives only in the cache */
	ucql__prepared_cache_clear(sess);
	cr_assert_null(sess->prepared);
	cr_assert_eq(refs(a), 1);
	cr_assert_eq(refs(b), 1);
	cr_assert_null(ucql__prepared_find_id(sess, S("a")));
	cr_assert_null(ucql__prepared_lookup(sess, "B", 1));
	ucql__prepared_cache_clear(sess); /* empty: nothing to do */
	/* preparing again after a clear makes a fresh entry */
	ucql_prepared_stmt *a2 = fx_prepare(sess, "A", "a", markers, 1, NULL, 0);
	cr_assert_neq(a2, a);
	cr_assert_eq(cache_len(sess), 1);
	ucql_prepared_stmt_free(a2);
	ucql_prepared_stmt_free(a);
	ucql_prepared_stmt_free(b);
}

/* ---- threads ---------------------------------------------------------------------------- */

struct lookers {
	ucql_session *s;
	int errors;
};

static void *look(void *arg)
{
	struct lookers *l = arg;
	for (int i = 0; i < 2000; i++) {
		ucql_prepared_stmt *p = ucql__prepared_lookup(l->s, Q1, strlen(Q1));
		ucql_prepared_stmt *q = ucql__prepared_find_id(l->s, S("id-1"));
		if (!p || p != q)
			l->errors++;
		ucql_prepared_stmt_free(p);
		ucql_prepared_stmt_free(q);
	}
	return NULL;
}

Test(prepared, concurrent_lookups_keep_the_count)
{
	ucql_prepared_stmt *p = fx_prepare(sess, Q1, "id-1", markers, 3, columns, 2);
	enum { T = 4 };
	pthread_t th[T];
	struct lookers l[T];
	for (int i = 0; i < T; i++) {
		l[i] = (struct lookers){ sess, 0 };
		cr_assert_eq(pthread_create(&th[i], NULL, look, &l[i]), 0);
	}
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(l[i].errors, 0);
	}
	cr_assert_eq(refs(p), 2);
	ucql_prepared_stmt_free(p);
}
