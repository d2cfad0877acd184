/*
 * cluster.c — the cluster's public face: start (config copy, loop thread,
 * wait until every node listens), stop, node up/down and event pushes
 * (handed to the loop thread, or run inline when called from it), counters.
 */
#define MOCK_SERVER_INTERNAL
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

static void cluster_free(mock_cluster *c)
{
	if (c->users) {
		for (size_t i = 0; i < c->n_users; i++) {
			free((char *)c->users[i].name);
			free((char *)c->users[i].password);
		}
		free(c->users);
	}
	free(c->cluster_name);
	free(c->heap);
	mock_buf_free(&c->reply_buf);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

int mock_cluster_start(const mock_config *cfg, mock_cluster **out, char *err, size_t errlen)
{
	char dummy[1];
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = 0;
	*out = NULL;
	int nodes = cfg->nodes ? cfg->nodes : 1;
	int maxv = cfg->max_version ? cfg->max_version : UCQL_PROTOCOL_MAX;
	if (nodes < 1 || nodes > MOCK_MAX_NODES) {
		snprintf(err, errlen, "nodes must be 1..%d", MOCK_MAX_NODES);
		return UCQL_E_INVALID_ARG;
	}
	if (maxv < UCQL_PROTOCOL_MIN || maxv > UCQL_PROTOCOL_MAX) {
		snprintf(err, errlen, "max_version must be %d..%d", UCQL_PROTOCOL_MIN, UCQL_PROTOCOL_MAX);
		return UCQL_E_INVALID_ARG;
	}
	for (int i = 0; i < nodes; i++) {
		int v = cfg->node_max_version[i];
		if (v && (v < UCQL_PROTOCOL_MIN || v > UCQL_PROTOCOL_MAX)) {
			snprintf(err, errlen, "node %d: max version must be %d..%d", i + 1,
				 UCQL_PROTOCOL_MIN, UCQL_PROTOCOL_MAX);
			return UCQL_E_INVALID_ARG;
		}
	}
	if (cfg->auth && cfg->n_users && !cfg->users) {
		snprintf(err, errlen, "auth: users missing");
		return UCQL_E_INVALID_ARG;
	}

	mock_cluster *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return UCQL_E_NOMEM;
	}
	c->wake_fd = -1;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->n_nodes = nodes;
	c->max_version = maxv;
	c->port = cfg->port ? cfg->port : MOCK_DEFAULT_PORT;
	c->lz4 = cfg->lz4 != 0;
	c->auth = cfg->auth != 0;
	c->max_frame = cfg->max_frame ? cfg->max_frame : UCQL_DEFAULT_MAX_FRAME;
	c->handler = cfg->handler;
	c->handler_ctx = cfg->handler_ctx;
	c->session_free = cfg->session_free;
	c->tls = cfg->tls;
	c->cluster_name = dupstr(cfg->cluster_name ? cfg->cluster_name : "ucql-mock");
	int oom = !c->cluster_name;
	if (cfg->auth && cfg->n_users) {
		c->users = calloc(cfg->n_users, sizeof *c->users);
		oom |= !c->users;
		for (size_t i = 0; c->users && i < cfg->n_users; i++) {
			c->users[i].name = dupstr(cfg->users[i].name ? cfg->users[i].name : "");
			c->users[i].password = dupstr(cfg->users[i].password ? cfg->users[i].password : "");
			c->n_users = i + 1;
			oom |= !c->users[i].name || !c->users[i].password;
		}
	}
	for (int i = 0; i < nodes; i++) {
		c->nodes[i].id = i + 1;
		c->nodes[i].present = 1;
		c->nodes[i].max_version = cfg->node_max_version[i] ? cfg->node_max_version[i] : maxv;
	}
	if (getrandom(&c->rng, sizeof c->rng, 0) != (ssize_t)sizeof c->rng)
		c->rng = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	c->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (oom || c->wake_fd < 0) {
		snprintf(err, errlen, oom ? "out of memory" : "eventfd failed");
		cluster_free(c);
		return UCQL_E_NOMEM;
	}
	int r = pthread_create(&c->thread, NULL, mock_loop_main, c);
	if (r) {
		snprintf(err, errlen, "pthread_create: %s", strerror(r));
		cluster_free(c);
		return -r;
	}
	pthread_mutex_lock(&c->mu);
	while (!c->started)
		pthread_cond_wait(&c->cv, &c->mu);
	r = c->start_err;
	pthread_mutex_unlock(&c->mu);
	if (r) {
		snprintf(err, errlen, "%s", c->start_msg);
		pthread_join(c->thread, NULL);
		cluster_free(c);
		return r;
	}
	*out = c;
	return 0;
}

