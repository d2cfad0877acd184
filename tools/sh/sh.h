/*
 * ucql-sh's internal interface: the command line (cli.c) and running
 * statements through the driver (run.c). Formatting is in format.h, result
 * layout in output.h, statement splitting in split.h.
 *
 * Names shared between the shell's files are prefixed sh_; everything else
 * is static. The shell is single-threaded: it executes one statement at a
 * time and waits for it (the driver's threads do the I/O).
 */
#ifndef UCQL_SH_H
#define UCQL_SH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "ucql/session.h"

/* Exit statuses (documented in --help and docs/SH.md). */
#define SH_EXIT_OK 0
#define SH_EXIT_FAILED 1 /* a statement failed (the others still ran) */
#define SH_EXIT_USAGE 2  /* bad arguments, unreadable file, no connection */

/* ---- the command line (cli.c) ------------------------------------------------ */

typedef struct sh_opts {
	const char *hosts;    /* --hosts: contact points, comma-separated */
	int port;             /* --port; 0 = the driver's default (9042) */
	int protocol;         /* --protocol: 3..5; 0 = negotiate */
	const char *user;     /* --user */
	const char *password; /* --password */
	const char *keyspace; /* -k */
	const char *consistency; /* --consistency: a level name */
	int style;            /* --format: enum sh_style */
	int float_precision;  /* --float-precision; -1 = the style's default */
	int double_precision; /* --double-precision; -1 = the style's default */
	int page_size;        /* --page-size: rows per page of a SELECT */
	int timeout_ms;       /* --timeout: per request; -1 = the driver's default */
	int connect_timeout_ms; /* --connect-timeout; -1 = the driver's default */
	int debug;            /* --debug: the driver's log at debug level */
	const char **execute; /* -e: CQL texts, in order (argv strings) */
	size_t n_execute;
	const char *file;     /* -f */
	int help;             /* -h / --help */
	int version;          /* --version */
} sh_opts;

/* Parses argv into o (defaults first). Returns 0, or -1 with a message in
 * err[errlen]. The strings stay argv's. */
int sh_opts_parse(sh_opts *o, int argc, char **argv, char *err, size_t errlen);
void sh_opts_free(sh_opts *o);
/* The --help text. */
void sh_usage(FILE *f);

/* ---- running statements (run.c) ---------------------------------------------- */

typedef struct sh_run {
	ucql_session *session;
	sh_out *out;          /* results go here (stdout) */
	FILE *err;            /* errors and warnings go here (stderr) */
	int page_size;
	const char *source;   /* where statements come from: "-e", a file name, "<stdin>" */
	int failed;           /* a statement failed */
	int quit;             /* EXIT or QUIT was read */
} sh_run;

/* Executes one statement (a sh_stmt_fn for the splitter: ud is the
 * sh_run): prints its rows, or its error (to r->err, with r->source and
 * the line). EXIT and QUIT set r->quit and return 1, which stops the
 * splitter; anything else returns 0. */
int sh_run_statement(void *ud, const char *cql, size_t len, size_t line);

/* Reports an error at line `line` of r->source: "SOURCE:LINE: Name
 * [code=0x2200]: message" (Name as cqlsh calls server errors, e.g.
 * InvalidRequest; ucql's own name for local errors, whose code is
 * negative decimal; code 0: "SOURCE:LINE: error: message", a problem the
 * shell itself found). Sets r->failed. */
void sh_report(sh_run *r, size_t line, int code, const char *message);

/* cqlsh's name for a server error code ("InvalidRequest" for 0x2200,
 * "SyntaxException" for 0x2000, …), or NULL for a code it has none for. */
const char *sh_error_name(int code);

#endif
