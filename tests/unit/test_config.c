/* lib/config.c and lib/log.c: settings, validation, contact points, logging. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ucql/config.h"

#include "../../lib/config_int.h"
#include "../../lib/log_int.h"

/* Every row of the property table, as the tests see it. */
struct trow {
	const char *name, *def;
	int is_password;
};
#define TROW(name, field, type, def, lo, hi, vals, check, doc)                   \
	{ name, def, UCQL__CFG_TYPE_IS_PASSWORD_##type },
#define UCQL__CFG_TYPE_IS_PASSWORD_INT 0
#define UCQL__CFG_TYPE_IS_PASSWORD_BOOL 0
#define UCQL__CFG_TYPE_IS_PASSWORD_ENUM 0
#define UCQL__CFG_TYPE_IS_PASSWORD_STRING 0
#define UCQL__CFG_TYPE_IS_PASSWORD_PASSWORD 1
static const struct trow table[] = { UCQL__CONFIG_TABLE(TROW) };
#define N_TABLE (sizeof table / sizeof table[0])

static ucql_config *cfg;
static char err[256];

static void setup(void)
{
	cfg = ucql_config_new();
	cr_assert_not_null(cfg);
	memset(err, 'x', sizeof err);
}
static void teardown(void)
{
	ucql_config_free(cfg);
}

static const char *get(const ucql_config *c, const char *name)
{
	static char buf[512];
	int r = ucql_config_get(c, name, buf, sizeof buf);
	cr_assert_eq(r, 0, "get %s: %s", name, ucql_err_name(r));
	return buf;
}

TestSuite(config, .init = setup, .fini = teardown);

/* ---- defaults ----------------------------------------------------------- */

Test(config, every_default_reads_back_as_documented)
{
	cr_assert_geq(N_TABLE, 27);
	for (size_t i = 0; i < N_TABLE; i++)
		cr_assert_str_eq(get(cfg, table[i].name), table[i].def, "%s", table[i].name);
}

Test(config, default_values_in_the_struct)
{
	const ucql__cfg *v = ucql__config_values(cfg);
	cr_assert_str_eq(v->contact_points, "127.0.0.1");
	cr_assert_eq(v->port, 9042);
	cr_assert_eq(v->protocol_version, 0);
	cr_assert_eq(v->shards, 0);
	cr_assert_eq(v->shards_mode, UCQL__SHARDS_THREADS);
	cr_assert_eq(v->shards_pin, 1);
	cr_assert_eq(v->connections_per_node, 1);
	cr_assert_eq(v->connect_timeout_ms, 5000);
	cr_assert_eq(v->request_timeout_ms, 12000);
	cr_assert_eq(v->consistency, UCQL_CL_LOCAL_ONE);
	cr_assert_eq(v->serial_consistency, UCQL_CL_SERIAL);
	cr_assert_eq(v->page_size, 5000);
	cr_assert_eq(v->client_timestamps, UCQL__TIMESTAMPS_CLIENT);
	cr_assert_eq(v->compression_lz4, UCQL__COMPRESSION_NONE);
	cr_assert_str_eq(v->auth_username, "");
	cr_assert_str_eq(v->auth_password, "");
	cr_assert_str_eq(v->keyspace, "");
	cr_assert_eq(v->submit_queue_size, 4096);
	cr_assert_eq(v->submit_backpressure, UCQL__BACKPRESSURE_WAIT);
	cr_assert_eq(v->recv_buffer_size, 65536);
	cr_assert_eq(v->recv_buffer_count, 64);
	cr_assert_eq(v->reconnect_base_delay_ms, 100);
	cr_assert_eq(v->reconnect_max_delay_ms, 10000);
	cr_assert_eq(v->spin_us, 0);
	cr_assert_eq(v->max_frame_size, 268435456);
	cr_assert_eq(v->log_level, UCQL_LOG_WARN);
	cr_assert_eq(v->max_in_flight_per_connection, 32768);
	cr_assert_null(v->log_fn);
	cr_assert_eq(v->has_authenticator, 0);
}

/* ---- round trips -------------------------------------------------------- */

static const struct {
	const char *name, *in, *out;
} trips[] = {
	{ "contact_points", "10.0.0.1,[::1]:9043, db.example.com:19042", NULL },
	{ "port", "19042", NULL },
	{ "protocol.version", "4", NULL },
	{ "shards", "256", NULL },
	{ "shards.mode", "EMBEDDED", "embedded" },
	{ "shards.pin", "off", "false" },
	{ "connections.per_node", "64", NULL },
	{ "connect.timeout_ms", "1", NULL },
	{ "request.timeout_ms", "0", NULL },
	{ "request.consistency", "local_quorum", "LOCAL_QUORUM" },
	{ "request.serial_consistency", "Local_Serial", "LOCAL_SERIAL" },
	{ "request.page_size", "2147483647", NULL },
	{ "request.timestamps", "server", NULL },
	{ "compression", "lz4", NULL },
	{ "auth.username", "cassandra", NULL },
	{ "auth.password", "s3cret", "***" },
	{ "keyspace", "\"My\"\"Ks\"", NULL },
	{ "submit.queue_size", "1048576", NULL },
	{ "submit.backpressure", "error", NULL },
	{ "recv.buffer_size", "4096", NULL },
	{ "recv.buffer_count", "32768", NULL },
	{ "reconnect.base_delay_ms", "600000", NULL },
	{ "reconnect.max_delay_ms", "3600000", NULL },
	{ "spin.us", "100000", NULL },
	{ "max_frame_size", "65536", NULL },
	{ "log.level", "DEBUG", "debug" },
	{ "request.max_in_flight_per_connection", "1", NULL },
};

Test(config, every_setting_round_trips)
{
	/* The list above covers the whole table. */
	for (size_t i = 0; i < N_TABLE; i++) {
		int found = 0;
		for (size_t j = 0; j < sizeof trips / sizeof trips[0]; j++)
			found |= strcmp(trips[j].name, table[i].name) == 0;
		cr_assert(found, "no round trip for %s", table[i].name);
	}
	for (size_t j = 0; j < sizeof trips / sizeof trips[0]; j++) {
		int r = ucql_config_set(cfg, trips[j].name, trips[j].in, err, sizeof err);
		cr_assert_eq(r, 0, "%s=%s: %s", trips[j].name, trips[j].in, err);
		cr_assert_str_eq(err, "", "err is cleared on success");
		const char *want = trips[j].out ? trips[j].out : trips[j].in;
		cr_assert_str_eq(get(cfg, trips[j].name), want);
	}
	const ucql__cfg *v = ucql__config_values(cfg);
	cr_assert_eq(v->shards_mode, UCQL__SHARDS_EMBEDDED);
	cr_assert_eq(v->shards_pin, 0);
	cr_assert_eq(v->consistency, UCQL_CL_LOCAL_QUORUM);
	cr_assert_eq(v->serial_consistency, UCQL_CL_LOCAL_SERIAL);
	cr_assert_eq(v->client_timestamps, UCQL__TIMESTAMPS_SERVER);
	cr_assert_eq(v->compression_lz4, UCQL__COMPRESSION_LZ4);
	cr_assert_eq(v->submit_backpressure, UCQL__BACKPRESSURE_ERROR);
	cr_assert_eq(v->log_level, UCQL_LOG_DEBUG);
	cr_assert_eq(v->page_size, 2147483647);
	cr_assert_str_eq(v->auth_password, "s3cret");
	cr_assert_str_eq(v->keyspace, "\"My\"\"Ks\"");
}

Test(config, bool_spellings)
{
	static const char *const yes[] = { "true", "TRUE", "1", "yes", "Yes", "on" };
	static const char *const no[] = { "false", "False", "0", "no", "off", "OFF" };
	for (size_t i = 0; i < 6; i++) {
		cr_assert_eq(ucql_config_set(cfg, "shards.pin", no[i], NULL, 0), 0, "%s", no[i]);
		cr_assert_eq(ucql__config_values(cfg)->shards_pin, 0, "%s", no[i]);
		cr_assert_eq(ucql_config_set(cfg, "shards.pin", yes[i], NULL, 0), 0, "%s", yes[i]);
		cr_assert_eq(ucql__config_values(cfg)->shards_pin, 1, "%s", yes[i]);
	}
}

Test(config, every_consistency_level)
{
	static const struct {
		const char *s;
		int cl;
	} cls[] = {
		{ "ANY", UCQL_CL_ANY },       { "one", UCQL_CL_ONE },
		{ "TWO", UCQL_CL_TWO },       { "THREE", UCQL_CL_THREE },
		{ "QUORUM", UCQL_CL_QUORUM }, { "ALL", UCQL_CL_ALL },
		{ "LOCAL_QUORUM", UCQL_CL_LOCAL_QUORUM },
		{ "each_quorum", UCQL_CL_EACH_QUORUM },
		{ "LOCAL_ONE", UCQL_CL_LOCAL_ONE },
	};
	for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++) {
		cr_assert_eq(ucql_config_set(cfg, "request.consistency", cls[i].s, err, sizeof err), 0,
			     "%s", err);
		cr_assert_eq(ucql__config_values(cfg)->consistency, cls[i].cl, "%s", cls[i].s);
	}
	cr_assert_eq(ucql_config_set(cfg, "request.serial_consistency", "serial", NULL, 0), 0);
	cr_assert_eq(ucql__config_values(cfg)->serial_consistency, UCQL_CL_SERIAL);
}

