/*
 * prepared.c — prepared statements and the session's cache of them.
 *
 * A prepared statement owns a copy of the PREPARED result body, so its
 * id, bind markers and result metadata stay valid for as long as anyone
 * holds it. The cache (session->prepared, under session->mu: preparing is
 * rare and never on the hot path) holds one reference per entry, so that
 * preparing the same text twice reuses it and an UNPREPARED answer can be
 * mapped back from the id to the text.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core.h"

void ucql_prepared_stmt_free(ucql_prepared_stmt *p)
{
	if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	ucql__rmd *r = atomic_load_explicit(&p->rmd, memory_order_acquire);
	while (r) {
		ucql__rmd *prev = r->prev;
		free(r->buf);
		free(r);
		r = prev;
	}
	free(p->query);
	free(p->keyspace);
	free(p->resp);
	free(p->params);
	free(p);
}

static int same(const ucql_prepared_stmt *p, const char *q, size_t qlen, const char *ks)
{
	return p->query_len == qlen && memcmp(p->query, q, qlen) == 0 && strcmp(p->keyspace, ks) == 0;
}

ucql_prepared_stmt *ucql__prepared_from_result(ucql_session *s, const char *q, size_t qlen,
					       const ucql_frame *f, const ucql_result *res)
{
	char ks[256];
	uint64_t gen;
	ucql__session_keyspace(s, ks, sizeof ks, &gen);
	pthread_mutex_lock(&s->mu);
	for (ucql_prepared_stmt *c = s->prepared; c; c = c->next_cached) {
		if (same(c, q, qlen, ks) && c->p.id.len == res->u.prepared.id.len &&
		    memcmp(c->p.id.p, res->u.prepared.id.p, c->p.id.len) == 0) {
			ucql__prepared_ref(c);
			pthread_mutex_unlock(&s->mu);
			return c;
		}
	}
	pthread_mutex_unlock(&s->mu);

	ucql_prepared_stmt *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	atomic_store_explicit(&p->refs, 1, memory_order_relaxed);
	p->s = s;
	p->query = malloc(qlen + 1);
	p->keyspace = strdup(ks);
	p->resp = malloc(f->body.len ? f->body.len : 1);
	if (!p->query || !p->keyspace || !p->resp)
		goto fail;
	memcpy(p->query, q, qlen);
	p->query[qlen] = 0;
	p->query_len = qlen;
	memcpy(p->resp, f->body.p, f->body.len);
	p->resp_len = f->body.len;
	ucql_result r;
	if (ucql_result_decode(ucql_bytes_of(p->resp, p->resp_len), f->h.version, &r) ||
	    r.kind != UCQL_RESULT_PREPARED)
		goto fail;
	p->p = r.u.prepared;
	int32_t n = p->p.params.columns_count;
	if (n > 0) {
		p->params = calloc((size_t)n, sizeof *p->params);
		if (!p->params)
			goto fail;
		ucql_col_iter it;
		ucql_col_iter_init(&it, &p->p.params);
		while (p->n_params < n && ucql_col_iter_next(&it, &p->params[p->n_params]))
			p->n_params++;
	}
	pthread_mutex_lock(&s->mu);
	ucql__prepared_ref(p); /* the cache's reference */
	p->next_cached = s->prepared;
	s->prepared = p;
	pthread_mutex_unlock(&s->mu);
	return p;
fail:
	free(p->query);
	free(p->keyspace);
	free(p->resp);
	free(p->params);
	free(p);
	return NULL;
}

ucql_prepared_stmt *ucql__prepared_find_id(ucql_session *s, ucql_bytes id)
{
	ucql_prepared_stmt *found = NULL;
	pthread_mutex_lock(&s->mu);
	for (ucql_prepared_stmt *c = s->prepared; c; c = c->next_cached)
		if (c->p.id.len == id.len && memcmp(c->p.id.p, id.p, id.len) == 0) {
			found = ucql__prepared_ref(c);
			break;
		}
	pthread_mutex_unlock(&s->mu);
	return found;
}

