/*
 * ucql-inspect: reads captured CQL native protocol traffic (v3, v4, v5)
 * and prints its messages, one line each; computes Murmur3 tokens.
 * Built on ucql's codec (frame, segment, message and token modules).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

static const char usage[] =
"usage: ucql-inspect token HEX [HEX ...]\n"
"       ucql-inspect decode [--v5] [--lz4] [--server] [--json] [--max-frame BYTES] [FILE|-]\n"
"       ucql-inspect --help | --version\n"
"\n"
"token HEX [HEX ...]\n"
"  Prints the Murmur3Partitioner token (a signed 64-bit decimal) of a\n"
"  partition key given as the hex of its serialized value, e.g.\n"
"  'ucql-inspect token 00000001' for the int 1. One argument per key\n"
"  component: two or more make a composite key (serialized per component as\n"
"  <2-byte length><bytes><00>, as Cassandra does). An optional 0x prefix is\n"
"  accepted; \"\" is the empty key. Bad hex: an error and exit status 2.\n"
"\n"
"decode [options] [FILE|-]\n"
"  Reads FILE (or stdin: no FILE, or '-') in full: the raw bytes of one\n"
"  direction of one connection, as they crossed the wire (a TCP stream\n"
"  extracted from a capture). Prints one line per message:\n"
"    @OFFSET vVERSION stream=N OPCODE [flags=A|B] key=value ...\n"
"  OFFSET is the message's byte offset in the input; for a v5 message\n"
"  carried in segments it is the offset of the segment (the first one of a\n"
"  split envelope) followed by +K, the envelope's offset in the segment's\n"
"  payload (after decompression).\n"
"\n"
"  --server     the stream is server -> client (responses, events); the\n"
"               default is client -> server (requests). A frame of the other\n"
"               direction is an error.\n"
"  --v5         the stream is a protocol v5 connection: the handshake\n"
"               (OPTIONS/SUPPORTED, STARTUP, and READY or AUTHENTICATE) is\n"
"               plain envelopes; from the client, everything after the\n"
"               STARTUP envelope is carried in v5 segments (framing); from\n"
"               the server, everything after READY or AUTHENTICATE.\n"
"               Without --v5, every frame is read as a plain v3/v4/v5\n"
"               envelope: a v5 header without --v5 is decoded as an\n"
"               unframed envelope, never as segments.\n"
"  --lz4        lz4 compression was negotiated in STARTUP: v5 segments are\n"
"               lz4 segments, and v3/v4 frames with the compression flag\n"
"               (0x01) are decompressed (without --lz4 such a frame is an\n"
"               error). STARTUP itself is never compressed.\n"
"  --json       one JSON object per line instead of text (see below).\n"
"  --max-frame BYTES\n"
"               largest frame body accepted, compressed or not (default\n"
"               268435456, 256 MiB); larger is an error.\n"
"\n"
"  What each line shows (JSON member names; text uses the same names):\n"
"    every message: offset, in_segment (v5 segments only), version, stream,\n"
"      opcode (spec name, e.g. \"QUERY\"), flags (a list of flag names:\n"
"      COMPRESSION, TRACING, CUSTOM_PAYLOAD, WARNING, USE_BETA; unknown bits\n"
"      as \"0x40\"), length (body bytes on the wire), compressed (true if\n"
"      the body was lz4-decompressed; v3/v4), tracing_id, warnings,\n"
"      custom_payload_keys (when present);\n"
"    STARTUP options {key: value}; REGISTER events [..];\n"
"    QUERY query, consistency, values (count), and when present:\n"
"      named_values, skip_metadata, page_size, paging_state (hex),\n"
"      serial_consistency, timestamp, keyspace, now_in_seconds;\n"
"    EXECUTE id (hex), result_metadata_id (v5), then as QUERY;\n"
"    PREPARE query, keyspace (v5);\n"
"    BATCH batch_type, statements (count), consistency, statement_list\n"
"      [{query|id, values}], and the optional fields of QUERY;\n"
"    AUTH_RESPONSE, AUTH_CHALLENGE, AUTH_SUCCESS token_length (null: null);\n"
"    ERROR error (spec name, e.g. \"Unavailable\"), error_code (\"0x1000\"),\n"
"      message, and the code's details: consistency, required, alive,\n"
"      received, block_for, write_type, contentions, data_present,\n"
"      num_failures, reasons [{endpoint, code}], keyspace, table, function,\n"
"      arg_types, unprepared_id, extra (hex, unknown codes);\n"
"    AUTHENTICATE authenticator; SUPPORTED options {key: [values]};\n"
"    RESULT kind (Void, Rows, Set_keyspace, Prepared, Schema_change):\n"
"      Rows: columns [names], column_types [CQL types], rows (count),\n"
"      has_more_pages, paging_state, no_metadata, new_metadata_id;\n"
"      Set_keyspace: keyspace; Prepared: id, result_metadata_id (v5),\n"
"      bind_markers, bind_types, pk_indexes, columns, column_types;\n"
"      Schema_change: change, target, keyspace, name, arg_types;\n"
"    EVENT event (type), change, address (host:port), or for\n"
"      SCHEMA_CHANGE: change, target, keyspace, name, arg_types.\n"
"  Strings are JSON-escaped in both modes (bytes that are not UTF-8 appear\n"
"  as \\u00XX); binary values are lowercase hex.\n"
"\n"
"  Malformed input: messages before the problem are printed, then\n"
"    ucql-inspect: offset N: WHAT: REASON (UCQL_E_NAME)\n"
"  on stderr and exit status 1. Input that ends inside a frame or segment\n"
"  is malformed too (\"input ends inside a frame at offset N ...\").\n"
"\n"
"Exit status: 0 success, 1 malformed input, 2 usage error or unreadable\n"
"file.\n";

void insp_error(const char *fmt, ...)
{
	va_list ap;
	fputs("ucql-inspect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *what, const char *arg)
{
	insp_error("%s%s%s (see ucql-inspect --help)", what, arg ? ": " : "", arg ? arg : "");
	return INSP_EXIT_USAGE;
}

static int cmd_decode(int argc, char **argv)
{
	insp_opts o = { 0, 0, 0, 0, UCQL_DEFAULT_MAX_FRAME };
	const char *path = NULL;
	int only_files = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			if (path)
				return usage_error("decode takes one input file", a);
			path = a;
		} else if (strcmp(a, "--") == 0) {
			only_files = 1;
		} else if (strcmp(a, "--v5") == 0) {
			o.v5 = 1;
		} else if (strcmp(a, "--lz4") == 0) {
			o.lz4 = 1;
		} else if (strcmp(a, "--server") == 0) {
			o.server = 1;
		} else if (strcmp(a, "--json") == 0) {
			o.json = 1;
		} else if (strcmp(a, "--max-frame") == 0 || strncmp(a, "--max-frame=", 12) == 0) {
			const char *v = a[11] == '=' ? a + 12 : (i + 1 < argc ? argv[++i] : NULL);
			char *end;
			if (!v)
				return usage_error("--max-frame needs a number of bytes", NULL);
			errno = 0;
			unsigned long long n = strtoull(v, &end, 10);
			if (errno || end == v || *end || n == 0 || n > UINT32_MAX || v[0] == '-')
				return usage_error("--max-frame: not a byte count in 1..4294967295", v);
			o.max_frame = (uint32_t)n;
		} else {
			return usage_error("decode: unknown option", a);
		}
	}
	uint8_t *buf;
	size_t len;
	if (insp_read_all(path, &buf, &len) < 0)
		return INSP_EXIT_USAGE;
	int rc = insp_decode(buf, len, &o);
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("missing command: token or decode", NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return INSP_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ucql-inspect (ucql %s)\n", ucql_version());
		return INSP_EXIT_OK;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return INSP_EXIT_OK;
		}
	}
	if (strcmp(argv[1], "token") == 0)
		return insp_token(argc - 2, argv + 2);
	if (strcmp(argv[1], "decode") == 0)
		return cmd_decode(argc - 2, argv + 2);
	return usage_error("unknown command", argv[1]);
}
