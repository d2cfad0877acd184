/*
 * request.c — request slots: the per-shard pool, and encoding a statement
 * into a slot's message body on the submitting thread.
 *
 * A slot holds everything one request needs from submit to the last use
 * of its result (the result set lives inside it), so a request costs no
 * allocation once the pool is warm: slots come from the home shard's free
 * list and go back to it when both the shard (completion done) and the
 * user (result set freed, or not retained past the callback) let go.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "statement_int.h"

/* Slots allocated at once when a pool runs dry. */
#define POOL_CHUNK 64

uint64_t ucql__now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void req_init(ucql__req *r, ucql_shard *sh)
{
	memset(r, 0, offsetof(ucql__req, rs));
	memset(&r->rs, 0, sizeof r->rs);
	r->home = sh;
	r->body = r->body_inline;
	r->body_cap = sizeof r->body_inline;
	r->rs.cells = r->rs.cells_inline;
	r->rs.cells_cap = (int32_t)(sizeof r->rs.cells_inline / sizeof r->rs.cells_inline[0]);
	r->rs.msg = "";
	r->rs.node = "";
}

/*
 * Slot pools are per thread, not per shard: a slot is taken from the
 * calling thread's pool with no atomic operation, and freed into its
 * owner's pool — locally when the owner frees it, else by a Treiber push
 * onto the owner's `returned` stack, which only the owner pops, all at
 * once with an exchange (so no ABA). A thread that exits hands its pool to
 * a global list that the next new thread adopts; slots still out keep
 * coming back to it. Pools and their chunks live until the process ends
 * (reachable from the orphan list or a live thread: no leak report), so a
 * result set freed late never touches freed pool memory.
 */
typedef struct ucql__pool {
	ucql__req *local;                 /* owner thread only */
	_Atomic(ucql__req *) returned;    /* any thread pushes, owner pops all */
	void **chunks;                    /* owner thread only */
	struct ucql__pool *next_orphan;
} ucql__pool;

static _Thread_local ucql__pool *tl_pool;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t pool_key;
static pthread_mutex_t orphan_mu = PTHREAD_MUTEX_INITIALIZER;
static ucql__pool *orphans;

static void pool_orphan(void *arg)
{
	ucql__pool *p = arg;
	pthread_mutex_lock(&orphan_mu);
	p->next_orphan = orphans;
	orphans = p;
	pthread_mutex_unlock(&orphan_mu);
}

static void make_key(void)
{
	pthread_key_create(&pool_key, pool_orphan);
}

static ucql__pool *my_pool(void)
{
	if (tl_pool)
		return tl_pool;
	pthread_once(&key_once, make_key);
	pthread_mutex_lock(&orphan_mu);
	ucql__pool *p = orphans;
	if (p)
		orphans = p->next_orphan;
	pthread_mutex_unlock(&orphan_mu);
	if (!p) {
		p = calloc(1, sizeof *p);
		if (!p)
			return NULL;
	}
	p->next_orphan = NULL;
	tl_pool = p;
	pthread_setspecific(pool_key, p);
	return p;
}

static int grow(ucql__pool *p)
{
	ucql__req *chunk = calloc(POOL_CHUNK, sizeof *chunk);
	void **link = malloc(2 * sizeof(void *));
	if (!chunk || !link) {
		free(chunk);
		free(link);
		return -1;
	}
	link[0] = chunk;
	link[1] = p->chunks;
	p->chunks = link;
	for (int i = 0; i < POOL_CHUNK; i++) {
		req_init(&chunk[i], NULL);
		chunk[i].pool = p;
		chunk[i].next = i + 1 < POOL_CHUNK ? &chunk[i + 1] : p->local;
	}
	p->local = &chunk[0];
	return 0;
}

