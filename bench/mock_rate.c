/*
 * mock_rate.c — how many requests per second one ucql-mock node serves per
 * core of its own CPU (issue 3's target: ≥ 300k/s per core), for a prepared
 * single-partition SELECT and a prepared INSERT at high concurrency.
 *
 * One process: a 1-node cluster started in-process (mock_run_start), and
 * client thread(s) driving it over loopback with C connections, each
 * keeping D EXECUTE requests in flight. The client is kept cheap so that
 * it does not starve the server on a small machine: frames are built once
 * (with the codec) into a template and then only the stream id and key are
 * patched; requests are written back to back into one large send and
 * responses drained with large recvs. The figure reported is requests
 * divided by the server's CPU time (the process's minus the client
 * threads', cross-checked against the loop thread's own run time from
 * /proc), so the client's cost and the machine's other load do not count
 * against it.
 * Every response is checked (Rows with one row / Void); anything else ends
 * the program with exit 1, since a rate that includes errors means nothing.
 *
 *   ucql-mock-rate [--protocol 4|5] [--connections C] [--depth D]
 *                  [--requests N] [--rows R] [--threads T] [--max-seconds S]
 *                  [--op select|insert|both]
 *
 * Prints one JSON line per op on stdout. See docs/PERFORMANCE.md.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mockcluster.h"
#include "client.h"

#include "ucql/frame.h"
#include "ucql/request.h"
#include "ucql/result.h"
#include "ucql/segment.h"

#define VALUE_TEXT "value-0123456789" /* 16 bytes: a small text cell */
#define OUT_CAP (1u << 20)
#define IN_CAP (1u << 20)

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ucql-mock-rate: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now_s(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts))
		die("clock_gettime: %s", strerror(errno));
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- setup over the blocking test client ------------------------------- */

typedef struct prepared {
	uint8_t id[64];
	size_t id_len;
	uint8_t md_id[64];
	size_t md_id_len;
} prepared;

static void expect_result(tc *c, int kind, const char *what)
{
	tc_frame fr;
	int r = tc_recv(c, &fr);
	if (r <= 0)
		die("%s: no reply (%d)", what, r);
	if (fr.f.h.opcode == UCQL_OP_ERROR)
		die("%s: server error: %s", what, tc_error_text(&fr));
	if (fr.f.h.opcode != UCQL_OP_RESULT || fr.merr)
		die("%s: unexpected reply opcode %d (decode %d)", what, fr.f.h.opcode, fr.merr);
	if (kind && fr.m.u.result.kind != kind)
		die("%s: result kind %d, expected %d", what, (int)fr.m.u.result.kind, kind);
}

static void query(tc *c, const char *cql, int kind)
{
	if (tc_send_query(c, 1, 0, cql))
		die("send %s failed", cql);
	expect_result(c, kind, cql);
}

static void prepare(tc *c, const char *cql, prepared *out)
{
	uint8_t b[512];
	ucql_writer w;
	ucql_writer_init(&w, b, sizeof b);
	ucql_prepare m;
	memset(&m, 0, sizeof m);
	m.query = ucql_bytes_str(cql);
	if (ucql_prepare_encode(&w, c->version, &m) || tc_send(c, UCQL_OP_PREPARE, 1, 0, b, w.len))
		die("PREPARE %s: send failed", cql);
	tc_frame fr;
	int r = tc_recv(c, &fr);
	if (r <= 0)
		die("PREPARE %s: no reply (%d)", cql, r);
	if (fr.f.h.opcode == UCQL_OP_ERROR)
		die("PREPARE %s: %s", cql, tc_error_text(&fr));
	if (fr.f.h.opcode != UCQL_OP_RESULT || fr.merr ||
	    fr.m.u.result.kind != UCQL_RESULT_PREPARED)
		die("PREPARE %s: not a Prepared result", cql);
	const ucql_prepared *p = &fr.m.u.result.u.prepared;
	if (p->id.len > sizeof out->id || p->result_metadata_id.len > sizeof out->md_id)
		die("PREPARE %s: id too long", cql);
	memcpy(out->id, p->id.p, p->id.len);
	out->id_len = p->id.len;
	if (p->result_metadata_id.len)
		memcpy(out->md_id, p->result_metadata_id.p, p->result_metadata_id.len);
	out->md_id_len = p->result_metadata_id.len;
}

