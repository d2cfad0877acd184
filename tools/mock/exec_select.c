/*
 * exec_select.c — SELECT: selectors (columns, *, aliases, count(*),
 * writetime(), ttl(), token()), partition lookup on the replicas that serve
 * the read, clustering order and ORDER BY reversal, LIMIT, PER PARTITION
 * LIMIT, filtering, and paging with an opaque state:
 *   [8 token][4 key length][key][1 static-row flag][4 n][n × [bytes] clustering]
 *   [4 rows returned so far][4 rows returned in that partition]
 * Resuming restarts right after the row the state names, in the query's
 * order, so rows written meanwhile elsewhere do not shift the pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "ucql/result.h"

enum { OC_COL = 1, OC_COUNT, OC_WRITETIME, OC_TTL, OC_TOKEN };

typedef struct ocol {
	int kind;
	int col;
	const char *name;
	const ucql_type_set *ts;
	int ti;
} ocol;

typedef struct plan {
	mock_table *t;
	ocol *oc;
	size_t noc;
	int aggregate;
} plan;

static ucql_type big_n = { UCQL_TYPE_BIGINT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
static ucql_type int_n = { UCQL_TYPE_INT, 0, 0, 0, 0, -1, -1, { 0 }, { 0 }, { 0 } };
static const ucql_type_set big_s = { &big_n, 1, 1 }, int_s = { &int_n, 1, 1 };

static char *fmt(mock_arena *a, const char *f, const char *x)
{
	size_t n = strlen(f) + strlen(x) + 1;
	char *s = mock_arena_alloc(a, n);
	if (s)
		snprintf(s, n, f, x);
	return s;
}

static int build_plan(mock_exec *x, const mock_select *s, plan *pl, int *rc)
{
	memset(pl, 0, sizeof *pl);
	pl->t = mock_exec_table(x, &s->table, rc);
	if (!pl->t)
		return *rc;
	mock_table *t = pl->t;
	if (s->star) {
		pl->oc = mock_arena_alloc(x->arena, (t->ncols + 1) * sizeof *pl->oc);
		if (!pl->oc)
			return *rc = UCQL_E_NOMEM;
		for (size_t i = 0; i < t->ncols; i++)
			pl->oc[i] = (ocol){ OC_COL, (int)i, t->cols[i].name, &t->cols[i].types, t->cols[i].root };
		pl->noc = t->ncols;
		return 0;
	}
	pl->oc = mock_arena_alloc(x->arena, (s->n_sel + 1) * sizeof *pl->oc);
	if (!pl->oc)
		return *rc = UCQL_E_NOMEM;
	for (size_t i = 0; i < s->n_sel; i++) {
		const mock_selector *se = s->sel[i];
		ocol o = { 0, -1, NULL, NULL, 0 };
		if (se->kind == MOCK_SEL_COLUMN) {
			o.col = mock_table_column(t, se->name);
			if (o.col < 0)
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s", se->name);
			o.kind = OC_COL;
			o.name = t->cols[o.col].name;
			o.ts = &t->cols[o.col].types;
			o.ti = t->cols[o.col].root;
		} else if (se->kind == MOCK_SEL_FUNC && (!strcmp(se->name, "count") || !strcmp(se->name, "system.count"))) {
			o.kind = OC_COUNT;
			o.name = "count";
			o.ts = &big_s;
			pl->aggregate = 1;
		} else if (se->kind == MOCK_SEL_FUNC &&
			   (!strcmp(se->name, "writetime") || !strcmp(se->name, "ttl")) && se->n_args == 1 &&
			   se->args[0]->kind == MOCK_SEL_COLUMN) {
			o.col = mock_table_column(t, se->args[0]->name);
			if (o.col < 0)
				return *rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s",
							     se->args[0]->name);
			int wt = !strcmp(se->name, "writetime");
			if (t->cols[o.col].kind == MOCK_COL_PK || t->cols[o.col].kind == MOCK_COL_CK)
				return *rc = mock_exec_error(x, UCQL_E_INVALID,
							     "Cannot use selection function %s on PRIMARY KEY part %s",
							     wt ? "writeTime" : "ttl", t->cols[o.col].name);
			o.kind = wt ? OC_WRITETIME : OC_TTL;
			o.name = fmt(x->arena, wt ? "writetime(%s)" : "ttl(%s)", t->cols[o.col].name);
			o.ts = wt ? &big_s : &int_s;
		} else if (se->kind == MOCK_SEL_FUNC && (!strcmp(se->name, "token") || !strcmp(se->name, "system.token"))) {
			char buf[512] = "";
			for (size_t k = 0; k < se->n_args; k++) {
				if (se->args[k]->kind != MOCK_SEL_COLUMN)
					return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid token() argument");
				if (k)
					strncat(buf, ", ", sizeof buf - strlen(buf) - 1);
				strncat(buf, se->args[k]->name, sizeof buf - strlen(buf) - 1);
			}
			o.kind = OC_TOKEN;
			o.name = fmt(x->arena, "system.token(%s)", buf);
			o.ts = &big_s;
		} else {
			return *rc = mock_exec_error(x, UCQL_E_INVALID, "Unknown function '%s'",
						     se->name ? se->name : "?");
		}
		if (se->alias)
			o.name = se->alias;
		if (!o.name)
			return *rc = UCQL_E_NOMEM;
		pl->oc[pl->noc++] = o;
	}
	return 0;
}

static ucql_bytes option_of(mock_arena *a, const ucql_type_set *s, int i, int version)
{
	ucql_writer w;
	ucql_writer_init(&w, NULL, 0);
	ucql_type_write_option(&w, s, i, version);
	size_t n = w.len;
	uint8_t *b = mock_arena_alloc(a, n + 1);
	if (!b)
		return (ucql_bytes){ NULL, 0 };
	ucql_writer_init(&w, b, n);
	ucql_type_write_option(&w, s, i, version);
	return w.err ? (ucql_bytes){ NULL, 0 } : ucql_bytes_of(b, n);
}

static int plan_md(mock_exec *x, const plan *pl, ucql_metadata *md)
{
	memset(md, 0, sizeof *md);
	ucql_col_spec *cs = mock_arena_alloc(x->arena, (pl->noc + 1) * sizeof *cs);
	if (!cs)
		return UCQL_E_NOMEM;
	for (size_t i = 0; i < pl->noc; i++) {
		cs[i].name = ucql_bytes_str(pl->oc[i].name);
		cs[i].type = option_of(x->arena, pl->oc[i].ts, pl->oc[i].ti, x->version);
		if (!cs[i].type.len)
			return UCQL_E_NOMEM;
	}
	md->flags = UCQL_MD_GLOBAL_TABLES_SPEC;
	md->columns_count = (int32_t)pl->noc;
	md->global_keyspace = ucql_bytes_str(pl->t->ks);
	md->global_table = ucql_bytes_str(pl->t->name);
	md->cols = cs;
	return 0;
}

int mock_select_result_md(mock_exec *x, const mock_select *s, ucql_metadata *md, int *rc)
{
	plan pl;
	if (build_plan(x, s, &pl, rc))
		return *rc;
	return plan_md(x, &pl, md);
}

/* ==== running ============================================================ */

