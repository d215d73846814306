"""e-SPM export of a quarter: the data a Tim Efektif member types into the
national e-SPM application (results, budget, problems, the four stages).

An XLSX (summary, one sheet per service, the budget) and a flat CSV. Every
number comes from spm.figures: `period_figures` for the quarter and
`budget_figures` for the year; this module only lays them out, so the file
equals /dasbor/ and the figures API. `export_gaps.espm_completeness` lists what
is still missing before the file is worth sending.
"""

import io
import re

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from incidents.models import SpmService
from kitaaman import region
from kitaaman.spreadsheet import csv_writer, xlsx_cell

from .calculations import ROMAN
from .export_gaps import espm_completeness, quarter_assessments
from .figures import DEFINITIONS, FigurePeriod, budget_figures, fmt_date_long, period_figures, service_key

HEADER_FILL = PatternFill("solid", fgColor="E6F2EC")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
RUPIAH = "#,##0"
# Excel's limit on a sheet name.
SHEET_TITLE_MAX = 31

# Sheet names a reader recognises at a glance; a service not listed falls back to its short name.
SHEET_LABELS = {
    SpmService.TIBUM: gettext_lazy("Tibum"),
    SpmService.INFO_BENCANA: gettext_lazy("Info bencana"),
    SpmService.SIAGA_BENCANA: gettext_lazy("Siaga bencana"),
    SpmService.EVAKUASI_BENCANA: gettext_lazy("Evakuasi bencana"),
    SpmService.KEBAKARAN: gettext_lazy("Kebakaran"),
}

UNITS = {
    "laporan": gettext_lazy("laporan"),
    "%": "%",
    "menit": gettext_lazy("menit"),
    "per 1.000 penduduk": gettext_lazy("per 1.000 penduduk"),
}


def espm_title(year: int, quarter: int) -> str:
    return _("Data capaian SPM Trantibumlinmas Triwulan %(q)s %(y)s untuk pengisian e-SPM") % {
        "q": ROMAN[quarter],
        "y": year,
    }