/* ---- refusals ----------------------------------------------------------- */

static const struct {
	const char *name, *value;
} bad[] = {
	/* ints: syntax */
	{ "request.timeout_ms", "abc" },
	{ "request.timeout_ms", "" },
	{ "request.timeout_ms", "12x" },
	{ "request.timeout_ms", " 5" },
	{ "request.timeout_ms", "5 " },
	{ "request.timeout_ms", "+5" },
	{ "request.timeout_ms", "0x10" },
	{ "request.timeout_ms", "1.5" },
	{ "request.timeout_ms", "-" },
	/* ints: range and overflow */
	{ "request.timeout_ms", "-1" },
	{ "request.timeout_ms", "3600001" },
	{ "port", "0" },
	{ "port", "70000" },
	{ "request.page_size", "2147483648" },
	{ "request.page_size", "99999999999999999999" },
	{ "request.page_size", "-99999999999999999999" },
	{ "shards", "257" },
	{ "connections.per_node", "0" },
	{ "max_frame_size", "268435457" },
	{ "request.max_in_flight_per_connection", "32769" },
	/* ints: extra rules */
	{ "protocol.version", "1" },
	{ "protocol.version", "2" },
	{ "protocol.version", "6" },
	{ "submit.queue_size", "100" },
	{ "submit.queue_size", "32" },
	{ "recv.buffer_size", "5000" },
	{ "recv.buffer_count", "24" },
	/* bools */
	{ "shards.pin", "maybe" },
	{ "shards.pin", "" },
	{ "shards.pin", "2" },
	/* enums */
	{ "compression", "zstd" },
	{ "compression", "" },
	{ "request.consistency", "SERIAL" },
	{ "request.consistency", "LOCAL ONE" },
	{ "request.serial_consistency", "QUORUM" },
	{ "log.level", "trace" },
	{ "shards.mode", "thread" },
	/* contact points */
	{ "contact_points", "" },
	{ "contact_points", " " },
	{ "contact_points", "a,,b" },
	{ "contact_points", "a," },
	{ "contact_points", "host:0" },
	{ "contact_points", "host:65536" },
	{ "contact_points", "host:abc" },
	{ "contact_points", "host:-1" },
	{ "contact_points", "host:" },
	{ "contact_points", ":9042" },
	{ "contact_points", "[::1" },
	{ "contact_points", "[::1]x" },
	{ "contact_points", "[::1]:" },
	{ "contact_points", "[]:9042" },
	{ "contact_points", "[10.0.0.1]:9042" },
	{ "contact_points", "[zz::1]:9042" },
	{ "contact_points", "::1::2" },
	{ "contact_points", "300.1.1.1" },
	{ "contact_points", "1.2.3" },
	{ "contact_points", "bad host" },
	{ "contact_points", "-host" },
	{ "contact_points", "host-.example" },
	{ "contact_points", "a..b" },
	{ "contact_points", "ok.example,bad/host" },
	/* keyspace */
	{ "keyspace", "my-ks" },
	{ "keyspace", "ks; DROP TABLE t" },
	{ "keyspace", "1abc" },
	{ "keyspace", "\"unterminated" },
	{ "keyspace", "\"a\"b\"" },
	{ "keyspace", "\"\"" },
};