typedef struct run {
	mock_exec *x;
	plan *pl;
	mock_where w;
	int64_t now_s;
	int reverse;
	int64_t limit, ppl;          /* <= 0: none */
	int64_t page;                /* <= 0: all */
	mock_dbuf out;
	int64_t nrows;               /* rows in this page */
	int64_t total;               /* rows returned, all pages */
	int64_t count;               /* count(*) */
	int first_done;              /* aggregate: first row captured */
	/* resume */
	int resuming;
	int64_t r_token;
	ucql_bytes r_key;
	int r_static;
	ucql_value r_ck[64];
	size_t r_nck;
	int64_t r_inpart;
	/* last row emitted (for the next state) */
	const mock_partition *last_p;
	const mock_row *last_r;
	int64_t last_inpart;
	int more;
	mock_partition **parts;
	size_t nparts, capparts;
	mock_tstore *scratch;
	const mock_keyspace *k;
} run;

static ucql_value cell_value(const mock_table *t, const mock_partition *p, const mock_row *r, int c,
			     int64_t now_s, const mock_cell **cellp)
{
	const mock_column *col = &t->cols[c];
	*cellp = NULL;
	if (col->kind == MOCK_COL_CK && !r)
		return ucql_value_null();
	const mock_row *src = col->kind == MOCK_COL_STATIC || col->kind == MOCK_COL_PK || !r ? &p->statics : r;
	if (col->kind == MOCK_COL_CK)
		src = r;
	const mock_cell *cell = &src->cells[c];
	if (col->kind == MOCK_COL_PK || col->kind == MOCK_COL_CK)
		return ucql_value_of(cell->p, cell->len);
	if (!mock_cell_live(cell, mock_row_del(p, src), now_s))
		return ucql_value_null();
	*cellp = cell;
	/* An empty multi-cell collection reads as null. */
	if (col->multicell && cell->len >= 4 && ucql__be32(cell->p) == 0)
		return ucql_value_null();
	return ucql_value_of(cell->p, cell->len);
}

