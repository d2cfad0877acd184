/*
 * tls.h — ucql-mock's server-side TLS (wolfSSL), as a byte filter that a
 * connection puts between its socket and its CQL framing:
 *
 *   socket bytes → mock_tls_recv → plaintext (CQL frames / segments)
 *   CQL bytes    → mock_tls_send → TLS records → mock_tls_wire → socket
 *
 * No I/O happens here: wolfSSL's I/O callbacks read from and write to
 * per-connection memory buffers, so the handshake is driven purely by the
 * bytes the event loop hands in (the handshake's own records and alerts
 * come out of mock_tls_wire like any other ciphertext). TLS 1.2 and 1.3;
 * a certificate chain and key (PEM); optionally a CA that client
 * certificates are verified against, optional or required.
 *
 * Threads: a context is immutable after mock_tls_ctx_new and may be
 * shared by connections on any thread; a mock_tls belongs to one thread.
 */
#ifndef MOCK_TLS_H
#define MOCK_TLS_H

#include <stddef.h>
#include <stdint.h>

typedef struct mock_tls_config {
	const char *cert; /* PEM certificate chain (leaf first), required */
	const char *key;  /* PEM private key matching it, required */
	const char *ca;   /* PEM CA certificate(s) for client certificates, or NULL */
	/* 1: a client without a certificate signed by `ca` fails the
	 * handshake. 0 with a CA: a certificate is asked for and verified
	 * when the client sends one. Needs `ca`. */
	int require_client_cert;
} mock_tls_config;

typedef struct mock_tls_ctx mock_tls_ctx;
typedef struct mock_tls mock_tls;

/* Loads the files into a server context. Returns 0, or UCQL_E_INVALID_ARG
 * (bad config, unreadable or invalid file: the message names it) or
 * UCQL_E_NOMEM, with a message in err[errlen]. */
int mock_tls_ctx_new(const mock_tls_config *cfg, mock_tls_ctx **out, char *err, size_t errlen);
/* Frees the context. NULL is a no-op. Free every mock_tls first. */
void mock_tls_ctx_free(mock_tls_ctx *ctx);

/* A connection's TLS state (server side, handshake not started). NULL on
 * allocation failure. */
mock_tls *mock_tls_new(mock_tls_ctx *ctx);
/* NULL is a no-op. */
void mock_tls_free(mock_tls *t);

/*
 * Bytes received from the socket. Advances the handshake and decrypts
 * every whole record; *plain / *plain_len get the application bytes
 * decrypted by this call (possibly none), valid until the next call.
 * Handshake records to answer with are queued for mock_tls_wire.
 * Returns 0, or -1 when the connection is dead (not TLS, handshake
 * failure, bad record, close_notify from the peer, out of memory): send
 * what mock_tls_wire still holds (an alert) and close; mock_tls_error
 * says why. Every later call fails too.
 */
int mock_tls_recv(mock_tls *t, const uint8_t *p, size_t n, const uint8_t **plain, size_t *plain_len);

/* 1 once the handshake completed (mock_tls_send may be called). */
int mock_tls_ready(const mock_tls *t);

/* Encrypts n application bytes (split into records as needed) and queues
 * them for mock_tls_wire. Only once mock_tls_ready. 0, or -1 (not ready,
 * dead, out of memory; mock_tls_error says why). */
int mock_tls_send(mock_tls *t, const uint8_t *p, size_t n);

/* Ciphertext waiting to go to the socket: *len bytes at the returned
 * pointer (valid until the next call on t). Drop what was taken with
 * mock_tls_wire_consume. */
const uint8_t *mock_tls_wire(const mock_tls *t, size_t *len);
void mock_tls_wire_consume(mock_tls *t, size_t n);

/* The reason of the last failure (static or owned by t; "" if none). */
const char *mock_tls_error(const mock_tls *t);

/* The negotiated protocol ("TLSv1.3", …) and cipher suite names once
 * ready, for logs and tests; "" before. */
const char *mock_tls_version(const mock_tls *t);
const char *mock_tls_cipher(const mock_tls *t);

#endif
