/*
 * main.c — the ucql-mock executable: parse the options, start the run
 * (mockcluster.h), print the `ready` line, wait for SIGINT/SIGTERM, stop.
 *
 * Exit status: 0 after a clean stop (or --help), 2 for bad options, 1 when
 * the cluster cannot start (port in use, unusable certificate, …).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mockcluster.h"
#include "ucql/common.h"

int main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "ucql-mock";
	mock_options o;
	mock_options_init(&o);
	char err[512];
	if (mock_options_parse(&o, argc, argv, err, sizeof err)) {
		fprintf(stderr, "ucql-mock: %s\n", err);
		mock_options_clear(&o);
		return 2;
	}
	if (o.help) {
		mock_options_usage(stdout, prog);
		mock_options_clear(&o);
		return 0;
	}

	/* Block the signals before any thread exists: the server's loop
	 * thread inherits the mask, so SIGINT/SIGTERM reach only sigwait
	 * below, on this thread, and shutdown runs in normal context. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	mock_run *run = NULL;
	int r = mock_run_start(&o, &run, err, sizeof err);
	if (r) {
		fprintf(stderr, "ucql-mock: %s\n", err);
		mock_options_clear(&o);
		return r == UCQL_E_INVALID_ARG ? 2 : 1;
	}
	if (o.nodes == 1)
		printf("ucql-mock: 1 node ready on 127.0.0.1 port %u", (unsigned)o.port);
	else
		printf("ucql-mock: %d nodes ready on 127.0.0.1-127.0.0.%d port %u", o.nodes, o.nodes,
		       (unsigned)o.port);
	printf(" (%d DC%s, release %s%s%s)\n", o.dcs, o.dcs > 1 ? "s" : "", o.release,
	       o.tls ? ", TLS" : "", o.auth ? ", auth" : "");
	/* Tests and scripts wait for this line through a pipe. */
	fflush(stdout);

	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "ucql-mock: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	mock_run_stop(run);
	mock_options_clear(&o);
	return 0;
}
