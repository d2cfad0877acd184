/*
 * Authentication (issue 4, proof 9): a cluster with PasswordAuthenticator
 * (SASL PLAIN). Right credentials connect (every protocol version);
 * a wrong password fails with UCQL_E_AUTH carrying the server's message;
 * no credentials fail with UCQL_E_AUTH_REQUIRED. A custom authenticator
 * (ucql_config_set_authenticator) speaks PLAIN too.
 */
#include <stdio.h>
#include <string.h>

#include "itest.h"

static const mock_user users[] = { { "app", "s3cret" }, { "other", "pw" } };

static void start_auth(it_mock *m)
{
	mock_options o;
	mock_options_init(&o);
	o.nodes = 2;
	o.auth = 1;
	o.users = users;
	o.n_users = 2;
	it_mock_start(m, &o);
}

static int try_connect(const it_mock *m, const char *version, const char *user, const char *pw,
		       ucql_session **out, char *err, size_t errlen)
{
	ucql_config *cfg = it_config(m, 2);
	it_set(cfg, "protocol.version", version);
	it_set(cfg, "connect.timeout_ms", "5000");
	if (user)
		it_set(cfg, "auth.username", user);
	if (pw)
		it_set(cfg, "auth.password", pw);
	*out = NULL;
	err[0] = 0;
	int rc = ucql_session_connect(cfg, out, err, errlen);
	ucql_config_free(cfg);
	return rc;
}

