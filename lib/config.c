/*
 * ucql_config: key/value settings validated against the property table
 * (lib/config_table.h), and the typed setters. Nothing here is on a hot
 * path: settings are read once, when a session is created.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup, strcasecmp, inet_pton */
#endif

#include "config_int.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ucql_config {
	ucql__cfg v;
};

enum { T_INT, T_BOOL, T_ENUM, T_STRING, T_PASSWORD };

struct enum_val {
	const char *text;
	int code;
};

/* Each row's enum values, NULL-terminated (an empty list for non-enums). */
#define ENUM_VAL(text, code) { text, code },
#define ENUM_VALS(name, field, type, def, lo, hi, vals, check, doc)              \
	static const struct enum_val vals_##field[] = { UCQL__CFG_VALUES_##vals(ENUM_VAL) { NULL, 0 } };
UCQL__CONFIG_TABLE(ENUM_VALS)
#undef ENUM_VALS
#undef ENUM_VAL

struct prop {
	const char *name;
	int type;
	const char *def;
	long long lo, hi;
	const struct enum_val *vals;
	int check;
	size_t off; /* of the field in ucql__cfg */
};

static const struct prop props[] = {
#define PROP(name, field, type, def, lo, hi, vals, check, doc)                    \
	{ name, T_##type, def, lo, hi, vals_##field, UCQL__CFG_CHECK_##check,     \
	  offsetof(ucql__cfg, field) },
	UCQL__CONFIG_TABLE(PROP)
#undef PROP
};
#define N_PROPS (sizeof props / sizeof props[0])

static const struct prop *find_prop(const char *name)
{
	for (size_t i = 0; i < N_PROPS; i++)
		if (strcmp(props[i].name, name) == 0)
			return &props[i];
	return NULL;
}

static int *int_field(ucql__cfg *v, const struct prop *p)
{
	return (int *)(void *)((char *)v + p->off);
}
static const int *int_field_c(const ucql__cfg *v, const struct prop *p)
{
	return (const int *)(const void *)((const char *)v + p->off);
}
static char **str_field(ucql__cfg *v, const struct prop *p)
{
	return (char **)(void *)((char *)v + p->off);
}
static char *const *str_field_c(const ucql__cfg *v, const struct prop *p)
{
	return (char *const *)(const void *)((const char *)v + p->off);
}

/* Writes a message into err (if any) and returns UCQL_E_CONFIG_VALUE. */
__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return UCQL_E_CONFIG_VALUE;
}

/* ---- value syntax ------------------------------------------------------- */

/* Decimal integer of s[0..n): optional '-', at least one digit, nothing
 * else. 0 and *out; -1 not an integer; -2 beyond long long. */
static int parse_ll(const char *s, size_t n, long long *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i == n)
		return -1;
	unsigned long long acc = 0;
	int big = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (acc > (9223372036854775807ULL - d) / 10)
			big = 1; /* keep scanning: junk after the digits still wins */
		else
			acc = acc * 10 + d;
	}
	if (big)
		return -2;
	*out = neg ? -(long long)acc : (long long)acc;
	return 0;
}

static int parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* ---- contact points ----------------------------------------------------- */

static int is_hostname_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/* RFC 1123 host name (labels of 1..63 letters, digits, '-', not starting
 * or ending with '-'; '_' tolerated as resolvers do), at most 253 chars,
 * one trailing dot allowed. */
static int valid_hostname(const char *h, size_t n)
{
	if (n && h[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return 0;
	size_t label = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (label == 0 || label > 63 || h[i - 1] == '-' || h[i - label] == '-')
				return 0;
			label = 0;
		} else if (is_hostname_char(h[i])) {
			label++;
		} else {
			return 0;
		}
	}
	return 1;
}

/* An IPv6 address, optionally with a %zone (link-local addresses need one;
 * getaddrinfo resolves it at connect time). */
static int valid_ipv6(const char *h, size_t n)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	const char *pct = memchr(h, '%', n);
	size_t alen = pct ? (size_t)(pct - h) : n;
	if (alen == 0 || alen >= sizeof tmp)
		return 0;
	if (pct) {
		size_t zlen = n - alen - 1;
		if (zlen == 0 || zlen > 64)
			return 0;
		for (size_t i = 0; i < zlen; i++)
			if (!is_hostname_char(pct[1 + i]) && pct[1 + i] != '.')
				return 0;
	}
	memcpy(tmp, h, alen);
	tmp[alen] = '\0';
	unsigned char a[16];
	return inet_pton(AF_INET6, tmp, a) == 1;
}

