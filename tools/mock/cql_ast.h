/*
 * cql_ast.h — the syntax tree of the CQL subset ucql-mock understands, the
 * arena it lives in, and the error every CQL step (lexing, parsing, literal
 * conversion) reports.
 *
 * Ownership: one mock_arena per parse. Every node, name and string of a
 * parsed statement is allocated from it (names are copied: unquoted
 * identifiers are folded to lowercase, quoted ones unescaped), so the
 * query text may be freed after the parse; mock_arena_free releases the
 * whole tree at once. Type descriptors (mock_column_def.types) are parsed
 * from a normalized copy of the type text kept in the arena too.
 *
 * Nothing here is shared between threads: a parse result belongs to the
 * thread that made it.
 */
#ifndef MOCK_CQL_AST_H
#define MOCK_CQL_AST_H

#include <stddef.h>
#include <stdint.h>

#include "ucql/types.h"

/* ==== arena ============================================================= */

/* A bump allocator over a chain of malloc'd blocks. Zero-initialize (or
 * mock_arena_init) before use; mock_arena_free returns it to that state. */
typedef struct mock_arena_block mock_arena_block;
typedef struct mock_arena {
	mock_arena_block *head; /* newest block first */
	size_t used;            /* bytes taken in head */
	size_t cap;             /* usable bytes in head */
	size_t total;           /* bytes allocated from the system, all blocks */
} mock_arena;

void mock_arena_init(mock_arena *a);
/* n zeroed bytes aligned for any object, or NULL when out of memory. */
void *mock_arena_alloc(mock_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n), or NULL when out of memory. */
char *mock_arena_strndup(mock_arena *a, const char *s, size_t n);
void mock_arena_free(mock_arena *a);

/* ==== errors ============================================================ */

/* What went wrong, shaped for a server ERROR message: code is UCQL_E_SYNTAX
 * (0x2000), UCQL_E_INVALID (0x2200) or UCQL_E_NOMEM; msg is the text
 * Cassandra would send ("line 1:9 no viable alternative at input 'FORM'",
 * "Unable to make byte from '300'"); pos is the byte offset in the query
 * text of the offending token (0 when unknown). */
typedef struct mock_cql_error {
	int code;
	size_t pos;
	char msg[256];
} mock_cql_error;

/* ==== terms ============================================================= */

enum mock_term_kind {
	MOCK_TERM_NULL = 1, /* null */
	MOCK_TERM_STRING,   /* text: the unescaped contents */
	MOCK_TERM_INT,      /* text: as written, sign included ("-12") */
	MOCK_TERM_FLOAT,    /* text: "1.5", "-1e10", "NaN", "Infinity", "-Infinity" */
	MOCK_TERM_BOOL,     /* text: "true" / "false" (folded) */
	MOCK_TERM_HEX,      /* blob: text = the hex digits after 0x */
	MOCK_TERM_UUID,     /* text: the 36 characters as written */
	MOCK_TERM_DURATION, /* text: as written ("1h30m", "-P1D") */
	MOCK_TERM_BIND,     /* ? or :name; bind_index, name (NULL for ?) */
	MOCK_TERM_LIST,     /* [a, b]: items */
	MOCK_TERM_BRACE,    /* {a, b} (set) or {k: v, ...} (map or UDT, told
			       apart by the receiving type): items are the
			       values, keys (NULL for a set) the keys; {} is
			       n_items 0, keys NULL */
	MOCK_TERM_TUPLE,    /* (a, b): items */
	MOCK_TERM_FUNC,     /* name(args): name (folded, may be ks.f), items */
	MOCK_TERM_CAST,     /* (type)term: name = type text, items[0] */
	MOCK_TERM_IDENT,    /* only as a brace key: a UDT field name */
};

