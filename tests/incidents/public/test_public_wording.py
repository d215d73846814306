"""One way of saying things on the citizen's pages: optional parts marked
"(tidak wajib)" everywhere, the tracking code promised as something the resident
will get, and the no-JavaScript form warning about photo size before the file field."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
OPTIONAL = "(tidak wajib)"
OTHER_WAYS = ("boleh kosong", "boleh dikosongkan", "boleh dilewati", "(opsional)")


def test_report_form_marks_optional_parts_one_way(client):
    html = client.get("/lapor/").content.decode()
    # The title, the map point, the photos and the identity step.
    assert html.count(OPTIONAL) >= 4
    for other in OTHER_WAYS:
        assert other not in html, other


def test_no_other_wording_for_optional_fields_in_templates_or_forms():
    sources = list((settings.BASE_DIR / "templates").rglob("*.html"))
    for app in ("incidents", "spm", "kitaaman"):
        sources += list((settings.BASE_DIR / app).rglob("forms.py"))
    assert len(sources) > 20
    found = [
        f"{path}: {other}" for path in sources for other in OTHER_WAYS if other in path.read_text(encoding="utf-8")
    ]
    assert not found, found


def test_tracking_code_is_promised_not_offered(client):
    html = client.get("/lacak/").content.decode()
    assert "Anda akan menerima kode lacak setelah laporan terkirim." in html
    assert "Kode lacak Anda dapat saat laporan terkirim" not in html


def test_without_javascript_the_form_says_before_the_file_field_how_big_a_photo_should_be(client):
    html = client.get("/lapor/").content.decode()
    note = html.index('id="foto-tanpa-js"')
    assert html.rfind("<noscript>", 0, note) > html.rfind("</noscript>", 0, note)  # shown only without JavaScript
    assert note < html.index('type="file"')
    text = html[note : html.index("</p>", note)]
    assert "lebih dari satu menit" in text and "di bawah 1 MB" in text