ucql__req *ucql__req_get(ucql_shard *sh)
{
	ucql__pool *p = my_pool();
	if (!p)
		return NULL;
	if (!p->local) {
		if (atomic_load_explicit(&p->returned, memory_order_relaxed))
			p->local = atomic_exchange_explicit(&p->returned, NULL, memory_order_acquire);
		if (!p->local && grow(p))
			return NULL;
	}
	ucql__req *r = p->local;
	p->local = r->next;
	r->home = sh;
	r->next = NULL;
	atomic_store_explicit(&r->refs, 1, memory_order_relaxed);
	r->completed = 0;
	r->sent = 0;
	r->attempts = 0;
	r->stream = -1;
	r->conn = NULL;
	r->node_hint = -1;
	r->cb = NULL;
	r->pcb = NULL;
	r->ud = NULL;
	r->fut = NULL;
	r->prep = NULL;
	r->parent = NULL;
	r->child = NULL;
	r->use_conn = NULL;
	r->prep_query = NULL;
	r->kind = UCQL__REQ_USER;
	r->frame_flags = 0;
	r->idempotent = 0;
	r->body = r->body_heap ? r->body_heap : r->body_inline;
	r->body_len = 0;
	r->rs.err = 0;
	r->rs.node = "";
	return r;
}

void ucql__req_put(ucql__req *r)
{
	ucql__rs_reset(&r->rs);
	if (r->prep) {
		ucql_prepared_stmt_free(r->prep);
		r->prep = NULL;
	}
	free(r->prep_query);
	r->prep_query = NULL;
	ucql__pool *p = r->pool;
	if (p == tl_pool) {
		r->next = p->local;
		p->local = r;
		return;
	}
	ucql__req *head = atomic_load_explicit(&p->returned, memory_order_relaxed);
	do {
		r->next = head;
	} while (!atomic_compare_exchange_weak_explicit(&p->returned, &head, r, memory_order_release,
							 memory_order_relaxed));
}

void ucql__req_unref(ucql__req *r)
{
	if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
		ucql__req_put(r);
}

int ucql__req_reserve(ucql__req *r, size_t n)
{
	if (n <= r->body_cap)
		return 0;
	if (n > UINT32_MAX)
		return UCQL_E_TOO_BIG;
	size_t cap = 1024;
	while (cap < n)
		cap *= 2;
	uint8_t *p = malloc(cap);
	if (!p)
		return UCQL_E_NOMEM;
	if (r->body_len)
		memcpy(p, r->body, r->body_len);
	free(r->body_heap);
	r->body_heap = p;
	r->body = p;
	r->body_cap = (uint32_t)cap;
	return 0;
}

/* Client-side timestamps: microseconds, strictly increasing per thread
 * (a shared counter would put one contended cache line on every
 * request; per-thread monotonicity is what the Java driver's thread-local
 * generator gives too). */
static int64_t next_timestamp(void)
{
	static _Thread_local int64_t last;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	if (us <= last)
		us = last + 1;
	last = us;
	return us;
}

static void fill_params(ucql_session *s, const ucql_statement *st, int version,
			ucql_query_params *p)
{
	const ucql__cfg *v = s->v;
	memset(p, 0, sizeof *p);
	p->consistency = (uint16_t)(st->consistency == UCQL_CL_DEFAULT ? v->consistency : st->consistency);
	int32_t ps = st->page_size < 0 ? (int32_t)v->page_size : st->page_size;
	if (ps > 0) {
		p->flags |= UCQL_QP_PAGE_SIZE;
		p->page_size = ps;
	}
	if (st->has_paging_state) {
		p->flags |= UCQL_QP_PAGING_STATE;
		p->paging_state = ucql_value_of(st->paging_state.p, (int32_t)st->paging_state.len);
	}
	int serial = st->serial == UCQL_CL_DEFAULT ? v->serial_consistency : st->serial;
	if (serial != UCQL_CL_SERIAL) {
		p->flags |= UCQL_QP_SERIAL_CONSISTENCY;
		p->serial_consistency = (uint16_t)serial;
	}
	if (st->timestamp != INT64_MIN) {
		p->flags |= UCQL_QP_TIMESTAMP;
		p->timestamp = st->timestamp;
	} else if (v->client_timestamps) {
		p->flags |= UCQL_QP_TIMESTAMP;
		p->timestamp = next_timestamp();
	}
	if (st->keyspace && version >= 5) {
		p->flags |= UCQL_QP_KEYSPACE;
		p->keyspace = ucql_bytes_str(st->keyspace);
	}
}

