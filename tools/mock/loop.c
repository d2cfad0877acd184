/*
 * loop.c — the io_uring event loop of one cluster: one thread, one ring,
 * every node's listener and connection on it. Multishot accept per
 * listener, multishot recv into a shared provided-buffer ring, one send in
 * flight per socket (conn.c), a timer heap, and an eventfd through which
 * other threads hand commands (node up/down, events, stop) to the loop.
 */
#define MOCK_SERVER_INTERNAL
#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Provided buffers for multishot recv: 64 × 64 KiB, shared by all
 * connections. A recv's bytes are parsed in place and the leftover of a
 * partial frame copied out, so a buffer goes back to the ring at once. */
#define BR_ENTRIES 64u
#define BR_BUF_SIZE (64u * 1024u)
#define BR_GROUP 0
#define RING_SQ 256u
#define RING_CQ 8192u /* a CQ overflow ends multishot requests: keep it roomy */

/* ---- buffers ------------------------------------------------------------- */

int mock_buf_reserve(mock_buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return 0;
	size_t need = b->len + extra;
	if (need < b->len)
		return -ENOMEM;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int mock_buf_append(mock_buf *b, const void *p, size_t n)
{
	if (mock_buf_reserve(b, n))
		return -ENOMEM;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

void mock_buf_consume(mock_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

void mock_buf_free(mock_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- timers -------------------------------------------------------------- */

uint64_t mock_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void heap_swap(mock_cluster *cl, size_t a, size_t b)
{
	mock_timer *t = cl->heap[a];
	cl->heap[a] = cl->heap[b];
	cl->heap[b] = t;
	cl->heap[a]->idx = a;
	cl->heap[b]->idx = b;
}

static void heap_up(mock_cluster *cl, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (cl->heap[p]->due_ns <= cl->heap[i]->due_ns)
			break;
		heap_swap(cl, i, p);
		i = p;
	}
}

static void heap_down(mock_cluster *cl, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < cl->heap_len && cl->heap[l]->due_ns < cl->heap[m]->due_ns)
			m = l;
		if (r < cl->heap_len && cl->heap[r]->due_ns < cl->heap[m]->due_ns)
			m = r;
		if (m == i)
			break;
		heap_swap(cl, i, m);
		i = m;
	}
}

int mock_timer_arm(mock_cluster *cl, mock_timer *t, uint64_t delay_ms, mock_timer_fn fn)
{
	if (t->idx != SIZE_MAX)
		mock_timer_cancel(cl, t);
	if (cl->heap_len == cl->heap_cap) {
		size_t cap = cl->heap_cap ? cl->heap_cap * 2 : 64;
		mock_timer **h = realloc(cl->heap, cap * sizeof *h);
		if (!h)
			return -ENOMEM;
		cl->heap = h;
		cl->heap_cap = cap;
	}
	t->due_ns = mock_now_ns() + delay_ms * 1000000u;
	t->fn = fn;
	t->idx = cl->heap_len;
	cl->heap[cl->heap_len++] = t;
	heap_up(cl, t->idx);
	return 0;
}

void mock_timer_cancel(mock_cluster *cl, mock_timer *t)
{
	size_t i = t->idx;
	if (i == SIZE_MAX || i >= cl->heap_len || cl->heap[i] != t)
		return;
	t->idx = SIZE_MAX;
	cl->heap_len--;
	if (i == cl->heap_len)
		return;
	cl->heap[i] = cl->heap[cl->heap_len];
	cl->heap[i]->idx = i;
	heap_up(cl, i);
	heap_down(cl, cl->heap[i]->idx);
}

static void run_timers(mock_cluster *cl)
{
	uint64_t now = mock_now_ns();
	while (cl->heap_len && cl->heap[0]->due_ns <= now) {
		mock_timer *t = cl->heap[0];
		mock_timer_cancel(cl, t);
		t->fn(cl, t);
	}
}

/* ---- submission ---------------------------------------------------------- */

struct io_uring_sqe *mock_sqe(mock_cluster *cl)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&cl->ring);
	if (!sqe) {
		/* SQ full: push what is queued to the kernel and try again. */
		io_uring_submit(&cl->ring);
		sqe = io_uring_get_sqe(&cl->ring);
	}
	return sqe;
}

