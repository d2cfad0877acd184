/*
 * ucql-inspect token: the Murmur3Partitioner token of a partition key
 * given as hex, one argument per key component (ucql/token.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "ucql/token.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses hex (an optional 0x prefix; no separators) into a malloc'd
 * buffer. Returns 0, or -1 after printing what is wrong. */
static int parse_hex(int argn, const char *s, uint8_t **out, size_t *len)
{
	const char *h = s;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	size_t n = strlen(h);
	for (size_t i = 0; i < n; i++) {
		if (hexval(h[i]) < 0) {
			insp_error("token: argument %d (\"%s\"): '%c' at position %zu is not a hex digit",
				   argn, s, h[i], (size_t)(h - s) + i + 1);
			return -1;
		}
	}
	if (n % 2) {
		insp_error("token: argument %d (\"%s\"): odd number of hex digits (%zu)", argn, s, n);
		return -1;
	}
	*out = malloc(n / 2 + 1);
	if (!*out) {
		insp_error("out of memory");
		return -1;
	}
	for (size_t i = 0; i < n / 2; i++)
		(*out)[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
	*len = n / 2;
	return 0;
}

int insp_token(int argc, char **argv)
{
	int rc = INSP_EXIT_OK;
	size_t n = (size_t)argc;
	ucql_bytes *parts;
	uint8_t **bufs;
	if (argc < 1) {
		insp_error("token: give the partition key as hex, one argument per component "
			   "(see ucql-inspect --help)");
		return INSP_EXIT_USAGE;
	}
	parts = calloc(n, sizeof *parts);
	bufs = calloc(n, sizeof *bufs);
	if (!parts || !bufs) {
		insp_error("out of memory");
		free(parts);
		free(bufs);
		return INSP_EXIT_USAGE;
	}
	for (size_t i = 0; i < n && rc == INSP_EXIT_OK; i++) {
		if (parse_hex((int)i + 1, argv[i], &bufs[i], &parts[i].len) < 0)
			rc = INSP_EXIT_USAGE;
		parts[i].p = bufs[i];
	}
	if (rc == INSP_EXIT_OK) {
		int64_t token;
		/* One component hashes its bytes as they are; several are
		 * serialized as CompositeType first (ucql/token.h). */
		int err = ucql_token_murmur3_parts(parts, n, &token);
		if (err < 0) {
			insp_error("token: %s (%s): a component of a composite key is at most "
				   "65535 bytes", ucql_err_str(err), ucql_err_name(err));
			rc = INSP_EXIT_USAGE;
		} else {
			printf("%" PRId64 "\n", token);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(parts);
	return rc;
}
