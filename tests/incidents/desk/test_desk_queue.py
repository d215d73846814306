"""The desk queue (/petugas/): who sees what, filters, sort orders, keyset pages, counts."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.desk import queue
from incidents.intake.tracking import looks_like_tracking_code
from incidents.models import Incident, Status
from incidents.workflow.services import incident_assign, incident_transition
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db
URL = reverse("desk:home")


def login(client, user):
    client.force_login(user)
    return client


def codes(response):
    return [row["incident"].tracking_code for row in response.context["rows"]]


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_account_without_staff_role_gets_403(client, django_user_model):
    django_user_model.objects.create_user("warga", password="x")
    login(client, django_user_model.objects.get(username="warga"))
    assert client.get(URL).status_code == 403


def test_officer_sees_only_own_kecamatan(client, personas, make_incident):
    rupit = make_incident()
    nibung = make_incident(desa=DESA_NIBUNG)
    response = login(client, personas.officer_rupit).get(URL)
    assert response.status_code == 200
    assert codes(response) == [rupit.tracking_code]
    assert nibung.tracking_code not in response.content.decode()
    # Searching for the other kecamatan's code finds nothing, and the counts ignore it.
    response = client.get(URL, {"q": nibung.tracking_code})
    assert codes(response) == []
    assert response.context["status_tabs"][1]["count"] == 1  # baru


def test_koordinator_pimpinan_and_tim_efektif_see_everything_read_only(client, personas, make_incident):
    a, b = make_incident(), make_incident(desa=DESA_NIBUNG)
    for user in (personas.koordinator, personas.pimpinan, personas.tim_efektif):
        client.logout()
        response = login(client, user).get(URL)
        assert set(codes(response)) == {a.tracking_code, b.tracking_code}
        writable = user == personas.koordinator
        assert response.context["read_only"] is (not writable)
        assert ('name="pilih"' in response.content.decode()) is writable


def test_mitra_sees_only_reports_assigned_to_its_agency(client, personas, make_incident):
    assigned, other = make_incident(), make_incident()
    incident_assign(incident=assigned, actor=personas.koordinator, agency="bpbd")
    response = login(client, personas.mitra_bpbd).get(URL)
    assert codes(response) == [assigned.tracking_code]
    client.logout()
    assert codes(login(client, personas.mitra_polres).get(URL)) == []
    assert other.tracking_code


def test_row_shows_age_status_due_and_agencies(client, personas, make_incident):
    incident = make_incident()
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    Incident.objects.filter(pk=incident.pk).update(
        due_at=timezone.now() - timedelta(hours=1), created_at=timezone.now() - timedelta(hours=3, minutes=5)
    )
    body = login(client, personas.koordinator).get(URL).content.decode()
    assert incident.tracking_code in body
    assert "3 jam lalu" in body
    assert "status-baru" in body
    assert "BPBD" in body
    assert "row-overdue" in body and "Terlambat" in body


def test_filters(client, personas, make_incident):
    flood = make_incident()
    fire = make_incident(category="kebakaran-permukiman")
    nib = make_incident(desa=DESA_NIBUNG, category="ketertiban-umum", description="Pedagang berjualan di trotoar pasar")
    incident_transition(incident=fire, actor=personas.koordinator, to="diverifikasi")
    incident_assign(incident=fire, actor=personas.koordinator, agency="damkar")
    Incident.objects.filter(pk=flood.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    login(client, personas.koordinator)
    assert codes(client.get(URL, {"status": "diverifikasi"})) == [fire.tracking_code]
    assert set(codes(client.get(URL, {"status": "terbuka"}))) == {
        flood.tracking_code,
        fire.tracking_code,
        nib.tracking_code,
    }
    assert codes(client.get(URL, {"category": "kebakaran-permukiman"})) == [fire.tracking_code]
    assert codes(client.get(URL, {"kecamatan": "16.13.03"})) == [nib.tracking_code]
    assert codes(client.get(URL, {"desa": DESA_NIBUNG})) == [nib.tracking_code]
    assert codes(client.get(URL, {"agency": "damkar"})) == [fire.tracking_code]
    assert codes(client.get(URL, {"priority": "4"})) == [fire.tracking_code]
    assert codes(client.get(URL, {"overdue": "on"})) == [flood.tracking_code]
    assert codes(client.get(URL, {"q": "trotoar"})) == [nib.tracking_code]
    # An exact tracking code opens the report (tests/incidents/desk/test_desk_search.py).
    assert client.get(URL, {"q": fire.tracking_code.lower()})["Location"] == f"/petugas/laporan/{fire.pk}/"
    today = timezone.localdate().isoformat()
    assert len(codes(client.get(URL, {"created_after": today, "created_before": today}))) == 3
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert codes(client.get(URL, {"created_after": tomorrow})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"status": "hilang"},
        {"category": "tidak-ada"},
        {"priority": "9"},
        {"created_after": "kemarin"},
        {"created_after": "2026-05-02", "created_before": "2026-05-01"},
        {"desa": DESA_NIBUNG, "kecamatan": "16.13.01"},
        {"sort": "acak"},
        {"cursor": "bukan-kursor"},
        {"q": "x" * 500},
    ],
)
def test_bad_filters_never_500(client, personas, make_incident, params):
    make_incident()
    response = login(client, personas.koordinator).get(URL, params)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def test_tracking_code_shape_vs_words():
    assert looks_like_tracking_code("ka-abcd-efghj") == "KA-ABCD-EFGHJ"
    assert looks_like_tracking_code("ABCD-EFGHJ") == "KA-ABCD-EFGHJ"
    assert looks_like_tracking_code("kebakaran") == ""
    assert looks_like_tracking_code("banjir") == ""


def _seed(make_incident, n):
    base = timezone.now() - timedelta(days=3)
    made = [make_incident(description=f"Laporan nomor {i}") for i in range(n)]
    # Spread created_at (with ties) and priorities so every sort has work to do.
    for i, incident in enumerate(made):
        Incident.objects.filter(pk=incident.pk).update(
            created_at=base + timedelta(minutes=(i // 2) * 7),
            priority=1 + i % 4,
            due_at=None if i % 5 == 0 else base + timedelta(hours=(i * 37) % 50),
        )
    return made


@pytest.mark.parametrize("sort", ["newest", "oldest", "priority", "due"])
def test_keyset_pages_walk_forward_and_back_without_gaps(personas, make_incident, sort):
    _seed(make_incident, 23)
    user = personas.koordinator
    expected_order = {
        "newest": ["-created_at", "-id"],
        "oldest": ["created_at", "id"],
        "priority": ["-priority", "-created_at", "-id"],
    }
    if sort == "due":
        with_due = list(
            Incident.objects.filter(due_at__isnull=False).order_by("due_at", "id").values_list("pk", flat=True)
        )
        expected = with_due + list(
            Incident.objects.filter(due_at__isnull=True).order_by("id").values_list("pk", flat=True)
        )
    else:
        expected = list(Incident.objects.order_by(*expected_order[sort]).values_list("pk", flat=True))
    params = {"sort": sort}
    pages, page = [], queue.incident_queue(user, params, limit=5)
    pages.append(page)
    while page.next_cursor:
        page = queue.incident_queue(user, params, cursor=page.next_cursor, limit=5)
        pages.append(page)
    walked = [i.pk for p in pages for i in p.items]
    assert walked == expected
    assert pages[0].prev_cursor is None and pages[-1].next_cursor is None
    # And back again from the last page.
    back = [page.items]
    while page.prev_cursor:
        page = queue.incident_queue(user, params, cursor=page.prev_cursor, limit=5)
        back.insert(0, page.items)
    assert [i.pk for items in back for i in items] == expected


def test_pages_link_next_and_previous(client, personas, make_incident):
    _seed(make_incident, 55)
    login(client, personas.koordinator)
    first = client.get(URL, {"status": "baru"})
    assert len(first.context["rows"]) == 50
    assert first.context["prev_url"] is None
    body = first.content.decode()
    assert "Berikutnya" in body and "Sebelumnya" not in body
    second = client.get(URL + first.context["next_url"])
    assert len(second.context["rows"]) == 5
    assert second.context["next_url"] is None
    assert "status=baru" in second.context["prev_url"]
    back = client.get(URL + second.context["prev_url"])
    assert codes(back) == codes(first)


def test_queue_pages_use_no_offset_and_no_count(client, personas, make_incident):
    _seed(make_incident, 55)
    login(client, personas.officer_rupit)
    client.get(URL)  # warm the cached counts
    first = client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL + first.context["next_url"])
    sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert "OFFSET" not in sql
    assert "COUNT(" not in sql


def test_counts_are_cached_and_refresh(personas, make_incident):
    make_incident()
    user = personas.officer_rupit
    assert queue.status_counts(user)[Status.BARU] == 1
    make_incident()
    assert queue.status_counts(user)[Status.BARU] == 1  # cached for up to 30 s
    cache.clear()
    assert queue.status_counts(user)[Status.BARU] == 2
    # Another scope has its own numbers.
    assert queue.status_counts(personas.officer_nibung)[Status.BARU] == 0


def test_bulk_verify_reports_successes_and_failures(client, personas, make_incident):
    a, b = make_incident(), make_incident()
    nib = make_incident(desa=DESA_NIBUNG)
    stale = make_incident()
    incident_transition(incident=b, actor=personas.koordinator, to="diverifikasi")
    login(client, personas.officer_rupit)
    response = client.post(
        reverse("desk:bulk"),
        {
            "action": "verify",
            "pilih": [f"{a.pk}:{a.version}", f"{b.pk}:{b.version}", f"{nib.pk}:1", f"{stale.pk}:{stale.version + 5}"],
            "next": URL,
        },
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "1 laporan berhasil diverifikasi" in text
    assert "3 laporan gagal" in text
    assert "tidak ditemukan" in text and "diubah petugas lain" in text
    a.refresh_from_db(), stale.refresh_from_db(), nib.refresh_from_db()
    assert a.status == "diverifikasi" and stale.status == "baru" and nib.status == "baru"


def test_bulk_assign_is_koordinator_only(client, personas, make_incident):
    a, b = make_incident(), make_incident()
    login(client, personas.officer_rupit)
    data = {"action": "assign", "agency": "bpbd", "pilih": [f"{a.pk}:{a.version}"], "next": URL}
    assert client.post(reverse("desk:bulk"), data).status_code == 403
    client.logout()
    login(client, personas.koordinator)
    data["pilih"] = [f"{a.pk}:{a.version}", f"{b.pk}:{b.version}"]
    response = client.post(reverse("desk:bulk"), data, follow=True)
    assert "2 laporan berhasil ditugaskan" in " ".join(str(m) for m in response.context["messages"])
    assert a.assignments.filter(agency__code="bpbd").exists() and b.assignments.filter(agency__code="bpbd").exists()


@pytest.mark.parametrize("who", ["pimpinan", "tim_efektif"])
def test_bulk_is_forbidden_for_read_only_roles(client, personas, make_incident, who):
    a = make_incident()
    login(client, getattr(personas, who))
    response = client.post(reverse("desk:bulk"), {"action": "verify", "pilih": [f"{a.pk}:{a.version}"]})
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.status == "baru"


def test_bulk_next_cannot_leave_the_site(client, personas, make_incident):
    a = make_incident()
    login(client, personas.officer_rupit)
    response = client.post(
        reverse("desk:bulk"), {"action": "verify", "pilih": [f"{a.pk}:{a.version}"], "next": "https://jahat.example/"}
    )
    assert response["Location"] == URL


def test_bench_command_refuses_sqlite_politely_and_runs_when_allowed(personas, make_incident):
    from io import StringIO

    from django.core.management import CommandError, call_command

    if connection.vendor != "sqlite":
        pytest.skip("VACUUM cannot run inside the test transaction on PostgreSQL")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_desk", reports=10, stdout=StringIO())
    make_incident()
    make_incident(desa=DESA_NIBUNG)
    out = StringIO()
    call_command("bench_desk", reports=2, runs=1, allow_sqlite=True, no_seed=True, stdout=out)
    text = out.getvalue()
    assert "antrean koordinator: halaman pertama" in text and "admin changelist: halaman pertama" in text
