/*
 * itest.c — helpers of the integration suites (see itest.h).
 */
#include "itest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void it_mock_start(it_mock *m, mock_options *o)
{
	char err[512];
	for (int attempt = 0; attempt < 60; attempt++) {
		o->port = (uint16_t)(30042 + ((unsigned)getpid() + (unsigned)attempt * 53u) % 2000u);
		mock_run *run = NULL;
		int r = mock_run_start(o, &run, err, sizeof err);
		if (r == 0) {
			m->run = run;
			m->port = o->port;
			m->nodes = o->nodes;
			return;
		}
		cr_assert_eq(r, -EADDRINUSE, "mock_run_start: %d %s", r, err);
	}
	cr_assert_fail("no free port for the mock");
}

void it_mock_start_n(it_mock *m, int nodes)
{
	mock_options o;
	mock_options_init(&o);
	o.nodes = nodes;
	it_mock_start(m, &o);
}

/* LeakSanitizer's entry point, present only in sanitizer builds. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

void it_leak_check(void)
{
	/* Criterion ignores a report printed when the test's process exits:
	 * check here, at the end of the test, so a leak fails it. */
	if (__lsan_do_recoverable_leak_check)
		cr_assert_eq(__lsan_do_recoverable_leak_check(), 0, "LeakSanitizer found leaks (report above)");
}

void it_mock_stop(it_mock *m)
{
	mock_run_stop(m->run);
	m->run = NULL;
	it_leak_check();
}

void it_set(ucql_config *c, const char *name, const char *value)
{
	char err[256];
	int rc = ucql_config_set(c, name, value, err, sizeof err);
	cr_assert_eq(rc, 0, "config %s=%s: %s", name, value, err);
}

ucql_config *it_config(const it_mock *m, int shards)
{
	ucql_config *c = ucql_config_new();
	cr_assert_not_null(c);
	char buf[32];
	it_set(c, "contact_points", "127.0.0.1");
	snprintf(buf, sizeof buf, "%u", (unsigned)m->port);
	it_set(c, "port", buf);
	snprintf(buf, sizeof buf, "%d", shards);
	it_set(c, "shards", buf);
	it_set(c, "shards.pin", "false");
	it_set(c, "request.timeout_ms", "10000");
	it_set(c, "connect.timeout_ms", "10000");
	/* ITEST_LOG=debug|info|warn shows the driver's log */
	const char *lvl = getenv("ITEST_LOG");
	it_set(c, "log.level", lvl && *lvl ? lvl : "error");
	return c;
}

ucql_session *it_connect(const ucql_config *c)
{
	ucql_session *s = NULL;
	char err[512] = "";
	int rc = ucql_session_connect(c, &s, err, sizeof err);
	cr_assert_eq(rc, 0, "connect: %s: %s", ucql_err_name(rc), err);
	cr_assert_not_null(s);
	return s;
}

ucql_session *it_session(const it_mock *m, int shards)
{
	ucql_config *c = it_config(m, shards);
	ucql_session *s = it_connect(c);
	ucql_config_free(c);
	return s;
}

ucql_resultset *it_run(ucql_session *s, const ucql_statement *st)
{
	ucql_resultset *rs = ucql_session_execute_sync(s, st);
	cr_assert_not_null(rs);
	cr_assert_eq(ucql_resultset_error_code(rs), 0, "%s: %s", ucql_err_name(ucql_resultset_error_code(rs)),
		     ucql_resultset_error_message(rs));
	return rs;
}

ucql_resultset *it_query(ucql_session *s, const char *cql)
{
	ucql_resultset *rs = ucql_session_query(s, cql);
	cr_assert_not_null(rs, "%s: NULL", cql);
	cr_assert_eq(ucql_resultset_error_code(rs), 0, "%s: %s: %s", cql,
		     ucql_err_name(ucql_resultset_error_code(rs)), ucql_resultset_error_message(rs));
	return rs;
}

void it_exec(ucql_session *s, const char *cql)
{
	ucql_resultset_free(it_query(s, cql));
}

void it_execf(ucql_session *s, const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && (size_t)n < sizeof q);
	it_exec(s, q);
}

ucql_prepared_stmt *it_prepare(ucql_session *s, const char *cql)
{
	ucql_prepared_stmt *p = NULL;
	char err[512] = "";
	int rc = ucql_session_prepare_sync(s, cql, &p, err, sizeof err);
	cr_assert_eq(rc, 0, "prepare %s: %s: %s", cql, ucql_err_name(rc), err);
	cr_assert_not_null(p);
	return p;
}

