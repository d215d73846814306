"""PDF (fpdf2) and XLSX (openpyxl) renderings of a summary's stored figures."""

import io
import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kitaaman.spreadsheet import xlsx_cell

# fontTools logs every glyph subset at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# DejaVu (Debian's fonts-dejavu-core) covers every character a name may hold;
# without it the PDF falls back to a core font and latin-1 text.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

XLSX_SHEETS = [
    "Ringkasan",
    "Capaian SPM",
    "Kategori",
    "Status",
    "Kecamatan",
    "Kepatuhan waktu",
    "Melewati batas",
    "Kebakaran",
    "Laporan menonjol",
    "Rencana aksi",
]
KIND_TITLES = {
    "weekly": "Ringkasan Mingguan",
    "monthly": "Ringkasan Bulanan",
    "quarterly": "Paket Triwulanan e-SPM",
}
DASH = "–"


def fmt_int(value) -> str:
    if value is None:
        return DASH
    return f"{int(value):,}".replace(",", ".")


def fmt_num(value, digits=1) -> str:
    if value is None:
        return DASH
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_pct(value) -> str:
    return DASH if value is None else f"{fmt_num(value)} %"


def service_level_rows(figures):
    labels = {"verify": "Verifikasi", "followup": "Tindak lanjut (selesai)"}
    rows = []
    for key, label in labels.items():
        sl = figures.get("service_levels", {}).get(key, {})
        rows.append(
            [
                label,
                fmt_int(sl.get("on_time")),
                fmt_int(sl.get("late")),
                fmt_int(sl.get("pending")),
                fmt_pct(sl.get("share")),
            ]
        )
    return rows


def fmt_minutes(value) -> str:
    return DASH if value is None else f"{fmt_num(value)} menit"


def fire_rows(figures):
    fire = figures.get("fire_response", {})
    within = fmt_int(fire.get("within_standard"))
    if fire.get("share_within_standard") is not None:
        within += f" ({fmt_pct(fire.get('share_within_standard'))})"
    return [
        ["Laporan kebakaran", fmt_int(fire.get("count"))],
        ["Dengan waktu tiba di lokasi", fmt_int(fire.get("with_arrival"))],
        ["Standar waktu tanggap", f"{fmt_int(fire.get('standard_minutes'))} menit"],
        ["Tiba dalam standar", within],
        ["Median waktu tanggap", fmt_minutes(fire.get("median_minutes"))],
        ["Rata-rata waktu tanggap", fmt_minutes(fire.get("average_minutes"))],
        ["Waktu tanggap terlama", fmt_minutes(fire.get("max_minutes"))],
    ]


def service_rows(figures):
    return [
        [s["name"], fmt_int(s.get("must_serve")), fmt_int(s.get("served")), fmt_pct(s.get("capaian")),
         fmt_pct(s.get("quality")), fmt_pct(s.get("index"))]
        for s in figures.get("services", [])
    ]  # fmt: skip


class _Pdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        self.set_text_color(90, 100, 110)
        self.cell(0, 6, f"{self.footer_text}  ·  Halaman {self.page_no()}/{{nb}}", align="C")


def _latin1(text: str) -> str:
    return (
        str(text).replace("–", "-").replace("…", "...").replace("·", "-").encode("latin-1", "replace").decode("latin-1")
    )


