/*
 * tls.c — server-side TLS filter over wolfSSL (see tls.h). wolfSSL's I/O
 * callbacks read from `in` (the socket bytes handed to mock_tls_recv) and
 * append to `wire` (records to send), so wolfSSL never touches a socket
 * and never blocks: when `in` runs dry the callback answers WANT_READ and
 * the handshake or read resumes on the next mock_tls_recv.
 */
#include "tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/openssl/evp.h>
#include <wolfssl/openssl/pem.h>
#include <wolfssl/openssl/x509.h>
#include <wolfssl/wolfcrypt/ecc.h>

#include "ucql/common.h"

/* A growable byte buffer with a read offset. */
typedef struct tls_buf {
	uint8_t *p;
	size_t off, len, cap; /* live bytes are p[off .. len) */
} tls_buf;

struct mock_tls_ctx {
	WOLFSSL_CTX *ctx;
};

struct mock_tls {
	WOLFSSL *ssl;
	int ready;
	int dead;
	int checked;   /* the first record header was looked at */
	tls_buf in;    /* ciphertext received, not yet read by wolfSSL */
	tls_buf wire;  /* ciphertext to send */
	tls_buf plain; /* plaintext decrypted by the last mock_tls_recv */
	char err[160];
};

/*
 * Debian's wolfSSL is built with FP_ECC and HAVE_THREAD_LS: every thread
 * doing ECC keeps a fixed-point cache that only wc_ecc_fp_free on that
 * same thread releases (LeakSanitizer reports it otherwise). Connections
 * live on the server's loop thread, so the cache is dropped there when its
 * last connection goes, and rebuilt by the next handshake.
 */
static _Thread_local unsigned long live_on_thread;

/* Room for one whole TLS record's plaintext per read. */
#define PLAIN_CHUNK 16384

static int buf_reserve(tls_buf *b, size_t extra)
{
	if (b->off && b->off == b->len)
		b->off = b->len = 0;
	if (b->cap - b->len >= extra)
		return 0;
	if (b->off) { /* reclaim the consumed front before growing */
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= extra)
			return 0;
	}
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < extra) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int buf_append(tls_buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n))
		return -1;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

/* ---- wolfSSL I/O callbacks ------------------------------------------------ */

static int io_recv(WOLFSSL *ssl, char *buf, int sz, void *vctx)
{
	(void)ssl;
	mock_tls *t = vctx;
	size_t avail = t->in.len - t->in.off;
	if (avail == 0)
		return WOLFSSL_CBIO_ERR_WANT_READ; /* resume on the next mock_tls_recv */
	size_t n = avail < (size_t)sz ? avail : (size_t)sz;
	memcpy(buf, t->in.p + t->in.off, n);
	t->in.off += n;
	if (t->in.off == t->in.len)
		t->in.off = t->in.len = 0;
	return (int)n;
}

static int io_send(WOLFSSL *ssl, char *buf, int sz, void *vctx)
{
	(void)ssl;
	mock_tls *t = vctx;
	if (sz < 0 || buf_append(&t->wire, buf, (size_t)sz))
		return WOLFSSL_CBIO_ERR_GENERAL;
	return sz;
}

/* ---- context -------------------------------------------------------------- */

static void wolf_reason(int code, char *buf, size_t len)
{
	char tmp[WOLFSSL_MAX_ERROR_SZ];
	wolfSSL_ERR_error_string_n((unsigned long)(long)code, tmp, sizeof tmp);
	snprintf(buf, len, "%s", tmp);
}

/* The reason of a failed load: the loaders return WOLFSSL_FAILURE and
 * leave the cause in the error queue. */
static void load_reason(char *buf, size_t len)
{
	unsigned long e = wolfSSL_ERR_get_error();
	if (!e) {
		snprintf(buf, len, "unrecognized content");
		return;
	}
	char tmp[WOLFSSL_MAX_ERROR_SZ];
	wolfSSL_ERR_error_string_n(e, tmp, sizeof tmp);
	snprintf(buf, len, "%s", tmp);
}

