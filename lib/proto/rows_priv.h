/*
 * Private: metadata and rows-content readers shared by rows.c and result.c.
 */
#ifndef UCQL_PROTO_ROWS_PRIV_H
#define UCQL_PROTO_ROWS_PRIV_H

#include "ucql/result.h"

/* Reads and validates rows metadata (prepared = 0) or prepared bind-marker
 * metadata (prepared = 1) into *md; errors are left in r->err. */
void ucql__metadata_read(ucql_reader *r, int version, int prepared, ucql_metadata *md);
/* Reads <rows_count><rows_content> for md->columns_count columns. */
void ucql__rows_read(ucql_reader *r, ucql_rows *rows);

#endif