static int all_digits_and_dots(const char *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((h[i] < '0' || h[i] > '9') && h[i] != '.')
			return 0;
	return 1;
}

static int valid_ipv4(const char *h, size_t n)
{
	char tmp[INET_ADDRSTRLEN + 1];
	if (n >= sizeof tmp)
		return 0;
	memcpy(tmp, h, n);
	tmp[n] = '\0';
	unsigned char a[4];
	return inet_pton(AF_INET, tmp, a) == 1;
}

/* Parses one entry e[0..n) (already trimmed). Fills *out (if any). */
static int parse_host_entry(const char *e, size_t n, int default_port, ucql__hostport *out,
			    char *err, size_t errlen)
{
	const char *host = e, *port = NULL;
	size_t hlen = n, plen = 0;
	int v6 = 0;
	if (e[0] == '[') {
		const char *close = memchr(e, ']', n);
		if (!close)
			return fail(err, errlen, "contact_points: '%.*s' has '[' without ']'", (int)n, e);
		host = e + 1;
		hlen = (size_t)(close - host);
		v6 = 1;
		const char *rest = close + 1;
		size_t rlen = n - (size_t)(rest - e);
		if (rlen) {
			if (rest[0] != ':')
				return fail(err, errlen, "contact_points: '%.*s' has text after ']'",
					    (int)n, e);
			port = rest + 1;
			plen = rlen - 1;
		}
	} else {
		const char *colon = memchr(e, ':', n);
		if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - e))) {
			v6 = 1; /* bare IPv6: no port (that needs brackets) */
		} else if (colon) {
			hlen = (size_t)(colon - e);
			port = colon + 1;
			plen = n - hlen - 1;
		}
	}
	if (hlen == 0)
		return fail(err, errlen, "contact_points: '%.*s' has no host", (int)n, e);
	if (v6) {
		if (!valid_ipv6(host, hlen))
			return fail(err, errlen, "contact_points: '%.*s' is not a valid IPv6 address",
				    (int)hlen, host);
	} else if (all_digits_and_dots(host, hlen)) {
		if (!valid_ipv4(host, hlen))
			return fail(err, errlen, "contact_points: '%.*s' is not a valid IPv4 address",
				    (int)hlen, host);
	} else if (!valid_hostname(host, hlen)) {
		return fail(err, errlen,
			    "contact_points: '%.*s' is not an IPv4 address, IPv6 address or host name",
			    (int)hlen, host);
	}
	long long pn = default_port;
	if (port) {
		if (plen == 0)
			return fail(err, errlen, "contact_points: '%.*s' has no port after ':'",
				    (int)n, e);
		int r = parse_ll(port, plen, &pn);
		if (r == -1 || (plen && port[0] == '-'))
			return fail(err, errlen, "contact_points: '%.*s': port '%.*s' is not a number",
				    (int)n, e, (int)plen, port);
		if (r == -2 || pn < 1 || pn > 65535)
			return fail(err, errlen,
				    "contact_points: '%.*s': port %.*s is out of range 1..65535", (int)n,
				    e, (int)plen, port);
	}
	if (out) {
		/* hlen <= 253 (host name) or < INET6_ADDRSTRLEN + 65: fits host[256]. */
		memcpy(out->host, host, hlen);
		out->host[hlen] = '\0';
		out->port = (int)pn;
	}
	return 0;
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Parses a contact point list: the number of entries (filling out[0..max)),
 * or UCQL_E_CONFIG_VALUE with a message. */
