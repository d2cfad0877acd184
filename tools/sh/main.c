/*
 * ucql-sh: a small CQL shell on ucql's driver. Runs statements from -e,
 * -f FILE or standard input (a prompt on a terminal) and prints their
 * results as a table, CSV or JSON (docs/SH.md).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"
#include "split.h"

/* Sets one driver setting; a refusal is a usage error (exit 2). */
static int set(ucql_config *cfg, const char *name, const char *value)
{
	char err[256];
	if (ucql_config_set(cfg, name, value, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "ucql-sh: %s\n", err);
	return -1;
}

static int set_int(ucql_config *cfg, const char *name, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	return set(cfg, name, buf);
}

static ucql_config *make_config(const sh_opts *o)
{
	ucql_config *cfg = ucql_config_new();
	if (!cfg) {
		fprintf(stderr, "ucql-sh: out of memory\n");
		return NULL;
	}
	/* One shard, not pinned: a shell runs one statement at a time. */
	int bad = set(cfg, "contact_points", o->hosts) || set(cfg, "shards", "1") ||
		  set(cfg, "shards.pin", "false") ||
		  set(cfg, "log.level", o->debug ? "debug" : "error");
	if (!bad && o->port)
		bad = set_int(cfg, "port", o->port);
	if (!bad && o->protocol)
		bad = set_int(cfg, "protocol.version", o->protocol);
	if (!bad && o->user)
		bad = set(cfg, "auth.username", o->user) ||
		      set(cfg, "auth.password", o->password ? o->password : "");
	if (!bad && o->keyspace)
		bad = set(cfg, "keyspace", o->keyspace);
	if (!bad && o->consistency)
		bad = set(cfg, "request.consistency", o->consistency);
	if (!bad && o->timeout_ms >= 0)
		bad = set_int(cfg, "request.timeout_ms", o->timeout_ms);
	if (!bad && o->connect_timeout_ms > 0)
		bad = set_int(cfg, "connect.timeout_ms", o->connect_timeout_ms);
	if (bad) {
		ucql_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Feeds a whole text (from -e) and ends it. */
static void run_text(sh_run *r, const char *text, const char *source)
{
	sh_splitter sp;
	sh_split_init(&sp);
	r->source = source;
	int stop = sh_split_feed(&sp, text, strlen(text), sh_run_statement, r);
	int un = SH_SPLIT_CODE;
	size_t at = sp.stmt_line ? sp.stmt_line : sp.line;
	if (!stop)
		sh_split_finish(&sp, sh_run_statement, r, &un);
	if (un != SH_SPLIT_CODE)
		sh_report(r, at, 0,
			  "the input ends inside a string, quoted name or comment");
	sh_split_free(&sp);
}

/* 1 if the line is EXIT or QUIT alone (any case, optional ';'): cqlsh
 * takes these without a ';'. */
static int is_exit_line(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	char w[8];
	size_t n = 0;
	while (n < 4 && line[n])
		w[n] = (char)(line[n] | 0x20), n++;
	w[n] = '\0';
	if (n < 4 || (strcmp(w, "exit") && strcmp(w, "quit")))
		return 0;
	line += 4;
	while (*line == ' ' || *line == '\t' || *line == ';' || *line == '\r' || *line == '\n')
		line++;
	return *line == '\0';
}

/* Reads statements from f line by line; with a prompt on a terminal. */
static void run_stream(sh_run *r, FILE *f, const char *source, int prompt)
{
	sh_splitter sp;
	sh_split_init(&sp);
	r->source = source;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int stop = 0;
	for (;;) {
		if (prompt) {
			fputs(sh_split_pending(&sp) ? "   ... " : "ucql> ", stdout);
			fflush(stdout);
		}
		if ((n = getline(&line, &cap, f)) < 0)
			break;
		if (!sh_split_pending(&sp) && is_exit_line(line)) {
			stop = 1;
			break;
		}
		if (sh_split_feed(&sp, line, (size_t)n, sh_run_statement, r)) {
			stop = 1;
			break;
		}
	}
	if (prompt && n < 0)
		fputc('\n', stdout);
	int un = SH_SPLIT_CODE;
	size_t at = sp.stmt_line ? sp.stmt_line : sp.line;
	if (!stop)
		sh_split_finish(&sp, sh_run_statement, r, &un);
	if (un != SH_SPLIT_CODE)
		sh_report(r, at, 0,
			  "the input ends inside a string, quoted name or comment");
	free(line);
	sh_split_free(&sp);
}

int main(int argc, char **argv)
{
	/* wcwidth for table alignment; numbers keep the C locale's '.' */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	sh_opts o;
	char err[256];
	if (sh_opts_parse(&o, argc, argv, err, sizeof err)) {
		fprintf(stderr, "ucql-sh: %s\n(ucql-sh --help lists the options)\n", err);
		sh_opts_free(&o);
		return SH_EXIT_USAGE;
	}
	if (o.help) {
		sh_usage(stdout);
		sh_opts_free(&o);
		return SH_EXIT_OK;
	}
	if (o.version) {
		printf("ucql-sh %s (library %s)\n", UCQL_VERSION_STR, ucql_version());
		sh_opts_free(&o);
		return SH_EXIT_OK;
	}
	FILE *file = NULL;
	if (o.file && strcmp(o.file, "-")) {
		if (!(file = fopen(o.file, "r"))) {
			fprintf(stderr, "ucql-sh: cannot open %s: %s\n", o.file, strerror(errno));
			sh_opts_free(&o);
			return SH_EXIT_USAGE;
		}
	}
	ucql_config *cfg = make_config(&o);
	if (!cfg) {
		if (file)
			fclose(file);
		sh_opts_free(&o);
		return SH_EXIT_USAGE;
	}
	ucql_session *s = NULL;
	int rc = ucql_session_connect(cfg, &s, err, sizeof err);
	ucql_config_free(cfg);
	if (rc) {
		fprintf(stderr, "ucql-sh: cannot connect to %s: %s (%s)\n", o.hosts,
			*err ? err : ucql_err_str(rc), ucql_err_name(rc));
		if (file)
			fclose(file);
		sh_opts_free(&o);
		return SH_EXIT_USAGE;
	}

	sh_fmt_opts fo = sh_fmt_defaults(o.style);
	if (o.float_precision >= 0 && o.style != SH_STYLE_JSON)
		fo.float_precision = o.float_precision;
	if (o.double_precision >= 0 && o.style != SH_STYLE_JSON)
		fo.double_precision = o.double_precision;
	sh_run r;
	memset(&r, 0, sizeof r);
	r.session = s;
	r.err = stderr;
	r.page_size = o.page_size;
	r.out = sh_out_new(stdout, &fo);
	if (!r.out) {
		fprintf(stderr, "ucql-sh: out of memory\n");
		ucql_session_close(s, 1000);
		return SH_EXIT_USAGE;
	}
	for (size_t i = 0; i < o.n_execute && !r.quit; i++)
		run_text(&r, o.execute[i], "-e");
	if (o.file && !r.quit)
		run_stream(&r, file ? file : stdin, file ? o.file : "<stdin>", 0);
	if (!o.file && !o.n_execute)
		run_stream(&r, stdin, "<stdin>", isatty(STDIN_FILENO));
	if (file)
		fclose(file);
	fflush(stdout);
	sh_out_free(r.out);
	ucql_session_close(s, 5000);
	sh_opts_free(&o);
	return r.failed ? SH_EXIT_FAILED : SH_EXIT_OK;
}
