"""Writes of population figures: one figure (the admin) or a whole CSV file
(the import command). Each runs in one transaction and leaves an audit row."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incidents.audit import record
from incidents.models import Desa, Kecamatan

from .models import Population

MAX_POPULATION = 10_000_000
NUMBER = re.compile(r"^(\d+|\d{1,3}([.,]\d{3})+)$")


def _clean(code, year, value, source, errors: list, where: str = ""):
    prefix = f"{where}: " if where else ""
    code = str(code or "").strip()
    kecamatan = desa = None
    if len(code) == 13:
        desa = Desa.objects.filter(code=code).select_related("kecamatan").first()
        kecamatan = desa.kecamatan if desa else None
    elif code:
        kecamatan = Kecamatan.objects.filter(code=code).first()
    if kecamatan is None:
        errors.append(
            prefix
            + _("kode wilayah %(code)s tidak dikenal (kode Kemendagri kecamatan atau desa).") % {"code": code or "-"}
        )
    try:
        year = int(str(year).strip())
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(prefix + _("tahun harus antara 2000 dan 2100."))
        year = None
    try:
        text = str(value).strip()
        # Digits, optionally grouped by thousands ("12.345" as BPS tables print it).
        if not NUMBER.match(text):
            raise ValueError
        value = int(re.sub(r"[.,]", "", text))
        if not 0 < value <= MAX_POPULATION:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(prefix + _("jumlah penduduk harus bilangan bulat antara 1 dan 10.000.000."))
        value = None
    source = str(source or "").strip()
    if not source:
        errors.append(prefix + _("sumber data wajib diisi."))
    elif len(source) > 200:
        errors.append(prefix + _("sumber data terlalu panjang (maksimal 200 karakter)."))
    return kecamatan, desa, year, value, source


def _upsert(*, actor, kecamatan, desa, year, value, source) -> tuple[Population, bool]:
    row, created = Population.objects.select_for_update().get_or_create(
        kecamatan=kecamatan,
        desa=desa,
        year=year,
        defaults={"value": value, "source": source, "updated_by": actor},
    )
    if not created:
        row.value, row.source, row.updated_by = value, source, actor
        row.save(update_fields=["value", "source", "updated_by", "updated_at"])
    return row, created


@transaction.atomic
def population_save(*, actor, code: str, year, value, source: str) -> tuple[Population, bool]:
    """Create or replace the figure of one kecamatan or desa for a year."""
    errors = []
    kecamatan, desa, year, value, source = _clean(code, year, value, source, errors)
    if errors:
        raise ValidationError(errors)
    row, created = _upsert(actor=actor, kecamatan=kecamatan, desa=desa, year=year, value=value, source=source)
    record(
        "spm.population.saved",
        user=actor,
        data={"code": row.code, "year": year, "value": value, "source": source, "created": created},
    )
    return row, created


@transaction.atomic
def population_import(*, actor, rows, default_year=None, default_source: str = "") -> dict:
    """rows: dicts with code, value, and year and source unless defaults are given.

    All or nothing: one bad line and nothing is written; the error names the line."""
    errors, cleaned, seen = [], [], {}
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        where = _("baris %(n)s") % {"n": number}
        kecamatan, desa, year, value, source = _clean(
            row.get("code"),
            row.get("year") or default_year,
            row.get("value"),
            row.get("source") or default_source,
            errors,
            where,
        )
        if kecamatan is None or year is None or value is None or not source:
            continue
        key = (desa.code if desa else kecamatan.code, year)
        if key in seen:
            errors.append(
                where
                + ": "
                + _("%(code)s tahun %(year)s sudah ada di baris %(line)s.")
                % {"code": key[0], "year": year, "line": seen[key]}
            )
            continue
        seen[key] = number
        cleaned.append((kecamatan, desa, year, value, source))
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError([_("Berkas tidak berisi baris data.")])
    created = 0
    for kecamatan, desa, year, value, source in cleaned:
        _row, new = _upsert(actor=actor, kecamatan=kecamatan, desa=desa, year=year, value=value, source=source)
        created += new
    result = {"rows": len(cleaned), "created": created, "updated": len(cleaned) - created}
    record("spm.population.imported", user=actor, data=result)
    return result