/* Runs cmd on the loop thread and waits for it (inline if we are it). */
static int run_cmd(mock_cluster *c, mock_cmd *cmd)
{
	if (mock_loop_on_thread(c)) {
		mock_cmd_run(c, cmd);
		return cmd->result;
	}
	pthread_mutex_lock(&c->mu);
	cmd->next = c->cmds;
	c->cmds = cmd;
	pthread_mutex_unlock(&c->mu);
	uint64_t one = 1;
	if (write(c->wake_fd, &one, sizeof one) != (ssize_t)sizeof one)
		return -EIO; /* cannot happen with an eventfd below its maximum */
	pthread_mutex_lock(&c->mu);
	while (!cmd->done)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
	return cmd->result;
}

void mock_cluster_stop(mock_cluster *c)
{
	if (!c)
		return;
	if (mock_loop_on_thread(c)) {
		/* Joining ourselves would deadlock: a handler cannot stop its cluster. */
		fprintf(stderr, "ucql-mock: mock_cluster_stop called from the loop thread; ignored\n");
		return;
	}
	mock_cmd cmd = { .kind = MOCK_CMD_STOP };
	run_cmd(c, &cmd);
	pthread_join(c->thread, NULL);
	cluster_free(c);
}

/* Slots change only on the loop thread; a racy read is a snapshot. */
static int node_present(const mock_cluster *c, int node)
{
	return c && node >= 1 && node <= MOCK_MAX_NODES &&
	       __atomic_load_n(&c->nodes[node - 1].present, __ATOMIC_RELAXED);
}

int mock_node_set_up(mock_cluster *c, int node, int up)
{
	if (!node_present(c, node))
		return -EINVAL;
	mock_cmd cmd = { .kind = MOCK_CMD_SET_UP, .node = node, .up = up != 0 };
	return run_cmd(c, &cmd);
}

int mock_node_is_up(mock_cluster *c, int node)
{
	if (!node_present(c, node))
		return -1;
	/* Written by the loop thread only; a racy read is just a snapshot. */
	return __atomic_load_n(&c->nodes[node - 1].up, __ATOMIC_RELAXED);
}

int mock_cluster_add_node(mock_cluster *c, int node, int max_version)
{
	if (!c || node < 1 || node > MOCK_MAX_NODES || max_version < 0 ||
	    (max_version && (max_version < UCQL_PROTOCOL_MIN || max_version > UCQL_PROTOCOL_MAX)))
		return -EINVAL;
	if (node_present(c, node))
		return -EEXIST;
	mock_cmd cmd = { .kind = MOCK_CMD_ADD_NODE, .node = node,
			 .max_version = max_version ? max_version : c->max_version };
	return run_cmd(c, &cmd);
}

int mock_cluster_remove_node(mock_cluster *c, int node)
{
	if (!node_present(c, node))
		return -EINVAL;
	mock_cmd cmd = { .kind = MOCK_CMD_REMOVE_NODE, .node = node };
	return run_cmd(c, &cmd);
}

int mock_cluster_push_event(mock_cluster *c, const ucql_event *ev, int exclude_node)
{
	if (!c || !ev || ev->type < UCQL_EVENT_TOPOLOGY_CHANGE || ev->type > UCQL_EVENT_SCHEMA_CHANGE)
		return UCQL_E_INVALID_ARG;
	mock_cmd cmd = { .kind = MOCK_CMD_PUSH_EVENT, .ev = ev, .exclude = exclude_node };
	return run_cmd(c, &cmd);
}

int mock_node_stats_get(mock_cluster *c, int node, mock_node_stats *st)
{
	if (!node_present(c, node))
		return -EINVAL;
	mock_node *n = &c->nodes[node - 1];
	st->requests = atomic_load(&n->requests);
	st->frames = atomic_load(&n->frames);
	st->connections_total = atomic_load(&n->connections_total);
	st->connections = atomic_load(&n->connections);
	return 0;
}

void mock_cluster_stats_reset(mock_cluster *c)
{
	for (int i = 0; i < c->n_nodes; i++) {
		atomic_store(&c->nodes[i].requests, 0);
		atomic_store(&c->nodes[i].frames, 0);
	}
}

int mock_cluster_nodes(const mock_cluster *c)
{
	return c->n_nodes;
}

uint16_t mock_cluster_port(const mock_cluster *c)
{
	return c->port;
}

const char *mock_cluster_name(const mock_cluster *c)
{
	return c->cluster_name;
}

int mock_node_max_version(const mock_cluster *c, int node)
{
	if (!node_present(c, node))
		return -1;
	return c->nodes[node - 1].max_version;
}
