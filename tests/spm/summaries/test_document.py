"""The summary as a document: a title that says what it is, the legal basis
cited in full (with the SK Tim Efektif in force at the period's end), who
prepared and approved it, dates written out, provisional marking on every
channel, and PDF tables that never break a word."""

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail

from incidents.models import Incident, Status
from kitaaman.models import OutboxMessage
from spm.models import Signatory, TeamDecree
from spm.rollup import rebuild_stats
from spm.summaries.periods import WIB
from spm.summaries.services import summary_generate, summary_send
from tests.conftest import missing_service
from tests.factories import DESA_NIBUNG, DESA_RUPIT

pytestmark = pytest.mark.django_db

Q3 = "2026-Q3"
AFTER_Q3 = datetime(2026, 10, 5, 7, 0, tzinfo=WIB)
IN_SEP = datetime(2026, 9, 10, 9, 0, tzinfo=WIB)
NIP = "197501012000031002"
TITLE = "Ringkasan Kepatuhan SPM Trantibumlinmas — Triwulan III 2026"
REGULATIONS = [
    "Peraturan Pemerintah Nomor 2 Tahun 2018 tentang Standar Pelayanan Minimal",
    "Peraturan Menteri Dalam Negeri Nomor 59 Tahun 2021 tentang Penerapan Standar Pelayanan Minimal",
    "Peraturan Menteri Dalam Negeri Nomor 121 Tahun 2018 tentang Standar Teknis Mutu Barang dan/atau Jasa, "
    "Standar Jumlah dan Kualitas Personel/Sumber Daya Manusia, dan Petunjuk Teknis tentang Tata Cara Pemenuhan "
    "Standar Pelayanan Minimal pada Sub-Urusan Ketenteraman dan Ketertiban Umum",
]
SHORT_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}\b")


def _overdue(category, desa, when):
    """An open report whose follow-up deadline passed two days after it came in."""
    from tests.factories import make_incident

    incident = make_incident(category, desa=desa)
    Incident.objects.filter(pk=incident.pk).update(
        created_at=when,
        reported_at=when,
        verified_at=when + timedelta(hours=1),
        verify_due_at=when + timedelta(days=1),
        followup_due_at=when + timedelta(days=2, hours=5, minutes=30),
        due_at=when + timedelta(days=2, hours=5, minutes=30),
        status=Status.DIVERIFIKASI,
    )
    return incident


@pytest.fixture
def reports(db):
    """Overdue reports in the categories with the longest names, so they land in the PDF's narrow columns."""
    made = [
        _overdue("kebakaran-permukiman", DESA_NIBUNG, IN_SEP),
        _overdue("ketertiban-umum", DESA_RUPIT, IN_SEP + timedelta(days=1)),
        _overdue("konflik-perusahaan", DESA_NIBUNG, IN_SEP + timedelta(days=2)),
    ]
    rebuild_stats()
    return made


@pytest.fixture
def recorded(db):
    # Lapsed before the quarter ended: not the SK in force on 30 September.
    TeamDecree.objects.create(
        number="188.45/12/KPTS/2024",
        title="Tim Efektif Penerapan SPM Trantibumlinmas (lama)",
        signed_on=date(2024, 1, 3),
        valid_from=date(2024, 1, 3),
        valid_until=date(2026, 6, 30),
    )
    TeamDecree.objects.create(
        number="188.45/321/KPTS/2026",
        title="Pembentukan Tim Efektif Penerapan SPM Trantibumlinmas Kabupaten Musi Rawas Utara",
        signed_on=date(2026, 7, 2),
        valid_from=date(2026, 7, 2),
    )
    Signatory.objects.create(
        role="prepared", name="Hendra Saputra, S.IP.", position="Kepala Bidang Ketenteraman dan Ketertiban Umum"
    )
    Signatory.objects.create(
        role="approved",
        name="Drs. Budi Santoso, M.Si.",
        position="Asisten Pemerintahan dan Kesejahteraan Rakyat",
        nip=NIP,
    )


