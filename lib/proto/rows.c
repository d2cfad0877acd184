/*
 * Result metadata, column specs and rows content (native_protocol_v4.spec
 * §4.2.5.2 and §4.2.5.4, v5 the same plus Metadata_changed). The decoder
 * validates everything up front so that the iterators in ucql/result.h run
 * without checks; this is the driver's hottest decode path.
 */
#include "rows_priv.h"

#include "response_priv.h"

#define ROWS_FLAGS_V4 (UCQL_MD_GLOBAL_TABLES_SPEC | UCQL_MD_HAS_MORE_PAGES | UCQL_MD_NO_METADATA)
#define ROWS_FLAGS_V5 (ROWS_FLAGS_V4 | UCQL_MD_METADATA_CHANGED)

static int32_t allowed_flags(int version, int prepared)
{
	if (prepared)
		return UCQL_MD_GLOBAL_TABLES_SPEC;
	return version >= 5 ? ROWS_FLAGS_V5 : ROWS_FLAGS_V4;
}

static int flags_ok(int version, int prepared, int32_t flags)
{
	if (flags & ~allowed_flags(version, prepared))
		return 0;
	/* v5 §4.2.5.2: with Metadata_changed, No_metadata has to be unset. */
	return (flags & (UCQL_MD_NO_METADATA | UCQL_MD_METADATA_CHANGED)) !=
	       (UCQL_MD_NO_METADATA | UCQL_MD_METADATA_CHANGED);
}

/* ---- decode ------------------------------------------------------------- */

/* [global spec] + columns_count specs; leaves the raw specs in md->specs. */
static void read_specs(ucql_reader *r, ucql_metadata *md)
{
	int global = md->flags & UCQL_MD_GLOBAL_TABLES_SPEC;
	if (global) {
		md->global_keyspace = ucql_read_string(r);
		md->global_table = ucql_read_string(r);
	}
	const uint8_t *start = r->p;
	/* Every spec takes at least 4 bytes (name length + type id), 8 with
	 * its table spec: a larger count than the bytes left fails at once. */
	if ((size_t)md->columns_count > ucql_reader_left(r) / (global ? 4 : 8)) {
		ucql_reader_fail(r, UCQL_E_TRUNCATED);
		return;
	}
	for (int32_t i = 0; i < md->columns_count && !r->err; i++) {
		if (!global) {
			(void)ucql_read_string(r);
			(void)ucql_read_string(r);
		}
		(void)ucql_read_string(r);
		(void)ucql_read_option(r);
	}
	if (!r->err)
		md->specs = ucql_bytes_of(start, (size_t)(r->p - start));
}

static void read_pk_indexes(ucql_reader *r, ucql_metadata *md)
{
	md->pk_count = ucql_read_int(r);
	if (r->err)
		return;
	if (md->pk_count < 0) {
		ucql_reader_fail(r, UCQL_E_BAD_LENGTH);
		return;
	}
	md->pk_raw = ucql_read_raw(r, 2 * (size_t)md->pk_count);
	/* A driver indexes bound values with these: keep them in range. */
	for (int32_t i = 0; i < md->pk_count && !r->err; i++)
		if (ucql_metadata_pk_index(md, i) >= (uint32_t)md->columns_count)
			ucql_reader_fail(r, UCQL_E_BAD_VALUE);
}

void ucql__metadata_read(ucql_reader *r, int version, int prepared, ucql_metadata *md)
{
	memset(md, 0, sizeof *md);
	md->paging_state = ucql_value_null();
	md->flags = ucql_read_int(r);
	md->columns_count = ucql_read_int(r);
	if (r->err)
		return;
	if (md->columns_count < 0) {
		ucql_reader_fail(r, UCQL_E_BAD_LENGTH);
		return;
	}
	if (!flags_ok(version, prepared, md->flags)) {
		ucql_reader_fail(r, UCQL_E_BAD_FLAGS);
		return;
	}
	if (prepared) {
		if (version >= 4)
			read_pk_indexes(r, md);
		read_specs(r, md);
		return;
	}
	if (md->flags & UCQL_MD_HAS_MORE_PAGES)
		md->paging_state = ucql_read_bytes(r);
	if (md->flags & UCQL_MD_METADATA_CHANGED)
		md->new_metadata_id = ucql_read_short_bytes(r);
	if (!(md->flags & UCQL_MD_NO_METADATA))
		read_specs(r, md);
}

