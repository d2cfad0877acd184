/*
 * Helpers for the response-message suites (test_response.c, test_error_msg.c,
 * test_event.c, test_result.c): hex vectors, and the truncation / trailing
 * byte checks every decoder gets, with inputs ending at a guard page.
 */
#ifndef UCQL_TEST_RESP_UTIL_H
#define UCQL_TEST_RESP_UTIL_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "ucql/response.h"

#define S(x) ucql_bytes_str(x)

/* Parses hex (no separators) into out (cap bytes); returns the length. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;
	cr_assert_leq(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Asserts that the writer holds exactly the bytes of `hex`. */
#define ASSERT_WRITTEN(w, buf, hex)                                                \
	do {                                                                       \
		uint8_t want_[4096];                                               \
		size_t wn_ = unhex((hex), want_, sizeof want_);                    \
		cr_assert_eq((w)->err, 0, "writer error %d", (w)->err);            \
		cr_assert_eq((w)->len, wn_, "length %zu, want %zu", (w)->len, wn_); \
		cr_assert_arr_eq((buf), want_, wn_);                               \
	} while (0)

/* Every strict prefix of body (guard page right after it) must fail with
 * UCQL_E_TRUNCATED; body + one extra byte with UCQL_E_TRAILING; the body
 * itself must decode. `dec` is ucql_X_decode, `m` a pointer to its struct. */
#define CHECK_DECODE_EDGES(dec, body, n, version, m)                                \
	do {                                                                        \
		for (size_t cut_ = 0; cut_ < (n); cut_++) {                         \
			guard_buf g_ = guard_copy((body), cut_);                     \
			int rc_ = dec(ucql_bytes_of(g_.p, cut_), (version), (m));    \
			cr_assert_eq(rc_, UCQL_E_TRUNCATED, "cut at %zu/%zu: %s", cut_, \
				     (size_t)(n), ucql_err_name(rc_));               \
			guard_free(&g_);                                             \
		}                                                                   \
		uint8_t more_[4096];                                                \
		cr_assert_lt((size_t)(n), sizeof more_);                            \
		memcpy(more_, (body), (n));                                         \
		more_[(n)] = 0;                                                     \
		guard_buf g_ = guard_copy(more_, (n) + 1);                          \
		cr_assert_eq(dec(ucql_bytes_of(g_.p, (n) + 1), (version), (m)), UCQL_E_TRAILING); \
		guard_free(&g_);                                                    \
		g_ = guard_copy((body), (n));                                       \
		cr_assert_eq(dec(ucql_bytes_of(g_.p, (n)), (version), (m)), 0);     \
		guard_free(&g_);                                                    \
	} while (0)

/* A [string list] view built in `store`. */
static inline ucql_list_view make_string_list(uint8_t *store, size_t cap, const ucql_bytes *s, size_t n)
{
	ucql_writer w;
	ucql_reader r;
	ucql_writer_init(&w, store, cap);
	ucql_write_string_list(&w, s, n);
	cr_assert_eq(w.err, 0);
	ucql_reader_init(&r, store, w.len);
	ucql_list_view v = ucql_read_string_list(&r);
	cr_assert_eq(r.err, 0);
	return v;
}

#endif