def render_pdf(summary) -> bytes:
    figures = summary.figures
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    unicode_font = FONT_REGULAR.exists() and FONT_BOLD.exists()
    if unicode_font:
        pdf.add_font("DejaVu", "", str(FONT_REGULAR))
        pdf.add_font("DejaVu", "B", str(FONT_BOLD))
        pdf.body_font = "DejaVu"
        clean = str
    else:
        pdf.body_font = "Helvetica"
        clean = _latin1
    period = figures.get("period", {})
    pdf.footer_text = clean(f"KITA AMAN · {period.get('label', summary.period_key)} · revisi {summary.revision}")
    pdf.set_title(clean(f"{KIND_TITLES.get(summary.kind, 'Ringkasan')} {summary.period_key}"))
    pdf.set_author("KITA AMAN Kabupaten Musi Rawas Utara")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(14, 14, 14)
    pdf.add_page()
    font = pdf.body_font

    def heading(text):
        # Keep a heading with the start of its table.
        if pdf.get_y() > pdf.h - pdf.b_margin - 30:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(font, "B", 12)
        pdf.set_text_color(11, 79, 108)
        pdf.cell(0, 8, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(29, 42, 54)
        pdf.set_font(font, "", 9)

    def table(header, rows, widths, align_right_from=1):
        if not rows:
            pdf.set_font(font, "", 9)
            pdf.cell(0, 6, clean("Tidak ada data."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        pdf.set_font(font, "", 8.5)
        with pdf.table(
            col_widths=widths,
            line_height=5.2,
            headings_style=_heading_style(font),
            cell_fill_color=(243, 245, 247),
            cell_fill_mode="ROWS",
            padding=1.2,
        ) as t:
            head = t.row()
            for text in header:
                head.cell(clean(text))
            for values in rows:
                r = t.row()
                for i, value in enumerate(values):
                    r.cell(clean(value), align="R" if i >= align_right_from else "L")

    # Title block
    pdf.set_font(font, "B", 16)
    pdf.set_text_color(11, 79, 108)
    pdf.cell(0, 9, clean(KIND_TITLES.get(summary.kind, "Ringkasan")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(font, "", 11)
    pdf.set_text_color(29, 42, 54)
    pdf.cell(0, 6, clean("SPM Trantibumlinmas · Kabupaten Musi Rawas Utara"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(font, "B", 12)
    pdf.cell(0, 7, clean(f"Periode: {period.get('label', summary.period_key)}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(font, "", 9)
    meta = f"Revisi {summary.revision} · dibuat {figures.get('generated_display', '')}"
    pdf.cell(0, 5, clean(meta), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if figures.get("provisional"):
        pdf.set_text_color(180, 35, 24)
        pdf.set_font(font, "B", 9)
        pdf.cell(
            0, 5, clean("SEMENTARA: periode belum berakhir, angka masih dapat berubah."), new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )  # fmt: skip
        pdf.set_text_color(29, 42, 54)

    totals = figures.get("totals", {})
    heading("Ringkasan laporan")
    table(
        ["Laporan masuk", "Masih terbuka", "Ditutup", "Melewati batas waktu"],
        [[fmt_int(totals.get("reports")), fmt_int(totals.get("open")), fmt_int(totals.get("closed")),
          fmt_int(totals.get("overdue"))]],
        (1, 1, 1, 1), align_right_from=0,
    )  # fmt: skip

    heading(f"Capaian SPM per layanan ({figures.get('services_scope', '')})")
    table(
        ["Layanan", "Harus dilayani", "Terlayani", "Capaian", "Mutu", "Indeks"],
        service_rows(figures),
        (62, 24, 22, 22, 18, 18),
    )
    heading("Kepatuhan waktu layanan")
    table(
        ["Tahap", "Tepat waktu", "Terlambat", "Belum jatuh tempo", "Kepatuhan"],
        service_level_rows(figures),
        (50, 30, 30, 34, 30),
    )

    heading("Laporan per kategori")
    table(["Kategori", "Jumlah"], [[r["name"], fmt_int(r["count"])] for r in figures.get("by_category", [])], (140, 40))
    heading("Laporan per status")
    table(["Status", "Jumlah"], [[r["name"], fmt_int(r["count"])] for r in figures.get("by_status", [])], (140, 40))
    heading("Laporan per kecamatan")
    table(
        ["Kecamatan", "Jumlah"], [[r["name"], fmt_int(r["count"])] for r in figures.get("by_kecamatan", [])], (140, 40)
    )

    heading("Waktu tanggap kebakaran")
    table(["Ukuran", "Nilai"], fire_rows(figures), (110, 70))

    overdue = figures.get("overdue", {})
    heading(f"Laporan melewati batas waktu ({fmt_int(overdue.get('count'))})")
    table(
        ["No.", "Kategori", "Lokasi", "Status", "Batas waktu", "Lewat (jam)"],
        [[f"#{i['id']}", i["category"], f"{i['desa']}, {i['kecamatan']}", i["status_label"], i["due_display"],
          fmt_num(i["hours_overdue"])] for i in overdue.get("items", [])],
        (14, 40, 46, 24, 36, 22), align_right_from=5,
    )  # fmt: skip

    heading("Laporan menonjol (kekerasan, korban jiwa, pengungsian)")
    table(
        ["No.", "Kategori", "Lokasi", "Diterima", "Alasan"],
        [[f"#{i['id']}", i["category"], f"{i['desa']}, {i['kecamatan']}", i["created_display"], "; ".join(i["reasons"])]
         for i in figures.get("notable", [])],
        (14, 40, 46, 34, 48), align_right_from=9,
    )  # fmt: skip

    plans = figures.get("action_plans", {})
    if plans.get("available"):
        heading("Perubahan rencana aksi")
        table(
            ["Tonggak", "Penanggung jawab", "Status", "Diubah"],
            [[p["title"], p["owner"], p["status_label"], p["updated_display"]] for p in plans.get("items", [])],
            (80, 40, 28, 34), align_right_from=9,
        )  # fmt: skip
    return bytes(pdf.output())


def _heading_style(font):
    from fpdf.fonts import FontFace

    return FontFace(family=font, emphasis="BOLD", color=(255, 255, 255), fill_color=(11, 79, 108))


def _sheet(wb, title, header, rows, widths=None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B4F6C")
    for row in rows:
        # Milestone titles and owners are typed by staff: text, never formulas.
        ws.append([xlsx_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [30] * len(header), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws


def render_xlsx(summary) -> bytes:
    """Numbers stay numbers in the workbook (no thousands separators), so the Tim Efektif can compute with them."""
    f = summary.figures
    wb = Workbook()
    wb.remove(wb.active)
    period = f.get("period", {})
    totals = f.get("totals", {})
    _sheet(
        wb,
        "Ringkasan",
        ["Keterangan", "Nilai"],
        [
            ["Jenis", KIND_TITLES.get(summary.kind, summary.kind)],
            ["Periode", period.get("label", summary.period_key)],
            ["Kode periode", summary.period_key],
            ["Tanggal awal", period.get("start")],
            ["Tanggal akhir", period.get("end")],
            ["Revisi", summary.revision],
            ["Sementara", "ya" if f.get("provisional") else "tidak"],
            ["Dibuat", f.get("generated_display")],
            ["Laporan masuk", totals.get("reports")],
            ["Masih terbuka", totals.get("open")],
            ["Ditutup", totals.get("closed")],
            ["Melewati batas waktu", totals.get("overdue")],
        ],
        [28, 45],
    )
    _sheet(
        wb,
        "Capaian SPM",
        ["Kode", "Layanan", "Harus dilayani", "Terlayani", "Capaian (%)", "Mutu (%)", "Indeks (%)"],
        [[s.get("code"), s.get("name"), s.get("must_serve"), s.get("served"), s.get("capaian"), s.get("quality"),
          s.get("index")] for s in f.get("services", [])],
        [18, 50, 16, 14, 14, 12, 12],
    )  # fmt: skip
    _sheet(
        wb,
        "Kategori",
        ["Kode", "Kategori", "Jumlah"],
        [[r["code"], r["name"], r["count"]] for r in f.get("by_category", [])],
        [26, 40, 10],
    )
    _sheet(
        wb,
        "Status",
        ["Kode", "Status", "Jumlah"],
        [[r["code"], r["name"], r["count"]] for r in f.get("by_status", [])],
        [16, 20, 10],
    )
    _sheet(
        wb,
        "Kecamatan",
        ["Kode", "Kecamatan", "Jumlah"],
        [[r["code"], r["name"], r["count"]] for r in f.get("by_kecamatan", [])],
        [12, 24, 10],
    )
    sl = f.get("service_levels", {})
    _sheet(
        wb,
        "Kepatuhan waktu",
        ["Tahap", "Tepat waktu", "Terlambat", "Belum jatuh tempo", "Kepatuhan (%)"],
        [[label, sl.get(key, {}).get("on_time"), sl.get(key, {}).get("late"), sl.get(key, {}).get("pending"),
          sl.get(key, {}).get("share")] for key, label in (("verify", "Verifikasi"), ("followup", "Tindak lanjut"))],
        [22, 14, 14, 18, 14],
    )  # fmt: skip
    _sheet(
        wb,
        "Melewati batas",
        ["No. laporan", "Kategori", "Kecamatan", "Desa", "Status", "Batas waktu", "Lewat (jam)"],
        [[i["id"], i["category"], i["kecamatan"], i["desa"], i["status_label"], i["due_display"], i["hours_overdue"]]
         for i in f.get("overdue", {}).get("items", [])],
        [12, 30, 16, 22, 14, 22, 12],
    )  # fmt: skip
    fire = f.get("fire_response", {})
    _sheet(
        wb,
        "Kebakaran",
        ["Ukuran", "Nilai"],
        [
            ["Laporan kebakaran", fire.get("count")],
            ["Dengan waktu tiba", fire.get("with_arrival")],
            ["Standar (menit)", fire.get("standard_minutes")],
            ["Tiba dalam standar", fire.get("within_standard")],
            ["Tiba dalam standar (%)", fire.get("share_within_standard")],
            ["Median (menit)", fire.get("median_minutes")],
            ["Rata-rata (menit)", fire.get("average_minutes")],
            ["Terlama (menit)", fire.get("max_minutes")],
        ],
        [28, 14],
    )
    _sheet(
        wb,
        "Laporan menonjol",
        ["No. laporan", "Kategori", "Kecamatan", "Desa", "Status", "Diterima", "Alasan"],
        [[i["id"], i["category"], i["kecamatan"], i["desa"], i["status_label"], i["created_display"], "; ".join(i["reasons"])]
         for i in f.get("notable", [])],
        [12, 30, 16, 22, 14, 22, 40],
    )  # fmt: skip
    _sheet(
        wb,
        "Rencana aksi",
        ["Kode", "Tonggak", "Penanggung jawab", "Status", "Target", "Selesai", "Diubah"],
        [[p["code"], p["title"], p["owner"], p["status_label"], p["due_date"], p["completed_on"], p["updated_display"]]
         for p in f.get("action_plans", {}).get("items", [])],
        [16, 40, 24, 16, 12, 12, 22],
    )  # fmt: skip
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
