/*
 * ucql-sh: the command line and the --help text.
 */
#include <stdlib.h>
#include <string.h>

#include "sh.h"

static const char usage[] =
"usage: ucql-sh [options] [-e CQL]... [-f FILE]\n"
"\n"
"Runs CQL statements against a Cassandra or ScyllaDB cluster (native\n"
"protocol v3-v5) and prints their results. Statements come from -e (each\n"
"may hold several), then from -f FILE; with neither, from standard input,\n"
"with a prompt when it is a terminal. A statement ends at ';' outside\n"
"string literals ('...' with '' inside, $$...$$), quoted identifiers and\n"
"comments (--, // and /* */); it may span lines; the last one may omit\n"
"the ';'. EXIT or QUIT ends the input.\n"
"\n"
"Connection:\n"
"  --hosts H[,H...]     contact points: addresses or host names, each with\n"
"                       an optional :PORT ([v6]:PORT) (default 127.0.0.1)\n"
"  --port P             port of contact points given without one (9042)\n"
"  --protocol N         protocol version 3, 4 or 5 (default: the highest\n"
"                       both sides speak)\n"
"  -u, --user U         user name for PasswordAuthenticator\n"
"  -p, --password P     its password\n"
"  -k, --keyspace KS    keyspace to start in (as USE KS)\n"
"  --consistency CL     consistency level of every statement, e.g. ONE,\n"
"                       QUORUM, LOCAL_QUORUM (default: the driver's,\n"
"                       LOCAL_ONE)\n"
"  --timeout MS         client-side time limit per request (default: the\n"
"                       driver's, 12000; 0 = none)\n"
"  --connect-timeout MS time limit for connecting (default: the driver's)\n"
"\n"
"Input:\n"
"  -e, --execute CQL    run the statements in CQL (repeatable, in order)\n"
"  -f, --file FILE      run the statements in FILE ('-': standard input)\n"
"\n"
"Output:\n"
"  --format F           table (default), csv or json:\n"
"                         table: as cqlsh shows results: a header, a line\n"
"                                of dashes, the rows, then \"(N rows)\"\n"
"                         csv:   a header row of column names, then one row\n"
"                                per line (RFC 4180 quoting; null is an\n"
"                                empty field, the empty string is \"\")\n"
"                         json:  one JSON object per row per line, keyed by\n"
"                                column name, values as Cassandra's SELECT\n"
"                                JSON maps them\n"
"  --page-size N        rows fetched per page of a SELECT (default 100);\n"
"                       every page is printed\n"
"  --float-precision N  significant digits of float values in table and\n"
"                       CSV output as cqlsh counts them (table default 5;\n"
"                       CSV default 0 = exact: the shortest text that reads\n"
"                       back as the same value); JSON is always exact\n"
"  --double-precision N the same for double values (table default 5)\n"
"  --debug              the driver's log (stderr) at debug level\n"
"  -h, --help           this text\n"
"  --version            the version of ucql-sh and of the library\n"
"\n"
"Statements that return rows (SELECT, and conditional updates' [applied]\n"
"rows) print them; others print nothing. Server warnings go to standard\n"
"error. Errors go to standard error, one line each:\n"
"    SOURCE:LINE: NAME [code=0x2200]: MESSAGE\n"
"SOURCE is -e, the file name or <stdin>, LINE where the statement starts,\n"
"NAME cqlsh's name for the server error (InvalidRequest, SyntaxException,\n"
"Unavailable, ...) or ucql's for a client-side one (UCQL_E_TIMEOUT, with\n"
"a negative code). Statements after a failed one still run.\n"
"\n"
"Exit status: 0 when every statement succeeded; 1 when one failed (or the\n"
"input ended inside a string or comment); 2 for bad arguments, an\n"
"unreadable file, or when no connection could be made.\n"
"\n"
"Examples:\n"
"  ucql-sh --hosts 10.0.0.1,10.0.0.2 -k shop -e 'SELECT * FROM orders'\n"
"  ucql-sh --format csv -e 'SELECT id, name FROM shop.users' > users.csv\n"
"  ucql-sh -u cassandra -p cassandra -f schema.cql\n"
"  echo 'SELECT release_version FROM system.local;' | ucql-sh --format json\n";

void sh_usage(FILE *f)
{
	fputs(usage, f);
}

/* A plain decimal in [min, max]. */
static int parse_int(const char *s, long min, long max, int *out)
{
	if (!*s)
		return -1;
	long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (int)v;
	return 0;
}