static int parse_hosts(const char *list, int default_port, ucql__hostport *out, int max,
		       char *err, size_t errlen)
{
	int count = 0;
	const char *s = list;
	for (;;) {
		const char *end = strchr(s, ',');
		if (!end)
			end = s + strlen(s);
		const char *b = s, *e = end;
		while (b < e && is_space(*b))
			b++;
		while (e > b && is_space(e[-1]))
			e--;
		if (b == e) {
			if (*list == '\0')
				return fail(err, errlen, "contact_points: the list is empty");
			return fail(err, errlen, "contact_points: entry %d is empty", count + 1);
		}
		int r = parse_host_entry(b, (size_t)(e - b), default_port,
					 out && count < max ? &out[count] : NULL, err, errlen);
		if (r < 0)
			return r;
		count++;
		if (*end == '\0')
			return count;
		s = end + 1;
	}
}

int ucql__config_contact_points(const ucql__cfg *v, ucql__hostport *out, int max)
{
	return parse_hosts(v->contact_points, v->port, out, max, NULL, 0);
}

/* ---- keyspace ----------------------------------------------------------- */

/* "" or a CQL identifier: unquoted (a letter, then letters, digits, '_')
 * or double-quoted with inner quotes doubled. Checked because the session
 * sends `USE <keyspace>` as written: nothing else may ride along. */
