/*
 * rules.h — fault injection steered with CQL (ucql_mock.rules) and the
 * per-node activity log (ucql_mock.activity).
 *
 * A rule matches requests (QUERY / PREPARE / EXECUTE / BATCH) on node,
 * opcode, query text (substring, or '~' + POSIX extended regex; both
 * case-insensitive), target keyspace/table, client connection,
 * probability (a per-rule seeded PRNG: reproducible runs) and count; the
 * first matching rule in id order fires: delay, error (any code with its
 * full body), no_reply, close or half_close. Requests aimed at the
 * ucql_mock keyspace never match, so a test can always clear the rules.
 *
 * Every request the engine handles is logged in a bounded ring per node
 * (MOCK_ACTIVITY_MAX entries), except those aimed at ucql_mock.activity;
 * nodes added later get a log on their first request.
 *
 * State lives in the engine (engine_int.h: mock_engine.rules); loop
 * thread only, like the rest of the engine.
 */
#ifndef MOCK_RULES_H
#define MOCK_RULES_H

#include "engine_int.h"

#define MOCK_ACTIVITY_MAX 10000
/* Longest query text kept per activity entry (bytes); longer is cut. */
#define MOCK_ACTIVITY_QUERY_MAX 4096

typedef struct mock_rules mock_rules;

/* An empty rule set and activity log for nodes 1..nnodes; NULL when out
 * of memory. */
mock_rules *mock_rules_new(int nnodes);
/* NULL is a no-op. */
void mock_rules_free(mock_rules *r);

/* Dispatch hook, called by the handler before running a request. Logs the
 * request and, if a rule fires, applies it. Returns 0: execute the
 * request normally (out->delay_ms may have been set by a 'delay' rule);
 * 1: the rule answered — the handler returns *op (body in out->w, action
 * in out->action). Never fails: out of memory only skips the log entry. */
int mock_rules_on_request(mock_exec *x, int *op);

/* Virtual-table side (rules_table.c). SELECT: rows into a scratch store. */
int mock_rules_fill(mock_exec *x, mock_table *t, mock_tstore *s);
/* INSERT / DELETE / UPDATE on ucql_mock.rules or ucql_mock.activity:
 * MOCK_RES, MOCK_ERR (error written) or UCQL_E_NOMEM. */
int mock_rules_modify(mock_exec *x, mock_table *t, const mock_stmt *s);
/* TRUNCATE of either table. */
int mock_rules_truncate(mock_exec *x, mock_table *t);

#endif