/* A cached statement for (text, current keyspace), or NULL. */
ucql_prepared_stmt *ucql__prepared_lookup(ucql_session *s, const char *q, size_t qlen)
{
	char ks[256];
	uint64_t gen;
	ucql__session_keyspace(s, ks, sizeof ks, &gen);
	ucql_prepared_stmt *found = NULL;
	pthread_mutex_lock(&s->mu);
	for (ucql_prepared_stmt *c = s->prepared; c; c = c->next_cached)
		if (same(c, q, qlen, ks)) {
			found = ucql__prepared_ref(c);
			break;
		}
	pthread_mutex_unlock(&s->mu);
	return found;
}

void ucql__prepared_cache_clear(ucql_session *s)
{
	pthread_mutex_lock(&s->mu);
	ucql_prepared_stmt *c = s->prepared;
	s->prepared = NULL;
	pthread_mutex_unlock(&s->mu);
	while (c) {
		ucql_prepared_stmt *nx = c->next_cached;
		ucql_prepared_stmt_free(c);
		c = nx;
	}
}

size_t ucql_prepared_stmt_param_count(const ucql_prepared_stmt *p)
{
	return p ? (size_t)p->n_params : 0;
}

ucql_bytes ucql_prepared_stmt_param_name(const ucql_prepared_stmt *p, size_t i)
{
	if (!p || i >= (size_t)p->n_params)
		return (ucql_bytes){ NULL, 0 };
	return p->params[i].name;
}

ucql_bytes ucql_prepared_stmt_param_type(const ucql_prepared_stmt *p, size_t i)
{
	if (!p || i >= (size_t)p->n_params)
		return (ucql_bytes){ NULL, 0 };
	return p->params[i].type;
}

ucql_bytes ucql_prepared_stmt_id(const ucql_prepared_stmt *p)
{
	return p ? p->p.id : (ucql_bytes){ NULL, 0 };
}

ucql_bytes ucql_prepared_stmt_query(const ucql_prepared_stmt *p)
{
	return p ? ucql_bytes_of(p->query, p->query_len) : (ucql_bytes){ NULL, 0 };
}

/*
 * The server says the statement's result metadata changed (v5
 * METADATA_CHANGED, with the new id and the full metadata): keep them so
 * that later EXECUTEs send the new id and their skip-metadata answers get
 * names and types from it — otherwise every execution would carry the full
 * metadata again. The metadata is copied by re-encoding it as the body of
 * an empty ROWS result and decoding that (views into our own buffer).
 * Publication is a CAS of the pointer (release); the one it replaces stays
 * reachable for readers that loaded it, until the statement is freed.
 */
void ucql__prepared_update_md(ucql_prepared_stmt *p, int version, const ucql_metadata *md)
{
	if (version < 5 || !md->new_metadata_id.len || md->new_metadata_id.len > 64)
		return;
	ucql_metadata m = *md;
	m.flags &= ~(int32_t)(UCQL_MD_HAS_MORE_PAGES | UCQL_MD_METADATA_CHANGED);
	m.paging_state = ucql_value_of(NULL, UCQL_NULL);
	m.new_metadata_id = ucql_bytes_of(NULL, 0);
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ucql_write_int(&w, UCQL_RESULT_ROWS);
	ucql_metadata_encode(&w, version, &m);
	ucql_write_int(&w, 0);
	size_t n = w.len;
	ucql__rmd *r = calloc(1, sizeof *r);
	uint8_t *buf = r ? malloc(n + md->new_metadata_id.len) : NULL;
	if (!buf) {
		free(r);
		return;
	}
	ucql_writer_init(&w, buf, n);
	ucql_write_int(&w, UCQL_RESULT_ROWS);
	ucql_metadata_encode(&w, version, &m);
	ucql_write_int(&w, 0);
	ucql_result res;
	if (w.err || ucql_result_decode(ucql_bytes_of(buf, n), version, &res) ||
	    res.kind != UCQL_RESULT_ROWS) {
		free(buf);
		free(r);
		return;
	}
	memcpy(buf + n, md->new_metadata_id.p, md->new_metadata_id.len);
	r->buf = buf;
	r->id = ucql_bytes_of(buf + n, md->new_metadata_id.len);
	r->md = res.u.rows.metadata;
	ucql__rmd *old = atomic_load_explicit(&p->rmd, memory_order_acquire);
	do {
		r->prev = old;
	} while (!atomic_compare_exchange_weak_explicit(&p->rmd, &old, r, memory_order_acq_rel,
							 memory_order_acquire));
}