static inline uint64_t tag(void *p, int t)
{
	return (uint64_t)(uintptr_t)p | (uint64_t)t;
}

int mock_loop_on_thread(mock_cluster *cl)
{
	return cl->ring_ok && pthread_equal(pthread_self(), cl->loop_tid);
}

void mock_mark_dirty(mock_conn *c)
{
	if (c->dirty || c->closing)
		return;
	c->dirty = 1;
	c->dirty_next = c->cl->dirty;
	c->cl->dirty = c;
}

/* ---- listeners ----------------------------------------------------------- */

static int arm_accept(mock_cluster *cl, mock_listener *l)
{
	struct io_uring_sqe *sqe = mock_sqe(cl);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_multishot_accept(sqe, l->fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, tag(l, MOCK_OP_ACCEPT));
	l->armed = 1;
	return 0;
}

uint32_t mock_node_addr(int node)
{
	return (127u << 24) | (uint32_t)node;
}

int mock_node_listen(mock_cluster *cl, mock_node *n, char *err, size_t errlen)
{
	if (n->listener)
		return 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "socket: %s", strerror(e));
		return -e;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(cl->port);
	sa.sin_addr.s_addr = htonl(mock_node_addr(n->id));
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1024) < 0) {
		int e = errno;
		snprintf(err, errlen, "node %d: bind/listen 127.0.0.%d:%u: %s", n->id, n->id,
			 (unsigned)cl->port, strerror(e));
		close(fd);
		return -e;
	}
	mock_listener *l = calloc(1, sizeof *l);
	if (!l) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	l->node = n;
	l->fd = fd;
	if (arm_accept(cl, l) < 0) {
		close(fd);
		free(l);
		snprintf(err, errlen, "no submission queue entry");
		return -EBUSY;
	}
	n->listener = l;
	return 0;
}

void mock_node_unlisten(mock_cluster *cl, mock_node *n)
{
	mock_listener *l = n->listener;
	if (!l)
		return;
	n->listener = NULL;
	l->dead = 1;
	/* shutdown() on a listening socket stops listening at once (connects
	 * are refused from here on) and ends the pending accept; the fd is
	 * closed when the accept's last completion arrives. */
	shutdown(l->fd, SHUT_RDWR);
	struct io_uring_sqe *sqe = mock_sqe(cl);
	if (sqe) {
		io_uring_prep_cancel64(sqe, tag(l, MOCK_OP_ACCEPT), 0);
		io_uring_sqe_set_data64(sqe, 0);
	}
	if (!l->armed) {
		close(l->fd);
		free(l);
	} else {
		cl->dead_listeners++;
	}
}

static void on_accept(mock_cluster *cl, mock_listener *l, struct io_uring_cqe *cqe)
{
	if (cqe->res >= 0) {
		int fd = cqe->res;
		mock_node *n = l->node;
		if (l->dead || cl->stopping || !n->up) {
			close(fd);
		} else {
			/* Nagle + delayed ACK stall pipelined exchanges by ~40 ms. */
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			mock_conn *c = mock_conn_new(cl, n, fd);
			if (!c)
				close(fd);
			else
				mock_conn_arm_recv(c);
		}
	}
	if (cqe->flags & IORING_CQE_F_MORE)
		return;
	l->armed = 0;
	if (l->dead) {
		cl->dead_listeners--;
		close(l->fd);
		free(l);
		return;
	}
	/* The multishot ended (error, CQ overflow): re-arm unless the socket
	 * itself is gone. */
	if (cqe->res != -EINVAL && cqe->res != -EBADF)
		arm_accept(cl, l);
}

/* ---- commands from other threads ----------------------------------------- */

