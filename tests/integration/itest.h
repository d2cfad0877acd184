/*
 * itest.h — shared by the integration suites (tests/integration/): an
 * in-process ucql-mock cluster (tools/mock/mockcluster.h) on a free port,
 * and sessions of the real driver connected to it.
 *
 * Every helper asserts (Criterion) on failure, so a test reads as the
 * scenario it checks. Ports: 30042..32041, picked from the pid (Criterion
 * runs each test in its own process) and retried on EADDRINUSE; the other
 * suites use 19042..29100.
 */
#ifndef UCQL_ITEST_H
#define UCQL_ITEST_H

#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdint.h>

#include "mockcluster.h"
#include "ucql/session.h"
#include "ucql/ucql.h"

/* A running mock and the port it listens on. */
typedef struct it_mock {
	mock_run *run;
	uint16_t port;
	int nodes;
} it_mock;

/* Starts a mock from o (o->port is chosen here). */
void it_mock_start(it_mock *m, mock_options *o);
/* n nodes, defaults otherwise. */
void it_mock_start_n(it_mock *m, int nodes);
/* Stops the mock, then (sanitizer builds) fails the test if
 * LeakSanitizer finds memory nobody references any more: call it last,
 * after closing the sessions. */
void it_mock_stop(it_mock *m);
/* The leak check alone. */
void it_leak_check(void);

/* A config for m: contact point 127.0.0.1, m's port, `shards` shards (not
 * pinned: the machine is shared), request timeout 10 s, connect timeout
 * 10 s, log level error (environment ITEST_LOG=warn|info|debug shows the
 * driver's log). The caller frees it. */
ucql_config *it_config(const it_mock *m, int shards);
/* Sets one setting, asserting it is accepted. */
void it_set(ucql_config *c, const char *name, const char *value);
/* Connects with c (not freed), asserting success. */
ucql_session *it_connect(const ucql_config *c);
/* it_config(m, shards) + it_connect. */
ucql_session *it_session(const it_mock *m, int shards);

/* Runs cql (no values) and asserts success: it_query returns the result
 * set (the caller frees it), it_exec frees it. */
ucql_resultset *it_query(ucql_session *s, const char *cql);
void it_exec(ucql_session *s, const char *cql);
/* printf-style it_exec. */
void it_execf(ucql_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Executes st and asserts success; returns the owned result set. */
ucql_resultset *it_run(ucql_session *s, const ucql_statement *st);
/* Prepares and asserts success. */
ucql_prepared_stmt *it_prepare(ucql_session *s, const char *cql);
/* The single bigint / int of a one-row, one-column query. */
int64_t it_scalar_i64(ucql_session *s, const char *cql);

/* Creates keyspace `ks` with SimpleStrategy and replication factor rf. */
void it_keyspace(ucql_session *s, const char *ks, int rf);

/* Sets node's state ('up' / 'down') through ucql_mock.nodes and waits
 * (bounded) until it reads back so: the UPDATE's own reply is lost when
 * it went to the node being set down, so a connection error is retried. */
void it_node_state(ucql_session *admin, int node, const char *state);

/* Waits (bounded: 10 s) until every shard of s has had a request
 * answered by each node 1..nodes: ucql_session_connect returns once each
 * shard has one ready connection, the others may still be opening. */
void it_wait_nodes(ucql_session *s, int nodes);

/* Monotonic milliseconds (bounds on polling loops only). */
int64_t it_now_ms(void);

/* Summed metrics. */
ucql_metrics it_metrics(const ucql_session *s);

#endif
