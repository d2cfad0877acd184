/*
 * engine_int.h — the engine's internals shared by engine.c, exec_*.c,
 * prepared.c and systables.c: the engine object, the per-request execution
 * context, growable buffers, and the executors' entry points.
 */
#ifndef MOCK_ENGINE_INT_H
#define MOCK_ENGINE_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cql_ast.h"
#include "cql_literal.h"
#include "engine.h"
#include "schema.h"
#include "store.h"

/* What executors return: a RESULT or an ERROR body was written to the
 * reply (UCQL_OP_ERROR is 0, so the opcodes cannot serve as "done"), or a
 * negative UCQL_E_* failure (UCQL_E_NOMEM) with nothing written. Steps
 * that may fail return 0 to go on, or one of these. */
enum { MOCK_RES = 1, MOCK_ERR = 2 };

/* A prepared statement (shared by the nodes that prepared it). */
typedef struct mock_prep {
	uint8_t id[16];
	char *ks;            /* keyspace at PREPARE ("" none) */
	char *query;
	mock_arena arena;    /* holds parsed */
	mock_parsed parsed;
	uint64_t nodes;      /* bit node-1: prepared on that node */
	struct mock_prep *next;
} mock_prep;

#define MOCK_PREP_BUCKETS 1024

struct mock_engine {
	mock_catalog cat;
	mock_ring *ring;
	/* set by mock_engine_attach after the loop thread started: atomic */
	_Atomic(mock_cluster *) cluster;
	char release_version[32];
	char cluster_name[128];
	int mode_311;
	int nnodes;           /* highest node id */
	uint8_t (*host_id)[16]; /* by node id */
	uint64_t *replica_req, *non_replica_req; /* by node id */
	mock_prep *prep[MOCK_PREP_BUCKETS];
	struct mock_rules *rules; /* fault rules and activity log (rules.h) */
};

/* A growable byte buffer. */
typedef struct mock_dbuf {
	uint8_t *p;
	size_t len, cap;
	int err; /* UCQL_E_NOMEM once an append failed */
} mock_dbuf;

void mock_dbuf_put(mock_dbuf *b, const void *p, size_t n);
void mock_dbuf_int(mock_dbuf *b, int32_t v);
void mock_dbuf_value(mock_dbuf *b, ucql_value v);
void mock_dbuf_free(mock_dbuf *b);

/* One request being executed. */
typedef struct mock_exec {
	mock_engine *e;
	const mock_request *req;
	mock_reply *out;
	int version;
	int node;
	const char *ks;       /* current keyspace ("" none) */
	mock_arena *arena;    /* scratch for this request */
	const mock_parsed *parsed;
	ucql_value *binds;    /* by bind index */
	size_t n_binds;
	uint16_t cl;
	int32_t page_size;    /* <= 0: all */
	ucql_value paging_state;
	int64_t ts;           /* client timestamp (µs) or MOCK_TS_NONE */
	int skip_metadata;
	ucql_bytes md_id;     /* v5 EXECUTE: the client's result_metadata_id */
	int64_t now_us;
	int counted;          /* replica stats already counted for this request */
	const mock_prep *prep;
} mock_exec;