/* Writes the statement's values (already serialized) after the count. */
static int write_values(ucql_writer *w, const ucql_statement *st, int version)
{
	const uint8_t *names = st->names.p;
	for (size_t i = 0; i < st->n_values; i++) {
		if (st->named) {
			size_t nl = strlen((const char *)names);
			ucql_write_string(w, ucql_bytes_of(names, nl));
			names += nl + 1;
		}
		if (st->vals[i].off == UINT32_MAX) {
			/* an unbound marker of a prepared statement is "unset"
			 * (v4+, §4.1.4); a simple statement must bind all */
			if (st->kind != UCQL__STMT_PREPARED || version < 4)
				return UCQL_E_INVALID_ARG;
			ucql_write_value(w, ucql_value_unset());
			continue;
		}
		const uint8_t *v = st->blob.p + st->vals[i].off;
		if (version < 4 && (int32_t)ucql__be32(v) == UCQL_UNSET)
			return UCQL_E_INVALID_ARG;
		ucql_write_raw(w, v, st->vals[i].len);
	}
	return 0;
}

static size_t body_bound(const ucql_statement *st)
{
	size_t n = 128 + st->query_len + st->blob.len + st->names.len + 4 * st->n_values +
		   st->paging_state.len + st->payload.len + st->batch.len;
	if (st->keyspace)
		n += strlen(st->keyspace);
	if (st->prep)
		n += st->prep->p.id.len + 64; /* the result metadata id (≤ 64 here) */
	return n;
}

int ucql__req_encode(ucql_session *s, ucql__req *r, const ucql_statement *st)
{
	int version = ucql__session_version(s);
	if (st->keyspace && version < 5)
		return UCQL_E_INVALID_ARG;
	if (st->n_payload && version < 4)
		return UCQL_E_INVALID_ARG;
	int rc = ucql__req_reserve(r, body_bound(st));
	if (rc)
		return rc;
	ucql_writer w;
	ucql_writer_init(&w, r->body, r->body_cap);
	r->frame_flags = 0;
	if (st->tracing)
		r->frame_flags |= UCQL_FLAG_TRACING;
	if (st->n_payload) {
		r->frame_flags |= UCQL_FLAG_CUSTOM_PAYLOAD;
		ucql_write_short(&w, (uint16_t)st->n_payload);
		ucql_write_raw(&w, st->payload.p, st->payload.len);
	}
	ucql_query_params p;
	fill_params(s, st, version, &p);
	if (st->kind == UCQL__STMT_BATCH) {
		ucql_batch b;
		memset(&b, 0, sizeof b);
		b.type = (uint8_t)st->batch_type;
		b.n = st->batch_count;
		b.stmts_raw = ucql_bytes_of(st->batch.p, st->batch.len);
		b.consistency = p.consistency;
		b.flags = p.flags & (UCQL_QP_SERIAL_CONSISTENCY | UCQL_QP_TIMESTAMP | UCQL_QP_KEYSPACE);
		b.serial_consistency = p.serial_consistency;
		b.timestamp = p.timestamp;
		b.keyspace = p.keyspace;
		if (version < 4 && st->has_unset)
			return UCQL_E_INVALID_ARG;
		rc = ucql_batch_encode(&w, version, &b);
		r->opcode = UCQL_OP_BATCH;
	} else {
		if (st->n_values) {
			p.flags |= UCQL_QP_VALUES;
			p.n_values = (uint16_t)st->n_values;
		}
		if (st->named)
			p.flags |= UCQL_QP_NAMES;
		if (st->kind == UCQL__STMT_PREPARED) {
			ucql_bytes mdid;
			const ucql_metadata *rm = ucql__prepared_result_md(st->prep, &mdid);
			/* Skip the rows metadata the prepared statement already
			 * has (§4.1.4 flag 0x02): fewer bytes to send and decode. */
			if (rm->columns_count > 0 && !(rm->flags & UCQL_MD_NO_METADATA))
				p.flags |= UCQL_QP_SKIP_METADATA;
			ucql_write_short_bytes(&w, st->prep->p.id);
			if (version >= 5)
				ucql_write_short_bytes(&w, mdid);
			r->opcode = UCQL_OP_EXECUTE;
		} else {
			ucql_write_long_string(&w, ucql_bytes_of(st->query, st->query_len));
			r->opcode = UCQL_OP_QUERY;
		}
		rc = ucql_query_params_encode_head(&w, version, &p);
		if (!rc)
			rc = write_values(&w, st, version);
		if (!rc)
			rc = ucql_query_params_encode_tail(&w, version, &p);
	}
	if (!rc)
		rc = w.err;
	if (rc)
		return rc == UCQL_E_NOSPACE ? UCQL_E_NOMEM : rc;
	r->body_len = (uint32_t)w.len;
	r->version = (uint8_t)version;
	r->idempotent = (uint8_t)st->idempotent;
	int64_t t = st->timeout_ms < 0 ? s->v->request_timeout_ms : st->timeout_ms;
	r->timeout_ms = t;
	if (st->kind == UCQL__STMT_PREPARED)
		r->prep = ucql__prepared_ref(st->prep);
	return 0;
}