static void emit(run *u, const mock_partition *p, const mock_row *r)
{
	const plan *pl = u->pl;
	for (size_t i = 0; i < pl->noc; i++) {
		const ocol *o = &pl->oc[i];
		const mock_cell *cell = NULL;
		uint8_t b[8];
		if (!p && o->kind != OC_COUNT) {
			/* count(*) over no rows: the other selectors are null */
			mock_dbuf_value(&u->out, ucql_value_null());
			continue;
		}
		switch (o->kind) {
		case OC_COL:
			mock_dbuf_value(&u->out, cell_value(pl->t, p, r, o->col, u->now_s, &cell));
			break;
		case OC_COUNT:
			ucql__put64(b, (uint64_t)u->count);
			mock_dbuf_value(&u->out, ucql_value_of(b, 8));
			break;
		case OC_WRITETIME:
			cell_value(pl->t, p, r, o->col, u->now_s, &cell);
			if (cell) {
				ucql__put64(b, (uint64_t)cell->ts);
				mock_dbuf_value(&u->out, ucql_value_of(b, 8));
			} else
				mock_dbuf_value(&u->out, ucql_value_null());
			break;
		case OC_TTL:
			cell_value(pl->t, p, r, o->col, u->now_s, &cell);
			if (cell && cell->expire) {
				ucql__put32(b, (uint32_t)(cell->expire - u->now_s));
				mock_dbuf_value(&u->out, ucql_value_of(b, 4));
			} else
				mock_dbuf_value(&u->out, ucql_value_null());
			break;
		case OC_TOKEN:
			ucql__put64(b, (uint64_t)p->token);
			mock_dbuf_value(&u->out, ucql_value_of(b, 8));
			break;
		}
	}
}

/* One matching row: 1 to stop scanning. */
static int take(run *u, const mock_partition *p, const mock_row *r, int64_t *inpart)
{
	if (u->pl->aggregate) {
		if (!u->first_done) {
			u->last_p = p;
			u->last_r = r;
			u->first_done = 1;
		}
		u->count++;
		return 0;
	}
	if (u->ppl > 0 && *inpart >= u->ppl)
		return 0;
	if (u->limit > 0 && u->total >= u->limit)
		return 1;
	if (u->page > 0 && u->nrows >= u->page) {
		u->more = 1;
		return 1;
	}
	emit(u, p, r);
	u->nrows++;
	u->total++;
	(*inpart)++;
	u->last_p = p;
	u->last_r = r;
	u->last_inpart = *inpart;
	return 0;
}

static int part_cmp(const mock_partition *p, int64_t token, ucql_bytes key)
{
	if (p->token != token)
		return p->token < token ? -1 : 1;
	size_t n = p->klen < key.len ? p->klen : key.len;
	int c = n ? memcmp(p->key, key.p, n) : 0;
	return c ? c : (p->klen < key.len ? -1 : p->klen > key.len);
}

