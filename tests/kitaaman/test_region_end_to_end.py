"""What issue 19 must show: Kota Lubuk Linggau (16.73) set up by `setup_pemda`
on a fresh database; a report from each channel (form, API, SMS, WhatsApp,
Open311) in one of its kelurahan, walked through the desk; a warning
published; a summary and the e-SPM export generated. Nothing the portal
produced on the way (pages, e-mails, SMS and WhatsApp replies, CAP messages,
Open311 answers, the PDF's text, workbook cells, the CSV) names the demo
region, and the kota's name, "Wali Kota" and "kelurahan" appear where they
belong."""

import csv
import io
import shutil
import subprocess
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from incidents.models import Incident, Status
from incidents.open311.services import open311_key_create
from kitaaman.models import OutboundMessage
from spm.models import TeamDecree
from spm.summaries.services import summary_generate
from spm.warnings import services as warnings
from spm.warnings.delivery import sms_text

# The channel tests' fixtures: the fake SMS gateway and Graph API, and the commit hooks run.
from tests.incidents.channels.conftest import channel_settings, committing, provider, sms  # noqa: F401
from tests.incidents.channels.helpers import menu_number, post_wa, wa_body, wa_message
from tests.region_helpers import KEC_TIMUR_I, KEL_AIR_KUTI, demo_words, setup_lubuk_linggau
from tests.spm.warnings.conftest import flood

pytestmark = pytest.mark.django_db

KOTA = "Kota Lubuk Linggau"
# A point in Kelurahan Air Kuti (its centroid).
AIR_KUTI = ("-3.281898", "102.914748")


class Produced:
    """Everything the portal produced in the walk, by where it came from."""

    def __init__(self):
        self.items = []

    def add(self, where, text):
        self.items.append((where, text if isinstance(text, str) else text.decode("utf-8", "replace")))
        return text

    def page(self, where, response):
        assert response.status_code in (200, 201, 302), (where, response.status_code)
        self.add(where, response.content)
        return response

    def demo_mentions(self):
        return [(where, demo_words(text)) for where, text in self.items if demo_words(text)]

    def text(self, prefix=""):
        return "\n".join(text for where, text in self.items if where.startswith(prefix))


def _transition(client, incident, to, **extra):
    incident.refresh_from_db()
    data = {f"t-{to}-to": to, f"t-{to}-version": incident.version}
    data.update({f"t-{to}-{k}": v for k, v in extra.items()})
    return client.post(reverse("desk:transition", args=[incident.pk]), data)


