"""Searching the queue for an exact tracking code opens the report, but only a
report the user may see: any other code behaves exactly like one that does not exist."""

import pytest
from django.urls import reverse

from incidents.workflow.services import incident_assign
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db
URL = reverse("desk:home")
NO_RESULT = "Tidak ada laporan yang cocok dengan saringan ini."


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{bare}", " {code} "])
def test_an_exact_code_opens_the_report(client, personas, make_incident, typed):
    incident = make_incident()
    code = incident.tracking_code
    q = typed.format(code=code, lower=code.lower(), bare=code.replace("-", " "))
    client.force_login(personas.officer_rupit)
    response = client.get(URL, {"q": q})
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:detail", args=[incident.pk])


def test_other_filters_do_not_hide_an_exact_code(client, personas, make_incident):
    incident = make_incident()
    client.force_login(personas.koordinator)
    response = client.get(URL, {"q": incident.tracking_code, "status": "selesai"})
    assert response["Location"] == reverse("desk:detail", args=[incident.pk])


def test_a_code_they_may_not_see_is_no_result(client, personas, make_incident):
    hidden = make_incident(desa=DESA_NIBUNG)
    client.force_login(personas.officer_rupit)
    answers = [client.get(URL, {"q": code}) for code in (hidden.tracking_code, "KA-2222-22222")]
    for response in answers:
        assert response.status_code == 200
        body = response.content.decode()
        assert NO_RESULT in body and f"/petugas/laporan/{hidden.pk}/" not in body
    # Nothing tells the two apart but the code typed into the search box.
    assert [r.context["rows"] for r in answers] == [[], []]
    assert [len(r.context["messages"]) for r in answers] == [0, 0]


def test_mitra_opens_only_reports_of_its_agency(client, personas, make_incident):
    mine = make_incident()
    other = make_incident()
    incident_assign(incident=mine, actor=personas.koordinator, agency="bpbd")
    client.force_login(personas.mitra_bpbd)
    assert client.get(URL, {"q": mine.tracking_code}).status_code == 302
    response = client.get(URL, {"q": other.tracking_code})
    assert response.status_code == 200 and NO_RESULT in response.content.decode()


def test_words_and_partial_codes_still_list(client, personas, make_incident):
    incident = make_incident(description="Pohon tumbang menutup jalan desa")
    client.force_login(personas.officer_rupit)
    response = client.get(URL, {"q": "tumbang"})
    assert response.status_code == 200
    assert [row["incident"].pk for row in response.context["rows"]] == [incident.pk]
    assert client.get(URL, {"q": incident.tracking_code[:7]}).status_code == 200