/*
 * 1 if the private key in key_path signs what the certificate's public
 * key verifies. wolfSSL 5.5.4's wolfSSL_CTX_check_private_key accepts an
 * ECDSA key that belongs to another certificate (seen with P-256), so a
 * mismatch would only show up as failed handshakes; a test signature
 * catches it at start, whatever the key type.
 */
static int key_matches(const char *cert_path, const char *key_path)
{
	int ok = 0;
	WOLFSSL_X509 *x = wolfSSL_X509_load_certificate_file(cert_path, WOLFSSL_FILETYPE_PEM);
	WOLFSSL_EVP_PKEY *pub = x ? wolfSSL_X509_get_pubkey(x) : NULL;
	FILE *f = fopen(key_path, "rb");
	WOLFSSL_EVP_PKEY *priv = f ? wolfSSL_PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	WOLFSSL_EVP_MD_CTX *sc = wolfSSL_EVP_MD_CTX_new();
	WOLFSSL_EVP_MD_CTX *vc = wolfSSL_EVP_MD_CTX_new();
	static const char msg[] = "ucql-mock key check";
	unsigned char sig[1024];
	size_t sl = sizeof sig;
	if (pub && priv && sc && vc &&
	    wolfSSL_EVP_DigestSignInit(sc, NULL, wolfSSL_EVP_sha256(), NULL, priv) == 1 &&
	    wolfSSL_EVP_DigestSignUpdate(sc, msg, sizeof msg) == 1 &&
	    wolfSSL_EVP_DigestSignFinal(sc, sig, &sl) == 1 &&
	    wolfSSL_EVP_DigestVerifyInit(vc, NULL, wolfSSL_EVP_sha256(), NULL, pub) == 1 &&
	    wolfSSL_EVP_DigestVerifyUpdate(vc, msg, sizeof msg) == 1)
		ok = wolfSSL_EVP_DigestVerifyFinal(vc, sig, sl) == 1;
	wolfSSL_EVP_MD_CTX_free(sc);
	wolfSSL_EVP_MD_CTX_free(vc);
	wolfSSL_EVP_PKEY_free(priv);
	wolfSSL_EVP_PKEY_free(pub);
	wolfSSL_X509_free(x);
	wolfSSL_ERR_clear_error();
	return ok;
}

/* fopen first: wolfSSL reports an unreadable file and a bad one alike. */
static int check_readable(const char *what, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot read %s %s: %s", what, path, strerror(errno));
		return UCQL_E_INVALID_ARG;
	}
	fclose(f);
	return 0;
}