/* Scans one partition; 1 to stop. */
static int scan_partition(run *u, const mock_partition *p)
{
	const mock_table *t = u->pl->t;
	int64_t inpart = 0;
	size_t start = 0;
	if (u->resuming) {
		int c = part_cmp(p, u->r_token, u->r_key);
		if (c < 0)
			return 0;
		if (c == 0) {
			if (u->r_static)
				return 0;
			inpart = u->r_inpart;
			if (!u->reverse)
				start = mock_partition_lower(t, p, u->r_ck, u->r_nck, 1);
			else
				start = p->nrows - mock_partition_lower(t, p, u->r_ck, u->r_nck, 0);
		}
		u->resuming = 0;
	}
	int any_live = 0;
	for (size_t k = start; k < p->nrows; k++) {
		const mock_row *r = p->rows[u->reverse ? p->nrows - 1 - k : k];
		if (!mock_row_live(t, p, r, u->now_s))
			continue;
		any_live = 1;
		if (!mock_where_match(t, &u->w, p, r, u->now_s))
			continue;
		if (take(u, p, r, &inpart))
			return 1;
	}
	if (!any_live && start == 0) {
		/* Only statics (or only the key, for tables without
		 * clustering and a live row marker elsewhere): one row. */
		int live_static = 0;
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].kind == MOCK_COL_STATIC &&
			    mock_cell_live(&p->statics.cells[c], p->del_ts, u->now_s))
				live_static = 1;
		if (live_static && !u->w.has_ck_restriction && mock_where_match(t, &u->w, p, NULL, u->now_s)) {
			if (take(u, p, NULL, &inpart))
				return 1;
		}
	}
	return 0;
}

static int add_part(run *u, mock_partition *p)
{
	if (!p)
		return 0;
	if (u->nparts == u->capparts) {
		size_t cap = u->capparts ? u->capparts * 2 : 16;
		mock_partition **v = realloc(u->parts, cap * sizeof *v);
		if (!v)
			return UCQL_E_NOMEM;
		u->parts = v;
		u->capparts = cap;
	}
	u->parts[u->nparts++] = p;
	return 0;
}

static int pcmp(const void *a, const void *b)
{
	const mock_partition *x = *(mock_partition *const *)a, *y = *(mock_partition *const *)b;
	return part_cmp(x, y->token, ucql_bytes_of(y->key, y->klen));
}

typedef struct pk_arg {
	run *u;
	int rc;
	size_t n;
} pk_arg;

static int each_pk(void *arg, const ucql_value *pk)
{
	pk_arg *a = arg;
	run *u = a->u;
	mock_exec *x = u->x;
	ucql_bytes key;
	int64_t token;
	int e = mock_pk_key(x->arena, u->pl->t, pk, &key, &token);
	if (e == UCQL_E_NOMEM)
		return a->rc = e;
	if (e)
		return a->rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid null value in condition for column %s",
					       u->pl->t->cols[0].name);
	a->n++;
	if (u->scratch)
		return add_part(u, mock_tstore_find(u->scratch, token, key.p, key.len));
	if (a->n == 1)
		mock_exec_count_replica(x, u->k, token);
	int rc = 0;
	if (mock_cl_check(x, u->k, token, x->cl, 0, &rc))
		return a->rc = rc;
	int node = mock_read_node(x, u->k, token);
	mock_tstore *s = node ? mock_tstore_get(u->pl->t, node) : NULL;
	return add_part(u, s ? mock_tstore_find(s, token, key.p, key.len) : NULL);
}

static int int_term(mock_exec *x, const mock_term *term, int64_t *out, const char *what, int *rc)
{
	if (!term)
		return 0;
	mock_literal_ctx lc = mock_exec_lctx(x, what);
	mock_cql_error ce;
	memset(&ce, 0, sizeof ce);
	ucql_value v;
	int e = mock_literal_value(x->arena, &int_s, 0, term, &lc, &v, &ce);
	if (e == UCQL_E_NOMEM)
		return *rc = e;
	if (e)
		return *rc = mock_exec_error(x, e, "%s", ce.msg);
	int32_t n;
	if (ucql_value_get_int(v, &n))
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "Invalid null value of %s", what);
	if (n <= 0)
		return *rc = mock_exec_error(x, UCQL_E_INVALID, "%s must be strictly positive",
					     !strcmp(what, "[limit]") ? "LIMIT" : "PER PARTITION LIMIT");
	*out = n;
	return 0;
}

