/*
 * rules_table.c — the CQL side of ucql_mock.rules and ucql_mock.activity:
 * INSERT (add or replace a rule), DELETE (remove by id), TRUNCATE (clear),
 * and their rows for SELECT, computed into a scratch store like the other
 * virtual tables (systables.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"
#include "ucql/result.h"
#include "vrow.h"

const char *const mock_rule_col_names[RC_NCOLS] = {
	"id", "action", "alive", "connection", "consistency", "count", "data_present",
	"delay_ms", "error_code", "error_keyspace", "error_message", "error_table",
	"failures", "function_name", "keyspace_name", "node", "opcode", "probability",
	"query", "received", "remaining", "required", "seed", "table_name", "write_type",
};

static void write_void(ucql_writer *w, void *arg)
{
	(void)arg;
	ucql_result_void_encode(w, 4);
}

static int done_void(mock_exec *x)
{
	mock_exec_write(x, write_void, NULL);
	return x->out->w.err ? x->out->w.err : MOCK_RES;
}

/* ==== INSERT ============================================================= */

static int col_index(const char *name)
{
	for (int i = 0; i < RC_NCOLS; i++)
		if (!strcmp(mock_rule_col_names[i], name))
			return i;
	return -1;
}

static char *text_of(ucql_value v)
{
	if (v.len < 0)
		return NULL;
	char *s = malloc((size_t)v.len + 1);
	if (s) {
		if (v.len)
			memcpy(s, v.p, (size_t)v.len);
		s[v.len] = 0;
	}
	return s;
}

static int int_of(ucql_value v, int32_t dflt)
{
	int32_t i;
	return ucql_value_get_int(v, &i) ? dflt : i;
}

/* A text column into *dst (NULL for null); 0 or UCQL_E_NOMEM. */
static int take_text(const mock_rule *r, int col, char **dst)
{
	*dst = NULL;
	if (r->raw[col].len < 0)
		return 0;
	*dst = text_of(r->raw[col]);
	return *dst ? 0 : UCQL_E_NOMEM;
}

static int parse_consistency(const char *s)
{
	for (int cl = 0; cl <= UCQL_CL_LOCAL_ONE; cl++) {
		const char *n = ucql_consistency_name(cl);
		if (n && !strcasecmp(n, s))
			return cl;
	}
	return -1;
}

/* Decodes the raw columns of r into its criteria and action; 0, or an
 * error written (returns MOCK_ERR) or UCQL_E_NOMEM. */
