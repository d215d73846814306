"""Personas and report factories shared by the tests."""

from types import SimpleNamespace

from incidents.intake.services import report_submit
from incidents.intake.submission import Submission
from incidents.models import Category
from incidents.staff.services import staff_user_create

PASSWORD = "Rahasia-Uji-2026!"
RUPIT = "16.13.01"
NIBUNG = "16.13.03"
DESA_RUPIT = "16.13.01.1007"  # Muara Rupit
DESA_NIBUNG = "16.13.03.2001"


def make_personas():
    """The people of the permission matrix. `citizen` is simply no login."""
    return SimpleNamespace(
        officer_rupit=staff_user_create(
            username="petugas_rupit",
            role="petugas",
            kecamatan_codes=[RUPIT],
            password=PASSWORD,
            email="rupit@example.test",
        ),
        officer_nibung=staff_user_create(
            username="petugas_nibung",
            role="petugas",
            kecamatan_codes=[NIBUNG],
            password=PASSWORD,
            email="nibung@example.test",
        ),
        koordinator=staff_user_create(
            username="koordinator", role="koordinator", password=PASSWORD, email="koordinator@example.test"
        ),
        mitra_bpbd=staff_user_create(
            username="mitra_bpbd", role="mitra", agency_code="bpbd", password=PASSWORD, email="bpbd@example.test"
        ),
        mitra_polres=staff_user_create(
            username="mitra_polres", role="mitra", agency_code="polres", password=PASSWORD, email="polres@example.test"
        ),
        tim_efektif=staff_user_create(
            username="tim_efektif", role="tim_efektif", password=PASSWORD, email="tim@example.test"
        ),
        pimpinan=staff_user_create(
            username="asisten1", role="pimpinan", password=PASSWORD, email="asisten1@example.test"
        ),
        admin=staff_user_create(username="admin", role="admin", password=PASSWORD, email="admin@example.test"),
    )


def make_incident(category="bencana-banjir", desa=DESA_RUPIT, **kwargs):
    data = {
        "category": Category.objects.get(code=category),
        "description": kwargs.pop("description", "Air sungai meluap dan masuk ke rumah warga."),
        "desa": desa,
        "consent": True,
        "reporter_name": "Siti Aminah",
        "reporter_phone": "081234567890",
        "reporter_email": "siti@example.test",
    }
    if category in ("konflik-perusahaan", "konflik-antarwarga"):
        data["details"] = {
            "pokok_masalah": "tanah-sumber-daya",
            "sumber_konflik": "sumber-daya-alam",
            "perusahaan": "PT Sawit Contoh",
            "ada_kekerasan": False,
        }
    elif category == "kebakaran-permukiman":
        data["details"] = {"jumlah_bangunan": 1}
    elif category == "ketertiban-umum":
        data["details"] = {"jenis_gangguan": "pelanggaran-perda"}
    data.update(kwargs)
    category_row = data.pop("category")
    incident, _ = report_submit(Submission.from_fields(data, category=category_row))
    return incident