Test(config, bad_values_are_refused_with_a_message_naming_the_setting)
{
	char before[512], after[512];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(ucql_config_get(cfg, bad[i].name, before, sizeof before), 0);
		memset(err, 'x', sizeof err);
		int r = ucql_config_set(cfg, bad[i].name, bad[i].value, err, sizeof err);
		cr_assert_eq(r, UCQL_E_CONFIG_VALUE, "%s='%s' accepted (%d)", bad[i].name,
			     bad[i].value, r);
		cr_assert_not_null(memchr(err, '\0', sizeof err));
		cr_assert(strncmp(err, bad[i].name, strlen(bad[i].name)) == 0 &&
				  err[strlen(bad[i].name)] == ':',
			  "%s='%s': message '%s' does not name the setting", bad[i].name,
			  bad[i].value, err);
		cr_assert_eq(ucql_config_get(cfg, bad[i].name, after, sizeof after), 0);
		cr_assert_str_eq(after, before, "%s changed by a refused value", bad[i].name);
		/* err may be NULL. */
		cr_assert_eq(ucql_config_set(cfg, bad[i].name, bad[i].value, NULL, 0),
			     UCQL_E_CONFIG_VALUE);
		cr_assert_eq(ucql_config_set(cfg, bad[i].name, bad[i].value, err, 0),
			     UCQL_E_CONFIG_VALUE);
	}
}

