/*
 * ucql-inspect's internal interface: a tool that decodes captured CQL
 * traffic (and computes Murmur3 tokens) with ucql's codec.
 *
 * Names shared between the tool's files are prefixed insp_; everything
 * else is static. Single-threaded, one-shot program: it reads its whole
 * input into memory, then walks it.
 */
#ifndef UCQL_INSPECT_H
#define UCQL_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#include "ucql/message.h"

/* Exit codes (documented in --help). */
#define INSP_EXIT_OK 0
#define INSP_EXIT_MALFORMED 1 /* the input is not valid CQL traffic */
#define INSP_EXIT_USAGE 2     /* bad arguments, unreadable file */

/* ---- output: one line per message, plain text or JSON (emit.c) ---------- */

#define INSP_MAX_DEPTH 16

typedef struct insp_out {
	FILE *f;
	int json;
	int depth;                     /* 0: top level of the line */
	uint8_t first[INSP_MAX_DEPTH]; /* 1 until a member was written at that depth */
	uint8_t array[INSP_MAX_DEPTH]; /* 1 if that depth is a JSON array */
} insp_out;

void insp_line_begin(insp_out *o);
void insp_line_end(insp_out *o);
/* Text mode only: writes raw text at the top level (the line's prefix). */
void insp_text(insp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Members. `key` is NULL inside an array. Strings are bytes from the wire:
 * escaped for JSON (bytes that are not UTF-8 become \u00XX); in text mode
 * quoted with the same escapes. */
void insp_str(insp_out *o, const char *key, ucql_bytes s);
/* A name of ucql's own (consistency, kind, type): a JSON string, bare in text. */
void insp_cstr(insp_out *o, const char *key, const char *s);
void insp_int(insp_out *o, const char *key, long long v);
void insp_bool(insp_out *o, const char *key, int v);
void insp_null(insp_out *o, const char *key);
void insp_hex(insp_out *o, const char *key, ucql_bytes b);
void insp_uuid(insp_out *o, const char *key, const uint8_t u[16]);
/* An address, "1.2.3.4" / "::1", with ":port" when with_port. */
void insp_inet(insp_out *o, const char *key, const ucql_inet *a, int with_port);
void insp_obj_begin(insp_out *o, const char *key);
void insp_obj_end(insp_out *o);
void insp_arr_begin(insp_out *o, const char *key);
void insp_arr_end(insp_out *o);
/* Writes s as a JSON string literal (quotes included) to f. */
void insp_json_string(FILE *f, ucql_bytes s);

/* ---- the decode command (decode.c, summary.c) ---------------------------- */

typedef struct insp_opts {
	int v5;             /* --v5: handshake envelopes, then segments */
	int lz4;            /* --lz4: compression was negotiated */
	int server;         /* --server: server → client direction */
	int json;           /* --json */
	uint32_t max_frame; /* --max-frame: largest frame body accepted */
} insp_opts;

/* Where a message sat in the input, for the output and for errors. */
typedef struct insp_where {
	size_t offset;    /* of the frame, or of the (first) segment carrying it */
	long in_segment;  /* offset inside the segment payload, -1 if unframed */
	int compressed;   /* v3/v4 body was lz4-compressed */
} insp_where;

/* Walks a whole capture and prints its messages. Returns an exit code. */
int insp_decode(const uint8_t *buf, size_t len, const insp_opts *opts);
/* Prints one decoded message as one line. */
void insp_print_message(insp_out *o, const ucql_frame *f, const ucql_message *m,
			const insp_where *w);

/* ---- the token command (token.c) ----------------------------------------- */

int insp_token(int argc, char **argv);

/* ---- helpers (main.c, input.c) ------------------------------------------- */

/* Reads the whole of path ("-" or NULL: stdin) into *buf (malloc'd, caller
 * frees). Returns 0, or -1 after printing an error. */
int insp_read_all(const char *path, uint8_t **buf, size_t *len);
/* Prints "ucql-inspect: " + message + newline on stderr. */
void insp_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
