/*
 * interop-peer: reads one JSON command per line on stdin, answers one JSON
 * line on stdout. Driven by tests/interop/test_codec.py, which checks the
 * answers against Debian's python3-cassandra. Commands ("cmd"):
 *   token         parts: [hex…]        → token, parts_token, key (routing key hex)
 *   crc           hex                  → crc24 (≤ 8 bytes), crc32, crc32_inc
 *   seg-encode    lz4, hex (1 envelope) → hex (ucql_segments_write_envelope)
 *   segs-write    lz4, hex (envelopes) → hex (ucql_segments_write)
 *   seg-decode    lz4, hex             → segs: [[self_contained, hex, compressed]…]
 *   seg-stream    lz4, chunk, hex      → out: [hex…] (ucql_segment_stream)
 *   value-decode / value-encode / type-option   (values.c)
 *   req-decode / resp-encode                     (frames.c)
 * Errors: {"error": "<where>", "code": "UCQL_E_…"}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "ucql/segment.h"
#include "ucql/token.h"

void answer_error(sbuf *out, const char *what, int code)
{
	out->len = 0;
	sb_puts(out, "{\"error\":");
	sb_jstr(out, what, strlen(what));
	sb_puts(out, ",\"code\":");
	const char *name = ucql_err_name(code);
	sb_jstr(out, name, strlen(name));
	sb_puts(out, "}");
}

static int cmd_token(const jnode *cmd, sbuf *out)
{
	const jnode *parts = jget(cmd, "parts");
	if (!parts || parts->t != J_ARR) {
		answer_error(out, "parts", UCQL_E_INVALID_ARG);
		return 1;
	}
	size_t n = parts->n;
	ucql_bytes *pv = calloc(n + 1, sizeof *pv);
	uint8_t **bufs = calloc(n + 1, sizeof *bufs);
	for (size_t i = 0; i < n; i++) {
		long l = unhex(parts->kids[i]->s, parts->kids[i]->slen, &bufs[i]);
		pv[i] = ucql_bytes_of(bufs[i], l < 0 ? 0 : (size_t)l);
	}
	int64_t tok = 0;
	int rc = ucql_token_murmur3_parts(pv, n, &tok);
	if (rc) {
		answer_error(out, "parts", rc);
	} else {
		ucql_writer w;
		ucql_writer_init(&w, NULL, 0);
		ucql_token_write_key(&w, pv, n);
		size_t need = w.len;
		uint8_t *key = malloc(need + 1);
		ucql_writer_init(&w, key, need);
		ucql_token_write_key(&w, pv, n);
		int64_t direct = ucql_token_murmur3(key, w.len);
		sb_printf(out, "{\"parts_token\":%lld,\"token\":%lld,\"key\":", (long long)tok,
			  (long long)direct);
		sb_jhex(out, key, w.err ? 0 : w.len);
		sb_puts(out, "}");
		free(key);
	}
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(pv);
	return rc != 0;
}

static int cmd_crc(const jnode *cmd, sbuf *out)
{
	size_t n;
	uint8_t *b = jhex(cmd, "hex", &n);
	if (!b) {
		answer_error(out, "hex", UCQL_E_INVALID_ARG);
		return 1;
	}
	/* Incremental: three uneven pieces. */
	size_t a = n / 3, c = n - n / 5;
	uint32_t inc = ucql_crc32_update(UCQL_CRC32_CQL_INIT, b, a);
	inc = ucql_crc32_update(inc, b + a, c - a);
	inc = ucql_crc32_update(inc, b + c, n - c);
	sb_printf(out, "{\"crc32\":%u,\"crc32_inc\":%u,\"crc32_plain\":%u", ucql_crc32_cql(b, n),
		  inc, ucql_crc32_update(0, b, n));
	if (n <= 8)
		sb_printf(out, ",\"crc24\":%u", ucql_crc24(b, n));
	sb_puts(out, "}");
	free(b);
	return 0;
}

static int cmd_seg_encode(const jnode *cmd, sbuf *out, int packed)
{
	size_t n;
	int lz4 = (int)jint(cmd, "lz4", 0);
	uint8_t *b = jhex(cmd, "hex", &n);
	if (!b) {
		answer_error(out, "hex", UCQL_E_INVALID_ARG);
		return 1;
	}
	size_t cap = ucql_segments_bound(n, packed ? n / 9 + 1 : 1, lz4);
	uint8_t *buf = malloc(cap);
	ucql_writer w;
	ucql_writer_init(&w, buf, cap);
	if (packed)
		ucql_segments_write(&w, ucql_bytes_of(b, n), lz4);
	else
		ucql_segments_write_envelope(&w, ucql_bytes_of(b, n), lz4);
	/* A measuring pass must be an upper bound (exact when uncompressed). */
	ucql_writer m;
	ucql_writer_init(&m, NULL, 0);
	if (packed)
		ucql_segments_write(&m, ucql_bytes_of(b, n), lz4);
	else
		ucql_segments_write_envelope(&m, ucql_bytes_of(b, n), lz4);
	if (w.err) {
		answer_error(out, "write", w.err);
	} else {
		sb_puts(out, "{\"hex\":");
		sb_jhex(out, buf, w.len);
		sb_printf(out, ",\"measured\":%zu}", m.len);
	}
	free(buf);
	free(b);
	return w.err != 0;
}