static int decode_rule(mock_exec *x, mock_rule *r)
{
	ucql_value *v = r->raw;
	int rc = 0;
	char *s = NULL;
	r->node = int_of(v[RC_NODE], 0);
	r->opcode = -1;
	if (v[RC_OPCODE].len >= 0) {
		if (!(s = text_of(v[RC_OPCODE])))
			return UCQL_E_NOMEM;
		static const int ops[] = { UCQL_OP_QUERY, UCQL_OP_PREPARE, UCQL_OP_EXECUTE, UCQL_OP_BATCH };
		for (size_t i = 0; i < 4; i++)
			if (!strcasecmp(s, mock_rule_opcode_name(ops[i])))
				r->opcode = ops[i];
		if (r->opcode < 0)
			rc = mock_exec_error(x, UCQL_E_INVALID, "opcode must be 'QUERY', 'PREPARE', 'EXECUTE' or 'BATCH', not '%s'", s);
		free(s);
		if (rc)
			return rc;
	}
	if (v[RC_ACTION].len < 0)
		return mock_exec_error(x, UCQL_E_INVALID, "A rule needs an action: 'delay', 'error', 'no_reply', 'close' or 'half_close'");
	if (!(s = text_of(v[RC_ACTION])))
		return UCQL_E_NOMEM;
	for (int a = MOCK_RULE_DELAY; a <= MOCK_RULE_HALF_CLOSE; a++)
		if (!strcasecmp(s, mock_rule_action_name(a)))
			r->action = a;
	if (!r->action)
		rc = mock_exec_error(x, UCQL_E_INVALID, "Unknown action '%s': use 'delay', 'error', 'no_reply', 'close' or 'half_close'", s);
	free(s);
	if (rc)
		return rc;
	r->delay_ms = int_of(v[RC_DELAY_MS], 0);
	if (r->delay_ms < 0)
		return mock_exec_error(x, UCQL_E_INVALID, "delay_ms must be >= 0");
	if (r->action == MOCK_RULE_ERROR && v[RC_ERROR_CODE].len < 0)
		return mock_exec_error(x, UCQL_E_INVALID, "action 'error' needs error_code (e.g. 4096 for Unavailable)");
	r->error_code = int_of(v[RC_ERROR_CODE], 0);
	if (r->error_code < 0 || r->error_code >= 0x10000)
		return mock_exec_error(x, UCQL_E_INVALID, "error_code must be a protocol error code (0 .. 65535)");
	r->prob = 1.0;
	if (v[RC_PROBABILITY].len >= 0) {
		if (ucql_value_get_double(v[RC_PROBABILITY], &r->prob) || !(r->prob >= 0.0 && r->prob <= 1.0))
			return mock_exec_error(x, UCQL_E_INVALID, "probability must be between 0 and 1");
	}
	int64_t seed = r->id;
	if (v[RC_SEED].len >= 0)
		ucql_value_get_bigint(v[RC_SEED], &seed);
	r->rng = (uint64_t)seed;
	if (v[RC_COUNT].len >= 0) {
		r->has_count = 1;
		r->remaining = int_of(v[RC_COUNT], 0);
		if (r->remaining < 0)
			return mock_exec_error(x, UCQL_E_INVALID, "count must be >= 0");
	}
	r->cl = -1;
	if (v[RC_CONSISTENCY].len >= 0) {
		if (!(s = text_of(v[RC_CONSISTENCY])))
			return UCQL_E_NOMEM;
		r->cl = parse_consistency(s);
		if (r->cl < 0)
			rc = mock_exec_error(x, UCQL_E_INVALID, "Unknown consistency level '%s'", s);
		free(s);
		if (rc)
			return rc;
	}
	r->received = int_of(v[RC_RECEIVED], 0);
	r->required = int_of(v[RC_REQUIRED], 0);
	r->alive = int_of(v[RC_ALIVE], 0);
	r->failures = int_of(v[RC_FAILURES], 0);
	if (r->failures < 0 || r->failures > 1024)
		return mock_exec_error(x, UCQL_E_INVALID, "failures must be between 0 and 1024");
	int dp = 0;
	if (v[RC_DATA_PRESENT].len >= 0)
		ucql_value_get_boolean(v[RC_DATA_PRESENT], &dp);
	r->data_present = dp;
	if (take_text(r, RC_KEYSPACE_NAME, &r->ks) || take_text(r, RC_TABLE_NAME, &r->table) ||
	    take_text(r, RC_CONNECTION, &r->conn) || take_text(r, RC_ERROR_MESSAGE, &r->message) ||
	    take_text(r, RC_WRITE_TYPE, &r->write_type) || take_text(r, RC_ERROR_KEYSPACE, &r->err_ks) ||
	    take_text(r, RC_ERROR_TABLE, &r->err_table) || take_text(r, RC_FUNCTION_NAME, &r->function))
		return UCQL_E_NOMEM;
	if (v[RC_QUERY].len >= 0) {
		char *q = text_of(v[RC_QUERY]);
		if (!q)
			return UCQL_E_NOMEM;
		if (q[0] == '~') {
			memmove(q, q + 1, strlen(q));
			int e = regcomp(&r->re, q, REG_EXTENDED | REG_ICASE | REG_NOSUB);
			if (e) {
				char msg[256];
				regerror(e, &r->re, msg, sizeof msg);
				free(q);
				return mock_exec_error(x, UCQL_E_INVALID, "Bad query regex: %s", msg);
			}
			r->is_re = 1;
		}
		r->query = q;
	}
	return 0;
}

static int rules_insert(mock_exec *x, mock_table *t, const mock_insert *ins)
{
	if (ins->json || ins->if_not_exists)
		return mock_exec_error(x, UCQL_E_INVALID, "INSERT JSON and IF NOT EXISTS are not supported on ucql_mock.rules");
	mock_rule *r = calloc(1, sizeof *r);
	if (!r)
		return UCQL_E_NOMEM;
	for (int i = 0; i < RC_NCOLS; i++)
		r->raw[i] = ucql_value_null();
	int rc = 0, has_id = 0;
	for (size_t i = 0; i < ins->n_cols; i++) {
		int c = col_index(ins->cols[i]);
		if (c < 0) {
			rc = mock_exec_error(x, UCQL_E_INVALID, "Undefined column name %s in table ucql_mock.rules", ins->cols[i]);
			goto fail;
		}
		if (c == RC_REMAINING) {
			rc = mock_exec_error(x, UCQL_E_INVALID, "remaining is read-only: set count");
			goto fail;
		}
		ucql_value val;
		if (mock_term_value(x, t, mock_table_column(t, ins->cols[i]), ins->values[i], &val, &rc))
			goto fail;
		if (val.len < 0)
			continue;
		uint8_t *copy = malloc((size_t)val.len + 1);
		if (!copy) {
			rc = UCQL_E_NOMEM;
			goto fail;
		}
		if (val.len)
			memcpy(copy, val.p, (size_t)val.len);
		free((void *)r->raw[c].p);
		r->raw[c] = ucql_value_of(copy, val.len);
		if (c == RC_ID)
			has_id = !ucql_value_get_int(val, &r->id);
	}
	if (!has_id) {
		rc = mock_exec_error(x, UCQL_E_INVALID, "Some partition key parts are missing: id");
		goto fail;
	}
	if ((rc = decode_rule(x, r)))
		goto fail;
	/* Replace a rule with that id (an INSERT is an upsert), keep id order. */
	mock_rules *rs = x->e->rules;
	mock_rule **pp = &rs->list;
	while (*pp && (*pp)->id < r->id)
		pp = &(*pp)->next;
	if (*pp && (*pp)->id == r->id) {
		mock_rule *old = *pp;
		*pp = old->next;
		mock_rule_free(old);
	}
	r->next = *pp;
	*pp = r;
	return done_void(x);
fail:
	mock_rule_free(r);
	return rc;
}

