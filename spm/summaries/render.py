"""PDF (fpdf2) and XLSX (openpyxl) renderings of a summary's stored figures."""

import io
import logging
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kitaaman import region
from kitaaman.spreadsheet import xlsx_cell

from .display import kind_title, summary_display

# fontTools logs every glyph subset at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# DejaVu (Debian's fonts-dejavu-core) covers every character a name may hold;
# without it the PDF falls back to a core font and latin-1 text.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

DASH = "–"
# Table text at 8.5 pt; a word too wide for its column is set smaller, down to this.
TABLE_SIZE = 8.5
TABLE_MIN_SIZE = 6.5
TABLE_PADDING = 1.2
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


class _Pdf(FPDF):
    footer_text = ""
    page_label = "Halaman"

    def footer(self):
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        self.set_text_color(90, 100, 110)
        self.cell(0, 6, f"{self.footer_text}  ·  {self.page_label} {self.page_no()}/{{nb}}", align="C")


def _latin1(text: str) -> str:
    return (
        str(text)
        .replace("—", "-")
        .replace("–", "-")
        .replace("…", "...")
        .replace("·", "-")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def render_pdf(summary) -> bytes:
    """The summary as an A4 PDF in the portal's default language, with the
    dashboard's trend chart and report map (spm.charts) above the tables."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render_pdf(summary, summary_display(summary, interactive=False))


def _render_pdf(summary, d) -> bytes:
    doc = _Document(summary, d)
    doc.title_block(summary, d)
    doc.attention(d)
    doc.legal_basis(d)
    doc.figures(d)
    doc.report_sections(summary, d)
    doc.lists(d)
    doc.signatures(d)
    return bytes(doc.pdf.output())


class _Document:
    """The PDF being written: its font, and the few building blocks the summary uses."""

    def __init__(self, summary, d):
        pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
        if FONT_REGULAR.exists() and FONT_BOLD.exists():
            pdf.add_font("DejaVu", "", str(FONT_REGULAR))
            pdf.add_font("DejaVu", "B", str(FONT_BOLD))
            pdf.body_font = "DejaVu"
            self.clean = str
        else:
            pdf.body_font = "Helvetica"
            self.clean = _latin1
        pdf.footer_text = self.clean(f"KITA AMAN · {d['label']} · " + _("revisi %(n)s") % {"n": summary.revision})
        pdf.page_label = _("Halaman")
        pdf.set_title(self.clean(d["title"]))
        pdf.set_author(self.clean(f"KITA AMAN {region.current().official_name}"))
        pdf.set_auto_page_break(auto=True, margin=16)
        pdf.set_margins(14, 14, 14)
        pdf.add_page()
        self.pdf, self.font = pdf, pdf.body_font

    def line(self, height, text, *, style="", size=9):
        self.pdf.set_font(self.font, style, size)
        self.pdf.cell(0, height, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text, room=30):
        pdf = self.pdf
        # Keep a heading with the start of what follows it.
        if pdf.get_y() > pdf.h - pdf.b_margin - room:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_text_color(11, 79, 108)
        self.line(8, text, style="B", size=12)
        pdf.set_text_color(29, 42, 54)
        pdf.set_font(self.font, "", 9)

    def note(self, text):
        pdf = self.pdf
        pdf.set_font(self.font, "", 8)
        pdf.set_text_color(90, 100, 110)
        pdf.multi_cell(0, 4, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(29, 42, 54)

    def fit(self, text, width, style=""):
        """Text and font size for a table cell `width` mm wide, wrapping only
        between words: fpdf2 breaks a word wider than its column at any letter
        ("permukiman/gedun g"), so such a word is broken after a "/" where it
        has one, and set smaller (down to TABLE_MIN_SIZE) where it still does
        not fit."""
        pdf, size = self.pdf, TABLE_SIZE
        # A table cell takes the font current when it is added as its style: put it back after measuring.
        before = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
        pdf.set_font(self.font, style, size)
        words = []
        for word in self.clean(text).split(" "):
            if "/" in word.rstrip("/") and pdf.get_string_width(word) > width:
                lines, current = [], ""
                for part in re.split(r"(?<=/)", word):
                    if current and pdf.get_string_width(current + part) > width:
                        lines.append(current)
                        current = ""
                    current += part
                word = "\n".join([*lines, current])
            words.append(word)
        text = " ".join(words)
        pieces = re.split(r"[ \n]", text)
        while size > TABLE_MIN_SIZE and max(pdf.get_string_width(p) for p in pieces) > width:
            size -= 0.5
            pdf.set_font(self.font, style, size)
        pdf.set_font(*before)
        return text, size

    def table(self, header, rows, widths, align_right_from=1):
        pdf = self.pdf
        if not rows:
            self.line(6, _("Tidak ada data."))
            return
        # fpdf2 shares the table's width out by the ratios of col_widths.
        room = [pdf.epw * w / sum(widths) - 2 * TABLE_PADDING - 0.2 for w in widths]
        pdf.set_font(self.font, "", TABLE_SIZE)
        with pdf.table(
            col_widths=widths,
            line_height=5.2,
            headings_style=_heading_style(self.font),
            cell_fill_color=(243, 245, 247),
            cell_fill_mode="ROWS",
            padding=TABLE_PADDING,
        ) as t:
            head = t.row()
            for i, value in enumerate(header):
                text, size = self.fit(value, room[i], "B")
                # Aligned like the column below it (fpdf2 justifies table text by default).
                head.cell(
                    text,
                    align="R" if i >= align_right_from else "L",
                    style=_heading_style(self.font, size) if size != TABLE_SIZE else None,
                )
            for values in rows:
                r = t.row()
                for i, value in enumerate(values):
                    text, size = self.fit(value, room[i])
                    r.cell(
                        text,
                        align="R" if i >= align_right_from else "L",
                        style=FontFace(size_pt=size) if size != TABLE_SIZE else None,
                    )

    def svg(self, markup, width_mm, room):
        pdf = self.pdf
        if not markup:
            return
        if pdf.get_y() > pdf.h - pdf.b_margin - room:
            pdf.add_page()
        x = (pdf.w - width_mm) / 2
        pdf.image(io.BytesIO(str(markup).encode()), x=x, w=width_mm)

    def paragraph(self, height, text, *, style="", size=9):
        self.pdf.set_font(self.font, style, size)
        self.pdf.multi_cell(0, height, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def title_block(self, summary, d):
        pdf = self.pdf
        pdf.set_text_color(11, 79, 108)
        # The title on one line where it fits at 13 pt or more; wrapped otherwise.
        size = 15
        pdf.set_font(self.font, "B", size)
        while size > 13 and pdf.get_string_width(self.clean(d["title"])) > pdf.epw:
            size -= 0.5
            pdf.set_font(self.font, "B", size)
        self.paragraph(7.5, d["title"], style="B", size=size)
        pdf.set_text_color(29, 42, 54)
        self.line(6, f"{d['kind']} · {region.current().official_name}", size=11)
        self.line(7, _("Periode: %(dates)s") % {"dates": d["dates"]}, style="B", size=11)
        self.line(5, _("Revisi %(rev)s · dibuat %(when)s") % {"rev": summary.revision, "when": d["generated"]})
        if d["provisional_note"]:
            pdf.set_text_color(180, 35, 24)
            self.paragraph(5, d["provisional_note"], style="B")
            pdf.set_text_color(29, 42, 54)

    def numbered(self, items, size=8.5, height=4.2):
        pdf = self.pdf
        pdf.set_font(self.font, "", size)
        for n, text in enumerate(items, start=1):
            pdf.set_x(pdf.l_margin)
            pdf.cell(7, height, f"{n}.")
            pdf.multi_cell(0, height, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.8)

    def legal_basis(self, d):
        self.heading(_("Dasar hukum"))
        self.numbered(d["legal_basis"])

    def signatures(self, d):
        """Prepared by and approved by side by side, with room to sign."""
        pdf, clean = self.pdf, self.clean
        gap = 12
        width = (pdf.epw - gap) / 2
        if pdf.get_y() > pdf.h - pdf.b_margin - 62:
            pdf.add_page()
        pdf.ln(8)
        top = pdf.get_y()
        bottoms = []
        for i, block in enumerate(d["signatures"]):
            x = pdf.l_margin + i * (width + gap)
            pdf.set_xy(x, top)
            pdf.set_font(self.font, "B", 9.5)
            pdf.multi_cell(width, 5, clean(block["heading"]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_font(self.font, "", 9)
            if block["missing"]:
                pdf.set_text_color(180, 35, 24)
                pdf.multi_cell(width, 4.5, clean(block["missing"]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
                pdf.set_text_color(29, 42, 54)
                bottoms.append(pdf.get_y())
                continue
            pdf.multi_cell(width, 4.5, clean(block["position"]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            bottoms.append(pdf.get_y())
        # Names on one line under the same signing space, whatever the positions' length.
        name_y = max(bottoms) + 22
        for i, block in enumerate(d["signatures"]):
            if block["missing"]:
                continue
            x = pdf.l_margin + i * (width + gap)
            pdf.set_xy(x, name_y)
            pdf.set_font(self.font, "BU", 9.5)
            pdf.multi_cell(width, 5, clean(block["name"]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            if block["nip"]:
                pdf.set_font(self.font, "", 9)
                pdf.multi_cell(width, 4.5, clean(block["nip"]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_xy(pdf.l_margin, max(pdf.get_y(), name_y + 10))

    def attention(self, d):
        """Page 1 leads with what needs a decision, and who should act."""
        self.heading(_("Perlu perhatian"))
        if not d["attention"]:
            self.line(6, _("Tidak ada hal yang perlu perhatian khusus pada periode ini."))
        else:
            self.table(
                [_("Hal"), _("Tindak lanjut")],
                [[item["text"], item["who"]] for item in d["attention"]],
                (128, 54),
                align_right_from=9,
            )

    def figures(self, d):
        self.heading(_("Angka ringkasan"))
        self.table(
            [_("Angka"), _("Nilai"), _("Pembilang dari penyebut")],
            [[f["label"], f["display"], f["ratio"] if f.get("denominator") else ""] for f in d["figures"]],
            (66, 34, 82),
            align_right_from=9,
        )

    def report_sections(self, summary, d):
        totals = d["totals"]
        self.heading(_("Ringkasan laporan"))
        self.table(
            [_("Laporan masuk"), _("Masih terbuka"), _("Ditutup"), _("Melewati batas waktu")],
            [[totals.get(k, DASH) for k in ("reports", "open", "closed", "overdue")]],
            (1, 1, 1, 1),
            align_right_from=0,
        )
        self.heading(_("Capaian SPM per layanan (%(scope)s)") % {"scope": d["services_scope"]})
        self.table(
            [_("Layanan"), _("Harus dilayani"), _("Terlayani"), _("Capaian"), _("Mutu"), _("Indeks")],
            d["services"],
            (62, 24, 22, 22, 18, 18),
        )
        chart = d["charts"]
        if chart["trend"]:
            self.heading(_("Tren capaian bulanan %(year)s") % {"year": summary.figures["trend"]["year"]}, room=80)
            self.svg(chart["trend"], 178, 70)
            self.svg(chart["legend_svg"], 150, 14)
        if chart["map"]:
            self.heading(chart["map_title"], room=100)
            self.svg(chart["map"], 150, 90)
        self.note(d["population_note"])
        self.heading(_("Kepatuhan waktu layanan"))
        self.table(
            [_("Tahap"), _("Tepat waktu"), _("Terlambat"), _("Penyebut: selesai atau lewat batas"), _("Kepatuhan")],
            d["service_levels"],
            (50, 30, 30, 34, 30),
        )
        self.heading(_("Laporan per kategori"))
        self.table([_("Kategori"), _("Jumlah")], [list(r) for r in d["by_category"]], (140, 40))
        self.heading(_("Laporan per status"))
        self.table([_("Status"), _("Jumlah")], [list(r) for r in d["by_status"]], (140, 40))
        self.heading(_("Laporan per kecamatan"))
        self.table(
            [_("Kecamatan"), _("Laporan"), _("Penduduk"), _("per 1.000 penduduk")],
            [[r["name"], r["count"], r["population"], r["per_1000"]] for r in d["by_kecamatan"]],
            (80, 30, 36, 36),
        )
        self.heading(_("Waktu tanggap kebakaran (per laporan)"))
        self.table([_("Ukuran"), _("Nilai")], d["fire"], (100, 80))

    def lists(self, d):
        self.heading(_("Laporan melewati batas waktu (%(n)s)") % {"n": d["overdue_count"]})
        self.table(
            [_("Kode laporan"), _("Kategori"), _("Lokasi"), _("Status"), _("Batas waktu"), _("Lewat")],
            [[i["code"], i["category"], i["location"], i["status"], i["due"], i["overdue"]] for i in d["overdue"]],
            (31, 33, 38, 22, 31, 27),
            align_right_from=5,
        )
        if d["corrections_count"]:
            self.heading(_("Koreksi periode sebelumnya (%(n)s)") % {"n": d["corrections_count"]})
            self.table(
                [_("Kode laporan"), _("Kategori"), _("Lokasi"), _("Diterima"), _("Dimasukkan")],
                [[i["code"], i["category"], i["location"], i["received"], i["entered"]] for i in d["corrections"]],
                (31, 34, 40, 38, 39),
                align_right_from=9,
            )
        self.heading(_("Laporan menonjol (kekerasan, korban jiwa, pengungsian)"))
        self.table(
            [_("Kode laporan"), _("Kategori"), _("Lokasi"), _("Diterima"), _("Alasan")],
            [[i["code"], i["category"], i["location"], i["received"], i["reasons"]] for i in d["notable"]],
            (31, 34, 40, 31, 46),
            align_right_from=9,
        )
        if d["plans_available"]:
            self.heading(_("Perubahan rencana aksi"))
            self.table(
                [_("Tonggak"), _("Penanggung jawab"), _("Status"), _("Diubah")],
                [[p["title"], p["owner"], p["status"], p["updated"]] for p in d["plans"]],
                (80, 40, 28, 34),
                align_right_from=9,
            )


def _heading_style(font, size=None):
    return FontFace(family=font, emphasis="BOLD", color=(255, 255, 255), fill_color=(11, 79, 108), size_pt=size)


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
    with translation.override(settings.LANGUAGE_CODE):
        return _render_xlsx(summary)


def _render_xlsx(summary) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _figure_sheets(wb, summary)
    _list_sheets(wb, summary.figures)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _figure_sheets(wb, summary) -> None:
    f = summary.figures
    period = f.get("period", {})
    totals = f.get("totals", {})
    _sheet(
        wb,
        "Ringkasan",
        ["Keterangan", "Nilai"],
        [
            ["Jenis", kind_title(summary.kind)],
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
    _count_sheet(wb, "Kategori", f.get("by_category", []), [26, 40, 10])
    _count_sheet(wb, "Status", f.get("by_status", []), [16, 20, 10])
    _sheet(
        wb,
        "Kecamatan",
        ["Kode", "Kecamatan", "Jumlah", "Penduduk", "Per 1.000 penduduk", "Sumber penduduk"],
        [
            [
                r["code"],
                r["name"],
                r["count"],
                r.get("population"),
                r.get("per_1000"),
                f"{r['population_source']} ({r['population_year']})" if r.get("population") else "",
            ]
            for r in f.get("by_kecamatan", [])
        ],
        [12, 24, 10, 12, 18, 40],
    )
    sl = f.get("service_levels", {})
    _sheet(
        wb,
        "Kepatuhan waktu",
        ["Tahap", "Tepat waktu", "Terlambat", "Penyebut (selesai atau lewat batas)", "Kepatuhan (%)"],
        [[label, sl.get(key, {}).get("on_time"), sl.get(key, {}).get("late"), sl.get(key, {}).get("denominator"),
          sl.get(key, {}).get("share")] for key, label in (("verify", "Verifikasi"), ("followup", "Tindak lanjut"))],
        [22, 14, 14, 18, 14],
    )  # fmt: skip


def _count_sheet(wb, title: str, rows: list, widths: list) -> None:
    """Reports counted by one grouping (code, name, count); `title` names the sheet and its name column."""
    _sheet(wb, title, ["Kode", title, "Jumlah"], [[r["code"], r["name"], r["count"]] for r in rows], widths)


# The fire-response figures of the summary, in the order of the "Kebakaran" sheet.
FIRE_FIGURES = (
    ("Laporan kebakaran", "count"),
    ("Dengan waktu tiba", "with_arrival"),
    ("Standar (menit)", "standard_minutes"),
    ("Tiba dalam standar", "within_standard"),
    ("Tiba dalam standar (%)", "share_within_standard"),
    ("Median (menit)", "median_minutes"),
    ("Rata-rata (menit)", "average_minutes"),
    ("Terlama (menit)", "max_minutes"),
)


def _fire_sheet(wb, fire: dict) -> None:
    _sheet(
        wb,
        "Kebakaran",
        ["Ukuran", "Nilai"],
        [[label, fire.get(key)] for label, key in FIRE_FIGURES],
        [28, 14],
    )


def _list_sheets(wb, f: dict) -> None:
    _sheet(
        wb,
        "Melewati batas",
        ["Kode laporan", "Kategori", "Kecamatan", "Desa", "Status", "Batas waktu", "Lewat (hari)"],
        [[i.get("tracking_code", i["id"]), i["category"], i["kecamatan"], i["desa"], i["status_label"], i["due_display"],
          i["days_overdue"] if "days_overdue" in i else round(i["hours_overdue"] / 24, 2)] for i in f.get("overdue", {}).get("items", [])],
        [16, 30, 16, 22, 14, 22, 12],
    )  # fmt: skip
    _fire_sheet(wb, f.get("fire_response", {}))
    _sheet(
        wb,
        "Laporan menonjol",
        ["Kode laporan", "Kategori", "Kecamatan", "Desa", "Status", "Diterima", "Alasan"],
        [[i.get("tracking_code", i["id"]), i["category"], i["kecamatan"], i["desa"], i["status_label"],
          i["created_display"], "; ".join(i["reasons"])] for i in f.get("notable", [])],
        [16, 30, 16, 22, 14, 22, 40],
    )  # fmt: skip
    _sheet(
        wb,
        "Rencana aksi",
        ["Kode", "Tonggak", "Penanggung jawab", "Status", "Target", "Selesai", "Diubah"],
        [[p["code"], p["title"], p["owner"], p["status_label"], p["due_date"], p["completed_on"], p["updated_display"]]
         for p in f.get("action_plans", {}).get("items", [])],
        [16, 40, 24, 16, 12, 12, 22],
    )  # fmt: skip