typedef struct mock_term mock_term;
struct mock_term {
	int kind;           /* enum mock_term_kind */
	size_t pos;         /* byte offset in the query text */
	const char *text;   /* literal text (see the kinds); NUL-terminated */
	size_t len;         /* strlen(text), but strings may hold NULs */
	const char *name;   /* FUNC / CAST / IDENT name, BIND :name */
	int bind_index;     /* BIND: 0-based, in order of appearance */
	mock_term **items;
	mock_term **keys;   /* BRACE with key: value entries, else NULL */
	size_t n_items;
};

/* ==== bind markers ======================================================= */

/* What a marker binds to, for the prepared metadata. */
enum mock_bind_role {
	MOCK_BIND_VALUE = 1,   /* the whole value of `column` */
	MOCK_BIND_IN_LIST,     /* col IN ?: a list of column's type */
	MOCK_BIND_ELEMENT,     /* inside a literal of `column` (a list/set/map
				  element, tuple/UDT field): the engine
				  derives the type from the enclosing term */
	MOCK_BIND_MAP_KEY,     /* col[?] (key or list index) */
	MOCK_BIND_FIELD,       /* col.field = ?: the field `field` */
	MOCK_BIND_TUPLE,       /* (c1, c2) > ?: a tuple of the columns' types
				  (columns in mock_relation) */
	MOCK_BIND_TOKEN,       /* token(...) > ?: bigint (Murmur3) */
	MOCK_BIND_LIMIT,       /* LIMIT ?: int */
	MOCK_BIND_PER_PARTITION_LIMIT, /* int */
	MOCK_BIND_TTL,         /* USING TTL ?: int */
	MOCK_BIND_TIMESTAMP,   /* USING TIMESTAMP ?: bigint */
	MOCK_BIND_FUNC_ARG,    /* an argument of a function call */
	MOCK_BIND_OTHER,       /* anything else (e.g. JSON ?) */
};

typedef struct mock_bind {
	int index;           /* == term->bind_index */
	int role;            /* enum mock_bind_role */
	const char *name;    /* :name, or NULL for ? */
	const char *ks;      /* the statement's table (ks may be NULL: */
	const char *table;   /*  the session's keyspace applies) */
	const char *column;  /* receiving column, or NULL */
	const char *field;   /* MOCK_BIND_FIELD: the UDT field */
	mock_term *term;
} mock_bind;

/* ==== relations, assignments, selectors ================================== */

typedef struct mock_qname {
	const char *ks;   /* NULL when not written */
	const char *name;
} mock_qname;

enum mock_rel_op {
	MOCK_OP_EQ = 1, MOCK_OP_NEQ, MOCK_OP_LT, MOCK_OP_LE, MOCK_OP_GT, MOCK_OP_GE,
	MOCK_OP_IN, MOCK_OP_CONTAINS, MOCK_OP_CONTAINS_KEY, MOCK_OP_LIKE,
	MOCK_OP_IS_NOT_NULL,
};
enum mock_rel_kind {
	MOCK_REL_COLUMN = 1, /* col op term (cols[0]); conditions may have
				elem_key (col[key] = t) or field (col.f = t) */
	MOCK_REL_MULTI,      /* (c1, c2) op term|(t1, t2) */
	MOCK_REL_TOKEN,      /* token(c1, c2) op term */
};

typedef struct mock_relation {
	int kind;            /* enum mock_rel_kind */
	int op;              /* enum mock_rel_op */
	size_t pos;
	const char **cols;
	size_t n_cols;
	mock_term *elem_key; /* IF col[key] op term */
	const char *field;   /* IF col.field op term */
	mock_term *value;    /* op's right side; IN: a bind marker or NULL */
	mock_term **in;      /* IN (t1, t2, ...): the candidates */
	size_t n_in;
} mock_relation;

enum mock_assign_op {
	MOCK_ASSIGN_SET = 1,   /* col = term */
	MOCK_ASSIGN_ADD,       /* col = col + term, col += term */
	MOCK_ASSIGN_SUB,       /* col = col - term, col -= term */
	MOCK_ASSIGN_PREPEND,   /* col = term + col (lists) */
	MOCK_ASSIGN_ELEM,      /* col[key] = term */
	MOCK_ASSIGN_FIELD,     /* col.field = term */
};

