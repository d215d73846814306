"""e-SPM export of a quarter: an XLSX with a summary sheet and one sheet per
service, and a flat CSV of the same figures. Numbers come from
calculations.achievements, so they equal the dashboard's."""

import csv
import io
import re

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kitaaman.spreadsheet import csv_cell, xlsx_cell

from .calculations import ROMAN, achievements
from .models import PeriodAssessment

HEADER_FILL = PatternFill("solid", fgColor="E6F2EC")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet_title(n, name):
    return re.sub(r"[\[\]:*?/\\]", "-", f"{n} {name}")[:31]


def _number(value):
    return "" if value is None else value


def _stages(assessment):
    return [
        (_("Tahap 1: pengumpulan data"), assessment.stage_data if assessment else ""),
        (_("Tahap 2: penghitungan kebutuhan"), assessment.stage_needs if assessment else ""),
        (_("Tahap 3: perencanaan"), assessment.stage_planning if assessment else ""),
        (_("Tahap 4: pelaksanaan"), assessment.stage_delivery if assessment else ""),
    ]


def espm_xlsx(*, year: int, quarter: int) -> bytes:
    data = achievements(year=year, quarter=quarter)
    assessments = {
        a.service.code: a for a in PeriodAssessment.objects.filter(year=year, quarter=quarter).select_related("service")
    }
    wb = Workbook()
    _summary_sheet(wb.active, data, year=year, quarter=quarter)
    for n, s in enumerate(data["services"], start=1):
        ws = wb.create_sheet(_sheet_title(n, s["short_name"]))
        _service_sheet(ws, s, data["period"]["label"], assessments.get(s["code"]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header_row(ws) -> None:
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL


def _heading(ws, text) -> None:
    _append(ws, [text])
    ws.cell(ws.max_row, 1).font = BOLD


def _summary_sheet(summary, data: dict, *, year: int, quarter: int) -> None:
    summary.title = _("Ringkasan")
    _append(summary, [_("Laporan capaian SPM Trantibumlinmas Kabupaten Musi Rawas Utara")])
    summary["A1"].font = Font(bold=True, size=13)
    _append(summary, [_("Periode"), _("Triwulan %(q)s %(y)s") % {"q": ROMAN[quarter], "y": year}])
    _append(summary, [_("Dibuat"), timezone.localtime().strftime("%d-%m-%Y %H.%M WIB")])
    _append(summary, [])
    header = [
        _("Kode"),
        _("Jenis pelayanan dasar"),
        _("Penanggung jawab"),
        _("Harus dilayani"),
        _("Terlayani sesuai standar"),
        _("Capaian (%)"),
        _("Mutu (%)"),
        _("Indeks (%)"),
    ]
    _append(summary, header)
    _header_row(summary)
    for s in data["services"]:
        _append(
            summary,
            [
                s["code"],
                s["name"],
                s["lead_agency"],
                s["must_serve"],
                s["served"],
                _number(s["capaian"]),
                _number(s["quality"]),
                _number(s["index"]),
            ],
        )
    _append(summary, [])
    _append(summary, [_("Capaian kosong berarti belum ada sasaran (jumlah yang harus dilayani nol).")])
    for col, width in zip("ABCDEFGH", (18, 52, 18, 16, 22, 12, 10, 11), strict=True):
        summary.column_dimensions[col].width = width


def _service_sheet(ws, s: dict, period_label: str, assessment) -> None:
    _append(ws, [s["name"]])
    ws["A1"].font = Font(bold=True, size=13)
    for label, value in (
        (_("Kode layanan"), s["code"]),
        (_("Penanggung jawab"), s["lead_agency"]),
        (_("Standar teknis"), s["legal_basis"]),
        (_("Periode"), period_label),
        (_("Bobot penerima : mutu"), f"{s['weights']['recipients']} : {s['weights']['quality']}"),
    ):
        _append(ws, [label, value])
    _append(ws, [])
    _recipients_section(ws, s)
    _append(ws, [])
    _quality_section(ws, s)
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
    for col in range(3, 7):
        ws.column_dimensions[get_column_letter(col)].width = 22
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = WRAP


def _recipients_section(ws, s: dict) -> None:
    _heading(ws, _("A. Penerima layanan"))
    _append(
        ws,
        [
            _("Kecamatan"),
            _("Kode"),
            s["must_serve_label"].capitalize(),
            s["served_label"].capitalize(),
            _("Capaian (%)"),
        ],
    )
    _header_row(ws)
    for r in s["by_kecamatan"]:
        _append(ws, [r["name"], r["code"] or "", r["must_serve"], r["served"], _number(r["capaian"])])
    _append(ws, [_("Kabupaten"), "16.13", s["must_serve"], s["served"], _number(s["capaian"])])
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _quality_section(ws, s: dict) -> None:
    _append(ws, [_("B. Mutu layanan"), "", "", "", _("Mutu (%)"), _number(s["quality"])])
    ws.cell(ws.max_row, 1).font = BOLD
    if s["quality_period"]:
        _append(
            ws,
            [
                _("Penilaian yang berlaku: Triwulan %(q)s %(y)s")
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
    _append(ws, [_("Indeks (%)"), _number(s["index"])])
    ws.cell(ws.max_row, 1).font = BOLD


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
]


def espm_csv(*, year: int, quarter: int) -> bytes:
    data = achievements(year=year, quarter=quarter)
    assessments = {
        a.service.code: a for a in PeriodAssessment.objects.filter(year=year, quarter=quarter).select_related("service")
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for s in data["services"]:
        a = assessments.get(s["code"])
        for r in s["by_kecamatan"]:
            writer.writerow(
                csv_row(
                    [
                        year,
                        quarter,
                        s["code"],
                        s["name"],
                        r["code"] or "",
                        r["name"],
                        r["must_serve"],
                        r["served"],
                        _number(r["capaian"]),
                        _number(s["quality"]),
                        _number(r["index"]),
                        "",
                        "",
                    ]
                )
            )
        writer.writerow(
            csv_row(
                [
                    year,
                    quarter,
                    s["code"],
                    s["name"],
                    "16.13",
                    _("Kabupaten Musi Rawas Utara"),
                    s["must_serve"],
                    s["served"],
                    _number(s["capaian"]),
                    _number(s["quality"]),
                    _number(s["index"]),
                    a.problems if a else "",
                    a.follow_up if a else "",
                ]
            )
        )
    # BOM: spreadsheet programs then read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _append(ws, values):
    # Text typed by the Tim Efektif (problems, follow-up, notes) is data, never a formula.
    ws.append([xlsx_cell(v) for v in values])


def csv_row(values):
    return [csv_cell(v) for v in values]


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