static void arm_wake(mock_cluster *cl)
{
	struct io_uring_sqe *sqe = mock_sqe(cl);
	if (!sqe)
		return;
	io_uring_prep_read(sqe, cl->wake_fd, &cl->wake_val, sizeof cl->wake_val, 0);
	io_uring_sqe_set_data64(sqe, tag(cl, MOCK_OP_WAKE));
	cl->wake_armed = 1;
}

static void close_node_conns(mock_node *n)
{
	while (n->conns)
		mock_conn_close(n->conns); /* unlinks it from n->conns */
}

void mock_cmd_run(mock_cluster *cl, mock_cmd *cmd)
{
	char err[256];
	switch (cmd->kind) {
	case MOCK_CMD_SET_UP: {
		mock_node *n = &cl->nodes[cmd->node - 1];
		if (cmd->up) {
			cmd->result = cl->stopping ? -ESHUTDOWN : mock_node_listen(cl, n, err, sizeof err);
			if (!cmd->result)
				__atomic_store_n(&n->up, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_store_n(&n->up, 0, __ATOMIC_RELAXED);
			mock_node_unlisten(cl, n);
			close_node_conns(n);
			cmd->result = 0;
		}
		break;
	}
	case MOCK_CMD_PUSH_EVENT: {
		int count = 0;
		unsigned bit = 1u << cmd->ev->type;
		for (int i = 0; i < cl->n_nodes; i++) {
			mock_node *n = &cl->nodes[i];
			if (!n->up || n->id == cmd->exclude)
				continue;
			for (mock_conn *c = n->conns; c; c = c->next) {
				if (c->state != MOCK_ST_READY || c->draining || !(c->sess.events & bit))
					continue;
				int r = mock_session_send_event(c, cmd->ev);
				if (r < 0) {
					cmd->result = r;
					return;
				}
				count++;
			}
		}
		cmd->result = count;
		break;
	}
	case MOCK_CMD_ADD_NODE: {
		mock_node *n = &cl->nodes[cmd->node - 1];
		if (n->present) {
			cmd->result = -EEXIST;
			break;
		}
		if (cl->stopping) {
			cmd->result = -ESHUTDOWN;
			break;
		}
		/* A removed node's slot may still hold connections draining
		 * (closed after flush): they are left to finish. */
		n->id = cmd->node;
		n->max_version = cmd->max_version;
		cmd->result = mock_node_listen(cl, n, err, sizeof err);
		if (cmd->result)
			break;
		if (cmd->node > cl->n_nodes)
			__atomic_store_n(&cl->n_nodes, cmd->node, __ATOMIC_RELAXED);
		__atomic_store_n(&n->up, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&n->present, 1, __ATOMIC_RELAXED);
		break;
	}
	case MOCK_CMD_REMOVE_NODE: {
		mock_node *n = &cl->nodes[cmd->node - 1];
		if (!n->present) {
			cmd->result = -EINVAL;
			break;
		}
		__atomic_store_n(&n->present, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&n->up, 0, __ATOMIC_RELAXED);
		mock_node_unlisten(cl, n);
		/* Graceful: what is queued (and a reply the running handler is
		 * about to send, when a node removes itself) goes out first. */
		for (mock_conn *c = n->conns; c; c = c->next)
			mock_conn_close_after_flush(c, 1000);
		cmd->result = 0;
		break;
	}
	case MOCK_CMD_STOP:
		cl->stopping = 1;
		for (int i = 0; i < cl->n_nodes; i++) {
			mock_node_unlisten(cl, &cl->nodes[i]);
			close_node_conns(&cl->nodes[i]);
		}
		cmd->result = 0;
		break;
	}
}

static void on_wake(mock_cluster *cl)
{
	cl->wake_armed = 0;
	pthread_mutex_lock(&cl->mu);
	mock_cmd *list = cl->cmds;
	cl->cmds = NULL;
	pthread_mutex_unlock(&cl->mu);
	/* The list was pushed LIFO: run it in arrival order. */
	mock_cmd *rev = NULL;
	while (list) {
		mock_cmd *nx = list->next;
		list->next = rev;
		rev = list;
		list = nx;
	}
	for (mock_cmd *c = rev; c;) {
		mock_cmd *nx = c->next;
		mock_cmd_run(cl, c);
		pthread_mutex_lock(&cl->mu);
		c->done = 1;
		pthread_cond_broadcast(&cl->cv);
		pthread_mutex_unlock(&cl->mu);
		c = nx;
	}
	if (!cl->stopping)
		arm_wake(cl);
}

/* ---- the loop ------------------------------------------------------------ */

static void on_recv(mock_cluster *cl, mock_conn *c, struct io_uring_cqe *cqe)
{
	int res = cqe->res;
	if (res > 0 && (cqe->flags & IORING_CQE_F_BUFFER)) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		uint8_t *data = cl->bufs + (size_t)bid * BR_BUF_SIZE;
		if (!c->closing)
			mock_conn_on_recv(c, data, (size_t)res);
		io_uring_buf_ring_add(cl->br, data, BR_BUF_SIZE, (unsigned short)bid, cl->br_mask, 0);
		io_uring_buf_ring_advance(cl->br, 1);
	} else if (res == 0 || (res < 0 && res != -ENOBUFS)) {
		/* EOF or error: the peer is gone (or we shut it down). */
		if (!c->closing)
			mock_conn_close(c);
	}
	if (cqe->flags & IORING_CQE_F_MORE)
		return;
	c->recv_armed = 0;
	c->inflight--;
	/* Multishot ended with data or for lack of buffers (they were given
	 * back above or will be by this batch): re-arm. */
	if (!c->closing && (res > 0 || res == -ENOBUFS))
		mock_conn_arm_recv(c);
}

