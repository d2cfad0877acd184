/*
 * exec_coll.h — column operations of UPDATE / DELETE: plain sets, counter
 * increments, and collection updates (append, prepend, remove, element
 * set / delete) applied to a cell's serialized value.
 */
#ifndef MOCK_EXEC_COLL_H
#define MOCK_EXEC_COLL_H

#include "engine_int.h"

enum mock_cop {
	MOCK_COP_SKIP = 0,   /* an unset value: leave the column alone */
	MOCK_COP_SET,        /* v (null: delete) */
	MOCK_COP_DEL,        /* delete the cell */
	MOCK_COP_COUNTER,    /* v: bigint delta */
	MOCK_COP_ADD,        /* v: a collection to merge / append */
	MOCK_COP_PREPEND,    /* v: a list to prepend */
	MOCK_COP_SUB,        /* v: elements (list, set) or keys (map) to remove, as a set/list */
	MOCK_COP_ELEM,       /* key (map key / list index), v (null: delete the element) */
};

typedef struct mock_colop {
	int col;
	int op;
	ucql_value v;
	ucql_value key;
} mock_colop;

/* UPDATE's SET item → op. 0 or an error written (*rc). */
int mock_coll_assignment(mock_exec *x, const mock_table *t, const mock_assignment *as,
			 mock_colop *op, int *rc);
/* DELETE's target → op. */
int mock_coll_delete_target(mock_exec *x, const mock_table *t, const mock_delete_target *d,
			    mock_colop *op, int *rc);
/* Applies op to a cell. 0 or UCQL_E_NOMEM. */
int mock_coll_apply(mock_exec *x, const mock_table *t, const mock_colop *op, mock_cell *cell,
		    int64_t del_ts, int64_t ts, int32_t ttl, int64_t now_s);

#endif