def test_lubuk_linggau_end_to_end(client, personas, sms, provider, committing, channel_settings, tmp_path):  # noqa: F811
    out = Produced()
    with committing():
        out.add("setup_pemda", setup_lubuk_linggau())

    # --- the citizen's pages and the form --------------------------------------------------------
    home = out.page("page /", client.get("/"))
    form = out.page("page /lapor/", client.get("/lapor/")).content.decode()
    assert KOTA in home.content.decode() and "titik tengah kelurahan" in home.content.decode()
    assert '<label for="id_desa">Kelurahan</label>' in form and "— pilih kelurahan —" in form and "Air Kuti" in form
    with committing():
        response = client.post(
            "/lapor/",
            {
                "category": "bencana-banjir",
                "description": "Air Sungai Kelingi masuk ke rumah warga setinggi lutut.",
                "kecamatan": KEC_TIMUR_I,
                "desa": KEL_AIR_KUTI,
                "consent": "on",
                "reporter_name": "Siti Aminah",
                "reporter_phone": "081234567890",
                "reporter_email": "siti@example.test",
                "details-rumah_terendam": "3",
            },
        )
    out.page("form post", response)
    from_form = Incident.objects.get()
    out.page("page tracking", client.get(response["Location"]))

    # --- the API ----------------------------------------------------------------------------------
    with committing():
        response = client.post(
            "/api/v1/reports/",
            {
                "category": "bencana-banjir",
                "description": "Jalan di depan pasar tergenang setinggi betis.",
                "desa": KEL_AIR_KUTI,
                "consent": True,
                "details": {"rumah_terendam": 1},
            },
            content_type="application/json",
        )
    out.page("api post", response)
    assert response.status_code == 201

    # --- SMS ---------------------------------------------------------------------------------------
    for reply in sms("LAPOR#banjir#Air Kuti#Air naik setinggi pinggang di gang"):
        out.add("sms reply", reply)
    for reply in sms("halo apa kabar", sender="+6281355556666"):
        out.add("sms reply", reply)

    # --- WhatsApp ----------------------------------------------------------------------------------
    def wa(*messages):
        before = len(provider.wa_texts())
        with committing():
            assert post_wa(client, wa_body(*messages)).status_code == 200
        return provider.wa_texts()[before:]

    for text in ("lapor", menu_number("bencana-banjir"), "Air Kuti", "Air masuk ke rumah warga di Air Kuti.", "YA"):
        for reply in wa(wa_message(text=text, sender="+6281311112222")):
            out.add("whatsapp reply", reply)

    # --- Open311 -----------------------------------------------------------------------------------
    key, raw = open311_key_create(application_name="Aplikasi Mitra")
    out.page("open311 discovery", client.get("/open311/v2/discovery.json"))
    out.page("open311 services", client.get("/open311/v2/services.xml"))
    with committing():
        response = client.post(
            "/open311/v2/requests.json",
            urlencode(
                {
                    "api_key": raw,
                    "service_code": "bencana-banjir",
                    "lat": AIR_KUTI[0],
                    "long": AIR_KUTI[1],
                    "description": "Air sungai meluap ke jalan kelurahan.",
                    "attribute[rumah_terendam]": "2",
                    "email": "mitra@example.test",
                }
            ),
            content_type="application/x-www-form-urlencoded",
        )
    out.page("open311 post", response)

    channels = set(Incident.objects.values_list("channel", flat=True))
    # The form and the API both record the web channel.
    assert channels == {"web", "sms", "whatsapp", "open311"}, channels
    assert Incident.objects.count() == 5
    assert set(Incident.objects.values_list("desa_id", flat=True)) == {KEL_AIR_KUTI}

    # --- the desk: verify, assign, handle, close -------------------------------------------------
    client.force_login(personas.koordinator)
    out.page("desk queue", client.get("/petugas/"))
    with committing():
        out.page(
            "verify", _transition(client, from_form, "diverifikasi", note="Tim menuju lokasi.", visibility="publik")
        )
        from_form.refresh_from_db()
        assign = client.post(
            reverse("desk:assign", args=[from_form.pk]), {"agency": "bpbd", "version": from_form.version}
        )
        out.page("assign", assign)
        handle = _transition(client, from_form, "ditangani", note="Pompa dipasang.", visibility="publik")
        out.page("handle", handle)
        close = _transition(client, from_form, "selesai", note="Air surut.", visibility="publik")
        out.page("close", close)
    from_form.refresh_from_db()
    assert from_form.status == Status.SELESAI, (assign.status_code, handle.status_code, close.content[:3000])
    assert from_form.assignments.filter(agency__code="bpbd").exists()
    out.page("desk detail", client.get(reverse("desk:detail", args=[from_form.pk])))
    client.logout()
    out.page("tracking closed", client.get(f"/lacak/{from_form.tracking_code}/"))
    for fmt in ("xml", "json"):
        out.page("open311 request", client.get(f"/open311/v2/requests/{from_form.tracking_code}.{fmt}"))
    out.page("open311 requests", client.get("/open311/v2/requests.xml"))

    # --- a warning ---------------------------------------------------------------------------------
    with committing():
        alert = warnings.alert_create(
            actor=personas.mitra_bpbd,
            **flood(areas=[KEL_AIR_KUTI], headline="Banjir Sungai Kelingi", description="Debit Sungai Kelingi naik."),
        )
        alert = warnings.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    out.add("cap message", alert.cap_xml)
    out.add("warning sms", sms_text(alert, unsubscribe="https://kitaaman.example.test/berhenti"))
    out.page("warnings page", client.get("/peringatan/"))
    out.page("warning page", client.get(f"/peringatan/{alert.pk}/"))
    out.page("cap feed", client.get("/cap/feed.atom"))
    out.page("cap xml", client.get(f"/cap/{alert.identifier}.xml"))
    assert f"<senderName>BPBD {KOTA}</senderName>" in alert.cap_xml

    # --- the dashboard, a summary and the e-SPM export -------------------------------------------
    client.force_login(personas.pimpinan)
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    dashboard = out.page("dashboard", client.get("/dasbor/", {"year": today.year, "quarter": quarter})).content.decode()
    assert f"Seluruh {KOTA}" in dashboard
    plan = out.page("action plan", client.get("/dasbor/rencana-aksi/")).content.decode()
    assert "Surat Keputusan Wali Kota tentang penerapan SPM" in plan and "Bupati" not in plan
    # The SK Tim Efektif is the Wali Kota's: the summary and the export cite it.
    TeamDecree.objects.create(
        number="188.45/12/KPTS/2026",
        title="Tim Efektif SPM",
        signed_on=today.replace(day=1),
        valid_from=today.replace(day=1),
    )
    with committing():
        summary = summary_generate(period_key=f"{today:%Y-%m}")
    page = out.page("summary page", client.get(f"/ringkasan/{summary.pk}/")).content.decode()
    assert "Keputusan Wali Kota Lubuk Linggau Nomor 188.45/12/KPTS/2026" in page
    pdf = tmp_path / "ringkasan.pdf"
    pdf.write_bytes(summary.pdf.read())
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        out.add("summary pdf", text)
        assert "Lubuk Linggau" in text and "Wali Kota" in text
    xlsx = client.get(f"/dasbor/ekspor/e-spm.xlsx?year={today.year}&quarter={quarter}&confirm=1")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    out.add("espm workbook", "\n".join(cells))
    assert KOTA in cells and "16.73" in cells
    exported = client.get(f"/dasbor/ekspor/e-spm.csv?year={today.year}&quarter={quarter}&confirm=1")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    out.add("espm csv", "\n".join(",".join(r) for r in rows))

    # --- every message that left ------------------------------------------------------------------
    for message in mail.outbox:
        out.add("email", f"{message.subject}\n{message.from_email}\n{message.body}")
        for alternative, _mime in getattr(message, "alternatives", []):
            out.add("email html", alternative)
    for message in OutboundMessage.objects.all():
        out.add(f"outbound {message.channel}", f"{message.subject}\n{message.text}\n{message.html}")

    assert out.text("sms reply") and out.text("whatsapp reply") and out.text("outbound")
    assert "Lubuk Linggau" in out.text("sms reply")
    assert "Di kelurahan mana?" in out.text("whatsapp reply")
    kinds = {where for where, _text in out.items}
    assert {"email", "outbound email", "outbound sms", "outbound whatsapp", "cap xml", "espm csv"} <= kinds, kinds
    assert out.demo_mentions() == []