static int rules_delete(mock_exec *x, mock_table *t, const mock_delete *d)
{
	int rc = 0;
	if (d->n_targets || d->if_exists || d->n_cond)
		return mock_exec_error(x, UCQL_E_INVALID, "Only \"DELETE FROM ucql_mock.rules WHERE id = N\" is supported");
	mock_where w;
	memset(&w, 0, sizeof w);
	if (mock_where_build(x, t, d->where, d->n_where, &w, &rc))
		return rc;
	if (!w.pk_full || w.npreds)
		return mock_exec_error(x, UCQL_E_INVALID, "Some partition key parts are missing: id");
	mock_rules *rs = x->e->rules;
	for (size_t i = 0; i < w.pk_n[0]; i++) {
		int32_t id;
		if (ucql_value_get_int(w.pk[0][i], &id))
			continue;
		for (mock_rule **pp = &rs->list; *pp; pp = &(*pp)->next)
			if ((*pp)->id == id) {
				mock_rule *old = *pp;
				*pp = old->next;
				mock_rule_free(old);
				break;
			}
	}
	return done_void(x);
}

int mock_rules_modify(mock_exec *x, mock_table *t, const mock_stmt *s)
{
	if (!x->e->rules)
		return UCQL_E_NOMEM;
	if (t->vtable == MOCK_VT_RULES && s->kind == MOCK_STMT_INSERT)
		return rules_insert(x, t, &s->u.insert);
	if (t->vtable == MOCK_VT_RULES && s->kind == MOCK_STMT_DELETE)
		return rules_delete(x, t, &s->u.del);
	if (t->vtable == MOCK_VT_RULES)
		return mock_exec_error(x, UCQL_E_INVALID, "ucql_mock.rules takes INSERT (add or replace a rule), DELETE ... WHERE id = N and TRUNCATE");
	return mock_exec_error(x, UCQL_E_INVALID, "ucql_mock.activity is read-only (TRUNCATE clears it)");
}

int mock_rules_truncate(mock_exec *x, mock_table *t)
{
	mock_rules *rs = x->e->rules;
	if (!rs)
		return UCQL_E_NOMEM;
	if (t->vtable == MOCK_VT_RULES) {
		while (rs->list) {
			mock_rule *n = rs->list->next;
			mock_rule_free(rs->list);
			rs->list = n;
		}
	} else {
		for (int i = 0; i <= rs->nnodes; i++)
			mock_actlog_clear(&rs->logs[i]);
	}
	return done_void(x);
}

/* ==== SELECT ============================================================= */

int mock_rules_fill(mock_exec *x, mock_table *t, mock_tstore *s)
{
	mock_rules *rs = x->e->rules;
	if (!rs)
		return 0;
	int rc = 0;
	if (t->vtable == MOCK_VT_RULES) {
		for (const mock_rule *ru = rs->list; ru && !rc; ru = ru->next) {
			mock_vrow r;
			mock_vrow_begin(&r, x, t, s);
			for (int c = 0; c < RC_NCOLS; c++)
				if (ru->raw[c].len >= 0)
					mock_vrow_raw(&r, mock_rule_col_names[c], ru->raw[c].p, (size_t)ru->raw[c].len);
			if (ru->has_count)
				mock_vrow_int(&r, "remaining", ru->remaining);
			rc = mock_vrow_end(&r);
		}
		return rc;
	}
	for (int n = 1; n <= rs->nnodes && !rc; n++) {
		const mock_actlog *l = &rs->logs[n];
		for (size_t i = 0; i < l->n && !rc; i++) {
			const mock_act *a = &l->ring[(l->head + i) % MOCK_ACTIVITY_MAX];
			mock_vrow r;
			mock_vrow_begin(&r, x, t, s);
			mock_vrow_int(&r, "node", n);
			mock_vrow_bigint(&r, "seq", a->seq);
			mock_vrow_bigint(&r, "at", a->at_ms);
			mock_vrow_text(&r, "connection", a->conn);
			mock_vrow_text(&r, "opcode", mock_rule_opcode_name(a->opcode));
			mock_vrow_text(&r, "query", a->query);
			mock_vrow_text(&r, "keyspace_name", a->ks);
			if (a->cl >= 0)
				mock_vrow_text(&r, "consistency", ucql_consistency_name(a->cl));
			mock_vrow_int(&r, "values_count", a->values);
			if (a->has_rule) {
				mock_vrow_int(&r, "rule_id", a->rule_id);
				mock_vrow_text(&r, "action", mock_rule_action_name(a->action));
			}
			rc = mock_vrow_end(&r);
		}
	}
	return rc;
}
