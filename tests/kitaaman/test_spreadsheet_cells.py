"""Spreadsheet exports: a control character typed by a citizen never breaks
an export, text typed by anyone never becomes a live formula, and numbers
stay numbers (a negative latitude is -2.4, not '-2.4)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kitaaman.spreadsheet import FORMULA_PREFIXES, csv_cell, csv_writer, xlsx_cell

INJECTIONS = ['=HYPERLINK("http://evil.example","klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"]


def test_cells_unit():
    assert xlsx_cell(-2.4) == -2.4 and csv_cell(-2.4) == "-2.4"
    assert csv_cell(-7) == "-7" and csv_cell(None) == "" and csv_cell(True) == "True"
    for text in INJECTIONS:
        assert xlsx_cell(text).startswith("'") and csv_cell(text).startswith("'")
    assert xlsx_cell("air\x07naik\x1b") == "airnaik"
    assert xlsx_cell("baris\nkedua\tkolom") == "baris\nkedua\tkolom"
    assert csv_cell("air\x00naik") == "airnaik"


# --- desk export -----------------------------------------------------------------------------------


def run_export(client, django_capture_on_commit_callbacks, fmt):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("desk:exports"), {"format": fmt}).status_code == 302
    job = client.get(reverse("desk:exports")).context["jobs"][0]
    assert job["status"] == "selesai", job
    response = client.get(reverse("desk:export_download", args=[job["id"]]))
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_control_character_does_not_break_the_xlsx_export(
    client, personas, make_incident, django_capture_on_commit_callbacks
):
    make_incident(description="Air naik\x07 cepat\x1b sekali", lat=-2.4, lng=102.9)
    make_incident(description=INJECTIONS[0])
    client.force_login(personas.koordinator)
    wb = load_workbook(io.BytesIO(run_export(client, django_capture_on_commit_callbacks, "xlsx")))
    rows = list(wb.active.iter_rows(values_only=True))
    header = rows[0]
    descriptions = {r[header.index("Uraian")] for r in rows[1:]}
    assert "Air naik cepat sekali" in descriptions
    assert "'" + INJECTIONS[0] in descriptions
    assert -2.4 in {r[header.index("Lintang")] for r in rows[1:]}


@pytest.mark.django_db
def test_csv_export_keeps_negative_numbers_as_numbers(
    client, personas, make_incident, django_capture_on_commit_callbacks
):
    make_incident(description="-- air naik --", lat=-2.4, lng=102.9)
    client.force_login(personas.koordinator)
    rows = list(
        csv.reader(io.StringIO(run_export(client, django_capture_on_commit_callbacks, "csv").decode("utf-8-sig")))
    )
    header, row = rows[0], rows[1]
    assert row[header.index("Lintang")] == "-2.4"
    assert row[header.index("Uraian")] == "'-- air naik --"


# --- CSV read with another separator (Indonesian Excel splits on ";") -------------------------------

SEMICOLON_ATTACK = "Banjir di dusun 2;=cmd|' /C calc'!A0"
NEUTRALISED = "Banjir di dusun 2;'=cmd|' /C calc'!A0"


def spreadsheet_cells(line: str, delimiter: str) -> list[str]:
    """How a spreadsheet program set to another separator splits one line of the file."""
    return next(csv.reader(io.StringIO(line), delimiter=delimiter))


def starts_a_formula(cell: str) -> bool:
    """A piece a spreadsheet would run (a number such as -2.4 is data)."""
    try:
        float(cell)
        return False
    except ValueError:
        return cell.lstrip('"').startswith(FORMULA_PREFIXES)


def test_csv_cell_neutralises_a_formula_after_any_separator():
    assert csv_cell(SEMICOLON_ATTACK) == NEUTRALISED
    assert csv_cell("a,+1") == "a,'+1" and csv_cell('a\t"@x') == "a\t'\"@x" and csv_cell("baris\n=1") == "baris\n'=1"
    assert csv_cell("a;\t=1") == "a;'\t'=1"  # a tab after the separator is a formula prefix too
    # Ordinary text keeps its punctuation.
    assert csv_cell("Jl. Merdeka; RT 02, dekat pasar") == "Jl. Merdeka; RT 02, dekat pasar"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_writer_never_lets_a_piece_start_a_formula_whatever_the_separator(delimiter):
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["Uraian", 7, -2.4])
    writer.writerow([SEMICOLON_ATTACK, "=1+1", "\tx", "a\t=2"])
    header, row = buffer.getvalue().splitlines()
    assert row.startswith(f'"{NEUTRALISED}",')  # every cell quoted
    cells = spreadsheet_cells(row, delimiter)
    assert not [c for c in cells if starts_a_formula(c)], cells
    if delimiter == ",":
        assert spreadsheet_cells(header, delimiter) == ["Uraian", "7", "-2.4"]
        assert cells == [NEUTRALISED, "'=1+1", "'\tx", "a\t'=2"]


@pytest.mark.django_db
def test_desk_csv_export_neutralises_a_semicolon_formula(
    client, personas, make_incident, django_capture_on_commit_callbacks
):
    make_incident(description=SEMICOLON_ATTACK, lat=-2.4, lng=102.9)
    client.force_login(personas.koordinator)
    text = run_export(client, django_capture_on_commit_callbacks, "csv").decode("utf-8-sig")
    for delimiter in (";", ",", "\t"):
        for line in text.splitlines():
            assert not [c for c in spreadsheet_cells(line, delimiter) if starts_a_formula(c)], (delimiter, line)
    rows = list(csv.reader(io.StringIO(text)))
    assert NEUTRALISED in {r[rows[0].index("Uraian")] for r in rows[1:]}
