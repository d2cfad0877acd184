/*
 * interop-peer: a line-oriented front end to ucql's codec for
 * tests/interop/test_codec.py. Each input line is one JSON object (a
 * command); each answer is one JSON line. Test tool only: it allocates
 * freely and exits on out-of-memory.
 */
#ifndef INTEROP_PEER_H
#define INTEROP_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "ucql/types.h"

/* ---- growable output buffer -------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

void sb_putn(sbuf *b, const void *p, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string of n raw bytes (UTF-8 passed through, controls escaped). */
void sb_jstr(sbuf *b, const void *p, size_t n);
/* A JSON string holding the hex of n bytes. */
void sb_jhex(sbuf *b, const void *p, size_t n);
/* A [value] as JSON: hex string, null, or "unset". */
void sb_jvalue(sbuf *b, ucql_value v);

/* ---- minimal JSON ------------------------------------------------------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jnode {
	enum jtype t;
	int b;              /* J_BOOL */
	char *s;            /* J_NUM: the number text; J_STR: decoded UTF-8 */
	size_t slen;
	size_t n;           /* J_ARR / J_OBJ entries */
	struct jnode **kids;
	char **keys;        /* J_OBJ */
	size_t *klens;      /* J_OBJ: key lengths (keys may hold NUL) */
} jnode;

/* Parses one JSON text; NULL on a syntax error. */
jnode *json_parse(const char *text);
void json_free(jnode *j);
/* Object member by key, or NULL. */
jnode *jget(const jnode *o, const char *key);
/* Conveniences with defaults for a missing member. */
int64_t jint(const jnode *o, const char *key, int64_t dflt);
const char *jstr(const jnode *o, const char *key); /* NULL if missing */
/* Hex string member decoded into a malloc'ed buffer (*n its length);
 * NULL if missing or JSON null. */
uint8_t *jhex(const jnode *o, const char *key, size_t *n);
/* Hex text to bytes (malloc'ed); -1 on bad hex. */
long unhex(const char *h, size_t hl, uint8_t **out);

/* ---- command families ---------------------------------------------------- */

/* Each answers into out; returns 0, or a non-zero after writing an
 * {"error": ...} answer. */
int cmd_value_decode(const jnode *cmd, sbuf *out);
int cmd_value_encode(const jnode *cmd, sbuf *out);
int cmd_type_option(const jnode *cmd, sbuf *out);
int cmd_request_decode(const jnode *cmd, sbuf *out);
int cmd_response_encode(const jnode *cmd, sbuf *out);

/* Parses a type (member "type": class syntax, or "cql": CQL text) into s;
 * returns the root index or a negative ucql error. */
int peer_parse_type(const jnode *cmd, ucql_type_set *s);
/* Value ↔ canonical JSON through ucql's getters and writers. */
int value_to_json(sbuf *out, const ucql_type_set *s, int ti, ucql_value v);
/* Writes a whole [bytes] value (with its [int] length) for JSON j. */
int value_from_json(ucql_writer *w, const ucql_type_set *s, int ti, const jnode *j);

void answer_error(sbuf *out, const char *what, int code);

#endif