static int read_state(run *u, ucql_value ps)
{
	ucql_reader r;
	ucql_reader_init(&r, ps.p, (size_t)ps.len);
	u->r_token = ucql_read_long(&r);
	int32_t kl = ucql_read_int(&r);
	if (kl < 0)
		return -1;
	u->r_key = ucql_read_raw(&r, (size_t)kl);
	u->r_static = ucql_read_byte(&r);
	int32_t n = ucql_read_int(&r);
	if (n < 0 || n > 64)
		return -1;
	u->r_nck = (size_t)n;
	for (int32_t i = 0; i < n; i++)
		u->r_ck[i] = ucql_read_bytes(&r);
	u->total = ucql_read_int(&r);
	u->r_inpart = ucql_read_int(&r);
	if (r.err || ucql_reader_left(&r))
		return -1;
	u->resuming = 1;
	return 0;
}

static int write_state(run *u, mock_dbuf *b)
{
	const mock_table *t = u->pl->t;
	uint8_t d[8];
	ucql__put64(d, (uint64_t)u->last_p->token);
	mock_dbuf_put(b, d, 8);
	mock_dbuf_int(b, (int32_t)u->last_p->klen);
	mock_dbuf_put(b, u->last_p->key, u->last_p->klen);
	uint8_t st = u->last_r ? 0 : 1;
	mock_dbuf_put(b, &st, 1);
	mock_dbuf_int(b, u->last_r ? (int32_t)t->nck : 0);
	if (u->last_r) {
		ucql_value ck[64];
		mock_row_ck(t, u->last_r, ck);
		for (size_t i = 0; i < t->nck; i++)
			mock_dbuf_value(b, ck[i]);
	}
	mock_dbuf_int(b, (int32_t)u->total);
	mock_dbuf_int(b, (int32_t)u->last_inpart);
	return b->err;
}

typedef struct rows_out {
	ucql_result res;
	int version;
} rows_out;

static void write_rows(ucql_writer *w, void *arg)
{
	rows_out *o = arg;
	ucql_result_encode(w, o->version, &o->res);
}

static int finish(run *u)
{
	mock_exec *x = u->x;
	if (u->pl->aggregate) {
		u->nrows = 1;
		emit(u, u->last_p ? u->last_p : NULL, u->last_r);
		u->more = 0;
	}
	if (u->out.err)
		return u->out.err;
	rows_out o;
	memset(&o, 0, sizeof o);
	o.version = x->version;
	o.res.kind = UCQL_RESULT_ROWS;
	int rc = plan_md(x, u->pl, &o.res.u.rows.metadata);
	if (rc)
		return rc;
	ucql_metadata *md = &o.res.u.rows.metadata;
	mock_dbuf st = { 0 };
	if (u->more && u->last_p) {
		if (write_state(u, &st)) {
			mock_dbuf_free(&st);
			return UCQL_E_NOMEM;
		}
		md->flags |= UCQL_MD_HAS_MORE_PAGES;
		md->paging_state = ucql_value_of(st.p, (int32_t)st.len);
	}
	if (x->version >= 5 && x->prep && x->md_id.len) {
		ucql_writer w;
		uint8_t tmp[16];
		ucql_metadata m2 = *md;
		m2.flags &= ~UCQL_MD_HAS_MORE_PAGES;
		ucql_writer_init(&w, NULL, 0);
		ucql_metadata_encode(&w, 4, &m2);
		uint8_t *mb = mock_arena_alloc(x->arena, w.len + 1);
		if (mb) {
			size_t n = w.len;
			ucql_writer_init(&w, mb, n);
			ucql_metadata_encode(&w, 4, &m2);
			uint8_t *id = mock_arena_alloc(x->arena, 16);
			if (id) {
				mock_md5(mb, n, id);
				if (x->md_id.len != 16 || memcmp(x->md_id.p, id, 16)) {
					md->flags |= UCQL_MD_METADATA_CHANGED;
					md->new_metadata_id = ucql_bytes_of(id, 16);
				}
			}
		}
		(void)tmp;
	}
	if (x->skip_metadata && !(md->flags & UCQL_MD_METADATA_CHANGED)) {
		md->flags = (md->flags & UCQL_MD_HAS_MORE_PAGES) | UCQL_MD_NO_METADATA;
		md->cols = NULL;
	}
	o.res.u.rows.rows_count = (int32_t)u->nrows;
	o.res.u.rows.content = ucql_bytes_of(u->out.p, u->out.len);
	mock_exec_write(x, write_rows, &o);
	mock_dbuf_free(&st);
	return MOCK_RES;
}

