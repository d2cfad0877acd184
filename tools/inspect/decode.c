/*
 * ucql-inspect decode: walks a captured byte stream — v3/v4 frames, or a
 * v5 connection (unframed handshake envelopes, then segments, v5 §2) —
 * decodes every message with ucql's codec and prints it. Any error stops
 * the walk with the byte offset where it happened.
 */
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "ucql/segment.h"

typedef struct walk {
	const insp_opts *opts;
	insp_out out;
} walk;

/* "offset N" or "offset N+K" (K: inside a segment's payload). */
static void where_str(const insp_where *w, char *buf, size_t cap)
{
	if (w->in_segment >= 0)
		snprintf(buf, cap, "offset %zu (segment payload +%ld)", w->offset, w->in_segment);
	else
		snprintf(buf, cap, "offset %zu", w->offset);
}

static int fail(const insp_where *w, const char *what, int err)
{
	char at[64];
	where_str(w, at, sizeof at);
	insp_error("%s: %s: %s (%s)", at, what, ucql_err_str(err), ucql_err_name(err));
	return INSP_EXIT_MALFORMED;
}

/*
 * Decodes and prints the envelope at p[0..n). In a segment payload
 * (w->in_segment >= 0) the envelope must end inside it. Sets *used and
 * *opcode. Returns 0 or an exit code.
 */
static int one_envelope(walk *k, const uint8_t *p, size_t n, const insp_where *w, size_t *used,
			int *opcode)
{
	const insp_opts *o = k->opts;
	ucql_frame_header h;
	ucql_frame f;
	ucql_message m;
	char at[64];
	uint8_t *plain = NULL;
	insp_where wh = *w;
	int rc;

	where_str(w, at, sizeof at);
	rc = ucql_frame_header_decode(p, n, o->max_frame, &h);
	if (rc == UCQL_NEED_MORE) {
		if (w->in_segment >= 0)
			insp_error("%s: envelope header cut short: the segment payload ends %zu "
				   "bytes into it (UCQL_E_TRUNCATED)", at, n);
		else
			insp_error("input ends inside a frame at offset %zu (%zu of its 9 header "
				   "bytes present)", w->offset, n);
		return INSP_EXIT_MALFORMED;
	}
	if (rc == UCQL_E_BAD_VERSION) {
		insp_error("%s: frame header: %s (%s): version byte 0x%02x", at, ucql_err_str(rc),
			   ucql_err_name(rc), p[0]);
		return INSP_EXIT_MALFORMED;
	}
	if (rc == UCQL_E_BAD_OPCODE) {
		insp_error("%s: frame header: %s (%s): opcode 0x%02x in a %s frame", at,
			   ucql_err_str(rc), ucql_err_name(rc), h.opcode,
			   h.response ? "server->client" : "client->server");
		return INSP_EXIT_MALFORMED;
	}
	if (rc == UCQL_E_TOO_BIG) {
		insp_error("%s: frame header: %s (%s): body of %u bytes, --max-frame is %u", at,
			   ucql_err_str(rc), ucql_err_name(rc), h.length, o->max_frame);
		return INSP_EXIT_MALFORMED;
	}
	if (rc < 0)
		return fail(w, "frame header", rc);
	if (h.response != (o->server ? 1 : 0)) {
		insp_error("%s: a %s frame (version byte 0x%02x) in a %s stream%s", at,
			   h.response ? "server->client" : "client->server", p[0],
			   o->server ? "server->client" : "client->server",
			   o->server ? " (drop --server?)" : " (use --server?)");
		return INSP_EXIT_MALFORMED;
	}
	rc = ucql_frame_decode(p, n, o->max_frame, &f);
	if (rc == UCQL_NEED_MORE) {
		if (w->in_segment >= 0)
			insp_error("%s: envelope of %zu bytes runs past the end of its segment "
				   "payload (%zu bytes left) (UCQL_E_TRUNCATED)",
				   at, (size_t)h.length + 9, n);
		else
			insp_error("input ends inside a frame at offset %zu (frame of %zu bytes, "
				   "%zu present)", w->offset, (size_t)h.length + 9, n);
		return INSP_EXIT_MALFORMED;
	}
	if (rc < 0)
		return fail(w, "frame body", rc);
	*used = (size_t)rc;
	*opcode = f.h.opcode;
	if (!f.parsed) {
		/* v3/v4 compressed body (§5): 4-byte length + lz4 block. */
		size_t size;
		if (!o->lz4) {
			insp_error("%s: %s frame is compressed (flag 0x01) but --lz4 was not given",
				   at, ucql_opcode_name(f.h.opcode));
			return INSP_EXIT_MALFORMED;
		}
		rc = ucql_frame_decompressed_size(&f, o->max_frame, &size);
		if (rc < 0)
			return fail(w, "compressed frame body", rc);
		plain = malloc(size ? size : 1);
		if (!plain) {
			insp_error("%s: out of memory for a %zu-byte body", at, size);
			return INSP_EXIT_MALFORMED;
		}
		rc = ucql_frame_decompress(&f, plain, size, o->max_frame);
		if (rc < 0) {
			free(plain);
			return fail(w, "decompressing frame body", rc);
		}
		wh.compressed = 1;
	}
	rc = ucql_message_decode_frame(&f, &m);
	if (rc < 0) {
		char what[64];
		snprintf(what, sizeof what, "%s body", ucql_opcode_name(f.h.opcode));
		free(plain);
		return fail(w, what, rc);
	}
	insp_print_message(&k->out, &f, &m, &wh);
	free(plain);
	return 0;
}

