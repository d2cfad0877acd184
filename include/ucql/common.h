/*
 * ucql/common.h — what every ucql header shares: export macro, version,
 * byte views and the error table.
 *
 * Thread safety: everything here is pure; any thread may call it.
 */
#ifndef UCQL_COMMON_H
#define UCQL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(UCQL_BUILDING) && defined(__GNUC__)
#define UCQL_API __attribute__((visibility("default")))
#else
#define UCQL_API
#endif

/* Version of the headers: major * 10000 + minor * 100 + patch. Compare with
 * ucql_version_num() to detect a header/library mismatch at run time. */
#define UCQL_VERSION_MAJOR 0
#define UCQL_VERSION_MINOR 1
#define UCQL_VERSION_PATCH 0
#define UCQL_VERSION_NUM \
	(UCQL_VERSION_MAJOR * 10000 + UCQL_VERSION_MINOR * 100 + UCQL_VERSION_PATCH)
#define UCQL_VERSION_STR "0.1.0"

/* The library's version string ("0.1.0") and number (UCQL_VERSION_NUM of
 * the library that is linked, not of the headers compiled against). */
UCQL_API const char *ucql_version(void);
UCQL_API int ucql_version_num(void);

/* A borrowed view of bytes. Never owns memory; valid as long as the buffer
 * it points into. `p` may be NULL only when `len` is 0. */
typedef struct ucql_bytes {
	const uint8_t *p;
	size_t len;
} ucql_bytes;

/* A CQL [bytes]/[value]: like ucql_bytes, but `len` keeps the wire's
 * meaning: >= 0 a value (0 = empty, distinct from null), UCQL_NULL (-1)
 * null, UCQL_UNSET (-2) unset (protocol v4+, bound values only). */
typedef struct ucql_value {
	const uint8_t *p;
	int32_t len;
} ucql_value;

#define UCQL_NULL (-1)
#define UCQL_UNSET (-2)

static inline ucql_bytes ucql_bytes_of(const void *p, size_t len)
{
	ucql_bytes b = { (const uint8_t *)p, len };
	return b;
}

/* One past the end of p[0..len): p itself when len is 0, since an empty
 * view may have p == NULL and NULL + 0 is undefined in C. */
static inline const uint8_t *ucql__end(const uint8_t *p, size_t len)
{
	return len ? p + len : p;
}

/* Views a NUL-terminated string (without the NUL). */
UCQL_API ucql_bytes ucql_bytes_str(const char *s);
/* 1 if the view's bytes equal the NUL-terminated string `s`, else 0. */
UCQL_API int ucql_bytes_eq_str(ucql_bytes b, const char *s);

static inline ucql_value ucql_value_of(const void *p, int32_t len)
{
	ucql_value v = { (const uint8_t *)p, len };
	return v;
}
static inline ucql_value ucql_value_null(void)
{
	ucql_value v = { NULL, UCQL_NULL };
	return v;
}
static inline ucql_value ucql_value_unset(void)
{
	ucql_value v = { NULL, UCQL_UNSET };
	return v;
}

/*
 * The error table: X(NAME, code, message, retriable).
 *
 * Local errors are negative. Server errors carry their wire code from the
 * native protocol spec (§9 of native_protocol_v4.spec), with one exception:
 * the wire's "Server error" is 0x0000, which would read as success, so it
 * is UCQL_E_SERVER_ERROR = 0x10000 here (ucql_err_from_wire maps it).
 *
 * Decoders return bytes consumed (>= 0), UCQL_NEED_MORE, or one of the
 * protocol errors below.
 */