static int valid_keyspace(const char *k)
{
	size_t n = strlen(k);
	if (n == 0)
		return 1;
	if (k[0] == '"') {
		if (n < 3 || k[n - 1] != '"')
			return 0;
		for (size_t i = 1; i < n - 1; i++) {
			if (k[i] == '"') {
				if (k[i + 1] != '"' || i + 1 == n - 1)
					return 0;
				i++;
			} else if ((unsigned char)k[i] < 0x20) {
				return 0;
			}
		}
		return 1;
	}
	if (!((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z')))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_hostname_char(k[i]) || k[i] == '-')
			return 0;
	return 1;
}

/* ---- set / get ---------------------------------------------------------- */

static void enum_list(const struct prop *p, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (const struct enum_val *ev = p->vals; ev->text; ev++) {
		int w = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", ev->text);
		if (w < 0 || (size_t)w >= cap - len)
			return;
		len += (size_t)w;
	}
}

/* Validates `value` for p and stores it into v (v unchanged on error). */
static int set_prop(ucql__cfg *v, const struct prop *p, const char *value, char *err,
		    size_t errlen)
{
	const char *name = p->name;
	switch (p->type) {
	case T_INT: {
		long long n;
		int r = parse_ll(value, strlen(value), &n);
		if (r == -1)
			return fail(err, errlen, "%s: '%.80s' is not an integer", name, value);
		if (r == -2 || n < p->lo || n > p->hi)
			return fail(err, errlen, "%s: %.80s is out of range %lld..%lld", name, value,
				    p->lo, p->hi);
		if (p->check == UCQL__CFG_CHECK_POW2 && (n & (n - 1)) != 0)
			return fail(err, errlen, "%s: %lld is not a power of two", name, n);
		if (p->check == UCQL__CFG_CHECK_PROTOCOL && n != 0 && n < 3)
			return fail(err, errlen,
				    "%s: protocol v%lld is not supported (0 = negotiate, or 3, 4, 5)",
				    name, n);
		*int_field(v, p) = (int)n;
		return 0;
	}
	case T_BOOL: {
		int b = parse_bool(value);
		if (b < 0)
			return fail(err, errlen,
				    "%s: '%.80s' is not a boolean (true/false, 1/0, yes/no, on/off)",
				    name, value);
		*int_field(v, p) = b;
		return 0;
	}
	case T_ENUM: {
		for (const struct enum_val *ev = p->vals; ev->text; ev++) {
			if (strcasecmp(value, ev->text) == 0) {
				*int_field(v, p) = ev->code;
				return 0;
			}
		}
		char list[256];
		enum_list(p, list, sizeof list);
		return fail(err, errlen, "%s: '%.80s' is not one of %s", name, value, list);
	}
	default: { /* T_STRING, T_PASSWORD */
		if (p->check == UCQL__CFG_CHECK_HOSTS) {
			int r = parse_hosts(value, 1, NULL, 0, err, errlen);
			if (r < 0)
				return r;
		}
		if (p->check == UCQL__CFG_CHECK_KEYSPACE && !valid_keyspace(value))
			return fail(err, errlen,
				    "%s: '%.80s' is not a CQL identifier (a letter, then letters, "
				    "digits or '_'; or a double-quoted name)",
				    name, value);
		char *dup = strdup(value);
		if (!dup) {
			if (err && errlen)
				snprintf(err, errlen, "%s: out of memory", name);
			return UCQL_E_NOMEM;
		}
		char **f = str_field(v, p);
		free(*f);
		*f = dup;
		return 0;
	}
	}
}

int ucql_config_set(ucql_config *c, const char *name, const char *value, char *err, size_t errlen)
{
	if (!c || !name || !value) {
		if (err && errlen)
			snprintf(err, errlen, "ucql_config_set: NULL argument");
		return UCQL_E_INVALID_ARG;
	}
	const struct prop *p = find_prop(name);
	if (!p)
		return fail(err, errlen, "unknown setting '%.80s'", name);
	int r = set_prop(&c->v, p, value, err, errlen);
	if (r == 0 && err && errlen)
		err[0] = '\0';
	return r;
}

int ucql_config_get(const ucql_config *c, const char *name, char *buf, size_t cap)
{
	if (!c || !name)
		return UCQL_E_INVALID_ARG;
	const struct prop *p = find_prop(name);
	if (!p)
		return UCQL_E_CONFIG_VALUE;
	char num[24];
	const char *text = num;
	switch (p->type) {
	case T_INT:
		snprintf(num, sizeof num, "%d", *int_field_c(&c->v, p));
		break;
	case T_BOOL:
		text = *int_field_c(&c->v, p) ? "true" : "false";
		break;
	case T_ENUM:
		text = "";
		for (const struct enum_val *ev = p->vals; ev->text; ev++)
			if (ev->code == *int_field_c(&c->v, p))
				text = ev->text;
		break;
	case T_PASSWORD:
		text = **str_field_c(&c->v, p) ? "***" : "";
		break;
	default:
		text = *str_field_c(&c->v, p);
		break;
	}
	size_t n = strlen(text);
	if (n >= cap) {
		if (buf && cap)
			buf[0] = '\0';
		return UCQL_E_NOSPACE;
	}
	memcpy(buf, text, n + 1);
	return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

void ucql_config_free(ucql_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < N_PROPS; i++)
		if (props[i].type == T_STRING || props[i].type == T_PASSWORD)
			free(*str_field(&c->v, &props[i]));
	free(c);
}

ucql_config *ucql_config_new(void)
{
	ucql_config *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	for (size_t i = 0; i < N_PROPS; i++) {
		/* Defaults are valid (the 'config' suite checks every one), so
		 * the only failure left is allocation. */
		if (set_prop(&c->v, &props[i], props[i].def, NULL, 0) != 0) {
			ucql_config_free(c);
			return NULL;
		}
	}
	return c;
}

ucql_config *ucql_config_copy(const ucql_config *src)
{
	if (!src)
		return NULL;
	ucql_config *c = malloc(sizeof *c);
	if (!c)
		return NULL;
	c->v = src->v;
	/* Unshare the strings first, so a failure below frees only ours. */
	for (size_t i = 0; i < N_PROPS; i++)
		if (props[i].type == T_STRING || props[i].type == T_PASSWORD)
			*str_field(&c->v, &props[i]) = NULL;
	for (size_t i = 0; i < N_PROPS; i++) {
		if (props[i].type != T_STRING && props[i].type != T_PASSWORD)
			continue;
		char *dup = strdup(*str_field_c(&src->v, &props[i]));
		if (!dup) {
			ucql_config_free(c);
			return NULL;
		}
		*str_field(&c->v, &props[i]) = dup;
	}
	return c;
}

const ucql__cfg *ucql__config_values(const ucql_config *c)
{
	return &c->v;
}

/* ---- typed setters ------------------------------------------------------ */

void ucql_config_set_log_callback(ucql_config *c, ucql_log_fn fn, void *ud)
{
	if (!c)
		return;
	c->v.log_fn = fn;
	c->v.log_ud = fn ? ud : NULL;
}

void ucql_config_set_authenticator(ucql_config *c, const ucql_authenticator *a)
{
	if (!c)
		return;
	if (a && a->initial && a->challenge) {
		c->v.authenticator = *a;
		c->v.has_authenticator = 1;
	} else {
		memset(&c->v.authenticator, 0, sizeof c->v.authenticator);
		c->v.has_authenticator = 0;
	}
}