int64_t it_scalar_i64(ucql_session *s, const char *cql)
{
	ucql_resultset *rs = it_query(s, cql);
	cr_assert_eq(ucql_resultset_row_count(rs), 1, "%s: %d rows", cql, ucql_resultset_row_count(rs));
	const ucql_value *row = ucql_resultset_next_row(rs);
	cr_assert_not_null(row);
	int64_t v = 0;
	int32_t v32;
	if (row[0].len == 4) {
		cr_assert_eq(ucql_value_get_int(row[0], &v32), 0);
		v = v32;
	} else {
		cr_assert_eq(ucql_value_get_bigint(row[0], &v), 0, "%s: not a bigint (len %d)", cql, (int)row[0].len);
	}
	ucql_resultset_free(rs);
	return v;
}

void it_keyspace(ucql_session *s, const char *ks, int rf)
{
	it_execf(s, "CREATE KEYSPACE %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': %d}",
		 ks, rf);
}

void it_node_state(ucql_session *admin, int node, const char *state)
{
	char q[160];
	snprintf(q, sizeof q, "UPDATE ucql_mock.nodes SET state = '%s' WHERE node = %d", state, node);
	int64_t deadline = it_now_ms() + 10000;
	for (;;) {
		ucql_resultset *rs = ucql_session_query(admin, q);
		int rc = ucql_resultset_error_code(rs);
		cr_assert(rc == 0 || rc == UCQL_E_CONNECTION, "%s: %s", q, ucql_resultset_error_message(rs));
		ucql_resultset_free(rs);
		snprintf(q + 100, 60, "SELECT state FROM ucql_mock.nodes WHERE node = %d", node);
		rs = ucql_session_query(admin, q + 100);
		int match = 0;
		if (!ucql_resultset_error_code(rs)) {
			const ucql_value *row = ucql_resultset_next_row(rs);
			ucql_bytes t;
			match = row && !ucql_value_get_text(row[0], &t) && t.len == strlen(state) &&
				!memcmp(t.p, state, t.len);
		}
		ucql_resultset_free(rs);
		if (match)
			return;
		cr_assert_lt(it_now_ms(), deadline, "node %d never became %s", node, state);
		snprintf(q, sizeof q, "UPDATE ucql_mock.nodes SET state = '%s' WHERE node = %d", state, node);
	}
}

typedef struct node_probe {
	_Atomic int done;
	_Atomic int node; /* N of 127.0.0.N that answered, 0 none */
} node_probe;

static void on_node_probe(ucql_resultset *rs, void *ud)
{
	node_probe *p = ud;
	const char *n = ucql_resultset_node(rs);
	if (!ucql_resultset_error_code(rs) && !strncmp(n, "127.0.0.", 8))
		atomic_store(&p->node, atoi(n + 8));
	atomic_store(&p->done, 1);
}

void it_wait_nodes(ucql_session *s, int nodes)
{
	ucql_statement *st = ucql_statement_new("SELECT release_version FROM system.local", 0);
	int64_t deadline = it_now_ms() + 10000;
	for (unsigned sh = 0; sh < ucql_session_shard_count(s); sh++) {
		uint64_t seen = 0, all = (nodes >= 64 ? ~0ull : (1ull << nodes) - 1) << 1;
		while ((seen & all) != all) {
			cr_assert_lt(it_now_ms(), deadline, "shard %u: nodes seen 0x%llx of 0x%llx", sh,
				     (unsigned long long)seen, (unsigned long long)all);
			node_probe p;
			atomic_init(&p.done, 0);
			atomic_init(&p.node, 0);
			cr_assert_eq(ucql_shard_execute(ucql_session_shard(s, sh), st, on_node_probe, &p), 0);
			while (!atomic_load(&p.done))
				usleep(100);
			int n = atomic_load(&p.node);
			if (n > 0 && n < 64)
				seen |= 1ull << n;
			else
				usleep(1000);
		}
	}
	ucql_statement_free(st);
}

int64_t it_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ucql_metrics it_metrics(const ucql_session *s)
{
	ucql_metrics m;
	memset(&m, 0, sizeof m);
	ucql_session_metrics(s, -1, &m);
	return m;
}
