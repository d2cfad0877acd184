/*
 * cql_literal_time.c — the text parsers behind cql_literal.c: integers,
 * dates, times, timestamps, durations and uuids as Cassandra reads them
 * (SimpleDateSerializer, TimeSerializer, TimestampSerializer, Duration),
 * and uuid generation for now() and uuid().
 */
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "cql_literal.h"
#include "cql_literal_int.h"

/* Strict decimal integer (optional '-'): 0, or -1 when not an integer or
 * outside [lo, hi]. */
int mock__lit_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	const char *p = s;
	int neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return -1;
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		unsigned d = (unsigned)(*p - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
	if (r < lo || r > hi)
		return -1;
	*out = r;
	return 0;
}

/* ==== dates and times ==================================================== */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* H. Hinnant's algorithm: proleptic Gregorian, exact for any year */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* n digits (min..max) at *p into *v. */
static int digits(const char **p, int min, int max, int64_t *v)
{
	int n = 0;
	*v = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? 0 : -1;
}

/* [-]yyyy-m-d at *p: days since the epoch. */
int mock__lit_parse_date(const char **p, int64_t *days)
{
	int neg = **p == '-';
	if (neg)
		(*p)++;
	int64_t y, m, d;
	if (digits(p, 1, 9, &y) || *(*p)++ != '-' || digits(p, 1, 2, &m) || *(*p)++ != '-' ||
	    digits(p, 1, 2, &d))
		return -1;
	if (neg)
		y = -y;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m))
		return -1;
	*days = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

/* hh:mm[:ss[.fffffffff]] at *p: nanoseconds since midnight. */
int mock__lit_parse_time(const char **p, int need_seconds, int64_t *ns)
{
	int64_t h, m, s = 0, f = 0;
	if (digits(p, 1, 2, &h) || *(*p)++ != ':' || digits(p, 2, 2, &m))
		return -1;
	if (**p == ':') {
		(*p)++;
		if (digits(p, 2, 2, &s))
			return -1;
		if (**p == '.') {
			(*p)++;
			const char *q = *p;
			if (digits(p, 1, 9, &f))
				return -1;
			for (long k = *p - q; k < 9; k++)
				f *= 10;
		}
	} else if (need_seconds) {
		return -1;
	}
	if (h > 23 || m > 59 || s > 59)
		return -1;
	*ns = ((h * 60 + m) * 60 + s) * INT64_C(1000000000) + f;
	return 0;
}

int mock__lit_parse_timestamp(const char *s, int64_t *ms)
{
	int64_t v;
	if (!mock__lit_parse_int(s, INT64_MIN, INT64_MAX, &v)) {
		*ms = v;
		return 0;
	}
	const char *p = s;
	int64_t days, ns = 0, off_min = 0;
	if (mock__lit_parse_date(&p, &days))
		return -1;
	if (*p == ' ' || *p == 'T' || *p == 't') {
		const char *q = p + 1;
		if (*q >= '0' && *q <= '9') {
			p = q;
			if (mock__lit_parse_time(&p, 0, &ns))
				return -1;
		}
	}
	if (*p == ' ')
		p++;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		int64_t hh, mm = 0;
		if (digits(&p, 2, 2, &hh))
			return -1;
		if (*p == ':')
			p++;
		if (*p >= '0' && *p <= '9' && digits(&p, 2, 2, &mm))
			return -1;
		off_min = sign * (hh * 60 + mm);
	} else if (!strcmp(p, "UTC") || !strcmp(p, "GMT")) {
		p += 3;
	}
	if (*p)
		return -1;
	*ms = days * 86400000 + ns / 1000000 - off_min * 60000;
	return 0;
}

/* ==== durations ========================================================== */

typedef struct dur_acc {
	int64_t months, days, nanos;
} dur_acc;

static int dur_add(int64_t *acc, int64_t n, int64_t mul, int64_t lim)
{
	if (n > lim / mul || *acc > lim - n * mul)
		return -1;
	*acc += n * mul;
	return 0;
}