typedef struct mock_assignment {
	int op;
	size_t pos;
	const char *column;
	mock_term *key;      /* ELEM */
	const char *field;   /* FIELD */
	mock_term *value;
} mock_assignment;

enum mock_selector_kind {
	MOCK_SEL_COLUMN = 1, /* name */
	MOCK_SEL_FUNC,       /* name(args); count(*) has star = 1, no args */
	MOCK_SEL_TERM,       /* a literal, e.g. count(1)'s argument */
	MOCK_SEL_FIELD,      /* args[0].name */
	MOCK_SEL_CAST,       /* CAST(args[0] AS name) */
};

typedef struct mock_selector mock_selector;
struct mock_selector {
	int kind;
	size_t pos;
	const char *name;    /* column, function (folded), field, cast type */
	int star;
	mock_selector **args;
	size_t n_args;
	mock_term *term;     /* MOCK_SEL_TERM */
	const char *alias;   /* AS alias, or NULL */
};

typedef struct mock_ordering {
	const char *column;
	int desc;
} mock_ordering;

/* WITH name = value options (table options, keyspace options). Values:
 * a term (string, number, boolean, map literal as MOCK_TERM_BRACE). */
typedef struct mock_option {
	const char *name;    /* folded */
	mock_term *value;
} mock_option;

/* USING TTL / TIMESTAMP (each NULL when absent). */
typedef struct mock_using {
	mock_term *ttl;
	mock_term *timestamp;
} mock_using;

/* ==== statements ========================================================= */

enum mock_stmt_kind {
	MOCK_STMT_SELECT = 1,
	MOCK_STMT_INSERT,
	MOCK_STMT_UPDATE,
	MOCK_STMT_DELETE,
	MOCK_STMT_BATCH,
	MOCK_STMT_USE,
	MOCK_STMT_TRUNCATE,
	MOCK_STMT_CREATE_KEYSPACE,
	MOCK_STMT_DROP_KEYSPACE,
	MOCK_STMT_CREATE_TABLE,
	MOCK_STMT_DROP_TABLE,
	MOCK_STMT_CREATE_TYPE,
	MOCK_STMT_DROP_TYPE,
	MOCK_STMT_UNSUPPORTED, /* GRANT, REVOKE, CREATE ROLE, LIST ..., ALTER ... */
};

typedef struct mock_select {
	int json, distinct, star;
	mock_selector **sel;
	size_t n_sel;
	mock_qname table;
	mock_relation *where;
	size_t n_where;
	mock_ordering *order;
	size_t n_order;
	mock_term *per_partition_limit; /* NULL when absent */
	mock_term *limit;               /* NULL when absent */
	int allow_filtering;
} mock_select;

typedef struct mock_insert {
	mock_qname table;
	const char **cols;
	mock_term **values;
	size_t n_cols;
	mock_term *json;     /* INSERT ... JSON term: cols/values empty */
	int if_not_exists;
	mock_using using;
} mock_insert;

typedef struct mock_update {
	mock_qname table;
	mock_using using;
	mock_assignment *set;
	size_t n_set;
	mock_relation *where;
	size_t n_where;
	int if_exists;
	mock_relation *cond; /* IF c1 = t AND ... */
	size_t n_cond;
} mock_update;

/* DELETE targets: col, col[key], col.field */
typedef struct mock_delete_target {
	const char *column;
	mock_term *key;
	const char *field;
} mock_delete_target;

typedef struct mock_delete {
	mock_delete_target *targets; /* none: the whole row(s) */
	size_t n_targets;
	mock_qname table;
	mock_using using;
	mock_relation *where;
	size_t n_where;
	int if_exists;
	mock_relation *cond;
	size_t n_cond;
} mock_delete;

