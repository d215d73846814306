"""The queue page built without model instances or template loops: what it
shows stays escaped, current and scoped to the user, in a fixed number of
statements."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.forms.renderers import get_default_renderer
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.desk import queue
from incidents.desk.filters import IncidentFilter
from incidents.models import Agency, Desa, Kecamatan
from incidents.workflow.services import incident_assign
from tests.factories import DESA_NIBUNG, DESA_RUPIT

pytestmark = pytest.mark.django_db
URL = reverse("desk:home")
RUPIT = "16.13.01"


def offered(body, name):
    select = re.search(rf'<select name="{name}" id="id_{name}">(.*?)</select>', body).group(1)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_texts_of_a_row_are_escaped(client, personas, make_incident):
    incident = make_incident(title='<script>alert("x")</script> & co')
    Agency.objects.filter(code="bpbd").update(short_name="<b>BPBD</b>")
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    client.force_login(personas.koordinator)
    body = client.get(URL).content.decode()
    assert "<script>alert" not in body and "<b>BPBD</b>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in body
    assert '<span class="badge">&lt;b&gt;BPBD&lt;/b&gt;</span>' in body


def test_a_renamed_desa_shows_at_once(client, personas, make_incident):
    make_incident()
    client.force_login(personas.koordinator)
    assert "Muara Rupit" in client.get(URL).content.decode()
    desa = Desa.objects.get(code=DESA_RUPIT)
    desa.name = "Muara Rupit Lama"
    desa.save()
    kecamatan = Kecamatan.objects.get(code=RUPIT)
    kecamatan.name = "Rupit Raya"
    kecamatan.save()
    body = client.get(URL).content.decode()
    assert "Muara Rupit Lama" in body and "Rupit Raya" in body


def test_a_place_missing_from_the_cached_names_is_read_again(client, personas, make_incident):
    incident = make_incident(desa=DESA_NIBUNG)
    cache.set(queue.PLACE_NAMES_KEY, {"desa": {}, "kecamatan": {}}, 60)
    client.force_login(personas.koordinator)
    response = client.get(URL)
    assert response.status_code == 200
    assert incident.desa.name in response.content.decode()
    assert DESA_NIBUNG in queue.place_names()["desa"]


def test_each_user_is_offered_their_own_kecamatan(client, personas, make_incident):
    # The filters are shared between requests: what one user is offered never leaks to the next.
    all_kecamatan = sorted(Kecamatan.objects.values_list("code", flat=True))
    for user, expected in (
        (personas.officer_rupit, [RUPIT]),
        (personas.koordinator, all_kecamatan),
        (personas.officer_rupit, [RUPIT]),
    ):
        client.force_login(user)
        body = client.get(URL).content.decode()
        assert offered(body, "kecamatan") == expected
        desa = offered(body, "desa")
        assert desa and all(code.startswith(expected[0]) for code in desa) == (len(expected) == 1)
        client.logout()


def test_filters_of_one_request_do_not_leak_into_the_next(personas, make_incident):
    flood, other = make_incident(), make_incident(desa=DESA_NIBUNG)
    narrowed = IncidentFilter({"kecamatan": RUPIT}, user=personas.koordinator)
    assert list(narrowed.qs) == [flood]
    assert set(IncidentFilter({}, user=personas.koordinator).qs) == {flood, other}
    assert IncidentFilter({"status": "terbuka"}, user=personas.koordinator).is_valid()


def test_the_filter_inputs_are_written_as_django_writes_them(personas):
    data = {
        "q": 'banjir "besar" <b>',
        "created_after": "bukan tanggal",
        "created_before": "2026-06-01",
        "overdue": "ya",
    }
    form = IncidentFilter(data, user=personas.koordinator).form
    assert not form.is_valid()
    names = ("q", "created_after", "created_before", "overdue", "assignment_requested")
    ours = [str(form[name]) for name in names]
    form.renderer = get_default_renderer()
    assert ours == [str(form[name]) for name in names]
    assert 'aria-invalid="true"' in ours[1] and " checked" in ours[3]


def test_a_queue_page_costs_a_fixed_number_of_statements(client, personas, make_incident):
    incidents = [make_incident() for _ in range(3)]
    incident_assign(incident=incidents[0], actor=personas.koordinator, agency="bpbd")
    client.force_login(personas.koordinator)
    client.get(URL)  # the counts and the reference names are cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"overdue": "0"})
    assert len(response.context["rows"]) == 3
    # Session, user, groups, staff profile, the page's rows, their agencies,
    # and the warning drafts awaiting the koordinator's approval.
    assert len(ctx.captured_queries) == 7, [q["sql"][:80] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, {"status": "baru", "cursor": response.context["page"].next_cursor or ""})
    assert len(ctx.captured_queries) <= 7