int mock__lit_parse_duration(const char *text, ucql_duration *out)
{
	const char *p = text;
	int neg = *p == '-';
	if (neg)
		p++;
	dur_acc a = { 0, 0, 0 };
	const int64_t M = INT32_MAX, N = INT64_MAX;
	if (*p == 'P' || *p == 'p') {
		p++;
		int64_t y, mo, d, h, mi, s;
		const char *q = p;
		if (!digits(&q, 4, 4, &y) && *q == '-') {
			/* P0001-02-03T04:05:06 */
			q++;
			if (digits(&q, 2, 2, &mo) || *q++ != '-' || digits(&q, 2, 2, &d) ||
			    (*q != 'T' && *q != 't') || (q++, digits(&q, 2, 2, &h)) || *q++ != ':' ||
			    digits(&q, 2, 2, &mi) || *q++ != ':' || digits(&q, 2, 2, &s) || *q)
				return -1;
			if (dur_add(&a.months, y, 12, M) || dur_add(&a.months, mo, 1, M) ||
			    dur_add(&a.days, d, 1, M) || dur_add(&a.nanos, h, INT64_C(3600000000000), N) ||
			    dur_add(&a.nanos, mi, INT64_C(60000000000), N) ||
			    dur_add(&a.nanos, s, INT64_C(1000000000), N))
				return -1;
			goto done;
		}
		int in_time = 0, parts = 0;
		while (*p) {
			if (!in_time && (*p == 'T' || *p == 't')) {
				in_time = 1;
				p++;
				continue;
			}
			int64_t n;
			if (digits(&p, 1, 18, &n))
				return -1;
			int u = *p >= 'a' ? *p - 32 : *p;
			p++;
			int r;
			if (!in_time && u == 'Y')
				r = dur_add(&a.months, n, 12, M);
			else if (!in_time && u == 'M')
				r = dur_add(&a.months, n, 1, M);
			else if (!in_time && u == 'W')
				r = dur_add(&a.days, n, 7, M);
			else if (!in_time && u == 'D')
				r = dur_add(&a.days, n, 1, M);
			else if (in_time && u == 'H')
				r = dur_add(&a.nanos, n, INT64_C(3600000000000), N);
			else if (in_time && u == 'M')
				r = dur_add(&a.nanos, n, INT64_C(60000000000), N);
			else if (in_time && u == 'S')
				r = dur_add(&a.nanos, n, INT64_C(1000000000), N);
			else
				return -1;
			if (r)
				return -1;
			parts++;
		}
		if (!parts)
			return -1;
		goto done;
	}
	if (!*p)
		return -1;
	while (*p) {
		int64_t n;
		if (digits(&p, 1, 18, &n))
			return -1;
		char u[3] = { 0 };
		int k = 0;
		if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xB5) {
			u[k++] = 'u';
			p += 2;
		}
		while (k < 2 && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
			char ch = (char)(*p >= 'a' ? *p : *p + 32);
			/* "m" followed by a digit is minutes; "mo"/"ms" are units */
			if (k == 1 && !(u[0] == 'm' && (ch == 'o' || ch == 's')) &&
			    !((u[0] == 'u' || u[0] == 'n') && ch == 's'))
				break;
			u[k++] = ch;
			p++;
		}
		int r;
		if (!strcmp(u, "y"))
			r = dur_add(&a.months, n, 12, M);
		else if (!strcmp(u, "mo"))
			r = dur_add(&a.months, n, 1, M);
		else if (!strcmp(u, "w"))
			r = dur_add(&a.days, n, 7, M);
		else if (!strcmp(u, "d"))
			r = dur_add(&a.days, n, 1, M);
		else if (!strcmp(u, "h"))
			r = dur_add(&a.nanos, n, INT64_C(3600000000000), N);
		else if (!strcmp(u, "m"))
			r = dur_add(&a.nanos, n, INT64_C(60000000000), N);
		else if (!strcmp(u, "s"))
			r = dur_add(&a.nanos, n, INT64_C(1000000000), N);
		else if (!strcmp(u, "ms"))
			r = dur_add(&a.nanos, n, 1000000, N);
		else if (!strcmp(u, "us"))
			r = dur_add(&a.nanos, n, 1000, N);
		else if (!strcmp(u, "ns"))
			r = dur_add(&a.nanos, n, 1, N);
		else
			return -1;
		if (r)
			return -1;
	}
done:
	out->months = (int32_t)(neg ? -a.months : a.months);
	out->days = (int32_t)(neg ? -a.days : a.days);
	out->nanos = neg ? -a.nanos : a.nanos;
	return 0;
}

/* ==== uuids ============================================================== */

int mock__lit_hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int mock__lit_parse_uuid(const char *s, uint8_t u[16])
{
	int k = 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		int h = mock__lit_hexval((unsigned char)s[i]), l = mock__lit_hexval((unsigned char)s[++i]);
		if (h < 0 || l < 0)
			return -1;
		u[k++] = (uint8_t)(h << 4 | l);
	}
	return s[36] ? -1 : 0;
}

/* 100 ns intervals between 1582-10-15 (the uuid epoch) and 1970-01-01. */
#define UUID_EPOCH_OFFSET INT64_C(0x01B21DD213814000)

int mock_uuid_random(uint8_t out[16])
{
	if (getentropy(out, 16))
		return UCQL_E_NOMEM;
	out[6] = (uint8_t)((out[6] & 0x0F) | 0x40);
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);
	return 0;
}

void mock_timeuuid_make(int64_t us, uint8_t out[16])
{
	/* Uniqueness within the process: never hand out the same 100 ns tick
	 * twice, even for calls within one microsecond or a clock step back. */
	static _Atomic int64_t last;
	int64_t ticks = us * 10 + UUID_EPOCH_OFFSET, prev = atomic_load(&last), next;
	do {
		next = ticks > prev ? ticks : prev + 1;
	} while (!atomic_compare_exchange_weak(&last, &prev, next));
	uint64_t t = (uint64_t)next;
	out[0] = (uint8_t)(t >> 24);
	out[1] = (uint8_t)(t >> 16);
	out[2] = (uint8_t)(t >> 8);
	out[3] = (uint8_t)t;
	out[4] = (uint8_t)(t >> 40);
	out[5] = (uint8_t)(t >> 32);
	out[6] = (uint8_t)(((t >> 56) & 0x0F) | 0x10);
	out[7] = (uint8_t)(t >> 48);
	if (getentropy(out + 8, 8))
		memset(out + 8, 0x5A, 8); /* still a valid, unique (by time) uuid */
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);
	out[10] |= 0x01; /* multicast bit: a random node, not a MAC (RFC 4122 §4.5) */
}

int64_t mock__lit_timeuuid_ms(const uint8_t u[16])
{
	uint64_t t = ((uint64_t)(u[6] & 0x0F) << 56) | ((uint64_t)u[7] << 48) | ((uint64_t)u[4] << 40) |
		     ((uint64_t)u[5] << 32) | ((uint64_t)u[0] << 24) | ((uint64_t)u[1] << 16) |
		     ((uint64_t)u[2] << 8) | u[3];
	int64_t d = (int64_t)t - UUID_EPOCH_OFFSET;
	return d >= 0 ? d / 10000 : -((-d + 9999) / 10000);
}