def sheet_titles(names, *, reserved=()) -> list[str]:
    """Excel sheet names for `names`, in order: without the characters Excel
    refuses, at most 31 characters, and distinct (Excel ignores case), a
    number added when two would be equal after cutting."""
    used = {str(r).lower() for r in reserved}
    out = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "-", str(name)).strip().strip("'") or "-"
        title = base[:SHEET_TITLE_MAX].rstrip()
        n = 2
        while title.lower() in used:
            suffix = f" ({n})"
            title = base[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
            n += 1
        used.add(title.lower())
        out.append(title)
    return out


def service_sheet_titles(services: list[dict], *, reserved=()) -> list[str]:
    names = [f"{n} {SHEET_LABELS.get(s['code'], s['short_name'])}" for n, s in enumerate(services, start=1)]
    return sheet_titles(names, reserved=reserved)


def _number(value):
    return "" if value is None else value


def _stages(assessment):
    return [
        (_("Tahap 1: pengumpulan data"), assessment.stage_data if assessment else ""),
        (_("Tahap 2: penghitungan kebutuhan"), assessment.stage_needs if assessment else ""),
        (_("Tahap 3: perencanaan"), assessment.stage_planning if assessment else ""),
        (_("Tahap 4: pelaksanaan"), assessment.stage_delivery if assessment else ""),
    ]


def quarter_figures(year: int, quarter: int):
    return period_figures(FigurePeriod.parse(f"{year}-Q{quarter}"))


# --- XLSX ------------------------------------------------------------------------------


def espm_xlsx(*, year: int, quarter: int) -> bytes:
    fs = quarter_figures(year, quarter)
    assessments = quarter_assessments(year, quarter)
    services = fs.achievements["services"]
    wb = Workbook()
    summary_title, budget_title = _("Ringkasan"), _("Anggaran")
    _summary_sheet(wb.active, fs, year=year, quarter=quarter, gaps=espm_completeness(year, quarter))
    wb.active.title = summary_title
    for s, title in zip(services, service_sheet_titles(services, reserved=(summary_title, budget_title)), strict=True):
        _service_sheet(wb.create_sheet(title), s, fs, assessments.get(s["code"]))
    _budget_sheet(wb.create_sheet(budget_title), year=year)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_row(ws) -> None:
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL


def _heading(ws, text) -> None:
    _append(ws, [text])
    ws.cell(ws.max_row, 1).font = BOLD


def _table_head(ws, title, columns: list) -> None:
    """A section's heading over the bold row of its column names."""
    _heading(ws, title)
    _append(ws, columns)
    _header_row(ws)


def _status(fs) -> str:
    if fs.period_dict()["closed"]:
        return _("Final: triwulan sudah berakhir")
    return _("Sementara: triwulan masih berjalan, angka masih dapat berubah")


def _notes(*texts) -> str:
    return "; ".join(str(t) for t in texts if t)


def _summary_sheet(ws, fs, *, year: int, quarter: int, gaps: list[str]) -> None:
    _append(ws, [espm_title(year, quarter)])
    ws["A1"].font = Font(bold=True, size=13)
    _append(ws, [_("Wilayah"), region.current().official_name])
    _append(
        ws,
        [
            _("Periode"),
            _("Triwulan %(q)s %(y)s (%(start)s sampai %(end)s)")
            % {
                "q": ROMAN[quarter],
                "y": year,
                "start": fmt_date_long(fs.period.start),
                "end": fmt_date_long(fs.period.end),
            },
        ],
    )
    _append(ws, [_("Status angka"), _status(fs)])
    _append(ws, [_("Data per"), timezone.localtime(fs.now).strftime("%d-%m-%Y %H.%M WIB")])
    late = fs["reports_entered_late"].value
    if late:
        _append(
            ws,
            [
                _("Revisi"),
                _("Revisi: %(n)s laporan periode ini dimasukkan setelah triwulan berakhir") % {"n": late},
            ],
        )
    _append(ws, [_("Laporan dihitung menurut waktu diterima, termasuk yang dimasukkan setelah triwulan berakhir.")])
    _append(ws, [])
    _completeness_section(ws, gaps)
    _append(ws, [])
    _services_section(ws, fs)
    _append(ws, [])
    _figures_section(ws, fs)
    for col, width in zip("ABCDEFGHI", (30, 52, 18, 16, 22, 14, 34, 11, 34), strict=True):
        ws.column_dimensions[col].width = width


def _completeness_section(ws, gaps: list[str]) -> None:
    _heading(ws, _("Kelengkapan"))
    if not gaps:
        _append(ws, [_("Lengkap: tidak ada data yang kurang untuk laporan e-SPM triwulan ini.")])
    for n, text in enumerate(gaps, start=1):
        _append(ws, [n, text])


def _services_section(ws, fs) -> None:
    _table_head(
        ws,
        _("Capaian per jenis pelayanan dasar"),
        [
            _("Kode"),
            _("Jenis pelayanan dasar"),
            _("Penanggung jawab"),
            _("Harus dilayani"),
            _("Terlayani sesuai standar"),
            _("Capaian (%)"),
            _("Mutu (%)"),
            _("Indeks (%)"),
            _("Keterangan"),
        ],
    )
    for s in fs.achievements["services"]:
        capaian, index = fs[service_key(s["code"])], fs[service_key(s["code"], "index")]
        _append(
            ws,
            [
                s["code"],
                s["name"],
                s["lead_agency"],
                capaian.denominator,
                capaian.numerator,
                _number(capaian.value),
                _number(s["quality"]),
                _number(index.value),
                _notes(capaian.note, index.note),
            ],
        )
    _append(
        ws,
        [
            _(
                "Capaian di atas 100 persen ditampilkan 100 persen dengan keterangan “periksa data”; capaian kosong: "
                "tidak ada kasus (layanan dari laporan) atau belum ada sasaran (layanan kegiatan)."
            )
        ],
    )


def _figures_section(ws, fs) -> None:
    _table_head(
        ws,
        _("Semua angka triwulan ini"),
        [
            _("Kode angka"),
            _("Angka"),
            _("Nilai"),
            _("Satuan"),
            _("Pembilang"),
            _("Penyebut"),
            _("Penyebut menghitung"),
            _("Keterangan"),
        ],
    )
    for f in fs.figures:
        _append(
            ws,
            [
                f.key,
                str(f.label),
                _number(f.value),
                str(UNITS.get(f.unit, f.unit)),
                _number(f.numerator),
                _number(f.denominator),
                str(f.denominator_label),
                str(f.note),
            ],
        )


def _service_sheet(ws, s: dict, fs, assessment) -> None:
    _append(ws, [s["name"]])
    ws["A1"].font = Font(bold=True, size=13)
    for label, value in (
        (_("Kode layanan"), s["code"]),
        (_("Penanggung jawab"), s["lead_agency"]),
        (_("Standar teknis"), s["legal_basis"]),
        (_("Periode"), fs.period.label),
        (_("Status angka"), _status(fs)),
        (_("Bobot penerima : mutu"), f"{s['weights']['recipients']} : {s['weights']['quality']}"),
        (_("Definisi capaian"), str(DEFINITIONS[service_key(s["code"])][1])),
    ):
        _append(ws, [label, value])
    _append(ws, [])
    _recipients_section(ws, s, fs)
    _append(ws, [])
    _quality_section(ws, s, fs)
    _append(ws, [])
    _heading(ws, _("C. Permasalahan dan tindak lanjut"))
    _append(ws, [_("Permasalahan"), assessment.problems if assessment else ""])
    _append(ws, [_("Tindak lanjut"), assessment.follow_up if assessment else ""])
    _append(ws, [])
    _heading(ws, _("D. Tahapan penerapan SPM"))
    for label, text in _stages(assessment):
        _append(ws, [label, text])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 40
    for col in range(3, 9):
        ws.column_dimensions[get_column_letter(col)].width = 22
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = WRAP


def _recipients_section(ws, s: dict, fs) -> None:
    _table_head(
        ws,
        _("A. Penerima layanan"),
        [
            _("Kecamatan"),
            _("Kode"),
            s["must_serve_label"].capitalize(),
            s["served_label"].capitalize(),
            _("Capaian (%)"),
            _("Indeks (%)"),
            _("Keterangan"),
            _("Cakupan mutu"),
        ],
    )
    for row in fs.kecamatan_rows:
        r = row["services"][s["code"]]
        _append(
            ws,
            [
                row["name"],
                row["code"],
                r["must_serve"],
                r["served"],
                _number(r["capaian"]),
                _number(r["index"]),
                r["note"],
                r["quality_scope"],
            ],
        )
    # A target for the whole kabupaten without a kecamatan breakdown.
    for r in s["by_kecamatan"]:
        if r["code"] is None:
            _append(ws, [r["name"], "", r["must_serve"], r["served"], _number(r["capaian"]), "", "", ""])
    capaian, index = fs[service_key(s["code"])], fs[service_key(s["code"], "index")]
    _append(
        ws,
        [
            region.current().get_kind_display(),
            region.current().code,
            capaian.denominator,
            capaian.numerator,
            _number(capaian.value),
            _number(index.value),
            capaian.note,
            index.note,
        ],
    )
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _quality_section(ws, s: dict, fs) -> None:
    _append(ws, [_("B. Mutu layanan"), "", "", "", _("Mutu (%)"), _number(s["quality"])])
    ws.cell(ws.max_row, 1).font = BOLD
    if s["quality_period"]:
        _append(
            ws,
            [
                region.for_kind(
                    _(
                        "Penilaian yang berlaku: Triwulan %(q)s %(y)s (tingkat kabupaten; kecamatan yang dinilai "
                        "sendiri memakai penilaiannya, lihat keterangan indeks per kecamatan)"
                    ),
                    _(
                        "Penilaian yang berlaku: Triwulan %(q)s %(y)s (tingkat kota; kecamatan yang dinilai "
                        "sendiri memakai penilaiannya, lihat keterangan indeks per kecamatan)"
                    ),
                )
                % {"q": ROMAN[s["quality_period"]["quarter"]], "y": s["quality_period"]["year"]}
            ],
        )
    else:
        _append(ws, [_("Belum ada penilaian mutu pada tahun ini.")])
    _append(ws, [_("Standar mutu"), _("Bobot"), _("Terpenuhi"), _("Keterangan/bukti")])
    _header_row(ws)
    for item in s["quality_items"]:
        met = "" if item["met"] is None else (_("Ya") if item["met"] else _("Tidak"))
        _append(ws, [item["name"], item["weight"], met, item.get("note", "")])
    _append(ws, [])
    _append(ws, [_("Indeks (%)"), _number(fs[service_key(s["code"], "index")].value)])
    ws.cell(ws.max_row, 1).font = BOLD


def _budget_sheet(ws, *, year: int) -> None:
    _append(ws, [_("Anggaran SPM Trantibumlinmas tahun %(y)s") % {"y": year}])
    ws["A1"].font = Font(bold=True, size=13)
    _append(ws, [_("Pagu dan realisasi dalam rupiah, seluruh kabupaten; realisasi dibagi pagu.")])
    _append(ws, [])
    _append(
        ws,
        [
            _("Kode"),
            _("Jenis pelayanan dasar"),
            _("Pagu (Rp)"),
            _("Realisasi (Rp)"),
            _("Realisasi (%)"),
            _("Keterangan"),
            _("Sumber/catatan"),
        ],
    )
    _header_row(ws)
    for f in budget_figures(year):
        _append(
            ws,
            [
                f.extra["service"],
                str(f.label),
                _number(f.denominator),
                _number(f.numerator),
                _number(f.value),
                str(f.note),
                f.extra["source_note"],
            ],
        )
        for col in (3, 4):
            ws.cell(ws.max_row, col).number_format = RUPIAH
    for col, width in zip("ABCDEFG", (18, 40, 20, 20, 14, 24, 40), strict=True):
        ws.column_dimensions[col].width = width


# --- CSV -------------------------------------------------------------------------------

CSV_HEADER = [
    "tahun",
    "triwulan",
    "kode_layanan",
    "layanan",
    "kode_kecamatan",
    "kecamatan",
    "harus_dilayani",
    "terlayani_sesuai_standar",
    "capaian_persen",
    "mutu_persen",
    "indeks_persen",
    "permasalahan",
    "tindak_lanjut",
    "keterangan",
    "cakupan_mutu",
    "pagu_rupiah",
    "realisasi_rupiah",
    "status_angka",
]


def espm_csv(*, year: int, quarter: int) -> bytes:
    fs = quarter_figures(year, quarter)
    assessments = quarter_assessments(year, quarter)
    budgets = {f.extra["service"]: f for f in budget_figures(year)}
    status = "final" if fs.period_dict()["closed"] else "sementara"
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(CSV_HEADER)
    for s in fs.achievements["services"]:
        code, quality = s["code"], _number(s["quality"])
        head = [year, quarter, code, s["name"]]
        for row in fs.kecamatan_rows:
            r = row["services"][code]
            writer.writerow(
                [
                    *head,
                    row["code"],
                    row["name"],
                    r["must_serve"],
                    r["served"],
                    _number(r["capaian"]),
                    quality,
                    _number(r["index"]),
                    "",
                    "",
                    r["note"],
                    r["quality_scope"],
                    "",
                    "",
                    status,
                ]
            )
        for r in s["by_kecamatan"]:
            if r["code"] is None:
                writer.writerow(
                    [*head, "", r["name"], r["must_serve"], r["served"], _number(r["capaian"]), quality]
                    + [""] * 7
                    + [status]
                )
        capaian, index, budget = fs[service_key(code)], fs[service_key(code, "index")], budgets.get(code)
        a = assessments.get(code)
        writer.writerow(
            [
                *head,
                region.current().code,
                region.current().official_name,
                capaian.denominator,
                capaian.numerator,
                _number(capaian.value),
                quality,
                _number(index.value),
                a.problems if a else "",
                a.follow_up if a else "",
                capaian.note,
                index.note,
                _number(budget.denominator) if budget else "",
                _number(budget.numerator) if budget else "",
                status,
            ]
        )
    # BOM: spreadsheet programs then read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _append(ws, values):
    # Text typed by the Tim Efektif (problems, follow-up, notes) is data, never a formula.
    ws.append([xlsx_cell(v) for v in values])


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