/* ---- the pipelined load ------------------------------------------------ */

enum { OP_SELECT, OP_INSERT };

typedef struct conn {
	tc t;                   /* connected, STARTUP done; then only t.fd is used */
	int v5;                 /* segment framing both ways */
	int16_t *free_streams;  /* stack of idle stream ids */
	int n_free;
	uint8_t *stage;         /* v5: envelopes before segmenting */
	uint8_t *out;           /* wire bytes to send */
	size_t out_len, out_off;
	uint8_t *in;            /* received bytes (v4: may keep a partial frame) */
	size_t in_len;
	ucql_segment_stream seg;
	uint8_t *seg_work, *seg_env;
	uint64_t issued, done;
} conn;

typedef struct load {
	int op;
	int version;
	const uint8_t *tmpl;    /* one EXECUTE frame */
	size_t tmpl_len;
	size_t key_off;         /* offset of the 4-byte key in tmpl */
	uint32_t key_range;
	uint64_t budget;        /* requests to issue over all the thread's conns */
	double deadline;        /* CLOCK_MONOTONIC */
	conn *conns;
	int n_conns;
	/* results */
	uint64_t completed;
	double cpu_s;
	uint32_t next_key;
} load;

static void check_response(const load *L, const ucql_frame *f)
{
	if (f->h.opcode != UCQL_OP_RESULT) {
		ucql_message m;
		if (f->h.opcode == UCQL_OP_ERROR && !ucql_message_decode(L->version, f->h.opcode, f->body, &m))
			die("server error on stream %d: %.*s", f->h.stream,
			    (int)m.u.error.message.len, (const char *)m.u.error.message.p);
		die("unexpected opcode %d on stream %d", f->h.opcode, f->h.stream);
	}
	ucql_result res;
	int r = ucql_result_decode(f->body, L->version, &res);
	if (r)
		die("bad RESULT on stream %d: %s", f->h.stream, ucql_err_str(r));
	if (L->op == OP_SELECT) {
		if (res.kind != UCQL_RESULT_ROWS || res.u.rows.rows_count != 1 ||
		    res.u.rows.metadata.columns_count != 1)
			die("SELECT: kind %d, %d rows (expected Rows with 1 row)", (int)res.kind,
			    res.kind == UCQL_RESULT_ROWS ? (int)res.u.rows.rows_count : -1);
		ucql_cell_iter it = ucql_rows_cells(&res.u.rows);
		ucql_value v;
		if (!ucql_cell_next(&it, &v) || v.len != (int32_t)strlen(VALUE_TEXT) ||
		    memcmp(v.p, VALUE_TEXT, (size_t)v.len))
			die("SELECT: wrong value");
	} else if (res.kind != UCQL_RESULT_VOID) {
		die("INSERT: result kind %d (expected Void)", (int)res.kind);
	}
}

/* Handles the whole frames in p[0..n); returns the bytes used. */
static size_t take_frames(load *L, conn *c, const uint8_t *p, size_t n, int whole)
{
	size_t off = 0;
	while (off < n) {
		ucql_frame f;
		int r = ucql_frame_decode(p + off, n - off, 0, &f);
		if (r == UCQL_NEED_MORE && !whole)
			break;
		if (r < 0)
			die("bad response frame: %s", ucql_err_str(r));
		if (f.h.stream < 0 || !f.h.response)
			die("unexpected frame (stream %d)", f.h.stream);
		check_response(L, &f);
		c->free_streams[c->n_free++] = f.h.stream;
		c->done++;
		L->completed++;
		off += (size_t)r;
	}
	return off;
}

/* Fills c->out with one EXECUTE per idle stream (while budget and time
 * last). */