static int cmd_seg_decode(const jnode *cmd, sbuf *out)
{
	size_t n;
	int lz4 = (int)jint(cmd, "lz4", 0);
	uint8_t *b = jhex(cmd, "hex", &n);
	if (!b) {
		answer_error(out, "hex", UCQL_E_INVALID_ARG);
		return 1;
	}
	uint8_t *dec = malloc(UCQL_SEGMENT_MAX_PAYLOAD);
	size_t at = 0;
	int rc = 0;
	sb_puts(out, "{\"segs\":[");
	while (at < n) {
		ucql_segment seg;
		rc = ucql_segment_decode(b + at, n - at, lz4, dec, UCQL_SEGMENT_MAX_PAYLOAD, &seg);
		if (rc <= 0)
			break;
		sb_printf(out, "%s[%d,", at ? "," : "", seg.self_contained);
		sb_jhex(out, seg.payload.p, seg.payload.len);
		sb_printf(out, ",%d]", seg.compressed);
		at += (size_t)rc;
		rc = 0;
	}
	if (rc < 0) {
		answer_error(out, "decode", rc);
		out->len--; /* reopen the object: add the offset */
		sb_printf(out, ",\"at\":%zu}", at);
	} else {
		sb_puts(out, "]}");
	}
	free(dec);
	free(b);
	return rc != 0;
}

static int cmd_seg_stream(const jnode *cmd, sbuf *out)
{
	size_t n;
	int lz4 = (int)jint(cmd, "lz4", 0);
	size_t chunk = (size_t)jint(cmd, "chunk", 1 << 20);
	uint8_t *b = jhex(cmd, "hex", &n);
	if (!b || !chunk) {
		answer_error(out, "hex", UCQL_E_INVALID_ARG);
		return 1;
	}
	size_t wcap = UCQL_SEGMENT_STREAM_WORK_SIZE(lz4), ecap = 1u << 20;
	uint8_t *work = malloc(wcap), *env = malloc(ecap);
	ucql_segment_stream st;
	int rc = ucql_segment_stream_init(&st, lz4, work, wcap, env, ecap);
	sbuf outs = { 0 };
	int first = 1;
	for (size_t at = 0; !rc && at < n; at += chunk) {
		size_t k = n - at < chunk ? n - at : chunk;
		/* Feed a private copy so a view into a stale chunk would show. */
		uint8_t *copy = malloc(k);
		memcpy(copy, b + at, k);
		ucql_segment_stream_feed(&st, copy, k);
		ucql_bytes piece;
		while ((rc = ucql_segment_stream_next(&st, &piece)) == 1) {
			if (!first)
				sb_puts(&outs, ",");
			first = 0;
			sb_jhex(&outs, piece.p, piece.len);
		}
		memset(copy, 0xEE, k);
		free(copy);
	}
	if (rc < 0) {
		answer_error(out, "stream", rc);
	} else {
		sb_printf(out, "{\"idle\":%d,\"out\":[", ucql_segment_stream_idle(&st));
		if (outs.p)
			sb_putn(out, outs.p, outs.len);
		sb_puts(out, "]}");
	}
	free(outs.p);
	free(work);
	free(env);
	free(b);
	return rc < 0;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	sbuf out = { 0 };
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	while ((got = getline(&line, &cap, stdin)) > 0) {
		if (line[got - 1] == '\n')
			line[--got] = 0;
		if (!got)
			continue;
		out.len = 0;
		jnode *cmd = json_parse(line);
		const char *c = cmd ? jstr(cmd, "cmd") : NULL;
		if (!c)
			answer_error(&out, "bad command line", UCQL_E_INVALID_ARG);
		else if (!strcmp(c, "token"))
			cmd_token(cmd, &out);
		else if (!strcmp(c, "crc"))
			cmd_crc(cmd, &out);
		else if (!strcmp(c, "seg-encode"))
			cmd_seg_encode(cmd, &out, 0);
		else if (!strcmp(c, "segs-write"))
			cmd_seg_encode(cmd, &out, 1);
		else if (!strcmp(c, "seg-decode"))
			cmd_seg_decode(cmd, &out);
		else if (!strcmp(c, "seg-stream"))
			cmd_seg_stream(cmd, &out);
		else if (!strcmp(c, "value-decode"))
			cmd_value_decode(cmd, &out);
		else if (!strcmp(c, "value-encode"))
			cmd_value_encode(cmd, &out);
		else if (!strcmp(c, "type-option"))
			cmd_type_option(cmd, &out);
		else if (!strcmp(c, "req-decode"))
			cmd_request_decode(cmd, &out);
		else if (!strcmp(c, "resp-encode"))
			cmd_response_encode(cmd, &out);
		else
			answer_error(&out, "unknown command", UCQL_E_INVALID_ARG);
		json_free(cmd);
		sb_puts(&out, "\n");
		fwrite(out.p, 1, out.len, stdout);
		fflush(stdout);
	}
	free(line);
	free(out.p);
	return 0;
}
