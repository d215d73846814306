"""/api/v1/warnings/: who gets what, the four-eyes rule, update and cancel
with references, the error envelope and the documented schema."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kitaaman.models import OutboxMessage
from spm.warnings.models import Alert, State
from tests.factories import DESA_RUPIT, PASSWORD
from tests.spm.warnings.conftest import DESA_RUPIT_2, flood

pytestmark = pytest.mark.django_db
API = "/api/v1/warnings/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def body(**overrides):
    """The conftest's flood warning as JSON."""
    data = flood(**overrides)
    if hasattr(data["expires"], "isoformat"):
        data["expires"] = data["expires"].isoformat()
    return data


def test_anonymous_gets_401_with_the_envelope(personas, draft):
    alert = draft()
    c = client_for()
    for method, url in [
        ("get", API),
        ("post", API),
        ("get", f"{API}{alert.pk}/"),
        ("post", f"{API}{alert.pk}/publish/"),
        ("post", f"{API}{alert.pk}/cancel/"),
    ]:
        response = getattr(c, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url)
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"


def test_an_account_without_a_staff_role_is_refused(draft):
    user = get_user_model().objects.create_user("warga", password=PASSWORD)
    assert client_for(user).get(API).status_code == 403


def test_the_full_flow_by_token(personas):
    bpbd = APIClient()
    bpbd.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=personas.mitra_bpbd).key)
    response = bpbd.post(API, body(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "draft" and created["cap_url"] is None and created["delivery"] is None
    assert [a["code"] for a in created["areas"]] == [DESA_RUPIT, DESA_RUPIT_2]
    assert [a["level"] for a in created["areas"]] == ["desa", "desa"]
    pk = created["id"]

    # The author may not publish (four-eyes), even holding a publishing role.
    tim = client_for(personas.tim_efektif)
    drafted_by_tim = tim.post(API, body(headline="Draf Tim Efektif"), format="json").json()
    refused = tim.post(f"{API}{drafted_by_tim['id']}/publish/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "four_eyes"
    assert "empat mata" in refused.json()["error"]["message"] or "sendiri" in refused.json()["error"]["message"]
    assert Alert.objects.get(pk=drafted_by_tim["id"]).state == State.DRAFT

    # A BPBD mitra drafts but does not publish.
    assert bpbd.post(f"{API}{pk}/publish/").status_code == 403

    response = client_for(personas.koordinator).post(f"{API}{pk}/publish/")
    assert response.status_code == 200, response.content
    published = response.json()
    assert published["state"] == "published"
    assert published["identifier"].startswith("MURATARA-")
    assert published["cap_url"] == f"http://127.0.0.1:8000/cap/{published['identifier']}.xml"
    assert published["delivery"] == {"sent": 0, "failed": 0, "pending": 0, "total": 0}
    assert [e["action"] for e in published["events"]] == ["created", "published"]

    # Update with references (by identifier), published by the Tim Efektif.
    response = bpbd.post(
        API, body(msg_type="Update", references=published["identifier"], severity="Extreme"), format="json"
    )
    assert response.status_code == 201, response.content
    update = response.json()
    assert update["references"] == {"id": pk, "identifier": published["identifier"]}
    assert tim.post(f"{API}{update['id']}/publish/").status_code == 200
    assert client_for(personas.pimpinan).get(f"{API}{pk}/").json()["state"] == "superseded"

    # Cancel the update with a reason from the list: published at once.
    response = bpbd.post(f"{API}{update['id']}/cancel/", {"reason_code": "ancaman-berlalu"}, format="json")
    assert response.status_code == 201, response.content
    cancel = response.json()
    assert cancel["msg_type"] == "Cancel" and cancel["state"] == "published"
    assert cancel["references"]["id"] == update["id"] and cancel["cap_url"]
    assert client_for(personas.officer_rupit).get(f"{API}{update['id']}/").json()["state"] == "cancelled"
    assert OutboxMessage.objects.filter(task_name="spm.warnings.tasks.deliver_alert").count() == 3


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_polres", "pimpinan", "koordinator"])
def test_roles_that_may_not_draft_get_403(personas, who):
    response = client_for(getattr(personas, who)).post(API, body(), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Alert.objects.exists()


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_polres", "pimpinan"])
def test_read_only_roles_read_but_cannot_publish_or_cancel(personas, draft, published, who):
    pending, live = draft(), published()
    c = client_for(getattr(personas, who))
    listing = c.get(API)
    assert listing.status_code == 200
    assert {row["id"] for row in listing.json()["results"]} == {pending.pk, live.pk}
    assert c.get(f"{API}{live.pk}/").status_code == 200
    assert c.post(f"{API}{pending.pk}/publish/").status_code == 403
    assert c.post(f"{API}{live.pk}/cancel/", {"reason": "x"}, format="json").status_code == 403
    assert Alert.objects.get(pk=pending.pk).state == State.DRAFT
    assert Alert.objects.get(pk=live.pk).state == State.PUBLISHED


def test_unknown_ids_are_404(personas):
    c = client_for(personas.koordinator)
    assert c.get(f"{API}999999/").status_code == 404
    response = c.post(f"{API}999999/publish/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = client_for(personas.mitra_bpbd).post(f"{API}999999/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"areas": []}, "areas"),
        ({"areas": ["16.13.99.9999"]}, "areas"),
        ({"event": "tsunami"}, "event"),
        ({"urgency": "Soon"}, "urgency"),
        ({"expires": "kemarin"}, "expires"),
        ({"expires": timezone.now() - timedelta(hours=1)}, "expires"),
        ({"headline": "x" * 161}, "headline"),
        ({"msg_type": "Update"}, "references"),
        ({"msg_type": "Update", "references": "MURATARA-tidakada"}, "references"),
    ],
)
def test_bad_input_is_a_400_with_the_field(personas, overrides, field):
    response = client_for(personas.tim_efektif).post(API, body(**overrides), format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert not Alert.objects.exists()


def test_publishing_twice_or_cancelling_a_draft_is_a_400(personas, draft):
    alert = draft()
    c = client_for(personas.koordinator)
    assert c.post(f"{API}{alert.pk}/cancel/", {"reason": "x"}, format="json").status_code == 400
    assert c.post(f"{API}{alert.pk}/publish/").status_code == 200
    again = c.post(f"{API}{alert.pk}/publish/")
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid"
    assert c.post(f"{API}{alert.pk}/cancel/", {}, format="json").status_code == 400


def test_list_filters_by_state_and_pages_by_cursor(personas, draft, published):
    drafts = [draft(headline=f"Draf {i}") for i in range(3)]
    live = published()
    c = client_for(personas.pimpinan)
    rows = c.get(API, {"state": "published"}).json()["results"]
    assert [r["id"] for r in rows] == [live.pk]
    assert c.get(API, {"state": "mungkin"}).status_code == 400
    assert {r["id"] for r in c.get(API, {"state": "draft"}).json()["results"]} == {d.pk for d in drafts}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_documents_every_operation_and_its_errors(schema):
    expected = {
        ("/api/v1/warnings/", "get"): {"400", "401", "403"},
        ("/api/v1/warnings/", "post"): {"400", "401", "403"},
        ("/api/v1/warnings/{id}/", "get"): {"401", "403", "404"},
        ("/api/v1/warnings/{id}/publish/", "post"): {"400", "401", "403", "404"},
        ("/api/v1/warnings/{id}/cancel/", "post"): {"400", "401", "403", "404"},
    }
    for (path, method), codes in expected.items():
        operation = schema["paths"][path][method]
        assert codes <= set(operation["responses"]), (path, method)
        for code in codes:
            refs = {c["schema"]["$ref"] for c in operation["responses"][code]["content"].values()}
            assert refs == {"#/components/schemas/ApiErrorEnvelope"}
    detail = schema["components"]["schemas"]["AlertDetailOutput"]["properties"]
    assert {"identifier", "cap_url", "references", "areas", "delivery", "events"} <= set(detail)
    request = schema["components"]["schemas"]["AlertInputRequest"]
    assert {"event", "urgency", "severity", "certainty", "headline", "expires", "areas"} <= set(request["required"])
