"""Database connections: persistent and health-checked in production, one per
request on a developer's machine, and ready for PgBouncer when asked."""

from tests.kitaaman.test_settings import PRODUCTION, settings_in

PG = "postgres://kitaaman@db.example:5432/kitaaman"
DB = "[s.DATABASES['default'].get(k) for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'DISABLE_SERVER_SIDE_CURSORS')]"
OPTIONS = "s.DATABASES['default'].get('OPTIONS', {})"


def test_production_keeps_connections_and_checks_them():
    assert settings_in({**PRODUCTION, "DATABASE_URL": PG}, DB) == [600, True, False]


def test_a_developer_machine_opens_one_per_request():
    assert settings_in({"DEBUG": "1", "DATABASE_URL": PG}, DB) == [0, True, False]


def test_the_age_can_be_set():
    assert settings_in({**PRODUCTION, "DATABASE_URL": PG, "DB_CONN_MAX_AGE": "0"}, DB) == [0, True, False]
    assert settings_in({"DEBUG": "1", "DATABASE_URL": PG, "DB_CONN_MAX_AGE": "60"}, DB) == [60, True, False]


def test_statement_timeout_travels_with_the_connection():
    options = settings_in({**PRODUCTION, "DATABASE_URL": PG, "DB_STATEMENT_TIMEOUT_MS": "5000"}, OPTIONS)
    assert options["options"] == "-c statement_timeout=5000"


def test_behind_pgbouncer_no_server_side_cursor_and_no_startup_options():
    env = {**PRODUCTION, "DATABASE_URL": PG, "DB_PGBOUNCER": "1"}
    assert settings_in(env, DB) == [600, True, True]
    # PgBouncer refuses the `options` startup parameter: the timeout is set on the role (README).
    assert "options" not in settings_in(env, OPTIONS)
