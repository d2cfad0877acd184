/*
 * Prints docs/CONFIGURATION.md from the property table
 * (UCQL__CONFIG_TABLE in lib/config_table.h), so the doc cannot drift
 * from the code: the test 'docs/config' fails when the committed file
 * differs. Regenerate with
 *   build/tests/build/config-md > docs/CONFIGURATION.md
 */
#include <stdio.h>
#include <string.h>

#include "config_table.h"

struct row {
	const char *name, *type, *def;
	long long lo, hi;
	const char *values; /* enums: "`a`, `b`" */
	int check;
	const char *checkdoc;
	const char *doc;
};

#define TYPE_INT "int"
#define TYPE_BOOL "bool"
#define TYPE_ENUM "enum"
#define TYPE_STRING "string"
#define TYPE_PASSWORD "password"

#define VAL(text, code) ", `" text "`"
#define ROW(name, field, type, def, lo, hi, vals, check, doc)                    \
	{ name, TYPE_##type, def, lo, hi, "" UCQL__CFG_VALUES_##vals(VAL),        \
	  UCQL__CFG_CHECK_##check, UCQL__CFG_CHECKDOC_##check, doc },
static const struct row rows[] = { UCQL__CONFIG_TABLE(ROW) };
#undef ROW
#undef VAL

/* The "range / values" cell. */
static void print_range(const struct row *r)
{
	if (r->values[0])
		printf("%s", r->values + 2); /* skip the leading ", " */
	else if (strcmp(r->type, TYPE_BOOL) == 0)
		printf("`true`, `false`");
	else if (strcmp(r->type, TYPE_INT) != 0)
		printf("%s", r->checkdoc[0] ? r->checkdoc : "any");
	else if (r->check == UCQL__CFG_CHECK_PROTOCOL)
		printf("%s", r->checkdoc);
	else if (r->checkdoc[0])
		printf("%lld..%lld, %s", r->lo, r->hi, r->checkdoc);
	else
		printf("%lld..%lld", r->lo, r->hi);
}

static void print_default(const struct row *r)
{
	if (r->def[0])
		printf("`%s`", r->def);
	else
		printf("empty");
}

int main(void)
{
	size_t n = sizeof rows / sizeof rows[0];
	puts("# Configuration\n");
	puts("Generated from `UCQL__CONFIG_TABLE` in `lib/config_table.h` by");
	puts("`build/tests/build/config-md > docs/CONFIGURATION.md`; do not edit by hand.\n");
	puts("A session is created from a `ucql_config` (`include/ucql/config.h`):\n");
	puts("```c");
	puts("char err[256];");
	puts("ucql_config *cfg = ucql_config_new();            /* every default below */");
	puts("if (ucql_config_set(cfg, \"contact_points\", \"10.0.0.1,10.0.0.2\", err, sizeof err) ||");
	puts("    ucql_config_set(cfg, \"request.consistency\", \"local_quorum\", err, sizeof err))");
	puts("\tfprintf(stderr, \"%s\\n\", err);   /* e.g. \"port: 70000 is out of range 1..65535\" */");
	puts("```\n");
	puts("Every setting is a name and a text value, checked when set: a bad value is");
	puts("refused with `UCQL_E_CONFIG_VALUE` and a message naming the setting, and");
	puts("leaves the config unchanged. `ucql_config_get` reads a value back in the");
	puts("same form (passwords read as `***`).\n");
	puts("- **int**: decimal digits, nothing else (no `+`, spaces, suffixes or hex),");
	puts("  within the range.");
	puts("- **bool**: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off` (any case).");
	puts("- **enum**: one of the listed values, in any case.");
	puts("- **string**, **password**: any text, unless a rule is listed.\n");
	puts("What a string cannot express has a typed setter: the log callback");
	puts("(`ucql_config_set_log_callback`) and a SASL authenticator other than");
	puts("PLAIN (`ucql_config_set_authenticator`).\n");
	puts("| setting | type | default | range / values |");
	puts("|---|---|---|---|");
	for (size_t i = 0; i < n; i++) {
		printf("| [`%s`](#", rows[i].name);
		for (const char *p = rows[i].name; *p; p++)
			if (*p != '.')
				putchar(*p);
		printf(") | %s | ", rows[i].type);
		print_default(&rows[i]);
		printf(" | ");
		print_range(&rows[i]);
		puts(" |");
	}
	for (size_t i = 0; i < n; i++) {
		printf("\n## %s\n\n", rows[i].name);
		printf("Type: %s. Default: ", rows[i].type);
		print_default(&rows[i]);
		int listed = rows[i].values[0] || strcmp(rows[i].type, TYPE_BOOL) == 0;
		printf(". %s: ", listed ? "Values" : "Range");
		print_range(&rows[i]);
		printf(".\n\n%s\n", rows[i].doc);
	}
	return 0;
}
