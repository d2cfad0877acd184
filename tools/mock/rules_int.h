/*
 * rules_int.h — the rule and activity-log objects shared by rules.c (the
 * matching and the actions) and rules_table.c (their CQL tables).
 */
#ifndef MOCK_RULES_INT_H
#define MOCK_RULES_INT_H

#include <regex.h>

#include "rules.h"

enum mock_rule_action {
	MOCK_RULE_DELAY = 1,
	MOCK_RULE_ERROR,
	MOCK_RULE_NO_REPLY,
	MOCK_RULE_CLOSE,
	MOCK_RULE_HALF_CLOSE,
};

/* Columns of ucql_mock.rules, in the order of MOCK_RULES_COLS below. */
enum mock_rule_col {
	RC_ID, RC_ACTION, RC_ALIVE, RC_CONNECTION, RC_CONSISTENCY, RC_COUNT, RC_DATA_PRESENT,
	RC_DELAY_MS, RC_ERROR_CODE, RC_ERROR_KEYSPACE, RC_ERROR_MESSAGE, RC_ERROR_TABLE,
	RC_FAILURES, RC_FUNCTION_NAME, RC_KEYSPACE_NAME, RC_NODE, RC_OPCODE, RC_PROBABILITY,
	RC_QUERY, RC_RECEIVED, RC_REMAINING, RC_REQUIRED, RC_SEED, RC_TABLE_NAME, RC_WRITE_TYPE,
	RC_NCOLS
};
extern const char *const mock_rule_col_names[RC_NCOLS];

typedef struct mock_rule {
	int32_t id;
	ucql_value raw[RC_NCOLS]; /* as inserted (owned copies; len -1 = null) */
	/* decoded criteria */
	int32_t node;             /* 0 = any */
	int opcode;               /* UCQL_OP_*, -1 = any */
	char *query;              /* NULL = any; the pattern without '~' */
	int is_re;
	regex_t re;
	char *ks, *table, *conn;  /* NULL = any */
	double prob;              /* >= 1: always */
	uint64_t rng;             /* PRNG state (splitmix64) */
	int has_count;
	int32_t remaining;
	/* action */
	int action;               /* enum mock_rule_action */
	int32_t delay_ms;
	int32_t error_code;       /* wire code */
	char *message;            /* NULL: a default */
	int cl;                   /* -1: the request's */
	int32_t received, required, alive, failures;
	int data_present;
	char *write_type;         /* NULL: "SIMPLE" */
	char *err_ks, *err_table, *function;
	struct mock_rule *next;   /* ascending id */
} mock_rule;

/* One logged request. Strings are owned (NULL = null). */
typedef struct mock_act {
	int64_t seq;
	int64_t at_ms;
	char conn[24];
	int opcode;
	char *query;
	char *ks;
	int cl;                   /* -1: none (PREPARE) */
	int32_t values;
	int has_rule;
	int32_t rule_id;
	int action;               /* enum mock_rule_action, 0 = none */
} mock_act;

typedef struct mock_actlog {
	mock_act *ring;           /* MOCK_ACTIVITY_MAX, allocated on first use */
	size_t head;              /* index of the oldest */
	size_t n;
	int64_t next_seq;         /* starts at 1, never reused (not even by TRUNCATE) */
} mock_actlog;

struct mock_rules {
	mock_rule *list;
	int nnodes;
	mock_actlog *logs;        /* by node id, [0] unused */
};

void mock_rule_free(mock_rule *r);
void mock_actlog_clear(mock_actlog *l);
const char *mock_rule_action_name(int action);
const char *mock_rule_opcode_name(int opcode);

#endif