int sh_opts_parse(sh_opts *o, int argc, char **argv, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->hosts = "127.0.0.1";
	o->style = SH_STYLE_TABLE;
	o->float_precision = -1;
	o->double_precision = -1;
	o->page_size = 100;
	o->timeout_ms = -1;
	o->connect_timeout_ms = -1;
	static const struct {
		const char *lng;
		char shrt;
		int has_arg;
	} opts[] = {
		{ "hosts", 0, 1 },        { "port", 0, 1 },
		{ "protocol", 0, 1 },     { "user", 'u', 1 },
		{ "password", 'p', 1 },   { "keyspace", 'k', 1 },
		{ "consistency", 0, 1 },  { "timeout", 0, 1 },
		{ "connect-timeout", 0, 1 }, { "execute", 'e', 1 },
		{ "file", 'f', 1 },       { "format", 0, 1 },
		{ "page-size", 0, 1 },    { "float-precision", 0, 1 },
		{ "double-precision", 0, 1 }, { "debug", 0, 0 },
		{ "help", 'h', 0 },       { "version", 0, 0 },
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int k = -1;
		size_t nopts = sizeof opts / sizeof opts[0];
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t nl = eq ? (size_t)(eq - name) : strlen(name);
			for (size_t j = 0; j < nopts; j++)
				if (strlen(opts[j].lng) == nl && !memcmp(opts[j].lng, name, nl))
					k = (int)j;
			if (k < 0) {
				snprintf(err, errlen, "unknown option '%s'", a);
				return -1;
			}
			if (eq) {
				if (!opts[k].has_arg) {
					snprintf(err, errlen, "option '--%s' takes no value", opts[k].lng);
					return -1;
				}
				val = eq + 1;
			}
		} else if (a[0] == '-' && a[1] && !a[2]) {
			for (size_t j = 0; j < nopts; j++)
				if (opts[j].shrt == a[1])
					k = (int)j;
			if (k < 0) {
				snprintf(err, errlen, "unknown option '%s'", a);
				return -1;
			}
		} else {
			snprintf(err, errlen, "unexpected argument '%s'", a);
			return -1;
		}
		if (opts[k].has_arg && !val) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "option '%s' needs a value", a);
				return -1;
			}
			val = argv[++i];
		}
		const char *n = opts[k].lng;
		int bad = 0;
		if (!strcmp(n, "hosts")) {
			o->hosts = val;
			bad = !*val;
		} else if (!strcmp(n, "port")) {
			bad = parse_int(val, 1, 65535, &o->port);
		} else if (!strcmp(n, "protocol")) {
			bad = parse_int(val, 3, 5, &o->protocol);
		} else if (!strcmp(n, "user")) {
			o->user = val;
		} else if (!strcmp(n, "password")) {
			o->password = val;
		} else if (!strcmp(n, "keyspace")) {
			o->keyspace = val;
			bad = !*val;
		} else if (!strcmp(n, "consistency")) {
			o->consistency = val;
			bad = ucql_consistency_parse(val) < 0;
		} else if (!strcmp(n, "timeout")) {
			bad = parse_int(val, 0, 3600000, &o->timeout_ms);
		} else if (!strcmp(n, "connect-timeout")) {
			bad = parse_int(val, 1, 600000, &o->connect_timeout_ms);
		} else if (!strcmp(n, "execute")) {
			const char **e = realloc(o->execute, (o->n_execute + 1) * sizeof *e);
			if (!e) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			o->execute = e;
			o->execute[o->n_execute++] = val;
		} else if (!strcmp(n, "file")) {
			o->file = val;
			bad = !*val;
		} else if (!strcmp(n, "format")) {
			if (!strcmp(val, "table"))
				o->style = SH_STYLE_TABLE;
			else if (!strcmp(val, "csv"))
				o->style = SH_STYLE_CSV;
			else if (!strcmp(val, "json"))
				o->style = SH_STYLE_JSON;
			else
				bad = 1;
		} else if (!strcmp(n, "page-size")) {
			bad = parse_int(val, 1, 1000000000, &o->page_size);
		} else if (!strcmp(n, "float-precision")) {
			bad = parse_int(val, 0, 100, &o->float_precision);
		} else if (!strcmp(n, "double-precision")) {
			bad = parse_int(val, 0, 100, &o->double_precision);
		} else if (!strcmp(n, "debug")) {
			o->debug = 1;
		} else if (!strcmp(n, "help")) {
			o->help = 1;
		} else if (!strcmp(n, "version")) {
			o->version = 1;
		}
		if (bad) {
			snprintf(err, errlen, "invalid value '%s' for '--%s'", val, n);
			return -1;
		}
	}
	if (o->password && !o->user) {
		snprintf(err, errlen, "'--password' needs '--user'");
		return -1;
	}
	return 0;
}

void sh_opts_free(sh_opts *o)
{
	free(o->execute);
	o->execute = NULL;
	o->n_execute = 0;
}