int mock_tls_ctx_new(const mock_tls_config *cfg, mock_tls_ctx **out, char *err, size_t errlen)
{
	char dummy[1];
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = 0;
	*out = NULL;
	if (!cfg->cert || !cfg->cert[0] || !cfg->key || !cfg->key[0]) {
		snprintf(err, errlen, "TLS needs a certificate and a private key");
		return UCQL_E_INVALID_ARG;
	}
	if (cfg->require_client_cert && (!cfg->ca || !cfg->ca[0])) {
		snprintf(err, errlen, "requiring client certificates needs a CA to verify them");
		return UCQL_E_INVALID_ARG;
	}
	int r = check_readable("certificate", cfg->cert, err, errlen);
	if (!r)
		r = check_readable("private key", cfg->key, err, errlen);
	if (!r && cfg->ca && cfg->ca[0])
		r = check_readable("CA", cfg->ca, err, errlen);
	if (r)
		return r;

	/* Reference-counted by wolfSSL: paired with wolfSSL_Cleanup in free. */
	if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "wolfSSL_Init failed");
		return UCQL_E_NOMEM;
	}
	mock_tls_ctx *c = calloc(1, sizeof *c);
	if (c)
		c->ctx = wolfSSL_CTX_new(wolfSSLv23_server_method());
	if (!c || !c->ctx) {
		free(c);
		wolfSSL_Cleanup();
		snprintf(err, errlen, "out of memory");
		return UCQL_E_NOMEM;
	}
	char why[WOLFSSL_MAX_ERROR_SZ];
	int rc;
	/* TLS 1.2 and 1.3: what Cassandra 4.0 accepts by default. */
	if ((rc = wolfSSL_CTX_SetMinVersion(c->ctx, WOLFSSL_TLSV1_2)) != WOLFSSL_SUCCESS) {
		wolf_reason(rc, why, sizeof why);
		snprintf(err, errlen, "cannot set the minimum TLS version: %s", why);
		goto fail;
	}
	wolfSSL_ERR_clear_error();
	if ((rc = wolfSSL_CTX_use_certificate_chain_file(c->ctx, cfg->cert)) != WOLFSSL_SUCCESS) {
		load_reason(why, sizeof why);
		snprintf(err, errlen, "%s: not a valid PEM certificate chain (%s)", cfg->cert, why);
		goto fail;
	}
	if ((rc = wolfSSL_CTX_use_PrivateKey_file(c->ctx, cfg->key, WOLFSSL_FILETYPE_PEM)) !=
	    WOLFSSL_SUCCESS) {
		load_reason(why, sizeof why);
		snprintf(err, errlen, "%s: not a valid PEM private key (%s)", cfg->key, why);
		goto fail;
	}
	if (wolfSSL_CTX_check_private_key(c->ctx) != WOLFSSL_SUCCESS ||
	    !key_matches(cfg->cert, cfg->key)) {
		snprintf(err, errlen, "%s does not match the certificate in %s", cfg->key, cfg->cert);
		goto fail;
	}
	if (cfg->ca && cfg->ca[0]) {
		if (wolfSSL_CTX_load_verify_locations(c->ctx, cfg->ca, NULL) != WOLFSSL_SUCCESS) {
			load_reason(why, sizeof why);
			snprintf(err, errlen, "%s: not a valid PEM CA certificate (%s)", cfg->ca, why);
			goto fail;
		}
		int mode = WOLFSSL_VERIFY_PEER;
		if (cfg->require_client_cert)
			mode |= WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		wolfSSL_CTX_set_verify(c->ctx, mode, NULL);
	} else {
		wolfSSL_CTX_set_verify(c->ctx, WOLFSSL_VERIFY_NONE, NULL);
	}
	wolfSSL_CTX_SetIORecv(c->ctx, io_recv);
	wolfSSL_CTX_SetIOSend(c->ctx, io_send);
	*out = c;
	return 0;
fail:
	wolfSSL_CTX_free(c->ctx);
	free(c);
	wolfSSL_Cleanup();
	return UCQL_E_INVALID_ARG;
}

void mock_tls_ctx_free(mock_tls_ctx *ctx)
{
	if (!ctx)
		return;
	wolfSSL_CTX_free(ctx->ctx);
	free(ctx);
	wolfSSL_Cleanup();
}

/* ---- connection ----------------------------------------------------------- */

mock_tls *mock_tls_new(mock_tls_ctx *ctx)
{
	mock_tls *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->ssl = wolfSSL_new(ctx->ctx);
	if (!t->ssl) {
		free(t);
		return NULL;
	}
	wolfSSL_SetIOReadCtx(t->ssl, t);
	wolfSSL_SetIOWriteCtx(t->ssl, t);
	live_on_thread++;
	return t;
}

void mock_tls_free(mock_tls *t)
{
	if (!t)
		return;
	wolfSSL_free(t->ssl);
	free(t->in.p);
	free(t->wire.p);
	free(t->plain.p);
	free(t);
#if defined(HAVE_ECC) && defined(FP_ECC)
	if (live_on_thread && --live_on_thread == 0)
		wc_ecc_fp_free();
#endif
}