Test(config, messages)
{
	cr_assert_eq(ucql_config_set(cfg, "request.timeout_ms", "abc", err, sizeof err),
		     UCQL_E_CONFIG_VALUE);
	cr_assert_str_eq(err, "request.timeout_ms: 'abc' is not an integer");
	ucql_config_set(cfg, "port", "70000", err, sizeof err);
	cr_assert_str_eq(err, "port: 70000 is out of range 1..65535");
	ucql_config_set(cfg, "submit.queue_size", "100", err, sizeof err);
	cr_assert_str_eq(err, "submit.queue_size: 100 is not a power of two");
	ucql_config_set(cfg, "compression", "zstd", err, sizeof err);
	cr_assert_str_eq(err, "compression: 'zstd' is not one of none, lz4");
	ucql_config_set(cfg, "contact_points", "h:0", err, sizeof err);
	cr_assert_str_eq(err, "contact_points: 'h:0': port 0 is out of range 1..65535");
	cr_assert_eq(ucql_config_set(cfg, "foo", "1", err, sizeof err), UCQL_E_CONFIG_VALUE);
	cr_assert_str_eq(err, "unknown setting 'foo'");
	/* A short buffer gets a truncated, terminated message. */
	char small[8];
	ucql_config_set(cfg, "foo", "1", small, sizeof small);
	cr_assert_str_eq(small, "unknown");
}

