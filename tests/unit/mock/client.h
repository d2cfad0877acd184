/*
 * client.h — a tiny blocking CQL client for the server's tests: plain
 * sockets, the codec for everything on the wire, v3/v4 frames (optionally
 * lz4-compressed) and v5 segments (optionally lz4). Not a driver: no
 * stream allocation, no retries; the test says what to send and reads what
 * comes back, in order.
 */
#ifndef MOCK_TEST_CLIENT_H
#define MOCK_TEST_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ucql/message.h"

typedef struct tc_buf {
	uint8_t *p;
	size_t len, cap;
} tc_buf;

typedef struct tc {
	int fd;
	int version;       /* used for frames sent */
	int lz4;           /* compression negotiated */
	int seg_in;        /* incoming bytes are segments */
	int seg_out;       /* outgoing envelopes go in segments */
	int compress_out;  /* v3/v4: compress outgoing frames */
	int switch_on_ready; /* v5 STARTUP sent: switch framing after its reply */
	tc_buf in;         /* raw bytes from the socket */
	tc_buf env;        /* envelope bytes (after segments) */
	tc_buf out;        /* queued wire bytes */
	tc_buf cur;        /* the last frame returned (views point here) */
	tc_buf dec;        /* its decompressed body */
} tc;

/* A received frame: views valid until the next tc_recv. */
typedef struct tc_frame {
	ucql_frame f;
	ucql_message m;
	int merr;          /* ucql_message_decode result */
} tc_frame;

/* Connects to 127.0.0.node:port (TCP_NODELAY, 10 s receive timeout).
 * 0, or -errno (e.g. -ECONNREFUSED). */
int tc_connect(tc *c, int node, uint16_t port, int version);
void tc_close(tc *c);

/* Queues raw bytes / one request envelope (framed per the client's
 * mode); tc_flush sends everything queued. tc_send = queue + flush. */
int tc_queue_raw(tc *c, const void *p, size_t n);
int tc_queue(tc *c, int opcode, int16_t stream, uint8_t flags, const void *body, size_t len);
int tc_flush(tc *c);
int tc_send(tc *c, int opcode, int16_t stream, uint8_t flags, const void *body, size_t len);

/* Reads the next frame: 1 with *fr filled, 0 on EOF/reset, negative on a
 * decoding error or timeout. */
int tc_recv(tc *c, tc_frame *fr);
/* Reads until EOF; 1 if the connection was closed by the server (frames
 * before it are dropped), 0 on timeout/error. */
int tc_wait_closed(tc *c);

/* Helpers: build and queue/send common requests. */
int tc_queue_query(tc *c, int16_t stream, uint8_t flags, const char *cql);
int tc_send_query(tc *c, int16_t stream, uint8_t flags, const char *cql);
int tc_send_options(tc *c, int16_t stream);
int tc_send_register(tc *c, int16_t stream, const char *const *types, size_t n);
/* Sends STARTUP (compression "lz4" or NULL) and reads the reply; sets the
 * framing modes as the server will. Returns the reply's opcode, or < 0. */
int tc_startup(tc *c, const char *compression, tc_frame *reply);
/* AUTH_RESPONSE with a SASL PLAIN token; returns the reply opcode. */
int tc_auth(tc *c, const char *user, const char *pass, tc_frame *reply);

/* The error message of an ERROR frame as a C string (static buffer). */
const char *tc_error_text(const tc_frame *fr);

#endif