/* ---- engine.c ---- */
/* Writes an ERROR (any code) and returns MOCK_ERR. */
int mock_exec_error(mock_exec *x, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mock_exec_unavailable(mock_exec *x, uint16_t cl, int required, int alive);
int mock_exec_already_exists(mock_exec *x, const char *ks, const char *table, const char *msg);
/* Writes through the retry idiom: fn(w, arg) encodes into the reply. */
int mock_exec_write(mock_exec *x, void (*fn)(ucql_writer *w, void *arg), void *arg);
/* Literal context for this request. */
mock_literal_ctx mock_exec_lctx(const mock_exec *x, const char *receiver);
/* The table named by q (session keyspace if q->ks is NULL), or an error
 * written and NULL returned (*rc = MOCK_ERR). */
mock_table *mock_exec_table(mock_exec *x, const mock_qname *q, int *rc);
const char *mock_exec_ks(const mock_exec *x, const char *ks);
int mock_node_up(const mock_engine *e, int node);
int mock_engine_run_stmt(mock_exec *x, const mock_stmt *s);
/* Counts a single-partition request for ucql_mock.stats (once per request). */
void mock_exec_count_replica(mock_exec *x, const mock_keyspace *k, int64_t token);

/* ---- exec_select.c ---- */
int mock_exec_select(mock_exec *x, const mock_select *s);
/* Result column specs of a SELECT (for PREPARE): 0 or an error written. */
int mock_select_result_md(mock_exec *x, const mock_select *s, ucql_metadata *md, int *rc);

/* ---- exec_where.c ---- */
typedef struct mock_pred {
	int cols[8];       /* table column indexes */
	size_t ncols;
	int op;            /* enum mock_rel_op */
	ucql_value *vals;  /* nvals × ncols values */
	size_t nvals;
} mock_pred;

typedef struct mock_where {
	ucql_value **pk;   /* per pk column: candidates (NULL: unrestricted) */
	size_t *pk_n;
	int pk_full;       /* every pk column restricted by = or IN */
	int has_tok_lo, has_tok_hi, tok_lo_incl, tok_hi_incl;
	int64_t tok_lo, tok_hi;
	mock_pred *preds;  /* everything else, checked per row */
	size_t npreds;
	int needs_filtering;
	int has_ck_restriction;
} mock_where;

/* Analyses WHERE relations of table t. 0, or an error written (returns
 * MOCK_ERR through *rc). */
int mock_where_build(mock_exec *x, const mock_table *t, const mock_relation *rel, size_t n,
		     mock_where *w, int *rc);
/* 1 if the row (cells of partition p / row r) satisfies every predicate. */
int mock_where_match(const mock_table *t, const mock_where *w, const mock_partition *p,
		     const mock_row *r, int64_t now_s);
/* Enumerates pk combinations: calls fn for each (values in pk order). */
int mock_where_each_pk(const mock_table *t, const mock_where *w, mock_arena *a,
		       int (*fn)(void *arg, const ucql_value *pk), void *arg);
/* Routing key of pk values into the arena; 0 or UCQL_E_NOMEM/INVALID. */
int mock_pk_key(mock_arena *a, const mock_table *t, const ucql_value *pk, ucql_bytes *key,
		int64_t *token);
/* Converts a term for column col of t. 0 or an error written (*rc). */
int mock_term_value(mock_exec *x, const mock_table *t, int col, const mock_term *term,
		    ucql_value *out, int *rc);

/* ---- exec_modify.c ---- */
int mock_exec_modify(mock_exec *x, const mock_stmt *s);
int mock_exec_batch_stmts(mock_exec *x, const mock_stmt *const *stmts, const mock_parsed *const *parsed,
			  ucql_value *const *binds, const size_t *n_binds, size_t n, int type);
int mock_exec_truncate(mock_exec *x, const mock_name_stmt *s);
/* Replicas check: node ids alive for token in keyspace k at consistency cl
 * (write = 1 for writes). 0, or an error written (*rc). */
int mock_cl_check(mock_exec *x, const mock_keyspace *k, int64_t token, uint16_t cl, int write,
		  int *rc);
/* The node that serves reads of token (coordinator if a live replica),
 * or 0 if none is up. */
int mock_read_node(mock_exec *x, const mock_keyspace *k, int64_t token);

/* ---- exec_ddl.c ---- */
int mock_exec_ddl(mock_exec *x, const mock_stmt *s);

/* ---- prepared.c ---- */
int mock_exec_prepare(mock_exec *x, ucql_bytes query, ucql_bytes ks);
mock_prep *mock_prep_find(mock_engine *e, const uint8_t *id, size_t len, int node);
void mock_prep_free_all(mock_engine *e);
/* Prepared (bind) metadata of a parse: types of every marker. */
int mock_bind_types(mock_exec *x, const mock_parsed *p, ucql_col_spec **specs, uint16_t **pk_idx,
		    int32_t *npk, int *rc);
/* Converts received values (named or not) to a by-index array. */
int mock_bind_values(mock_exec *x, const mock_parsed *p, const ucql_query_params *qp, int *rc);
void mock_md5(const void *p, size_t n, uint8_t out[16]);

/* ---- systables.c ---- */
/* Fills a scratch store with the virtual table's rows (as node x->node
 * sees them). 0 or UCQL_E_NOMEM. */
int mock_systable_fill(mock_exec *x, mock_table *t, mock_tstore *s);
/* UPDATE on a control table (ucql_mock.nodes). */
int mock_systable_update(mock_exec *x, mock_table *t, const mock_update *u);
int mock_systable_truncate(mock_exec *x, mock_table *t);

#endif
