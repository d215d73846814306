"""The whole OpenAPI schema fuzzed by Schemathesis, in-process against the WSGI
application: once anonymously, once with a koordinator's token.

Every check Schemathesis has (what `st run --checks all` runs) is on; the
ones run with adjusted settings (ADJUSTED_CHECKS) or left out (EXCLUDED_CHECKS)
say why. The run must end with no
server error and no answer outside its documented schema. The example budget
is fixed (MAX_EXAMPLES per operation and phase, a fixed seed), so a run takes
a few minutes and finds the same things each time. The counts are printed at
the end of the pytest run (tests/figures.py).
"""

import collections
import os
import time

import pytest
from rest_framework.authtoken.models import Token

from tests.figures import record

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (pip install -r requirements-dev.txt)")
from schemathesis import engine  # noqa: E402
from schemathesis.checks import CHECKS, load_all_checks  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import events  # noqa: E402

MAX_EXAMPLES = int(os.environ.get("KITAAMAN_FUZZ_EXAMPLES", "8"))
SEED = 2026
# Checks that run with adjusted settings, each with the reason.
ADJUSTED_CHECKS = {
    # A schema-valid request may still be refused on purpose: a category code,
    # desa or agency that does not exist (400/404), a transition the workflow
    # does not allow now (400), a stale version (409). Business rules that an
    # OpenAPI schema cannot express; every such answer is a documented error
    # envelope. The check still fails on any other refusal (415, 422, 5xx ...).
    "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]},
}
# Checks left out, each with the reason.
EXCLUDED_CHECKS = {
    # Needs a time limit of its own (--max-response-time); speed is measured by
    # the benchmarks (make bench), not on a shared CI machine.
    "max_response_time": "timing is the benchmarks' job",
}


@pytest.fixture(autouse=True)
def _in_process_transport(monkeypatch):
    # Schemathesis 4.32's in-process WSGI transport hands socket options
    # (max_redirects, verify, cert, proxies) to werkzeug when some checks resend
    # a request, which fails with TypeError; in-process they mean nothing.
    from schemathesis.transport import wsgi

    send = wsgi.WSGITransport.send

    def send_in_process(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(wsgi.WSGITransport, "send", send_in_process)


@pytest.fixture
def fuzz_ready(settings, personas, make_incident):
    # Each request must reach its view: no rate limit in the way.
    scopes = ("report_submit", "report_address", "track", "token", "device_token", "open311")
    rates = {scope: "1000000/hour" for scope in scopes}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    settings.AXES_ENABLED = False
    make_incident()
    make_incident(category="konflik-antarwarga", desa="16.13.03.2001")
    return personas


def run(headers: dict) -> dict:
    from kitaaman.wsgi import application

    load_all_checks()
    names = sorted(CHECKS.get_all_names())
    checks = {name: {"enabled": True, **ADJUSTED_CHECKS.get(name, {})} for name in names if name not in EXCLUDED_CHECKS}
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "workers": 1,
            # The in-process client does not undo Content-Encoding; a real client does.
            "headers": {"Accept-Encoding": "identity", **headers},
            "checks": checks,
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "deterministic": True},
            "phases": {"stateful": {"max-steps": 6}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)
    counts = collections.Counter()
    failures = collections.Counter()
    examples = []
    started = time.monotonic()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            counts["scenarios"] += 1
            counts["cases"] += len(event.recorder.cases)
            counts["requests"] += len(event.recorder.interactions)
            for results in event.recorder.checks.values():
                for result in results:
                    counts["checks"] += 1
                    if result.status.value == "failure":
                        failures[result.name] += 1
                        if len(examples) < 40:
                            examples.append((result.name, event.recorder.label, _describe(result.failure_info)))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures["errors"] += 1
            examples.append(("error", "", str(getattr(event, "info", event))[:600]))
    counts["seconds"] = round(time.monotonic() - started)
    return {"counts": counts, "failures": failures, "examples": examples, "checks": checks}


def _describe(info) -> str:
    failure = info.failure
    return f"{failure.title}: {failure.message}\n{info.code_sample}"[:1500]


def report(label, result):
    c, f = result["counts"], result["failures"]
    enabled = sorted(n for n, v in result["checks"].items() if v["enabled"])
    record(
        f"schemathesis {label}: {c['cases']} test cases, {c['requests']} requests, {c['checks']} checks "
        f"({len(enabled)} kinds) in {c['seconds']} s; server errors {f['not_a_server_error']}, "
        f"schema violations {f['response_schema_conformance']}, all failures {sum(f.values())}"
    )


def assert_clean(result):
    failures = result["failures"]
    assert not failures, "\n".join(f"{name} {label}: {info}" for name, label, info in result["examples"])
    assert result["counts"]["cases"] > 100


@pytest.mark.django_db(transaction=True)
def test_anonymous(fuzz_ready):
    result = run({})
    report("anonymous", result)
    assert_clean(result)


@pytest.mark.django_db(transaction=True)
def test_with_a_staff_token(fuzz_ready):
    token = Token.objects.create(user=fuzz_ready.koordinator)
    result = run({"Authorization": f"Token {token.key}"})
    report("koordinator token", result)
    assert_clean(result)