int ucql__req_encode_prepare(ucql__req *r, int version, const char *cql, size_t len,
			     const char *keyspace)
{
	int rc = ucql__req_reserve(r, len + 64 + (keyspace ? strlen(keyspace) : 0));
	if (rc)
		return rc;
	ucql_writer w;
	ucql_writer_init(&w, r->body, r->body_cap);
	ucql_prepare m;
	memset(&m, 0, sizeof m);
	m.query = ucql_bytes_of(cql, len);
	char name[256];
	if (keyspace && *keyspace && version >= 5) {
		/* keyspace is CQL text (possibly quoted); the field wants the name */
		ucql__keyspace_name(keyspace, name, sizeof name);
		m.flags = UCQL_PREPARE_KEYSPACE;
		m.keyspace = ucql_bytes_str(name);
	}
	rc = ucql_prepare_encode(&w, version, &m);
	if (rc)
		return rc;
	r->body_len = (uint32_t)w.len;
	r->opcode = UCQL_OP_PREPARE;
	r->version = (uint8_t)version;
	r->frame_flags = 0;
	return 0;
}

int ucql__req_encode_query(ucql__req *r, int version, const char *cql, size_t len)
{
	int rc = ucql__req_reserve(r, len + 64);
	if (rc)
		return rc;
	ucql_writer w;
	ucql_writer_init(&w, r->body, r->body_cap);
	ucql_query q;
	memset(&q, 0, sizeof q);
	q.query = ucql_bytes_of(cql, len);
	q.params.consistency = UCQL_CL_ONE;
	rc = ucql_query_encode(&w, version, &q);
	if (rc)
		return rc;
	r->body_len = (uint32_t)w.len;
	r->opcode = UCQL_OP_QUERY;
	r->version = (uint8_t)version;
	r->frame_flags = 0;
	return 0;
}

/* 1 if a raw values block holds an unset value (v3 has none). */
static int has_unset(ucql_bytes raw, int named)
{
	ucql_value_iter it;
	ucql_bytes name;
	ucql_value v;
	ucql_value_iter_init(&it, raw, named);
	while (ucql_value_iter_next(&it, &name, &v))
		if (v.len == UCQL_UNSET)
			return 1;
	return 0;
}

/* What the older version cannot say is an error, as ucql__req_encode
 * would have answered for it (statement.h): a per-query keyspace below
 * v5, unset values in v3. */
