/*
 * Paging over 10,000 rows (issue 4, proof 2): the automatic pager (page
 * size 1000) and manual paging with ucql_resultset_paging_state and
 * ucql_statement_set_paging_state, for simple and prepared statements; a
 * 3-node cluster with replication factor 3, so successive pages may be
 * served by different nodes.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define N_ROWS 10000
#define PAGE 1000

typedef struct load_ctx {
	_Atomic int done;
	_Atomic int failed;
} load_ctx;

static void on_insert(ucql_resultset *rs, void *ud)
{
	load_ctx *c = ud;
	if (ucql_resultset_error_code(rs))
		atomic_fetch_add(&c->failed, 1);
	atomic_fetch_add(&c->done, 1);
}

/* ks.t: N_ROWS partitions (id, v = id * 3); ks.c: one partition, N_ROWS
 * clustering rows. Inserted asynchronously through prepared statements. */
static ucql_session *setup_v(it_mock *m, const char *version)
{
	it_mock_start_n(m, 3);
	ucql_config *cfg = it_config(m, 1);
	it_set(cfg, "protocol.version", version);
	ucql_session *s = it_connect(cfg);
	ucql_config_free(cfg);
	it_keyspace(s, "ks", 3);
	it_exec(s, "CREATE TABLE ks.t (id int PRIMARY KEY, v int)");
	it_exec(s, "CREATE TABLE ks.c (p int, c int, v text, PRIMARY KEY (p, c))");
	ucql_prepared_stmt *pt = it_prepare(s, "INSERT INTO ks.t (id, v) VALUES (?, ?)");
	ucql_prepared_stmt *pc = it_prepare(s, "INSERT INTO ks.c (p, c, v) VALUES (1, ?, ?)");
	load_ctx lc;
	memset(&lc, 0, sizeof lc);
	ucql_statement *st = ucql_prepared_stmt_bind(pt);
	ucql_statement *sc = ucql_prepared_stmt_bind(pc);
	for (int i = 0; i < N_ROWS; i++) {
		cr_assert_eq(ucql_statement_bind_int32(st, 0, i), 0);
		cr_assert_eq(ucql_statement_bind_int32(st, 1, i * 3), 0);
		cr_assert_eq(ucql_session_execute(s, st, on_insert, &lc), 0);
		char buf[32];
		snprintf(buf, sizeof buf, "row %d", i);
		cr_assert_eq(ucql_statement_bind_int32(sc, 0, i), 0);
		cr_assert_eq(ucql_statement_bind_string(sc, 1, buf), 0);
		cr_assert_eq(ucql_session_execute(s, sc, on_insert, &lc), 0);
	}
	ucql_statement_free(st);
	ucql_statement_free(sc);
	ucql_prepared_stmt_free(pt);
	ucql_prepared_stmt_free(pc);
	int64_t deadline = it_now_ms() + 60000;
	while (atomic_load(&lc.done) < 2 * N_ROWS && it_now_ms() < deadline)
		usleep(1000);
	cr_assert_eq(atomic_load(&lc.done), 2 * N_ROWS);
	cr_assert_eq(atomic_load(&lc.failed), 0);
	return s;
}

static ucql_session *setup(it_mock *m)
{
	return setup_v(m, "0");
}

/* Records id (0 ≤ id < N_ROWS, v == 3 id) in seen[]. */
static void see_t(const ucql_value *row, uint8_t *seen)
{
	int32_t id, v;
	cr_assert_eq(ucql_value_get_int(row[0], &id), 0);
	cr_assert_eq(ucql_value_get_int(row[1], &v), 0);
	cr_assert(id >= 0 && id < N_ROWS, "id %d", id);
	cr_assert_eq(v, id * 3);
	cr_assert_eq(seen[id], 0, "row %d twice", id);
	seen[id] = 1;
}

static void pager_all(ucql_session *s, ucql_statement *st)
{
	cr_assert_eq(ucql_statement_set_page_size(st, PAGE), 0);
	ucql_pager *pg = ucql_session_pager(s, st);
	cr_assert_not_null(pg);
	cr_assert_null(ucql_pager_page(pg));
	static uint8_t seen[N_ROWS];
	memset(seen, 0, sizeof seen);
	int n = 0, pages = 0;
	const ucql_resultset *page = NULL;
	const ucql_value *row;
	while ((row = ucql_pager_next_row(pg)) && n <= N_ROWS) {
		const ucql_resultset *cur = ucql_pager_page(pg);
		cr_assert_not_null(cur);
		if (cur != page || n % PAGE == 0) {
			/* a new page: full, as asked */
			cr_assert_eq(ucql_resultset_row_count(cur), PAGE, "page %d has %d rows", pages,
				     ucql_resultset_row_count(cur));
			page = cur;
			pages++;
		}
		cr_assert_eq(ucql_resultset_column_count(cur), 2);
		see_t(row, seen);
		n++;
	}
	cr_assert_eq(ucql_pager_error_code(pg), 0, "%s", ucql_pager_error_message(pg));
	cr_assert_eq(n, N_ROWS);
	cr_assert_eq(pages, N_ROWS / PAGE);
	/* the end stays the end */
	cr_assert_null(ucql_pager_next_row(pg));
	ucql_pager_free(pg);
}

