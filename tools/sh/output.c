/*
 * ucql-sh: writing results (output.h).
 *
 * The table layout is cqlsh's (cqlshmain.py print_result,
 * print_static_result, print_formatted_result) for non-interactive output:
 *
 *     <blank line>
 *      name | other          header: names left-justified, right-stripped
 *     ------+-------         '-' + '-+-'.join('-' * width) + '-'
 *         1 |     a          cells right-justified
 *     <blank line>
 *     (1 rows)
 *
 * A result without rows shows its header, the separator and an extra
 * blank line, as cqlsh does.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"

struct sh_out {
	FILE *f;
	sh_fmt_opts o;
	int32_t ncols;
	sh_buf names;      /* the column names, NUL-separated */
	size_t *name_off;  /* ncols + 1 offsets into names */
	int64_t rows;      /* rows since begin */
	int pages;         /* table: pages printed */
	/* table: the cells of the current page, NUL-separated */
	sh_buf cells;
	size_t *cell_off;  /* offset of each cell's text in `cells` */
	size_t ncells, cap_cells;
	size_t *width;     /* ncols: column widths of the page */
	sh_buf tmp;        /* one cell being formatted */
	sh_buf line;       /* one line being built */
};

sh_out *sh_out_new(FILE *f, const sh_fmt_opts *o)
{
	sh_out *out = calloc(1, sizeof *out);
	if (!out)
		return NULL;
	out->f = f;
	out->o = *o;
	sh_buf_init(&out->names);
	sh_buf_init(&out->cells);
	sh_buf_init(&out->tmp);
	sh_buf_init(&out->line);
	return out;
}

void sh_out_free(sh_out *out)
{
	if (!out)
		return;
	sh_buf_free(&out->names);
	sh_buf_free(&out->cells);
	sh_buf_free(&out->tmp);
	sh_buf_free(&out->line);
	free(out->name_off);
	free(out->cell_off);
	free(out->width);
	free(out);
}

static const char *name_at(const sh_out *out, int32_t i, size_t *len)
{
	*len = out->name_off[i + 1] - out->name_off[i] - 1;
	return out->names.p + out->name_off[i];
}

static void emit_line(sh_out *out)
{
	sh_buf_putc(&out->line, '\n');
	fwrite(out->line.p, 1, out->line.len, out->f);
	sh_buf_reset(&out->line);
}

int sh_out_begin(sh_out *out, int32_t n, const ucql_bytes *names)
{
	if (n < 0)
		n = 0;
	size_t *no = realloc(out->name_off, ((size_t)n + 1) * sizeof *no);
	size_t *w = realloc(out->width, ((size_t)n + 1) * sizeof *w);
	if (no)
		out->name_off = no;
	if (w)
		out->width = w;
	if (!no || !w)
		return UCQL_E_NOMEM;
	out->ncols = n;
	out->rows = 0;
	out->pages = 0;
	out->ncells = 0;
	sh_buf_reset(&out->names);
	sh_buf_reset(&out->cells);
	for (int32_t i = 0; i < n; i++) {
		out->name_off[i] = out->names.len;
		sh_buf_put(&out->names, names[i].p, names[i].len);
		sh_buf_putc(&out->names, '\0');
	}
	out->name_off[n] = out->names.len;
	if (out->names.oom)
		return UCQL_E_NOMEM;
	switch (out->o.style) {
	case SH_STYLE_TABLE:
		fputc('\n', out->f);
		break;
	case SH_STYLE_CSV:
		for (int32_t i = 0; i < n; i++) {
			size_t len;
			const char *s = name_at(out, i, &len);
			if (i)
				sh_buf_putc(&out->line, ',');
			sh_csv_field(&out->line, s, len, 0);
		}
		emit_line(out);
		break;
	default:
		break;
	}
	return 0;
}

/* Keeps one formatted cell of the page (table style). */
static int keep_cell(sh_out *out, const char *s, size_t n)
{
	if (out->ncells == out->cap_cells) {
		size_t cap = out->cap_cells ? out->cap_cells * 2 : 256;
		size_t *p = realloc(out->cell_off, cap * sizeof *p);
		if (!p)
			return UCQL_E_NOMEM;
		out->cell_off = p;
		out->cap_cells = cap;
	}
	out->cell_off[out->ncells++] = out->cells.len;
	sh_buf_put(&out->cells, s, n);
	sh_buf_putc(&out->cells, '\0');
	return out->cells.oom ? UCQL_E_NOMEM : 0;
}