Test(config, unknown_names_and_bad_arguments)
{
	char buf[64];
	cr_assert_eq(ucql_config_set(cfg, "Port", "1", NULL, 0), UCQL_E_CONFIG_VALUE);
	cr_assert_eq(ucql_config_set(cfg, "", "1", NULL, 0), UCQL_E_CONFIG_VALUE);
	cr_assert_eq(ucql_config_get(cfg, "foo", buf, sizeof buf), UCQL_E_CONFIG_VALUE);
	cr_assert_eq(ucql_config_set(NULL, "port", "1", err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_config_set(cfg, NULL, "1", err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_config_set(cfg, "port", NULL, err, sizeof err), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_config_get(NULL, "port", buf, sizeof buf), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_config_get(cfg, NULL, buf, sizeof buf), UCQL_E_INVALID_ARG);
}

Test(config, get_needs_room_for_the_text_and_its_nul)
{
	char buf[5];
	memset(buf, 'x', sizeof buf);
	cr_assert_eq(ucql_config_get(cfg, "port", buf, 4), UCQL_E_NOSPACE);
	cr_assert_eq(buf[0], '\0');
	cr_assert_eq(ucql_config_get(cfg, "port", NULL, 0), UCQL_E_NOSPACE);
	cr_assert_eq(ucql_config_get(cfg, "port", buf, 5), 0);
	cr_assert_str_eq(buf, "9042");
}

/* ---- copies, passwords -------------------------------------------------- */

static void log_sink(void *ud, int level, const char *msg)
{
	(void)ud, (void)level, (void)msg;
}

Test(config, copies_are_independent)
{
	int ud;
	cr_assert_eq(ucql_config_set(cfg, "keyspace", "ks1", NULL, 0), 0);
	cr_assert_eq(ucql_config_set(cfg, "port", "1000", NULL, 0), 0);
	ucql_config_set_log_callback(cfg, log_sink, &ud);
	ucql_config *c2 = ucql_config_copy(cfg);
	cr_assert_not_null(c2);
	const ucql__cfg *a = ucql__config_values(cfg), *b = ucql__config_values(c2);
	cr_assert_neq(a->keyspace, b->keyspace, "strings are duplicated");
	cr_assert_neq(a->contact_points, b->contact_points);
	cr_assert_eq(b->log_fn, log_sink);
	cr_assert_eq(b->log_ud, &ud);

	cr_assert_eq(ucql_config_set(cfg, "keyspace", "ks2", NULL, 0), 0);
	cr_assert_eq(ucql_config_set(c2, "port", "2000", NULL, 0), 0);
	ucql_config_set_log_callback(cfg, NULL, NULL);
	cr_assert_str_eq(get(c2, "keyspace"), "ks1");
	cr_assert_str_eq(get(cfg, "port"), "1000");
	cr_assert_str_eq(get(c2, "port"), "2000");
	cr_assert_eq(b->log_fn, log_sink);
	ucql_config_free(c2);
	cr_assert_str_eq(get(cfg, "keyspace"), "ks2");

	cr_assert_null(ucql_config_copy(NULL));
	ucql_config_free(NULL);
}

Test(config, passwords_are_masked)
{
	cr_assert_str_eq(get(cfg, "auth.password"), "");
	cr_assert_eq(ucql_config_set(cfg, "auth.password", "hunter2", NULL, 0), 0);
	cr_assert_str_eq(get(cfg, "auth.password"), "***");
	cr_assert_str_eq(ucql__config_values(cfg)->auth_password, "hunter2");
	ucql_config *c2 = ucql_config_copy(cfg);
	cr_assert_str_eq(get(c2, "auth.password"), "***");
	cr_assert_str_eq(ucql__config_values(c2)->auth_password, "hunter2");
	ucql_config_free(c2);
	cr_assert_eq(ucql_config_set(cfg, "auth.password", "", NULL, 0), 0);
	cr_assert_str_eq(get(cfg, "auth.password"), "");
}

/* ---- contact points ----------------------------------------------------- */

Test(config, contact_points_parse)
{
	cr_assert_eq(ucql_config_set(cfg, "contact_points",
				     "10.0.0.1, [::1]:9043 ,db.example.com:19042,fe80::1,"
				     "[fe80::1%eth0],127.0.0.2:1,node_1.,H",
				     err, sizeof err),
		     0, "%s", err);
	cr_assert_eq(ucql_config_set(cfg, "port", "9000", NULL, 0), 0);
	ucql__hostport hp[8];
	memset(hp, 0, sizeof hp);
	const ucql__cfg *v = ucql__config_values(cfg);
	cr_assert_eq(ucql__config_contact_points(v, hp, 8), 8);
	static const struct {
		const char *host;
		int port;
	} want[] = {
		{ "10.0.0.1", 9000 },	    { "::1", 9043 },	      { "db.example.com", 19042 },
		{ "fe80::1", 9000 },	    { "fe80::1%eth0", 9000 }, { "127.0.0.2", 1 },
		{ "node_1.", 9000 },	    { "H", 9000 },
	};
	for (int i = 0; i < 8; i++) {
		cr_assert_str_eq(hp[i].host, want[i].host, "entry %d", i);
		cr_assert_eq(hp[i].port, want[i].port, "entry %d", i);
	}
	/* Fewer slots: the count is still the total, only max are written. */
	memset(hp, 0, sizeof hp);
	cr_assert_eq(ucql__config_contact_points(v, hp, 2), 8);
	cr_assert_str_eq(hp[1].host, "::1");
	cr_assert_eq(hp[2].host[0], '\0');
	cr_assert_eq(ucql__config_contact_points(v, NULL, 0), 8);
}

Test(config, contact_point_limits)
{
	char name[300];
	/* A 63-character label is fine, 64 is not; 253 characters in all. */
	memset(name, 'a', 63);
	name[63] = '\0';
	cr_assert_eq(ucql_config_set(cfg, "contact_points", name, NULL, 0), 0);
	memset(name, 'a', 64);
	name[64] = '\0';
	cr_assert_eq(ucql_config_set(cfg, "contact_points", name, NULL, 0), UCQL_E_CONFIG_VALUE);
	for (int i = 0; i < 253; i++)
		name[i] = i % 2 ? '.' : 'a';
	name[253] = '\0';
	cr_assert_eq(ucql_config_set(cfg, "contact_points", name, err, sizeof err), 0, "%s", err);
	ucql__hostport hp;
	cr_assert_eq(ucql__config_contact_points(ucql__config_values(cfg), &hp, 1), 1);
	cr_assert_eq(strlen(hp.host), 253);
	name[253] = 'a';
	name[254] = '\0';
	cr_assert_eq(ucql_config_set(cfg, "contact_points", name, NULL, 0), UCQL_E_CONFIG_VALUE);
	cr_assert_eq(ucql_config_set(cfg, "contact_points", "h:65535,h:00001", NULL, 0), 0);
}

/* ---- logging ------------------------------------------------------------ */

struct captured {
	int n;
	int level[8];
	char msg[8][UCQL__LOG_MAX + 8];
};

static void capture(void *ud, int level, const char *msg)
{
	struct captured *c = ud;
	if (c->n < 8) {
		c->level[c->n] = level;
		snprintf(c->msg[c->n], sizeof c->msg[c->n], "%s", msg);
	}
	c->n++;
}

Test(config, log_callback_gets_formatted_messages_filtered_by_level)
{
	struct captured got = { 0 };
	cr_assert_eq(ucql_config_set(cfg, "log.level", "info", NULL, 0), 0);
	ucql_config_set_log_callback(cfg, capture, &got);
	ucql__logger lg;
	ucql__logger_init(&lg, ucql__config_values(cfg));

	int evaluated = 0;
	UCQL__LOG(&lg, UCQL_LOG_DEBUG, "dropped %d", ++evaluated);
	cr_assert_eq(evaluated, 0, "a filtered message's arguments are not evaluated");
	ucql__log(&lg, UCQL_LOG_DEBUG, "dropped too");
	UCQL__LOG(&lg, UCQL_LOG_INFO, "node %s:%d up", "10.0.0.1", 9042);
	UCQL__LOG(&lg, UCQL_LOG_WARN, "warn %d", 2);
	UCQL__LOG(&lg, UCQL_LOG_ERROR, "error %s", "three");
	cr_assert_eq(got.n, 3);
	cr_assert_eq(got.level[0], UCQL_LOG_INFO);
	cr_assert_str_eq(got.msg[0], "node 10.0.0.1:9042 up");
	cr_assert_eq(got.level[1], UCQL_LOG_WARN);
	cr_assert_str_eq(got.msg[1], "warn 2");
	cr_assert_eq(got.level[2], UCQL_LOG_ERROR);
	cr_assert_str_eq(got.msg[2], "error three");

	/* The logger took a snapshot: later config changes do not reach it. */
	cr_assert_eq(ucql_config_set(cfg, "log.level", "error", NULL, 0), 0);
	UCQL__LOG(&lg, UCQL_LOG_INFO, "still logged");
	cr_assert_eq(got.n, 4);
	ucql__logger_init(&lg, ucql__config_values(cfg));
	UCQL__LOG(&lg, UCQL_LOG_WARN, "now dropped");
	cr_assert_eq(got.n, 4);
}

Test(config, long_log_messages_are_cut)
{
	struct captured got = { 0 };
	ucql_config_set_log_callback(cfg, capture, &got);
	ucql__logger lg;
	ucql__logger_init(&lg, ucql__config_values(cfg));
	char big[3000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	UCQL__LOG(&lg, UCQL_LOG_ERROR, "%s", big);
	cr_assert_eq(got.n, 1);
	size_t n = strlen(got.msg[0]);
	cr_assert_eq(n, UCQL__LOG_MAX - 1);
	cr_assert_str_eq(got.msg[0] + n - 3, "...");
	cr_assert_eq(got.msg[0][n - 4], 'z');
}

Test(config, default_log_goes_to_stderr)
{
	ucql__logger lg;
	ucql__logger_init(&lg, ucql__config_values(cfg));
	/* Catch fd 2 in a temporary file (Criterion's own stderr redirection
	 * does not survive the sanitizer builds). */
	FILE *tmp = tmpfile();
	cr_assert_not_null(tmp);
	fflush(stderr);
	int saved = dup(2);
	cr_assert_geq(saved, 0);
	cr_assert_geq(dup2(fileno(tmp), 2), 0);
	UCQL__LOG(&lg, UCQL_LOG_WARN, "hello %d", 42);
	UCQL__LOG(&lg, UCQL_LOG_INFO, "not at warn");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char out[128] = { 0 };
	rewind(tmp);
	size_t n = fread(out, 1, sizeof out - 1, tmp);
	fclose(tmp);
	cr_assert_eq(n, strlen("ucql WARN: hello 42\n"));
	cr_assert_str_eq(out, "ucql WARN: hello 42\n");
}

Test(config, log_level_names)
{
	cr_assert_str_eq(ucql_log_level_name(UCQL_LOG_ERROR), "ERROR");
	cr_assert_str_eq(ucql_log_level_name(UCQL_LOG_WARN), "WARN");
	cr_assert_str_eq(ucql_log_level_name(UCQL_LOG_INFO), "INFO");
	cr_assert_str_eq(ucql_log_level_name(UCQL_LOG_DEBUG), "DEBUG");
	cr_assert_str_eq(ucql_log_level_name(0), "UNKNOWN");
	cr_assert_str_eq(ucql_log_level_name(5), "UNKNOWN");
}

/* ---- authenticator ------------------------------------------------------ */

static int a_initial(void *ud, void **state, ucql_bytes cls, ucql_writer *token)
{
	(void)ud, (void)state, (void)cls, (void)token;
	return 0;
}
static int a_challenge(void *ud, void **state, ucql_value ch, ucql_writer *token)
{
	(void)ud, (void)state, (void)ch, (void)token;
	return 0;
}
static void a_free(void *ud, void *state)
{
	(void)ud, (void)state;
}

Test(config, authenticator_is_copied)
{
	int ud;
	ucql_authenticator a = { a_initial, a_challenge, NULL, a_free, &ud };
	ucql_config_set_authenticator(cfg, &a);
	memset(&a, 0, sizeof a); /* the config kept its own copy */
	const ucql__cfg *v = ucql__config_values(cfg);
	cr_assert_eq(v->has_authenticator, 1);
	cr_assert_eq(v->authenticator.initial, a_initial);
	cr_assert_eq(v->authenticator.challenge, a_challenge);
	cr_assert_null(v->authenticator.success);
	cr_assert_eq(v->authenticator.free_state, a_free);
	cr_assert_eq(v->authenticator.ud, &ud);

	ucql_config *c2 = ucql_config_copy(cfg);
	cr_assert_not_null(c2);
	ucql_config_set_authenticator(cfg, NULL);
	cr_assert_eq(v->has_authenticator, 0);
	cr_assert_null(v->authenticator.initial);
	const ucql__cfg *v2 = ucql__config_values(c2);
	cr_assert_eq(v2->has_authenticator, 1);
	cr_assert_eq(v2->authenticator.initial, a_initial);
	cr_assert_eq(v2->authenticator.ud, &ud);

	/* initial and challenge are required: without one, the default. */
	ucql_authenticator half = { a_initial, NULL, NULL, NULL, &ud };
	ucql_config_set_authenticator(c2, &half);
	cr_assert_eq(v2->has_authenticator, 0);
	ucql_config_free(c2);
}