static int fail(mock_tls *t, const char *stage, int ret)
{
	int e = wolfSSL_get_error(t->ssl, ret);
	if (e == WOLFSSL_ERROR_ZERO_RETURN) {
		snprintf(t->err, sizeof t->err, "the client closed TLS (close_notify)");
	} else {
		char why[WOLFSSL_MAX_ERROR_SZ];
		wolf_reason(e, why, sizeof why);
		snprintf(t->err, sizeof t->err, "TLS %s failed: %s (%d)", stage, why, e);
	}
	t->dead = 1;
	return -1;
}

int mock_tls_recv(mock_tls *t, const uint8_t *p, size_t n, const uint8_t **plain, size_t *plain_len)
{
	*plain = NULL;
	*plain_len = 0;
	t->plain.off = t->plain.len = 0;
	if (t->dead)
		return -1;
	if (!t->checked && n) {
		/* A TLS connection starts with a handshake record (type 22, major
		 * version 3). wolfSSL would instead wait for the body length the
		 * bogus header announces; a plaintext CQL client on a TLS port
		 * gets closed at once instead of hanging. */
		t->checked = 1;
		if (p[0] != 22 || (n > 1 && p[1] != 3)) {
			snprintf(t->err, sizeof t->err,
				 "not a TLS ClientHello (first byte 0x%02x): a client without TLS?", p[0]);
			t->dead = 1;
			return -1;
		}
	}
	if (n && buf_append(&t->in, p, n)) {
		snprintf(t->err, sizeof t->err, "out of memory");
		t->dead = 1;
		return -1;
	}
	if (!t->ready) {
		int r = wolfSSL_accept(t->ssl);
		if (r != WOLFSSL_SUCCESS) {
			if (wolfSSL_get_error(t->ssl, r) == WOLFSSL_ERROR_WANT_READ)
				return 0; /* the next flight is not complete yet */
			return fail(t, "handshake", r);
		}
		t->ready = 1;
	}
	/* Drain every whole record (and what wolfSSL buffered inside). */
	for (;;) {
		if (buf_reserve(&t->plain, PLAIN_CHUNK)) {
			snprintf(t->err, sizeof t->err, "out of memory");
			t->dead = 1;
			return -1;
		}
		int r = wolfSSL_read(t->ssl, t->plain.p + t->plain.len, PLAIN_CHUNK);
		if (r > 0) {
			t->plain.len += (size_t)r;
			continue;
		}
		if (wolfSSL_get_error(t->ssl, r) == WOLFSSL_ERROR_WANT_READ)
			break;
		return fail(t, "read", r);
	}
	*plain = t->plain.p;
	*plain_len = t->plain.len;
	return 0;
}

int mock_tls_ready(const mock_tls *t)
{
	return t->ready && !t->dead;
}

int mock_tls_send(mock_tls *t, const uint8_t *p, size_t n)
{
	if (!mock_tls_ready(t))
		return -1;
	while (n) {
		/* wolfSSL_write takes an int and cuts records itself. */
		int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
		int r = wolfSSL_write(t->ssl, p, chunk);
		if (r <= 0)
			return fail(t, "write", r);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

const uint8_t *mock_tls_wire(const mock_tls *t, size_t *len)
{
	*len = t->wire.len - t->wire.off;
	return t->wire.p ? t->wire.p + t->wire.off : NULL;
}

void mock_tls_wire_consume(mock_tls *t, size_t n)
{
	size_t avail = t->wire.len - t->wire.off;
	t->wire.off += n < avail ? n : avail;
	if (t->wire.off == t->wire.len)
		t->wire.off = t->wire.len = 0;
}

const char *mock_tls_error(const mock_tls *t)
{
	return t->err;
}

const char *mock_tls_version(const mock_tls *t)
{
	return t->ready ? wolfSSL_get_version(t->ssl) : "";
}

const char *mock_tls_cipher(const mock_tls *t)
{
	const char *s = t->ready ? wolfSSL_get_cipher_name(t->ssl) : NULL;
	return s ? s : "";
}