/* Walks v5 segments from input offset `pos` to the end. */
static int walk_segments(walk *k, const uint8_t *buf, size_t len, size_t pos)
{
	const insp_opts *o = k->opts;
	ucql_segment_stream s;
	size_t work_cap = UCQL_SEGMENT_STREAM_WORK_SIZE(o->lz4);
	/* A split envelope cannot be larger than the frame limit, nor than
	 * what the rest of the input can carry (lz4: each segment of at least
	 * 13 bytes yields at most UCQL_SEGMENT_MAX_PAYLOAD bytes). */
	size_t left = len - pos;
	size_t env_cap = o->lz4 ? (left / 13 + 1) * (size_t)UCQL_SEGMENT_MAX_PAYLOAD : left;
	if (env_cap > (size_t)o->max_frame + UCQL_FRAME_HEADER_SIZE)
		env_cap = (size_t)o->max_frame + UCQL_FRAME_HEADER_SIZE;
	if (env_cap < UCQL_FRAME_HEADER_SIZE)
		env_cap = UCQL_FRAME_HEADER_SIZE;
	uint8_t *work = malloc(work_cap), *env = malloc(env_cap);
	long split_at = -1; /* offset of the first segment of a split envelope */
	int rc = 0;

	if (!work || !env || ucql_segment_stream_init(&s, o->lz4, work, work_cap, env, env_cap)) {
		insp_error("out of memory");
		rc = INSP_EXIT_MALFORMED;
		goto out;
	}
	while (pos < len && !rc) {
		ucql_segment_header h;
		insp_where w = { pos, -1, 0 };
		ucql_bytes got;
		int n = ucql_segment_header_decode(buf + pos, len - pos, o->lz4, &h);
		if (n == UCQL_NEED_MORE) {
			insp_error("input ends inside a segment header at offset %zu (%zu of %u bytes "
				   "present)", pos, len - pos,
				   o->lz4 ? UCQL_SEGMENT_LZ4_HEADER_SIZE : UCQL_SEGMENT_HEADER_SIZE);
			rc = INSP_EXIT_MALFORMED;
			break;
		}
		if (n < 0) {
			insp_error("offset %zu: segment header: %s (%s)%s", pos, ucql_err_str(n),
				   ucql_err_name(n),
				   o->lz4 ? " (was lz4 really negotiated? try without --lz4)"
					  : " (lz4 segments? try --lz4)");
			rc = INSP_EXIT_MALFORMED;
			break;
		}
		if (h.wire_size > len - pos) {
			insp_error("input ends inside a segment at offset %zu (segment of %u bytes, "
				   "%zu present)", pos, h.wire_size, len - pos);
			rc = INSP_EXIT_MALFORMED;
			break;
		}
		if (!h.self_contained && split_at < 0)
			split_at = (long)pos;
		ucql_segment_stream_feed(&s, buf + pos, h.wire_size);
		while (!rc && (n = ucql_segment_stream_next(&s, &got)) == 1) {
			if (h.self_contained) {
				/* One or more whole envelopes. */
				for (size_t at = 0; at < got.len && !rc;) {
					insp_where e = { pos, (long)at, 0 };
					size_t used;
					int op;
					rc = one_envelope(k, got.p + at, got.len - at, &e, &used, &op);
					at += rc ? 0 : used;
				}
			} else {
				/* One envelope reassembled from its pieces. */
				insp_where e = { (size_t)split_at, 0, 0 };
				size_t used;
				int op;
				rc = one_envelope(k, got.p, got.len, &e, &used, &op);
				if (!rc && used != got.len) {
					insp_error("offset %ld: split envelope: %zu bytes after it "
						   "(UCQL_E_TRAILING)", split_at, got.len - used);
					rc = INSP_EXIT_MALFORMED;
				}
				split_at = -1;
			}
		}
		if (!rc && n < 0) {
			const char *what = "segment";
			if (n == UCQL_E_CRC)
				what = s.bad_crc == UCQL_SEGMENT_BAD_HEADER_CRC ? "segment header"
										: "segment payload";
			else if (n == UCQL_E_TOO_BIG || n == UCQL_E_BAD_LENGTH)
				what = "envelope split across segments";
			else if (n == UCQL_E_BAD_FLAGS)
				what = "self-contained segment inside a split envelope";
			rc = fail(&w, what, n);
		}
		pos += h.wire_size;
	}
	if (!rc && !ucql_segment_stream_idle(&s)) {
		insp_error("input ends inside an envelope split across segments (first segment at "
			   "offset %ld)", split_at);
		rc = INSP_EXIT_MALFORMED;
	}
out:
	free(work);
	free(env);
	return rc;
}

int insp_decode(const uint8_t *buf, size_t len, const insp_opts *opts)
{
	walk k;
	size_t pos = 0;
	memset(&k, 0, sizeof k);
	k.opts = opts;
	k.out.f = stdout;
	k.out.json = opts->json;
	while (pos < len) {
		insp_where w = { pos, -1, 0 };
		size_t used;
		int op, rc = one_envelope(&k, buf + pos, len - pos, &w, &used, &op);
		if (rc)
			return rc;
		pos += used;
		/* v5 §2: framing starts after STARTUP from the client, after
		 * READY or AUTHENTICATE from the server. */
		if (opts->v5 &&
		    (opts->server ? (op == UCQL_OP_READY || op == UCQL_OP_AUTHENTICATE)
				  : op == UCQL_OP_STARTUP))
			return pos < len ? walk_segments(&k, buf, len, pos) : INSP_EXIT_OK;
	}
	return INSP_EXIT_OK;
}