void ucql__rows_read(ucql_reader *r, ucql_rows *rows)
{
	rows->rows_count = ucql_read_int(r);
	if (r->err)
		return;
	if (rows->rows_count < 0) {
		ucql_reader_fail(r, UCQL_E_BAD_LENGTH);
		return;
	}
	const uint8_t *p = r->p, *end = r->end;
	int32_t ncols = rows->metadata.columns_count;
	uint64_t cells = (uint64_t)rows->rows_count * (uint64_t)ncols;
	/* Every cell takes at least its 4-byte length. */
	if (cells > (uint64_t)(end - p) / 4) {
		ucql_reader_fail(r, UCQL_E_TRUNCATED);
		return;
	}
	/* `spare` = bytes left for cell contents once every remaining cell's
	 * 4-byte length is reserved. While it stays >= 0 the next length is in
	 * bounds, so no per-cell end test is needed. */
	int64_t spare = (int64_t)((uint64_t)(end - p) - 4 * cells);
	if (ncols > 0 && ncols <= UCQL__ROWS_PREDICT_COLS) {
		/* Each cell's length gives the next cell's address: a chain of
		 * dependent loads (~7 cycles a cell). Predicting that a column's
		 * length repeats from the previous row turns the chain into a
		 * branch the CPU predicts, so it runs ahead of the loads; a wrong
		 * guess costs one mispredict and updates the prediction. */
		int32_t pred[UCQL__ROWS_PREDICT_COLS];
		int32_t adv[UCQL__ROWS_PREDICT_COLS];
		for (int32_t c = 0; c < ncols; c++)
			pred[c] = adv[c] = 0;
		for (int32_t row = 0; row < rows->rows_count; row++) {
			for (int32_t c = 0; c < ncols; c++) {
				int32_t n = (int32_t)ucql__be32(p);
				if (__builtin_expect(n != pred[c], 0)) {
					pred[c] = n;
					adv[c] = n > 0 ? n : 0;
				}
				spare -= adv[c];
				if (__builtin_expect(spare < 0, 0)) {
					ucql_reader_fail(r, UCQL_E_TRUNCATED);
					return;
				}
				p += 4 + (size_t)adv[c];
			}
		}
	} else {
		for (; cells; cells--) {
			int32_t n = (int32_t)ucql__be32(p);
			int32_t a = n > 0 ? n : 0;
			spare -= a;
			if (spare < 0) {
				ucql_reader_fail(r, UCQL_E_TRUNCATED);
				return;
			}
			p += 4 + (size_t)a;
		}
	}
	rows->content = ucql_bytes_of(r->p, (size_t)(p - r->p));
	r->p = p;
}

/* ---- iteration ------------------------------------------------------------ */

void ucql_col_iter_init(ucql_col_iter *it, const ucql_metadata *md)
{
	ucql_reader_init(&it->r, md->specs.p, md->specs.len);
	it->global = md->flags & UCQL_MD_GLOBAL_TABLES_SPEC;
	it->keyspace = md->global_keyspace;
	it->table = md->global_table;
}

int ucql_col_iter_next(ucql_col_iter *it, ucql_col_spec *c)
{
	ucql_reader *r = &it->r;
	if (r->err || r->p >= r->end)
		return 0;
	if (it->global) {
		c->keyspace = it->keyspace;
		c->table = it->table;
	} else {
		c->keyspace = ucql_read_string(r);
		c->table = ucql_read_string(r);
	}
	c->name = ucql_read_string(r);
	c->type = ucql_read_option(r);
	return !r->err;
}

int32_t ucql_metadata_find_column(const ucql_metadata *md, ucql_bytes name)
{
	ucql_col_iter it;
	ucql_col_spec c;
	int32_t i = 0;
	ucql_col_iter_init(&it, md);
	for (; ucql_col_iter_next(&it, &c); i++)
		if (c.name.len == name.len && (name.len == 0 || memcmp(c.name.p, name.p, name.len) == 0))
			return i;
	return -1;
}

/* ---- encode --------------------------------------------------------------- */

static void write_specs(ucql_writer *w, const ucql_metadata *md)
{
	int global = md->flags & UCQL_MD_GLOBAL_TABLES_SPEC;
	if (global) {
		ucql_write_string(w, md->global_keyspace);
		ucql_write_string(w, md->global_table);
	}
	if (!md->cols) {
		if (md->columns_count > 0 && md->specs.len == 0)
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		ucql_write_raw(w, md->specs.p, md->specs.len);
		return;
	}
	for (int32_t i = 0; i < md->columns_count; i++) {
		const ucql_col_spec *c = &md->cols[i];
		if (!global) {
			ucql_write_string(w, c->keyspace);
			ucql_write_string(w, c->table);
		}
		ucql_write_string(w, c->name);
		if (c->type.len < 2) /* an [option] has at least its [short] id */
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		ucql_write_raw(w, c->type.p, c->type.len);
	}
}

static int header_ok(ucql_writer *w, int version, int prepared, const ucql_metadata *md)
{
	if (!ucql__response_enc_start(w, version))
		return 0;
	if (md->columns_count < 0 || !flags_ok(version, prepared, md->flags)) {
		ucql_writer_fail(w, UCQL_E_INVALID_ARG);
		return 0;
	}
	ucql_write_int(w, md->flags);
	ucql_write_int(w, md->columns_count);
	return 1;
}

void ucql_metadata_encode(ucql_writer *w, int version, const ucql_metadata *md)
{
	if (!header_ok(w, version, 0, md))
		return;
	if (md->flags & UCQL_MD_HAS_MORE_PAGES)
		ucql_write_value(w, md->paging_state.len < 0 ? ucql_value_null() : md->paging_state);
	if (md->flags & UCQL_MD_METADATA_CHANGED)
		ucql_write_short_bytes(w, md->new_metadata_id);
	if (!(md->flags & UCQL_MD_NO_METADATA))
		write_specs(w, md);
}

void ucql_prepared_metadata_encode(ucql_writer *w, int version, const ucql_metadata *md)
{
	if (!header_ok(w, version, 1, md))
		return;
	if (version >= 4) {
		if (md->pk_count < 0) {
			ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			return;
		}
		ucql_write_int(w, md->pk_count);
		if (md->pk_indexes) {
			for (int32_t i = 0; i < md->pk_count; i++)
				ucql_write_short(w, md->pk_indexes[i]);
		} else {
			if (md->pk_raw.len != 2 * (size_t)md->pk_count)
				ucql_writer_fail(w, UCQL_E_INVALID_ARG);
			ucql_write_raw(w, md->pk_raw.p, md->pk_raw.len);
		}
	}
	write_specs(w, md);
}
