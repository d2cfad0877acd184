/*
 * ucql/config.h — the settings a session is created from: key/value
 * settings validated against one property table (docs/CONFIGURATION.md
 * lists every setting, its type, default and range), plus typed setters
 * for what a string cannot express (the log callback, an authenticator).
 *
 * Ownership: the application owns a config; ucql_session_connect copies
 * it, so a config may be changed or freed once the session is connected
 * and one config may create several sessions. Strings passed in are
 * copied.
 *
 * Threads: a config is a plain object. Calls on one config must not run
 * concurrently with a call that changes it (set, set_*, free); reading
 * calls (get, copy, connect) may run concurrently with each other.
 */
#ifndef UCQL_CONFIG_H
#define UCQL_CONFIG_H

#include "common.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ucql_config ucql_config;

/* A config holding every setting's default. NULL on allocation failure. */
UCQL_API ucql_config *ucql_config_new(void);
/* An independent deep copy of c (strings duplicated; the log callback and
 * authenticator copied by value, their ud pointers shared). NULL on
 * allocation failure or if c is NULL. */
UCQL_API ucql_config *ucql_config_copy(const ucql_config *c);
/* Frees c and the strings it owns; NULL is a no-op. */
UCQL_API void ucql_config_free(ucql_config *c);

/* Sets setting `name` (e.g. "request.timeout_ms") from its text form
 * `value` (e.g. "2000"), validated against the property table: ints are
 * decimal, bools true/false, 1/0, yes/no, on/off, enum values are
 * case-insensitive. Returns 0, and err[0] = '\0' if errlen > 0; or
 * UCQL_E_CONFIG_VALUE with a message naming the setting in err[errlen]
 * ("request.timeout_ms: 'abc' is not an integer", "unknown setting 'foo'"),
 * and c unchanged. UCQL_E_INVALID_ARG if c, name or value is NULL;
 * UCQL_E_NOMEM. err may be NULL. */
UCQL_API int ucql_config_set(ucql_config *c, const char *name, const char *value, char *err,
			     size_t errlen);

/* Writes setting `name`'s current value in its canonical text form (the
 * form ucql_config_set accepts; enums spelled as in the documentation) and
 * a NUL into buf[cap]. A password reads as "***" when set, "" when empty.
 * Returns 0; UCQL_E_CONFIG_VALUE for an unknown name; UCQL_E_NOSPACE if
 * the text and its NUL do not fit (buf then holds "" if cap > 0);
 * UCQL_E_INVALID_ARG if c or name is NULL. */
UCQL_API int ucql_config_get(const ucql_config *c, const char *name, char *buf, size_t cap);

/* ---- logging ------------------------------------------------------------ */

/* Log levels (setting "log.level" filters: messages above it are dropped
 * before they are formatted). */
enum { UCQL_LOG_ERROR = 1, UCQL_LOG_WARN = 2, UCQL_LOG_INFO = 3, UCQL_LOG_DEBUG = 4 };

/* Receives one log message (one line, no trailing newline; valid only
 * during the call). Any driver or application thread may call it,
 * several at once: it must be thread-safe, and should be quick and must
 * not call back into the session. */
typedef void (*ucql_log_fn)(void *ud, int level, const char *message);

/* Sends the log to fn(ud, level, message) instead of the default, which
 * writes "ucql LEVEL: message\n" to stderr (LEVEL as ucql_log_level_name).
 * fn = NULL restores the default. ud is not owned. */
UCQL_API void ucql_config_set_log_callback(ucql_config *c, ucql_log_fn fn, void *ud);

/* "ERROR", "WARN", "INFO", "DEBUG"; "UNKNOWN" for any other level. */
UCQL_API const char *ucql_log_level_name(int level);

/* ---- authentication ----------------------------------------------------- */

/*
 * A SASL authenticator, for servers whose authenticator is not served by
 * the default (PLAIN with settings auth.username / auth.password). The
 * driver calls it on a connection's thread (a shard thread), one
 * connection at a time per state but possibly on several connections at
 * once: the functions must be thread-safe with respect to ud.
 *
 * Per connection, when the server answers STARTUP with AUTHENTICATE:
 * initial() writes the first AUTH_RESPONSE token; every AUTH_CHALLENGE
 * goes to challenge(), which writes the next token; AUTH_SUCCESS calls
 * success() (may be NULL); free_state() (may be NULL) then releases
 * *state — also when the handshake fails or the connection closes first.
 * Tokens are written raw (ucql_write_raw and friends, ucql/wire.h): the
 * driver adds the [bytes] length. A function returning a negative ucql
 * error fails the connection with it.
 */
typedef struct ucql_authenticator {
	/* The server's authenticator class name (e.g.
	 * "org.apache.cassandra.auth.PasswordAuthenticator") is borrowed for
	 * the call. *state starts NULL; set it to keep per-connection state. */
	int (*initial)(void *ud, void **state, ucql_bytes authenticator_class, ucql_writer *token);
	/* challenge: the server's token, borrowed for the call (may be null). */
	int (*challenge)(void *ud, void **state, ucql_value challenge, ucql_writer *token);
	/* final_token: AUTH_SUCCESS's token, borrowed (may be null). */
	int (*success)(void *ud, void **state, ucql_value final_token);
	void (*free_state)(void *ud, void *state);
	void *ud;
} ucql_authenticator;

/* Uses *a (the struct is copied; a->ud is not owned) for every
 * connection instead of the default PLAIN authenticator. a = NULL, or an
 * a whose initial or challenge is NULL, restores the default. */
UCQL_API void ucql_config_set_authenticator(ucql_config *c, const ucql_authenticator *a);

#ifdef __cplusplus
}
#endif

#endif