static void refill(load *L, conn *c, int timed_out)
{
	if (c->out_off < c->out_len || !c->n_free || timed_out || !L->budget)
		return;
	uint8_t *dst = c->v5 ? c->stage : c->out;
	size_t len = 0;
	size_t cap = c->v5 ? UCQL_SEGMENT_MAX_PAYLOAD : OUT_CAP;
	while (c->n_free && L->budget && len + L->tmpl_len <= cap) {
		int16_t s = c->free_streams[--c->n_free];
		uint8_t *f = dst + len;
		memcpy(f, L->tmpl, L->tmpl_len);
		ucql__put16(f + 2, (uint16_t)s);
		ucql__put32(f + L->key_off, L->next_key);
		if (++L->next_key == L->key_range)
			L->next_key = 0;
		len += L->tmpl_len;
		L->budget--;
		c->issued++;
	}
	if (c->v5) {
		ucql_writer w;
		ucql_writer_init(&w, c->out, OUT_CAP);
		ucql_segments_write(&w, (ucql_bytes){ dst, len }, 0);
		if (w.err)
			die("segment encode: %s", ucql_err_str(w.err));
		len = w.len;
	}
	c->out_len = len;
	c->out_off = 0;
}

static void conn_recv(load *L, conn *c)
{
	ssize_t n = recv(c->t.fd, c->in + c->in_len, IN_CAP - c->in_len, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		die("recv: %s", strerror(errno));
	}
	if (n == 0)
		die("server closed a connection");
	if (!c->v5) {
		c->in_len += (size_t)n;
		size_t used = take_frames(L, c, c->in, c->in_len, 0);
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		return;
	}
	/* v5: the chunk stays untouched until the stream has used it up. */
	ucql_segment_stream_feed(&c->seg, c->in, (size_t)n);
	ucql_bytes env;
	int r;
	while ((r = ucql_segment_stream_next(&c->seg, &env)) == 1)
		take_frames(L, c, env.p, env.len, 1);
	if (r < 0)
		die("segment decode: %s", ucql_err_str(r));
}