int sh_out_row(sh_out *out, const ucql_value *cells, const ucql_type_set *const *types)
{
	int bad = 0;
	for (int32_t i = 0; i < out->ncols; i++) {
		sh_buf_reset(&out->tmp);
		int rc = sh_format_value(&out->tmp, types[i], 0, cells[i], &out->o);
		if (rc < 0 && !bad)
			bad = rc;
		switch (out->o.style) {
		case SH_STYLE_TABLE:
			if (keep_cell(out, sh_buf_cstr(&out->tmp), out->tmp.len))
				return UCQL_E_NOMEM;
			break;
		case SH_STYLE_CSV:
			if (i)
				sh_buf_putc(&out->line, ',');
			sh_csv_field(&out->line, sh_buf_cstr(&out->tmp), out->tmp.len,
				     cells[i].len < 0);
			break;
		default: {
			size_t len;
			const char *name = name_at(out, i, &len);
			sh_buf_puts(&out->line, i ? ", " : "{");
			sh_json_key(&out->line, name, len);
			sh_buf_puts(&out->line, ": ");
			sh_buf_put(&out->line, out->tmp.p, out->tmp.len);
		}
		}
	}
	if (out->o.style == SH_STYLE_JSON)
		sh_buf_puts(&out->line, out->ncols ? "}" : "{}");
	if (out->tmp.oom || out->line.oom)
		return UCQL_E_NOMEM;
	if (out->o.style != SH_STYLE_TABLE)
		emit_line(out);
	out->rows++;
	return bad;
}

static void pad(sh_buf *b, size_t n)
{
	while (n--)
		sh_buf_putc(b, ' ');
}

static void table_header(sh_out *out)
{
	for (int32_t i = 0; i < out->ncols; i++) {
		size_t len;
		const char *s = name_at(out, i, &len);
		sh_buf_puts(&out->line, i ? " | " : " ");
		sh_buf_put(&out->line, s, len);
		pad(&out->line, out->width[i] - sh_display_width(s, len));
	}
	/* header.rstrip() */
	size_t len = out->line.len;
	while (len > 0 && out->line.p[len - 1] == ' ')
		len--;
	sh_buf_truncate(&out->line, len);
	emit_line(out);
	sh_buf_putc(&out->line, '-');
	for (int32_t i = 0; i < out->ncols; i++) {
		if (i)
			sh_buf_puts(&out->line, "-+-");
		for (size_t k = 0; k < out->width[i]; k++)
			sh_buf_putc(&out->line, '-');
	}
	sh_buf_putc(&out->line, '-');
	emit_line(out);
}

static void widths(sh_out *out)
{
	for (int32_t i = 0; i < out->ncols; i++) {
		size_t len;
		const char *s = name_at(out, i, &len);
		out->width[i] = sh_display_width(s, len);
	}
	for (size_t c = 0; c < out->ncells; c++) {
		const char *s = out->cells.p + out->cell_off[c];
		size_t w = sh_display_width(s, strlen(s));
		size_t col = c % (size_t)out->ncols;
		if (w > out->width[col])
			out->width[col] = w;
	}
}

void sh_out_page_end(sh_out *out)
{
	if (out->o.style != SH_STYLE_TABLE || out->ncells == 0 || out->ncols == 0)
		return;
	widths(out);
	if (out->pages == 0)
		table_header(out);
	for (size_t c = 0; c < out->ncells; c++) {
		size_t col = c % (size_t)out->ncols;
		const char *s = out->cells.p + out->cell_off[c];
		size_t len = strlen(s);
		sh_buf_puts(&out->line, col ? " | " : " ");
		pad(&out->line, out->width[col] - sh_display_width(s, len));
		sh_buf_put(&out->line, s, len);
		if (col == (size_t)out->ncols - 1)
			emit_line(out);
	}
	out->pages++;
	out->ncells = 0;
	sh_buf_reset(&out->cells);
}

void sh_out_end(sh_out *out)
{
	if (out->o.style == SH_STYLE_TABLE) {
		sh_out_page_end(out);
		if (out->pages == 0) {
			widths(out);
			table_header(out);
			fputc('\n', out->f);
		}
		fprintf(out->f, "\n(%lld rows)\n", (long long)out->rows);
	}
	fflush(out->f);
}

int64_t sh_out_rows(const sh_out *out)
{
	return out->rows;
}
