"""SPM reference data the portal starts with (domain.md section 3).

Loaded by a data migration; admin-editable afterwards. Codes are stable.
The 80/20 weights, the score bands and the 15-minute fire standard are
defaults in the models (configuration, not fact).
"""

SERVICES = [
    {
        "code": "tibum",
        "name": "Pelayanan ketenteraman dan ketertiban umum",
        "short_name": "Ketenteraman & ketertiban umum",
        "lead_agency": "Satpol PP",
        "legal_basis": "Permendagri 121/2018",
        "recipients_definition": (
            "Warga yang terkena dampak penegakan Perda/Perkada: penduduk dan fasilitas umum dalam radius 0–50 m "
            "dari lokasi penegakan (formulir data 5.A.1 dan 5.A.2)."
        ),
        "must_serve_label": "warga terdampak dalam radius 0–50 m",
        "served_label": "warga yang telah dilayani",
        "source": "laporan",
        "sort_order": 10,
        "items": [
            ("sop", "SOP Satpol PP ditetapkan dan berlaku", 1),
            ("sarpras", "Sarana, prasarana, dan peralatan Satpol PP tersedia", 1),
            ("diklat-dasar", "Satpol PP, PPNS, dan Linmas mengikuti pendidikan dan pelatihan dasar", 1),
            ("diklat-lanjutan", "Satpol PP, PPNS, dan Linmas mengikuti pelatihan teknis/lanjutan", 1),
            ("layanan-warga", "Layanan kepada warga terdampak penegakan Perda/Perkada diberikan", 1),
        ],
    },
    {
        "code": "info-bencana",
        "name": "Pelayanan informasi rawan bencana",
        "short_name": "Informasi rawan bencana",
        "lead_agency": "BPBD",
        "legal_basis": "Permendagri 101/2018",
        "recipients_definition": (
            "Warga yang berada di kawasan rawan bencana atau berpotensi terpapar bencana, per jenis bahaya."
        ),
        "must_serve_label": "warga di kawasan rawan bencana",
        "served_label": "warga yang menerima informasi rawan bencana (KIE)",
        "source": "kegiatan",
        "sort_order": 20,
        "items": [
            ("kajian-risiko", "Kajian Risiko Bencana disahkan (paling lama 1 tahun)", 2),
            ("kie", "Komunikasi, informasi, dan edukasi (KIE) per jenis bahaya dilaksanakan", 2),
            ("peta-rawan", "Peta/informasi kawasan rawan bencana disebarluaskan", 1),
        ],
    },
    {
        "code": "siaga-bencana",
        "name": "Pelayanan pencegahan dan kesiapsiagaan terhadap bencana",
        "short_name": "Pencegahan & kesiapsiagaan bencana",
        "lead_agency": "BPBD",
        "legal_basis": "Permendagri 101/2018",
        "recipients_definition": "Warga yang berada di kawasan rawan bencana (rumusan belum dikonfirmasi).",
        "must_serve_label": "warga di kawasan rawan bencana",
        "served_label": "warga yang mengikuti pencegahan dan kesiapsiagaan",
        "source": "kegiatan",
        "sort_order": 30,
        "items": [
            ("rencana-pb", "Rencana penanggulangan bencana ditetapkan", 1),
            ("kontinjensi", "Rencana kontinjensi tersedia", 1),
            ("pedoman", "Pedoman pencegahan dan mitigasi tersedia", 1),
            ("gladi", "Gladi kesiapsiagaan dilaksanakan", 1),
            ("peralatan", "Peralatan kesiapsiagaan tersedia", 1),
        ],
    },
    {
        "code": "evakuasi-bencana",
        "name": "Pelayanan penyelamatan dan evakuasi korban bencana",
        "short_name": "Penyelamatan & evakuasi korban bencana",
        "lead_agency": "BPBD",
        "legal_basis": "Permendagri 101/2018",
        "recipients_definition": "Korban bencana (rumusan belum dikonfirmasi).",
        "must_serve_label": "korban bencana",
        "served_label": "korban yang diselamatkan/dievakuasi",
        "source": "laporan",
        "sort_order": 40,
        "items": [
            ("respon-cepat", "Respon cepat darurat bencana", 1),
            ("sar", "Pencarian, pertolongan, dan evakuasi korban", 1),
            ("personel", "Personel penyelamatan terlatih tersedia", 1),
            ("peralatan", "Peralatan penyelamatan dan evakuasi tersedia", 1),
        ],
    },
    {
        "code": "kebakaran",
        "name": "Pelayanan penyelamatan dan evakuasi korban kebakaran",
        "short_name": "Penyelamatan & evakuasi korban kebakaran",
        "lead_agency": "Damkar",
        "legal_basis": "Permendagri 114/2018",
        "recipients_definition": "Warga yang menjadi korban kebakaran atau terdampak kebakaran.",
        "must_serve_label": "korban dan warga terdampak kebakaran",
        "served_label": "warga terlayani dalam waktu tanggap",
        "source": "laporan",
        "sort_order": 50,
        "items": [
            ("waktu-tanggap", "Respon cepat dalam waktu tanggap", 2),
            ("pemadaman", "Pemadaman kebakaran", 1),
            ("penyelamatan", "Penyelamatan dan evakuasi korban", 1),
            ("relawan", "Relawan kebakaran terbentuk dan terlatih", 1),
            ("pendataan", "Pendataan dan investigasi pascakebakaran", 1),
        ],
    },
]

MILESTONES = [
    ("sk-bupati", "Surat Keputusan Bupati tentang penerapan SPM Trantibumlinmas", "Bagian Pemerintahan Setda"),
    ("mou-lintas-sektor", "Nota kesepahaman lintas sektor (Satpol PP, Polres, TNI, BPBD, Damkar)", "Asisten I"),
    ("surat-anggaran", "Surat dukungan anggaran penerapan SPM", "Bappeda dan BPKAD"),
    ("tim-efektif", "Pembentukan Tim Efektif KITA AMAN", "Asisten I"),
    ("latihan-satpol-tni", "Latihan bersama Satpol PP dan TNI", "Satpol PP dan Kodim"),
    ("fgd", "FGD dengan Polres, TNI, dan tokoh masyarakat", "Tim Efektif"),
]


def seed_spm(apps):
    """Idempotent: creates or updates by code; never touches what the Tim Efektif entered."""
    Service = apps.get_model("spm", "Service")
    QualityItem = apps.get_model("spm", "QualityItem")
    Milestone = apps.get_model("spm", "Milestone")
    SpmSettings = apps.get_model("spm", "SpmSettings")

    SpmSettings.objects.get_or_create(pk=1)
    for row in SERVICES:
        row = dict(row)
        items = row.pop("items")
        service, _ = Service.objects.update_or_create(code=row.pop("code"), defaults=row)
        for i, (code, name, weight) in enumerate(items):
            QualityItem.objects.get_or_create(
                service=service, code=code, defaults={"name": name, "weight": weight, "sort_order": (i + 1) * 10}
            )
    for i, (code, title, owner) in enumerate(MILESTONES):
        Milestone.objects.get_or_create(
            code=code, defaults={"title": title, "owner": owner, "sort_order": (i + 1) * 10}
        )