static void good_credentials(const char *version)
{
	it_mock m;
	start_auth(&m);
	ucql_session *s;
	char err[512];
	int rc = try_connect(&m, version, "app", "s3cret", &s, err, sizeof err);
	cr_assert_eq(rc, 0, "v%s: %s: %s", version, ucql_err_name(rc), err);
	if (version[0] != '0')
		cr_assert_eq(ucql_session_protocol_version(s), version[0] - '0');
	/* every connection authenticated: requests reach both nodes */
	it_wait_nodes(s, 2);
	int seen[3] = { 0 };
	for (int i = 0; i < 40; i++) {
		ucql_resultset *rs = it_query(s, "SELECT release_version FROM system.local");
		const char *node = ucql_resultset_node(rs);
		if (!strncmp(node, "127.0.0.", 8) && (node[8] == '1' || node[8] == '2'))
			seen[node[8] - '0']++;
		ucql_resultset_free(rs);
	}
	cr_assert(seen[1] > 0 && seen[2] > 0, "nodes %d %d", seen[1], seen[2]);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

Test(auth, good_credentials_v4, .timeout = 60)
{
	good_credentials("4");
}

Test(auth, good_credentials_v3, .timeout = 60)
{
	good_credentials("3");
}

Test(auth, good_credentials_v5, .timeout = 60)
{
	good_credentials("5");
}

Test(auth, good_credentials_negotiated, .timeout = 60)
{
	good_credentials("0");
}

static void wrong_password(const char *version)
{
	it_mock m;
	start_auth(&m);
	ucql_session *s;
	char err[512];
	int rc = try_connect(&m, version, "app", "wrong", &s, err, sizeof err);
	cr_assert_eq(rc, UCQL_E_AUTH, "v%s: %s: %s", version, ucql_err_name(rc), err);
	cr_assert_null(s);
	cr_assert(strstr(err, "Provided username app and/or password are incorrect"), "message: %s", err);
	/* an unknown user, too */
	rc = try_connect(&m, version, "nobody", "s3cret", &s, err, sizeof err);
	cr_assert_eq(rc, UCQL_E_AUTH, "%s: %s", ucql_err_name(rc), err);
	it_mock_stop(&m);
}

Test(auth, wrong_password_v4, .timeout = 60)
{
	wrong_password("4");
}

Test(auth, wrong_password_v3, .timeout = 60)
{
	wrong_password("3");
}

Test(auth, wrong_password_v5, .timeout = 60)
{
	wrong_password("5");
}

static void no_credentials(const char *version)
{
	it_mock m;
	start_auth(&m);
	ucql_session *s;
	char err[512];
	int rc = try_connect(&m, version, NULL, NULL, &s, err, sizeof err);
	cr_assert_eq(rc, UCQL_E_AUTH_REQUIRED, "v%s: %s: %s", version, ucql_err_name(rc), err);
	cr_assert_null(s);
	cr_assert_gt(strlen(err), 0);
	it_mock_stop(&m);
}

Test(auth, no_credentials_v5, .timeout = 60)
{
	no_credentials("5");
}

Test(auth, no_credentials_v4, .timeout = 60)
{
	no_credentials("4");
}

/* Credentials against a cluster without auth: ignored, connects. */
Test(auth, credentials_without_auth, .timeout = 60)
{
	it_mock m;
	it_mock_start_n(&m, 1);
	ucql_session *s;
	char err[512];
	int rc = try_connect(&m, "0", "app", "s3cret", &s, err, sizeof err);
	cr_assert_eq(rc, 0, "%s: %s", ucql_err_name(rc), err);
	ucql_session_close(s, 5000);
	it_mock_stop(&m);
}

/* ---- a custom authenticator ----------------------------------------------- */

typedef struct auth_calls {
	_Atomic int initial, success, freed;
	const char *user, *pw;
} auth_calls;

static int my_initial(void *ud, void **state, ucql_bytes cls, ucql_writer *token)
{
	auth_calls *a = ud;
	atomic_fetch_add(&a->initial, 1);
	if (!ucql_bytes_eq_str(cls, "org.apache.cassandra.auth.PasswordAuthenticator"))
		return UCQL_E_AUTH;
	*state = a;
	ucql_write_byte(token, 0);
	ucql_write_raw(token, a->user, strlen(a->user));
	ucql_write_byte(token, 0);
	ucql_write_raw(token, a->pw, strlen(a->pw));
	return 0;
}

static int my_challenge(void *ud, void **state, ucql_value challenge, ucql_writer *token)
{
	(void)ud; (void)state; (void)challenge; (void)token;
	return UCQL_E_AUTH;
}

static int my_success(void *ud, void **state, ucql_value final_token)
{
	(void)final_token;
	auth_calls *a = ud;
	cr_assert_eq(*state, a);
	atomic_fetch_add(&a->success, 1);
	return 0;
}

static void my_free(void *ud, void *state)
{
	auth_calls *a = ud;
	if (state)
		atomic_fetch_add(&a->freed, 1);
}

Test(auth, custom_authenticator_v4, .timeout = 60)
{
	it_mock m;
	start_auth(&m);
	auth_calls calls;
	memset(&calls, 0, sizeof calls);
	calls.user = "other";
	calls.pw = "pw";
	ucql_authenticator a = { my_initial, my_challenge, my_success, my_free, &calls };
	ucql_config *cfg = it_config(&m, 2);
	it_set(cfg, "protocol.version", "4");
	ucql_config_set_authenticator(cfg, &a);
	ucql_session *s = it_connect(cfg);
	ucql_resultset_free(it_query(s, "SELECT release_version FROM system.local"));
	/* connections still in their handshake may not have succeeded yet */
	cr_assert_geq(atomic_load(&calls.success), 1);
	cr_assert_leq(atomic_load(&calls.success), atomic_load(&calls.initial));
	ucql_session_close(s, 5000);
	/* every connection's state released by the end */
	cr_assert_eq(atomic_load(&calls.freed), atomic_load(&calls.initial));

	/* a wrong password through it */
	calls.pw = "nope";
	ucql_session *bad = NULL;
	char err[512];
	int rc = ucql_session_connect(cfg, &bad, err, sizeof err);
	cr_assert_eq(rc, UCQL_E_AUTH, "%s: %s", ucql_err_name(rc), err);
	ucql_config_free(cfg);
	it_mock_stop(&m);
}