int mock_exec_select(mock_exec *x, const mock_select *s)
{
	run u;
	memset(&u, 0, sizeof u);
	plan pl;
	int rc = 0;
	if (build_plan(x, s, &pl, &rc))
		return rc;
	u.x = x;
	u.pl = &pl;
	u.now_s = x->now_us / 1000000;
	mock_table *t = pl.t;
	if (s->json)
		return mock_exec_error(x, UCQL_E_INVALID, "ucql-mock does not support SELECT JSON");
	if (mock_where_build(x, t, s->where, s->n_where, &u.w, &rc))
		return rc;
	if (u.w.needs_filtering && !s->allow_filtering)
		return mock_exec_error(x, UCQL_E_INVALID,
				       "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING");
	for (size_t i = 0; i < s->n_order; i++) {
		int c = mock_table_column(t, s->order[i].column);
		if (c < 0)
			return mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s", s->order[i].column);
		if (t->cols[c].kind != MOCK_COL_CK)
			return mock_exec_error(x, UCQL_E_INVALID, "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got %s",
					       s->order[i].column);
		int rev = s->order[i].desc != t->cols[c].desc;
		if (i == 0)
			u.reverse = rev;
		else if (rev != u.reverse)
			return mock_exec_error(x, UCQL_E_INVALID, "Unsupported order by relation");
	}
	if (s->n_order && !u.w.pk_full)
		return mock_exec_error(x, UCQL_E_INVALID,
				       "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
	if (int_term(x, s->limit, &u.limit, "[limit]", &rc) ||
	    int_term(x, s->per_partition_limit, &u.ppl, "[per_partition_limit]", &rc))
		return rc;
	u.page = x->page_size > 0 ? x->page_size : 0;
	if (pl.aggregate)
		u.page = 0;
	if (x->paging_state.len > 0 && read_state(&u, x->paging_state))
		return mock_exec_error(x, UCQL_E_PROTOCOL, "Invalid value for the paging state");

	if (t->vtable) {
		if (!(u.scratch = calloc(1, sizeof *u.scratch)))
			return UCQL_E_NOMEM;
		u.scratch->ncols = t->ncols;
		rc = mock_systable_fill(x, t, u.scratch);
		if (rc)
			goto out;
	} else {
		u.k = mock_catalog_keyspace(&x->e->cat, t->ks);
		if (x->cl == UCQL_CL_ANY) {
			rc = mock_exec_error(x, UCQL_E_INVALID, "ANY ConsistencyLevel is only supported for writes");
			goto out;
		}
		if (x->cl == UCQL_CL_EACH_QUORUM) {
			rc = mock_exec_error(x, UCQL_E_INVALID, "EACH_QUORUM ConsistencyLevel is only supported for writes");
			goto out;
		}
	}
	if (u.w.pk_full) {
		pk_arg a = { &u, 0, 0 };
		if (mock_where_each_pk(t, &u.w, x->arena, each_pk, &a)) {
			rc = a.rc;
			goto out;
		}
	} else if (u.scratch) {
		for (size_t i = 0; i < u.scratch->n; i++)
			if ((rc = add_part(&u, u.scratch->parts[i])))
				goto out;
	} else {
		for (int n = 1; n <= x->e->nnodes; n++) {
			if (!mock_node_up(x->e, n) || (size_t)n >= t->nstores || !t->stores[n])
				continue;
			mock_tstore *st = t->stores[n];
			for (size_t i = 0; i < st->n; i++)
				if (mock_read_node(x, u.k, st->parts[i]->token) == n &&
				    (rc = add_part(&u, st->parts[i])))
					goto out;
		}
	}
	if (u.nparts)
		qsort(u.parts, u.nparts, sizeof *u.parts, pcmp);
	for (size_t i = 0; i < u.nparts; i++) {
		if (i && !pcmp(&u.parts[i - 1], &u.parts[i]))
			continue; /* IN with a repeated key */
		if (scan_partition(&u, u.parts[i]))
			break;
	}
	rc = finish(&u);
out:
	free(u.parts);
	mock_dbuf_free(&u.out);
	mock_tstore_free(u.scratch);
	return rc;
}