Test(paging, pager_simple_and_prepared, .timeout = 120)
{
	it_mock m;
	ucql_session *s = setup(&m);
	ucql_statement *st = ucql_statement_new("SELECT id, v FROM ks.t", 0);
	pager_all(s, st);
	ucql_statement_free(st);

	ucql_prepared_stmt *p = it_prepare(s, "SELECT id, v FROM ks.t");
	st = ucql_prepared_stmt_bind(p);
	pager_all(s, st);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);

	/* one partition: the rows come in clustering order */
	st = ucql_statement_new("SELECT c, v FROM ks.c WHERE p = 1", 0);
	cr_assert_eq(ucql_statement_set_page_size(st, PAGE), 0);
	ucql_pager *pg = ucql_session_pager(s, st);
	ucql_statement_free(st); /* the pager copied it */
	int n = 0;
	const ucql_value *row;
	while ((row = ucql_pager_next_row(pg)) && n <= N_ROWS) {
		int32_t c;
		cr_assert_eq(ucql_value_get_int(row[0], &c), 0);
		cr_assert_eq(c, n, "row %d is c=%d", n, c);
		char want[32];
		snprintf(want, sizeof want, "row %d", n);
		ucql_bytes t;
		cr_assert_eq(ucql_value_get_text(row[1], &t), 0);
		cr_assert(t.len == strlen(want) && !memcmp(t.p, want, t.len));
		n++;
	}
	cr_assert_eq(ucql_pager_error_code(pg), 0, "%s", ucql_pager_error_message(pg));
	cr_assert_eq(n, N_ROWS);
	ucql_pager_free(pg);

	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* Manual paging: execute, read the page, carry its paging state over. */
static void manual(ucql_session *s, ucql_statement *st)
{
	cr_assert_eq(ucql_statement_set_page_size(st, PAGE), 0);
	static uint8_t seen[N_ROWS];
	memset(seen, 0, sizeof seen);
	int n = 0, pages = 0;
	for (;;) {
		cr_assert_leq(pages, N_ROWS / PAGE + 1, "too many pages");
		ucql_resultset *rs = it_run(s, st);
		pages++;
		int32_t rows = ucql_resultset_row_count(rs);
		cr_assert_leq(rows, PAGE);
		const ucql_value *row;
		while ((row = ucql_resultset_next_row(rs))) {
			see_t(row, seen);
			n++;
		}
		ucql_bytes ps = ucql_resultset_paging_state(rs);
		if (!ucql_resultset_has_more_pages(rs)) {
			cr_assert_eq(ps.len, 0);
			ucql_resultset_free(rs);
			break;
		}
		cr_assert_eq(rows, PAGE, "a short page before the end");
		cr_assert_gt(ps.len, 0);
		/* the state is copied: rs may go first */
		cr_assert_eq(ucql_statement_set_paging_state(st, ps), 0);
		ucql_resultset_free(rs);
	}
	cr_assert_eq(n, N_ROWS);
	/* the last page may be followed by an empty one, as Cassandra does */
	cr_assert(pages == N_ROWS / PAGE || pages == N_ROWS / PAGE + 1, "%d pages", pages);

	/* an empty state restarts from the top */
	cr_assert_eq(ucql_statement_set_paging_state(st, ucql_bytes_of(NULL, 0)), 0);
	ucql_resultset *rs = it_run(s, st);
	cr_assert_eq(ucql_resultset_row_count(rs), PAGE);
	cr_assert(ucql_resultset_has_more_pages(rs));
	ucql_resultset_free(rs);
}

Test(paging, manual_simple_and_prepared, .timeout = 120)
{
	it_mock m;
	ucql_session *s = setup(&m);
	ucql_statement *st = ucql_statement_new("SELECT id, v FROM ks.t", 0);
	manual(s, st);
	ucql_statement_free(st);

	ucql_prepared_stmt *p = it_prepare(s, "SELECT id, v FROM ks.t");
	st = ucql_prepared_stmt_bind(p);
	manual(s, st);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);

	/* page size 0: everything in one response */
	st = ucql_statement_new("SELECT id, v FROM ks.t", 0);
	cr_assert_eq(ucql_statement_set_page_size(st, 0), 0);
	ucql_resultset *rs = it_run(s, st);
	cr_assert_eq(ucql_resultset_row_count(rs), N_ROWS);
	cr_assert_eq(ucql_resultset_has_more_pages(rs), 0);
	ucql_resultset_free(rs);
	ucql_statement_free(st);

	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* Paging states in v3 and v4 (the pager and manual). */
static void older(const char *version)
{
	it_mock m;
	ucql_session *s = setup_v(&m, version);
	ucql_statement *st = ucql_statement_new("SELECT id, v FROM ks.t", 0);
	manual(s, st);
	pager_all(s, st);
	ucql_statement_free(st);
	ucql_prepared_stmt *p = it_prepare(s, "SELECT id, v FROM ks.t");
	st = ucql_prepared_stmt_bind(p);
	manual(s, st);
	ucql_statement_free(st);
	ucql_prepared_stmt_free(p);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(paging, v4, .timeout = 120)
{
	older("4");
}

Test(paging, v3, .timeout = 120)
{
	older("3");
}
