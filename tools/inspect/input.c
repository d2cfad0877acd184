/*
 * Reads the whole input of ucql-inspect into memory: captures are walked
 * as one buffer so that every error can name its byte offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

int insp_read_all(const char *path, uint8_t **buf, size_t *len)
{
	int is_stdin = !path || strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	uint8_t *b;
	if (!f) {
		insp_error("%s: %s", path, strerror(errno));
		return -1;
	}
	b = malloc(cap);
	for (;;) {
		if (!b) {
			insp_error("out of memory reading %s", is_stdin ? "stdin" : path);
			break;
		}
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f)) {
				insp_error("%s: read error: %s", is_stdin ? "stdin" : path,
					   strerror(errno));
				free(b);
				b = NULL;
			}
			break;
		}
		uint8_t *nb = cap > SIZE_MAX / 2 ? NULL : realloc(b, cap * 2);
		if (!nb)
			free(b);
		b = nb;
		cap *= 2;
	}
	if (!is_stdin)
		fclose(f);
	if (!b)
		return -1;
	*buf = b;
	*len = n;
	return 0;
}