static int downgradable(const ucql_query_params *p, int version)
{
	if (version < 5 && (p->flags & (UCQL_QP_KEYSPACE | UCQL_QP_NOW_IN_SECONDS)))
		return UCQL_E_INVALID_ARG;
	if (version < 4 && (p->flags & UCQL_QP_VALUES) &&
	    has_unset(p->values_raw, (p->flags & UCQL_QP_NAMES) != 0))
		return UCQL_E_INVALID_ARG;
	return 0;
}

/*
 * Re-encodes a body for another protocol version (the session downgraded
 * while the request was queued): decode with the old version, encode with
 * the new — the codec's decoders keep raw views that re-encode unchanged.
 * Rare path: allocates.
 */
int ucql__req_reencode(ucql__req *r, int version)
{
	if (r->version == version)
		return 0;
	size_t off = 0;
	if (r->frame_flags & UCQL_FLAG_CUSTOM_PAYLOAD) {
		if (version < 4)
			return UCQL_E_INVALID_ARG;
		ucql_reader rd;
		ucql_reader_init(&rd, r->body, r->body_len);
		uint16_t n = ucql_read_short(&rd);
		for (uint16_t i = 0; i < n && !rd.err; i++) {
			(void)ucql_read_string(&rd);
			(void)ucql_read_value(&rd);
		}
		if (rd.err)
			return rd.err;
		off = (size_t)(rd.p - r->body);
	}
	ucql_bytes old = ucql_bytes_of(r->body + off, r->body_len - off);
	size_t cap = r->body_len + 64;
	uint8_t *nb = malloc(cap);
	if (!nb)
		return UCQL_E_NOMEM;
	memcpy(nb, r->body, off);
	ucql_writer w;
	ucql_writer_init(&w, nb + off, cap - off);
	int rc;
	switch (r->opcode) {
	case UCQL_OP_QUERY: {
		ucql_query q;
		rc = ucql_query_decode(old, r->version, &q);
		if (!rc)
			rc = downgradable(&q.params, version);
		if (!rc)
			rc = ucql_query_encode(&w, version, &q);
		break;
	}
	case UCQL_OP_EXECUTE: {
		ucql_execute e;
		rc = ucql_execute_decode(old, r->version, &e);
		if (!rc)
			rc = downgradable(&e.params, version);
		if (!rc)
			rc = ucql_execute_encode(&w, version, &e);
		break;
	}
	case UCQL_OP_BATCH: {
		ucql_batch b;
		rc = ucql_batch_decode(old, r->version, &b);
		if (!rc && version < 5 && (b.flags & (UCQL_QP_KEYSPACE | UCQL_QP_NOW_IN_SECONDS)))
			rc = UCQL_E_INVALID_ARG;
		if (!rc && version < 4) {
			ucql_reader it;
			ucql_batch_stmt bs;
			ucql_batch_iter_init(&it, &b);
			while (!rc && ucql_batch_next(&it, &bs))
				if (has_unset(bs.values_raw, 0))
					rc = UCQL_E_INVALID_ARG;
		}
		if (!rc)
			rc = ucql_batch_encode(&w, version, &b);
		break;
	}
	case UCQL_OP_PREPARE: {
		ucql_prepare m;
		rc = ucql_prepare_decode(old, r->version, &m);
		if (!rc) {
			if (version < 5) {
				m.flags = 0;
				m.keyspace = ucql_bytes_of(NULL, 0);
			}
			rc = ucql_prepare_encode(&w, version, &m);
		}
		break;
	}
	default:
		rc = UCQL_E_INVALID_ARG;
	}
	if (!rc && w.err)
		rc = w.err;
	if (rc) {
		free(nb);
		return rc;
	}
	r->body_len = (uint32_t)(off + w.len);
	free(r->body_heap);
	r->body_heap = nb;
	r->body = nb;
	r->body_cap = (uint32_t)cap;
	r->version = (uint8_t)version;
	return 0;
}