static void *load_main(void *arg)
{
	load *L = arg;
	struct pollfd pf[64];
	for (;;) {
		int timed_out = now_s(CLOCK_MONOTONIC) > L->deadline;
		int busy = 0;
		for (int i = 0; i < L->n_conns; i++) {
			conn *c = &L->conns[i];
			refill(L, c, timed_out);
			pf[i].fd = c->t.fd;
			pf[i].events = 0;
			if (c->out_off < c->out_len)
				pf[i].events |= POLLOUT;
			if (c->issued > c->done)
				pf[i].events |= POLLIN;
			if (pf[i].events)
				busy = 1;
		}
		if (!busy)
			break;
		if (poll(pf, (nfds_t)L->n_conns, 10000) <= 0)
			die("poll: no progress for 10 s (%s)", strerror(errno));
		for (int i = 0; i < L->n_conns; i++) {
			conn *c = &L->conns[i];
			if (pf[i].revents & (POLLERR | POLLHUP | POLLNVAL))
				die("connection %d failed", i);
			if (pf[i].revents & POLLOUT) {
				ssize_t n = send(c->t.fd, c->out + c->out_off,
						 c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);
				if (n < 0 && errno != EAGAIN && errno != EINTR)
					die("send: %s", strerror(errno));
				if (n > 0)
					c->out_off += (size_t)n;
			}
			if (pf[i].revents & POLLIN)
				conn_recv(L, c);
		}
	}
	L->cpu_s = now_s(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

/* Builds the EXECUTE template; the key is written as a marker, found, and
 * patched per request. */
static size_t build_template(uint8_t *buf, size_t cap, int version, int op,
			     const prepared *ps, size_t *key_off)
{
	static const uint8_t marker[4] = { 0x7e, 0x5a, 0xa5, 0x7e };
	ucql_value vals[2] = { { marker, 4 },
			       { (const uint8_t *)VALUE_TEXT, (int32_t)strlen(VALUE_TEXT) } };
	ucql_execute m;
	memset(&m, 0, sizeof m);
	m.id = (ucql_bytes){ ps->id, ps->id_len };
	m.result_metadata_id = (ucql_bytes){ ps->md_id, ps->md_id_len };
	m.params.consistency = UCQL_CL_ONE;
	m.params.flags = UCQL_QP_VALUES | (op == OP_SELECT ? UCQL_QP_SKIP_METADATA : 0);
	m.params.n_values = op == OP_SELECT ? 1 : 2;
	m.params.values = vals;
	ucql_writer w;
	ucql_writer_init(&w, buf, cap);
	ucql_frame_header h = { .version = (uint8_t)version, .opcode = UCQL_OP_EXECUTE };
	size_t at = ucql_frame_begin(&w, &h);
	ucql_execute_encode(&w, version, &m);
	if (ucql_frame_end(&w, at, 0))
		die("EXECUTE template: %s", ucql_err_str(w.err));
	uint8_t *k = memmem(buf, w.len, marker, 4);
	if (!k)
		die("EXECUTE template: key not found");
	*key_off = (size_t)(k - buf);
	return w.len;
}

static void conn_open(conn *c, uint16_t port, int version, int depth)
{
	memset(c, 0, sizeof *c);
	int r = tc_connect(&c->t, 1, port, version);
	if (r)
		die("connect: %s", strerror(-r));
	tc_frame fr;
	if ((r = tc_startup(&c->t, NULL, &fr)) != UCQL_OP_READY)
		die("STARTUP: reply %d", r);
	if (c->t.in.len || c->t.env.len)
		die("STARTUP: unexpected bytes after READY");
	c->v5 = version >= 5;
	c->free_streams = malloc(sizeof *c->free_streams * (size_t)depth);
	c->out = malloc(OUT_CAP);
	c->in = malloc(IN_CAP);
	c->stage = malloc(UCQL_SEGMENT_MAX_PAYLOAD);
	c->seg_work = malloc(UCQL_SEGMENT_STREAM_WORK_SIZE(0));
	c->seg_env = malloc(1u << 20);
	if (!c->free_streams || !c->out || !c->in || !c->stage || !c->seg_work || !c->seg_env)
		die("out of memory");
	if (ucql_segment_stream_init(&c->seg, 0, c->seg_work, UCQL_SEGMENT_STREAM_WORK_SIZE(0),
				     c->seg_env, 1u << 20))
		die("segment stream init");
	for (int i = 0; i < depth; i++)
		c->free_streams[c->n_free++] = (int16_t)(depth - 1 - i);
}

static void conn_close(conn *c)
{
	tc_close(&c->t);
	free(c->free_streams);
	free(c->out);
	free(c->in);
	free(c->stage);
	free(c->seg_work);
	free(c->seg_env);
}

typedef struct opts {
	int protocol, connections, depth, threads;
	uint64_t requests;
	uint32_t rows;
	double max_seconds;
	int ops; /* bit 0 select, bit 1 insert */
} opts;

typedef struct run_result {
	uint64_t requests;
	double wall_s, server_cpu_s, client_cpu_s;
	double loop_cpu_s; /* the loop thread alone (schedstat), -1 if unknown */
} run_result;

/* The single thread besides main (the server's loop), or -1 if there is
 * not exactly one. */
static pid_t find_loop_tid(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	pid_t found = -1;
	int others = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		pid_t t = (pid_t)atoi(e->d_name);
		if (t > 0 && t != getpid()) {
			found = t;
			others++;
		}
	}
	closedir(d);
	return others == 1 ? found : -1;
}

/* A task's time on CPU (/proc/self/task/T/schedstat, nanoseconds). */
static double task_cpu_s(pid_t tid)
{
	if (tid <= 0)
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
	FILE *f = fopen(path, "r");
	unsigned long long ns = 0;
	if (!f || fscanf(f, "%llu", &ns) != 1)
		die("cannot read %s", path);
	fclose(f);
	return (double)ns * 1e-9;
}

static run_result drive(const opts *o, uint16_t port, pid_t loop_tid, int op,
			const prepared *ps, uint64_t requests, uint32_t key_range, double max_s)
{
	uint8_t tmpl[512];
	size_t key_off;
	size_t tmpl_len = build_template(tmpl, sizeof tmpl, o->protocol, op, ps, &key_off);

	int nc = o->connections;
	conn *conns = calloc((size_t)nc, sizeof *conns);
	load *L = calloc((size_t)o->threads, sizeof *L);
	pthread_t *th = calloc((size_t)o->threads, sizeof *th);
	if (!conns || !L || !th)
		die("out of memory");
	for (int i = 0; i < nc; i++)
		conn_open(&conns[i], port, o->protocol, o->depth);

	/* Connections and requests split evenly over the threads. */
	int per = nc / o->threads, extra = nc % o->threads, at = 0;
	for (int t = 0; t < o->threads; t++) {
		L[t].op = op;
		L[t].version = o->protocol;
		L[t].tmpl = tmpl;
		L[t].tmpl_len = tmpl_len;
		L[t].key_off = key_off;
		L[t].key_range = key_range;
		L[t].budget = requests / (uint64_t)o->threads +
			      (t < (int)(requests % (uint64_t)o->threads) ? 1 : 0);
		L[t].next_key = (uint32_t)((uint64_t)key_range * (uint64_t)t / (uint64_t)o->threads);
		L[t].n_conns = per + (t < extra);
		L[t].conns = conns + at;
		at += L[t].n_conns;
	}

	double p0 = now_s(CLOCK_PROCESS_CPUTIME_ID), t0 = task_cpu_s(loop_tid);
	double w0 = now_s(CLOCK_MONOTONIC);
	for (int t = 0; t < o->threads; t++) {
		L[t].deadline = w0 + max_s;
		int r = pthread_create(&th[t], NULL, load_main, &L[t]);
		if (r)
			die("pthread_create: %s", strerror(r));
	}
	run_result res = { 0, 0, 0, 0, -1 };
	for (int t = 0; t < o->threads; t++) {
		pthread_join(th[t], NULL);
		res.requests += L[t].completed;
		res.client_cpu_s += L[t].cpu_s;
	}
	res.wall_s = now_s(CLOCK_MONOTONIC) - w0;
	res.server_cpu_s = now_s(CLOCK_PROCESS_CPUTIME_ID) - p0 - res.client_cpu_s;
	res.loop_cpu_s = loop_tid > 0 ? task_cpu_s(loop_tid) - t0 : -1;

	for (int i = 0; i < nc; i++)
		conn_close(&conns[i]);
	free(conns);
	free(L);
	free(th);
	return res;
}

static void usage(FILE *f)
{
	fputs("usage: ucql-mock-rate [--protocol 4|5] [--connections C] [--depth D]\n"
	      "       [--requests N] [--rows R] [--threads T] [--max-seconds S]\n"
	      "       [--op select|insert|both]\n", f);
}

static long long num_arg(int argc, char **argv, int *i, long long lo, long long hi)
{
	if (*i + 1 >= argc)
		die("%s needs a value", argv[*i]);
	char *end;
	errno = 0;
	long long v = strtoll(argv[*i + 1], &end, 10);
	if (errno || *end || v < lo || v > hi)
		die("%s: expected an integer in %lld..%lld, got '%s'", argv[*i], lo, hi, argv[*i + 1]);
	(*i)++;
	return v;
}

int main(int argc, char **argv)
{
	opts o = { .protocol = 4, .connections = 4, .depth = 256, .threads = 1,
		   .requests = 2000000, .rows = 10000, .max_seconds = 30, .ops = 3 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--protocol"))
			o.protocol = (int)num_arg(argc, argv, &i, 4, 5);
		else if (!strcmp(a, "--connections"))
			o.connections = (int)num_arg(argc, argv, &i, 1, 64);
		else if (!strcmp(a, "--depth"))
			o.depth = (int)num_arg(argc, argv, &i, 1, 32768);
		else if (!strcmp(a, "--requests"))
			o.requests = (uint64_t)num_arg(argc, argv, &i, 1, 1000000000LL);
		else if (!strcmp(a, "--rows"))
			o.rows = (uint32_t)num_arg(argc, argv, &i, 1, 10000000);
		else if (!strcmp(a, "--threads"))
			o.threads = (int)num_arg(argc, argv, &i, 1, 16);
		else if (!strcmp(a, "--max-seconds"))
			o.max_seconds = (double)num_arg(argc, argv, &i, 1, 3600);
		else if (!strcmp(a, "--op")) {
			if (i + 1 >= argc)
				die("--op needs a value");
			const char *v = argv[++i];
			o.ops = !strcmp(v, "select") ? 1 : !strcmp(v, "insert") ? 2 :
				!strcmp(v, "both") ? 3 : 0;
			if (!o.ops)
				die("--op: select, insert or both, got '%s'", v);
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			die("unknown argument '%s'", a);
		}
	}
	if (o.threads > o.connections)
		die("--threads (%d) above --connections (%d)", o.threads, o.connections);

	/* A free port: 19600 + pid % 300, then the next ones. */
	mock_run *run = NULL;
	uint16_t port = 0;
	char err[256] = "";
	for (int attempt = 0; attempt < 300 && !run; attempt++) {
		mock_options mo;
		mock_options_init(&mo);
		mo.nodes = 1;
		port = (uint16_t)(19600 + ((int)getpid() + attempt) % 300);
		mo.port = port;
		int r = mock_run_start(&mo, &run, err, sizeof err);
		if (r && r != -EADDRINUSE)
			die("mock_run_start: %s", err);
	}
	if (!run)
		die("no free port in 19600..19899: %s", err);

	/* The mock has no public way to name its loop thread, so the server's
	 * CPU is the process's minus the client threads' own (main only waits
	 * meanwhile; its few microseconds count against the server). As a
	 * cross-check, the one thread that is not main right after
	 * mock_run_start is the loop: its schedstat gives its run time. */
	pid_t loop_tid = find_loop_tid();
	int r;

	tc setup;
	if ((r = tc_connect(&setup, 1, port, o.protocol)))
		die("connect: %s", strerror(-r));
	tc_frame fr;
	if (tc_startup(&setup, NULL, &fr) != UCQL_OP_READY)
		die("STARTUP failed");
	query(&setup, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
		      "'replication_factor': 1}", UCQL_RESULT_SCHEMA_CHANGE);
	query(&setup, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)", UCQL_RESULT_SCHEMA_CHANGE);
	prepared sel, ins;
	prepare(&setup, "SELECT v FROM ks.t WHERE k = ?", &sel);
	prepare(&setup, "INSERT INTO ks.t (k, v) VALUES (?, ?)", &ins);
	tc_close(&setup);

	/* Every key the SELECT asks for exists (unmeasured). */
	run_result fill = drive(&o, port, loop_tid, OP_INSERT, &ins, o.rows, o.rows, 3600);
	if (fill.requests != o.rows)
		die("fill: %" PRIu64 " of %u rows", fill.requests, o.rows);

	double load1 = -1;
	FILE *la = fopen("/proc/loadavg", "r");
	if (la) {
		if (fscanf(la, "%lf", &load1) != 1)
			load1 = -1;
		fclose(la);
	}

	for (int op = OP_SELECT; op <= OP_INSERT; op++) {
		if (!(o.ops & (1 << op)))
			continue;
		run_result res = drive(&o, port, loop_tid, op, op == OP_SELECT ? &sel : &ins,
				       o.requests, o.rows, o.max_seconds);
		if (!res.requests || res.server_cpu_s <= 0)
			die("no requests measured");
		printf("{\"op\":\"%s\",\"protocol\":%d,\"connections\":%d,\"depth\":%d,"
		       "\"threads\":%d,\"requests\":%" PRIu64 ",\"wall_s\":%.3f,"
		       "\"server_cpu_s\":%.3f,\"requests_per_server_core_s\":%.0f,"
		       "\"requests_per_s\":%.0f,\"client_cpu_s\":%.3f,\"loop_thread_cpu_s\":%.3f,"
		       "\"loadavg_1m\":%.2f}\n",
		       op == OP_SELECT ? "select" : "insert", o.protocol, o.connections, o.depth,
		       o.threads, res.requests, res.wall_s, res.server_cpu_s,
		       (double)res.requests / res.server_cpu_s, (double)res.requests / res.wall_s,
		       res.client_cpu_s, res.loop_cpu_s, load1);
		fflush(stdout);
	}
	mock_run_stop(run);
	return 0;
}