static void process_cqe(mock_cluster *cl, struct io_uring_cqe *cqe)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	int t = (int)(ud & 7u);
	void *p = (void *)(uintptr_t)(ud & ~(uint64_t)7u);
	switch (t) {
	case MOCK_OP_ACCEPT:
		on_accept(cl, p, cqe);
		break;
	case MOCK_OP_RECV:
		on_recv(cl, p, cqe);
		break;
	case MOCK_OP_SEND:
		mock_conn_on_send(p, cqe->res);
		break;
	case MOCK_OP_WAKE:
		on_wake(cl);
		break;
	default:
		break;
	}
}

static void flush_dirty(mock_cluster *cl)
{
	while (cl->dirty) {
		mock_conn *c = cl->dirty;
		cl->dirty = c->dirty_next;
		c->dirty = 0;
		c->dirty_next = NULL;
		if (!c->closing)
			mock_conn_flush(c);
	}
}

static void reap(mock_cluster *cl)
{
	mock_conn **pp = &cl->closing;
	while (*pp) {
		mock_conn *c = *pp;
		if (c->inflight == 0 && !c->dirty) {
			*pp = c->next;
			mock_conn_free(c);
		} else {
			pp = &c->next;
		}
	}
}

static int loop_done(mock_cluster *cl)
{
	if (!cl->stopping || cl->closing || cl->dead_listeners)
		return 0;
	for (int i = 0; i < cl->n_nodes; i++)
		if (cl->nodes[i].conns || cl->nodes[i].listener)
			return 0;
	return 1;
}

