/*
 * cql_literal_int.h — parsers shared by cql_literal.c and
 * cql_literal_time.c. Each returns 0, or -1 when the text is not valid.
 */
#ifndef MOCK_CQL_LITERAL_INT_H
#define MOCK_CQL_LITERAL_INT_H

#include <stdint.h>

#include "ucql/types.h"

/* Strict decimal integer with an optional sign, within [lo, hi]. */
int mock__lit_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* [-]y-m-d at *p (advanced past it): days since 1970-01-01. */
int mock__lit_parse_date(const char **p, int64_t *days);
/* hh:mm[:ss[.f{1,9}]] at *p (seconds required if need_seconds): ns. */
int mock__lit_parse_time(const char **p, int need_seconds, int64_t *ns);
/* Integer ms, or a date with optional time and zone (UTC by default). */
int mock__lit_parse_timestamp(const char *s, int64_t *ms);
/* 1h30m, -1mo2d3ns, P1Y2M3DT4H, P0001-02-03T04:05:06. */
int mock__lit_parse_duration(const char *text, ucql_duration *out);
/* 8-4-4-4-12 hex digits, the whole string. */
int mock__lit_parse_uuid(const char *s, uint8_t u[16]);
int mock__lit_hexval(int c);
/* Unix ms of a version 1 uuid's timestamp (floored). */
int64_t mock__lit_timeuuid_ms(const uint8_t u[16]);

#endif