enum mock_batch_type { MOCK_BATCH_LOGGED = 0, MOCK_BATCH_UNLOGGED = 1, MOCK_BATCH_COUNTER = 2 };

typedef struct mock_stmt mock_stmt;
typedef struct mock_batch {
	int type;            /* enum mock_batch_type (the protocol's values) */
	mock_using using;
	mock_stmt **stmts;   /* INSERT, UPDATE or DELETE */
	size_t n_stmts;
} mock_batch;

/* One key: value entry of the replication map, both as text ('3' and 3
 * both give "3"). */
typedef struct mock_kv {
	const char *key;
	const char *value;
} mock_kv;

typedef struct mock_create_keyspace {
	const char *name;
	int if_not_exists;
	const char *repl_class; /* as written ('SimpleStrategy' or a full name) */
	mock_kv *repl;          /* the other entries, in written order */
	size_t n_repl;
	int durable_writes;     /* 1 (default) or 0 */
	mock_option *opts;      /* every WITH option, raw */
	size_t n_opts;
} mock_create_keyspace;

typedef struct mock_column_def {
	const char *name;
	const char *type_text;  /* normalized CQL type text ("map<text, int>") */
	ucql_type_set types;    /* type_text parsed by ucql_type_parse_cql */
	int type_root;
	int is_static;
	size_t pos;
} mock_column_def;

typedef struct mock_create_table {
	mock_qname table;
	int if_not_exists;
	mock_column_def *cols;  /* in written order */
	size_t n_cols;
	const char **pk;        /* partition key columns, in key order */
	size_t n_pk;
	const char **ck;        /* clustering columns, in order */
	int *ck_desc;           /* per clustering column: 1 DESC, 0 ASC */
	size_t n_ck;
	int compact_storage;
	mock_option *opts;      /* other WITH options, in written order */
	size_t n_opts;
} mock_create_table;

typedef struct mock_create_type {
	mock_qname type;
	int if_not_exists;
	mock_column_def *fields;
	size_t n_fields;
} mock_create_type;

/* DROP KEYSPACE / TABLE / TYPE, USE, TRUNCATE. */
typedef struct mock_name_stmt {
	mock_qname name;        /* USE / DROP KEYSPACE: name.name only */
	int if_exists;
} mock_name_stmt;

struct mock_stmt {
	int kind;               /* enum mock_stmt_kind */
	size_t pos;             /* offset of its first token */
	union {
		mock_select select;
		mock_insert insert;
		mock_update update;
		mock_delete del;
		mock_batch batch;
		mock_name_stmt name; /* USE, TRUNCATE, DROP * */
		mock_create_keyspace create_ks;
		mock_create_table create_table;
		mock_create_type create_type;
		const char *unsupported; /* "GRANT", "CREATE ROLE", "LIST" ... */
	} u;
};

/* The result of one parse: one statement (a batch holds its children),
 * with every bind marker of the whole text in order. */
typedef struct mock_parsed {
	mock_stmt *stmt;
	mock_bind *binds;
	size_t n_binds;
} mock_parsed;

/* Parses one CQL statement (an optional ';' may end it) from text[0..len)
 * into out, allocating from a: the tree does not borrow the text. Returns 0,
 * or UCQL_E_SYNTAX (0x2000: Cassandra-shaped "line L:C ..." message),
 * UCQL_E_INVALID (0x2200: e.g. a column without definition in PRIMARY KEY),
 * UCQL_E_CONFIG (0x2300: a keyspace without replication class) or
 * UCQL_E_NOMEM, with err filled. Statements the mock does not execute but
 * Cassandra knows (GRANT, REVOKE, CREATE ROLE, LIST ..., ALTER ...) parse
 * as MOCK_STMT_UNSUPPORTED. */
int mock_cql_parse(mock_arena *a, const char *text, size_t len, mock_parsed *out,
		   mock_cql_error *err);

#endif