static int setup_ring(mock_cluster *cl, char *err, size_t errlen)
{
	/* One thread submits everything; other threads only write the
	 * eventfd. */
	int r = ucql__ring_init(&cl->ring, RING_SQ, RING_CQ, 1);
	if (r < 0) {
		snprintf(err, errlen, "io_uring_queue_init: %s", strerror(-r));
		return r;
	}
	cl->ring_ok = 1;
	int e;
	cl->br = mock_setup_buf_ring(&cl->ring, BR_ENTRIES, BR_GROUP, &e);
	if (!cl->br) {
		snprintf(err, errlen, "provided buffer ring: %s", strerror(-e));
		return e;
	}
	cl->br_mask = io_uring_buf_ring_mask(BR_ENTRIES);
	cl->br_len = (size_t)BR_ENTRIES * BR_BUF_SIZE;
	cl->bufs = malloc(cl->br_len);
	if (!cl->bufs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < BR_ENTRIES; i++)
		io_uring_buf_ring_add(cl->br, cl->bufs + (size_t)i * BR_BUF_SIZE, BR_BUF_SIZE,
				      (unsigned short)i, cl->br_mask, (int)i);
	io_uring_buf_ring_advance(cl->br, (int)BR_ENTRIES);
	return 0;
}

static void publish_start(mock_cluster *cl, int err)
{
	pthread_mutex_lock(&cl->mu);
	cl->start_err = err;
	cl->started = 1;
	pthread_cond_broadcast(&cl->cv);
	pthread_mutex_unlock(&cl->mu);
}

static void teardown_ring(mock_cluster *cl)
{
	if (!cl->ring_ok)
		return;
	mock_free_buf_ring(&cl->ring, cl->br, BR_ENTRIES, BR_GROUP);
	cl->br = NULL;
	io_uring_queue_exit(&cl->ring);
	cl->ring_ok = 0;
	free(cl->bufs);
	cl->bufs = NULL;
}

void *mock_loop_main(void *arg)
{
	mock_cluster *cl = arg;
	char err[256] = "";
	cl->loop_tid = pthread_self();
	int r = setup_ring(cl, err, sizeof err);
	for (int i = 0; !r && i < cl->n_nodes; i++) {
		r = mock_node_listen(cl, &cl->nodes[i], err, sizeof err);
		if (!r)
			__atomic_store_n(&cl->nodes[i].up, 1, __ATOMIC_RELAXED);
	}
	if (!r)
		arm_wake(cl);
	if (r) {
		/* Undo: listeners with an armed accept die with the ring. */
		for (int i = 0; i < cl->n_nodes; i++) {
			mock_listener *l = cl->nodes[i].listener;
			if (l) {
				close(l->fd);
				free(l);
				cl->nodes[i].listener = NULL;
			}
		}
		teardown_ring(cl);
		snprintf(cl->start_msg, sizeof cl->start_msg, "%s", err);
		publish_start(cl, r);
		return NULL;
	}
	io_uring_submit(&cl->ring);
	publish_start(cl, 0);

	while (!loop_done(cl)) {
		struct io_uring_cqe *cqe = NULL;
		struct __kernel_timespec ts, *tsp = NULL;
		if (cl->heap_len) {
			uint64_t now = mock_now_ns(), due = cl->heap[0]->due_ns;
			uint64_t d = due > now ? due - now : 0;
			ts.tv_sec = (long long)(d / 1000000000u);
			ts.tv_nsec = (long long)(d % 1000000000u);
			tsp = &ts;
		}
		r = io_uring_submit_and_wait_timeout(&cl->ring, &cqe, 1, tsp, NULL);
		if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY && r != -EAGAIN) {
			fprintf(stderr, "ucql-mock: io_uring wait failed: %s\n", strerror(-r));
			break;
		}
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&cl->ring, head, cqe) {
			process_cqe(cl, cqe);
			seen++;
		}
		io_uring_cq_advance(&cl->ring, seen);
		run_timers(cl);
		flush_dirty(cl);
		reap(cl);
	}
	/* Anything left (only after a fatal ring error) is freed here. */
	for (int i = 0; i < cl->n_nodes; i++) {
		mock_node *n = &cl->nodes[i];
		while (n->conns)
			mock_conn_close(n->conns);
		if (n->listener) {
			close(n->listener->fd);
			free(n->listener);
			n->listener = NULL;
		}
	}
	while (cl->closing) {
		mock_conn *c = cl->closing;
		cl->closing = c->next;
		mock_conn_free(c);
	}
	teardown_ring(cl);
	return NULL;
}