#define UCQL_ERROR_TABLE(X)                                                    \
	X(OK, 0, "success", 0)                                                     \
	X(NEED_MORE, -1, "more input is needed to decode this item", 0)           \
	X(E_TRUNCATED, -2, "a length runs past the end of its enclosing data", 0) \
	X(E_BAD_LENGTH, -3, "a negative or invalid length", 0)                    \
	X(E_BAD_VERSION, -4, "unsupported protocol version", 0)                   \
	X(E_BAD_OPCODE, -5, "unknown or misdirected opcode", 0)                   \
	X(E_BAD_TYPE, -6, "unknown CQL type id or malformed type", 0)             \
	X(E_TOO_BIG, -7, "frame or segment larger than the configured maximum", 0) \
	X(E_CRC, -8, "CRC mismatch", 0)                                           \
	X(E_COMPRESSION, -9, "compressed data is corrupt", 0)                     \
	X(E_BAD_VALUE, -10, "a value has the wrong size or content for its type", 0) \
	X(E_TRAILING, -11, "unexpected bytes after the end of a message", 0)      \
	X(E_BAD_FLAGS, -12, "flags not allowed here", 0)                          \
	X(E_NOSPACE, -13, "output buffer too small", 0)                           \
	X(E_INVALID_ARG, -14, "invalid argument", 0)                              \
	X(E_TOO_DEEP, -15, "type nesting deeper than the supported limit", 0)     \
	X(E_NOMEM, -16, "out of memory", 0)                                       \
	X(E_RANGE, -17, "value does not fit the requested C type", 0)             \
	X(E_BAD_KIND, -18, "unknown result kind, event type or enum value", 0)    \
	X(E_NULL, -19, "value is null", 0)                                        \
	X(E_EMPTY, -20, "empty value", 0)                                         \
	X(E_TIMEOUT, -21, "timed out on the client side", 1)                      \
	X(E_CONNECTION, -22, "connection broken before the response arrived", 1)  \
	X(E_CLOSED, -23, "session closed", 0)                                     \
	X(E_QUEUE_FULL, -24, "submission queue full", 1)                          \
	X(E_NO_HOSTS, -25, "no node could be reached", 1)                         \
	X(E_CONFIG_VALUE, -26, "invalid configuration setting", 0)                \
	X(E_WOULD_DEADLOCK, -27, "blocking call on a shard's own thread", 0)      \
	X(E_AUTH_REQUIRED, -28, "server requires authentication; no credentials configured", 0) \
	X(E_SERVER_PROTOCOL, -29, "the server broke the protocol (bad or unexpected response)", 0) \
	X(E_SERVER_ERROR, 0x10000, "server error", 0)                             \
	X(E_PROTOCOL, 0x000A, "protocol error", 0)                                \
	X(E_AUTH, 0x0100, "authentication error", 0)                              \
	X(E_UNAVAILABLE, 0x1000, "unavailable", 1)                                \
	X(E_OVERLOADED, 0x1001, "overloaded", 1)                                  \
	X(E_IS_BOOTSTRAPPING, 0x1002, "is bootstrapping", 1)                      \
	X(E_TRUNCATE_ERROR, 0x1003, "truncate error", 0)                          \
	X(E_WRITE_TIMEOUT, 0x1100, "write timeout", 1)                            \
	X(E_READ_TIMEOUT, 0x1200, "read timeout", 1)                              \
	X(E_READ_FAILURE, 0x1300, "read failure", 0)                              \
	X(E_FUNCTION_FAILURE, 0x1400, "function failure", 0)                      \
	X(E_WRITE_FAILURE, 0x1500, "write failure", 0)                            \
	X(E_CDC_WRITE_FAILURE, 0x1600, "CDC write failure", 0)                    \
	X(E_CAS_WRITE_UNKNOWN, 0x1700, "CAS write unknown", 0)                    \
	X(E_SYNTAX, 0x2000, "syntax error", 0)                                    \
	X(E_UNAUTHORIZED, 0x2100, "unauthorized", 0)                              \
	X(E_INVALID, 0x2200, "invalid query", 0)                                  \
	X(E_CONFIG, 0x2300, "configuration error", 0)                             \
	X(E_ALREADY_EXISTS, 0x2400, "already exists", 0)                          \
	X(E_UNPREPARED, 0x2500, "unprepared", 1)

typedef enum ucql_err {
#define UCQL__ERR_ENUM(name, code, msg, retr) UCQL_##name = (code),
	UCQL_ERROR_TABLE(UCQL__ERR_ENUM)
#undef UCQL__ERR_ENUM
} ucql_err;

/* "UCQL_E_TRUNCATED"-style name of a code; "UCQL_E_UNKNOWN" if not in the table. */
UCQL_API const char *ucql_err_name(int code);
/* A short human message for a code; "unknown error" if not in the table. */
UCQL_API const char *ucql_err_str(int code);
/* 1 if a request failing with this code may be retried as is. */
UCQL_API int ucql_err_retriable(int code);
/* Maps a server ERROR's wire code to ucql's code: 0x0000, and any code a
 * server may not send (negative — which would look like a local error — or
 * >= 0x10000), → UCQL_E_SERVER_ERROR; every other code unchanged, known
 * or not. */
UCQL_API int ucql_err_from_wire(int32_t wire_code);
/* The inverse: the code to put on the wire. */
UCQL_API int32_t ucql_err_to_wire(int code);

#ifdef __cplusplus
}
#endif
#endif
