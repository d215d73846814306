"""Published warnings count toward the SPM service *informasi rawan bencana*
for the kecamatan they cover, and the dashboard links each figure to them.

Hand-computed first quarter of 2026 (targets: Rupit 200, Nibung 100):

- January: a KIE activity in Muara Rupit reached 10 people;
- February: flood warning A for the desa Muara Rupit, 3 subscribers there,
  all 3 messages delivered; its cancellation (3 more messages) is not counted;
- March: landslide warning B for the whole Kecamatan Nibung, 2 subscribers,
  one message delivered, one refused by the gateway (failed, not counted);
- a draft that was never published and a warning published in April.

    Rupit  = (10 + 3) / 200 = 6.5 %
    Nibung =       1  / 100 = 1.0 %
    Kabupaten = 14 / 300    = 4.67 %
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kitaaman.sms import LocmemSmsBackend
from spm import services as spm_services
from spm.calculations import achievements
from spm.warnings import services
from spm.warnings.models import Subscriber, WarningSettings
from tests.factories import DESA_RUPIT, NIBUNG, RUPIT
from tests.spm.warnings.conftest import flood

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def at(y, m, d, hh=9):
    return datetime(y, m, d, hh, 0, tzinfo=WIB)


def info(data):
    return next(s for s in data["services"] if s["code"] == "info-bencana")


def row(service, code):
    return next(r for r in service["by_kecamatan"] if r["code"] == code)


@pytest.fixture
def quarter(personas, monkeypatch, django_capture_on_commit_callbacks):
    tim = personas.tim_efektif
    for kec, value in ((RUPIT, 200), (NIBUNG, 100)):
        spm_services.target_save(actor=tim, service="info-bencana", year=2026, kecamatan=kec, value=value)
    spm_services.activity_create(
        actor=tim,
        service="info-bencana",
        date_value=date(2026, 1, 20),
        desa=DESA_RUPIT,
        people_reached=10,
        description="Sosialisasi rawan banjir",
    )
    confirmed = at(2026, 1, 1)
    for desa, address in (
        (DESA_RUPIT, "+6281200000001"),
        (DESA_RUPIT, "+6281200000002"),
        (DESA_RUPIT, "warga@example.test"),
        ("16.13.01.2001", "+6281200000004"),  # another desa of Rupit: not warned
        ("16.13.03.2001", "+6281200000005"),
        ("16.13.03.2002", "+6281200000006"),
    ):
        channel = "email" if "@" in address else "sms"
        Subscriber.objects.create(desa_id=desa, channel=channel, address=address, confirmed_at=confirmed)

    real_send = LocmemSmsBackend.send

    def gateway(self, *, to, text):
        if to == "+6281200000006":
            raise ValueError("nomor tidak aktif")  # permanent: the row fails at once
        real_send(self, to=to, text=text)

    monkeypatch.setattr(LocmemSmsBackend, "send", gateway)

    def publish(when, **content):
        with time_machine.travel(when, tick=False):
            alert = services.alert_create(
                actor=personas.mitra_bpbd, **flood(expires=when + timedelta(days=1), **content)
            )
            with django_capture_on_commit_callbacks(execute=True):
                return services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)

    a = publish(at(2026, 2, 10), areas=[DESA_RUPIT])
    with time_machine.travel(at(2026, 2, 10, 15), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            cancel = services.alert_cancel(actor=personas.koordinator, alert_id=a.pk, reason_code="ancaman-berlalu")
    b = publish(at(2026, 3, 5), areas=[NIBUNG], event="tanah-longsor", headline="Longsor di Nibung")
    with time_machine.travel(at(2026, 3, 6), tick=False):
        services.alert_create(actor=personas.mitra_bpbd, **flood(expires=at(2026, 3, 7), areas=[DESA_RUPIT]))
    april = publish(at(2026, 4, 2), areas=[DESA_RUPIT])
    LocmemSmsBackend.outbox.clear()
    return {"a": a, "cancel": cancel, "b": b, "april": april}


def test_hand_computed_quarter(quarter):
    data = info(achievements(year=2026, quarter=1))
    assert (row(data, RUPIT)["served"], row(data, RUPIT)["must_serve"], row(data, RUPIT)["capaian"]) == (13, 200, 6.5)
    assert (row(data, NIBUNG)["served"], row(data, NIBUNG)["capaian"]) == (1, 1.0)
    assert (row(data, RUPIT)["from_warnings"], row(data, NIBUNG)["from_warnings"]) == (3, 1)
    assert (data["served"], data["must_serve"], data["capaian"], data["from_warnings"]) == (14, 300, 4.67, 4)
    # Month by month: January has only the activity; April's warning (3 more) lands in Q2.
    assert info(achievements(year=2026, month=1))["served"] == 10
    assert info(achievements(year=2026, quarter=2))["served"] == 17
    assert info(achievements(year=2026, quarter=1, kecamatan=NIBUNG))["served"] == 1


def test_population_instead_of_deliveries_is_configuration(quarter):
    from incidents.models import Desa, Kecamatan

    Desa.objects.filter(code=DESA_RUPIT).update(population=4000)
    Kecamatan.objects.filter(code=NIBUNG).update(population=20000)
    WarningSettings.objects.update_or_create(pk=1, defaults={"spm_reach": "penduduk"})
    data = info(achievements(year=2026, quarter=1))
    # Muara Rupit counted once (February), Nibung's population once (March).
    assert (row(data, RUPIT)["served"], row(data, NIBUNG)["served"]) == (4010, 20000)
    # April warns Muara Rupit again: already counted this year.
    assert row(info(achievements(year=2026)), RUPIT)["served"] == 4010


def test_the_dashboard_links_each_figure_to_its_warnings(quarter, personas, client):
    client.force_login(personas.pimpinan)
    html = client.get("/dasbor/", {"year": 2026, "quarter": 1}).content.decode()
    kabupaten = "/petugas/peringatan/?tahun=2026&amp;sampai=2026-03-31"
    assert f'href="{kabupaten}" data-testid="from-warnings">termasuk 4 dari peringatan dini' in html
    assert f'href="{kabupaten}&amp;kecamatan={RUPIT}">6,5' in html
    assert f'href="{kabupaten}&amp;kecamatan={NIBUNG}">1,0' in html

    # Following the Rupit link: the warnings behind the figure, with the same total.
    page = client.get("/petugas/peringatan/", {"tahun": 2026, "sampai": "2026-03-31", "kecamatan": RUPIT})
    assert page.status_code == 200
    text = page.content.decode()
    assert "<strong>3</strong>" in text
    listed = {r["alert"].pk: r["reach"] for r in page.context["rows"]}
    assert listed == {quarter["a"].pk: 3, quarter["cancel"].pk: 0}
    page = client.get("/petugas/peringatan/", {"tahun": 2026, "sampai": "2026-03-31"})
    assert page.context["reach_total"] == 4


def test_bad_filters_on_the_list_are_explained(personas, client):
    client.force_login(personas.pimpinan)
    response = client.get("/petugas/peringatan/", {"tahun": "dua ribu", "sampai": "2026-13-01"})
    assert response.status_code == 200
    assert "Saringan tahun/tanggal tidak valid" in response.content.decode()