def _pdf_text(summary, tmp_path, *extra):
    if not shutil.which("pdftotext"):
        missing_service("needs pdftotext (apt-get install poppler-utils)")
    path = tmp_path / "ringkasan.pdf"
    summary.pdf.open("rb")
    try:
        path.write_bytes(summary.pdf.read())
    finally:
        summary.pdf.close()
    return subprocess.run(
        ["pdftotext", *extra, str(path), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout


def _flat(text):
    """Lines joined: a citation wraps over several lines on the page and the PDF."""
    return " ".join(text.split())


def _page(client, personas, summary, language=None):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(personas.pimpinan)
    response = client.get(f"/ringkasan/{summary.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_page_and_pdf_cite_the_regulations_and_the_sk_in_force_at_period_end(
    client, personas, reports, recorded, tmp_path
):
    summary = summary_generate(period_key=Q3, now=AFTER_Q3)
    sk = (
        "Keputusan Bupati Musi Rawas Utara Nomor 188.45/321/KPTS/2026 tanggal 2 Juli 2026 tentang "
        "Pembentukan Tim Efektif Penerapan SPM Trantibumlinmas Kabupaten Musi Rawas Utara"
    )
    page = _flat(_page(client, personas, summary))
    pdf = _flat(_pdf_text(summary, tmp_path))
    for text in (page, pdf):
        assert "Dasar hukum" in text
        for line in [*REGULATIONS, sk]:
            assert line in text
        assert "188.45/12/KPTS/2024" not in text
        assert "SK Tim Efektif belum dicatat" not in text
    # In order, on the page: the regulations first, then the SK.
    assert [page.index(line) for line in [*REGULATIONS, sk]] == sorted(page.index(line) for line in [*REGULATIONS, sk])


def test_without_an_sk_or_signatories_the_documents_say_what_is_missing(client, personas, reports, tmp_path):
    summary = summary_generate(period_key=Q3, now=AFTER_Q3)
    page = _flat(_page(client, personas, summary))
    pdf = _flat(_pdf_text(summary, tmp_path))
    for text in (page, pdf):
        assert "SK Tim Efektif belum dicatat (isi di admin: SK Tim Efektif)." in text
        assert text.count("belum ditetapkan (isi di admin: Penanda tangan)") == 2
        assert "Keputusan Bupati" not in text and "NIP" not in text
        for line in REGULATIONS:
            assert line in text


def test_prepared_and_approved_by_with_position_name_and_nip(client, personas, reports, recorded, tmp_path):
    summary = summary_generate(period_key=Q3, now=AFTER_Q3)
    # The revision keeps who was recorded when it was made, like its PDF.
    Signatory.objects.filter(role="approved").update(name="Orang Lain")
    page = _page(client, personas, summary)
    block = page.split('data-testid="signatures"')[1]
    prepared, approved = block.split('data-role="approved"')
    assert "Disiapkan oleh" in prepared and "Hendra Saputra, S.IP." in prepared
    assert "Kepala Bidang Ketenteraman dan Ketertiban Umum" in prepared and "NIP" not in prepared
    assert "Disetujui oleh" in approved and "Drs. Budi Santoso, M.Si." in approved
    assert "Asisten Pemerintahan dan Kesejahteraan Rakyat" in approved
    assert "NIP 19750101 200003 1 002" in approved
    assert "Orang Lain" not in page and "belum ditetapkan" not in page
    pdf = _pdf_text(summary, tmp_path, "-layout")
    last = pdf.split("\f")[-2] if pdf.endswith("\f") else pdf.split("\f")[-1]
    lines = [line for line in last.splitlines() if line.strip()]
    # Two columns: each row of the block carries both roles, side by side.
    assert any("Disiapkan oleh" in line and "Disetujui oleh" in line for line in lines)
    assert any("Hendra Saputra, S.IP." in line and "Drs. Budi Santoso, M.Si." in line for line in lines)
    assert any("NIP 19750101 200003 1 002" in line for line in lines)


def test_dates_are_written_out_on_the_page_and_pdf(client, personas, reports, recorded, tmp_path):
    summary = summary_generate(period_key=Q3, now=AFTER_Q3)
    page = _flat(_page(client, personas, summary))
    pdf = _flat(_pdf_text(summary, tmp_path))
    for text in (page, pdf):
        assert "Periode: 1 Juli 2026 – 30 September 2026" in text
        assert "dibuat 5 Oktober 2026 07.00 WIB" in text
        # The fire report's follow-up deadline, in the overdue table.
        assert "12 September 2026 14.30 WIB" in text
        assert not SHORT_DATE.search(text), SHORT_DATE.search(text)


def test_no_word_is_broken_in_the_pdf_tables(reports, tmp_path):
    summary = summary_generate(period_key=Q3, now=AFTER_Q3)
    text = _pdf_text(summary, tmp_path)
    lines = [line.strip() for line in text.splitlines()]
    # The category column is 33 mm: "permukiman/gedung" does not fit on one line and breaks after the slash.
    assert "gedung" in lines or any(line.endswith(" gedung") or line == "permukiman/gedung" for line in lines)
    words = {
        w
        for name in (
            "Kebakaran permukiman/gedung",
            "Gangguan ketertiban umum / pelanggaran Perda",
            "Konflik warga dengan perusahaan",
            "Muara Rupit",
            "Rupit",
            "Nibung",
        )
        for w in re.split(r"[ /]+", name.lower())
        if len(w) > 3
    }
    tokens = {t for t in re.split(r"[\s/,]+", text.lower()) if t}
    for word in words:
        assert word in tokens, word
    # A word broken over two lines ends one line and starts the next ("gedun" / "g").
    for above, below in zip(lines, lines[1:], strict=False):
        if above and below:
            tail, head = re.split(r"[\s/]", above)[-1].lower(), re.split(r"[\s/]", below)[0].lower()
            # After a "/" the line may break: that leaves the tail empty.
            assert not (tail and head and tail + head in words), (above, below)


def test_the_title_says_what_the_document_is(client, personas, reports, tmp_path, django_capture_on_commit_callbacks):
    summary = summary_generate(period_key=Q3, now=AFTER_Q3)
    page = _page(client, personas, summary)
    assert f"<h1>{TITLE}</h1>" in page and f"<title>{TITLE}" in page
    assert TITLE in _flat(_pdf_text(summary, tmp_path, "-l", "1"))
    if shutil.which("pdfinfo"):
        path = tmp_path / "ringkasan.pdf"
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60).stdout
        assert f"Title:           {TITLE}" in info
    OutboxMessage.objects.all().delete()  # the reports' own alerts are not under test here
    with django_capture_on_commit_callbacks(execute=True):
        summary_send(summary_id=summary.pk, revision=summary.revision)
    assert mail.outbox
    for message in mail.outbox:
        assert message.subject == f"[KITA AMAN] {TITLE} (revisi 1)"
        assert message.body.startswith(TITLE)
        assert "sementara" not in message.body.lower()


def test_a_running_period_is_called_provisional_on_the_page_pdf_and_email(
    client, personas, reports, tmp_path, django_capture_on_commit_callbacks
):
    summary = summary_generate(period_key="2026-Q4", now=datetime(2026, 11, 20, 12, 0, tzinfo=WIB))
    assert summary.provisional
    note = "SEMENTARA: periode ini belum berakhir saat ringkasan dibuat; angka masih dapat berubah."
    assert note in _page(client, personas, summary)
    assert note in _flat(_pdf_text(summary, tmp_path, "-l", "1"))
    OutboxMessage.objects.all().delete()  # the reports' own alerts are not under test here
    with django_capture_on_commit_callbacks(execute=True):
        summary_send(summary_id=summary.pk, revision=summary.revision)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.subject.endswith("(revisi 1, sementara)")
        assert note in message.body
        assert note in message.alternatives[0][0]


def test_an_english_reader_gets_the_citations_and_dates_in_english(client, personas, reports, recorded):
    summary = summary_generate(period_key=Q3, now=AFTER_Q3)
    page = _flat(_page(client, personas, summary, language="en"))
    assert "Government Regulation Number 2 of 2018 on Minimum Service Standards" in page
    assert "Peraturan Pemerintah Nomor 2" not in page
    assert "Decree of the Regent of Musi Rawas Utara Number 188.45/321/KPTS/2026 dated 2 July 2026" in page
    assert "Period: 1 July 2026 – 30 September 2026" in page
    assert "Prepared by" in page and "Approved by" in page


def test_a_cell_breaks_after_a_slash_or_is_set_smaller_never_inside_a_word():
    from types import SimpleNamespace

    from spm.summaries.render import TABLE_MIN_SIZE, TABLE_SIZE, _Document

    doc = _Document(SimpleNamespace(revision=1), {"label": "November 2026", "title": TITLE})
    pdf = doc.pdf
    pdf.set_font(doc.font, "", TABLE_SIZE)
    narrow = pdf.get_string_width("permukiman/") + 0.5
    assert doc.fit("Kebakaran permukiman/gedung", narrow) == ("Kebakaran permukiman/\ngedung", TABLE_SIZE)
    wide = pdf.get_string_width("Kebakaran permukiman/gedung") + 1
    assert doc.fit("Kebakaran permukiman/gedung", wide) == ("Kebakaran permukiman/gedung", TABLE_SIZE)
    # No slash to break at: the word is set smaller until it fits.
    room = pdf.get_string_width("Kesiapsiagaan") * 0.85
    text, size = doc.fit("Kesiapsiagaan", room)
    assert text == "Kesiapsiagaan" and TABLE_MIN_SIZE <= size < TABLE_SIZE
    pdf.set_font(doc.font, "", size)
    assert pdf.get_string_width("Kesiapsiagaan") <= room
