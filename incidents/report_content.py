"""What a report may hold, whoever writes it (the intake, a triage edit, an
Open311 partner): the description's length and the answers to the category's
extra questions."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from incidents.models import Category
from kitaaman.localized import localized

MAX_DESCRIPTION = 5000


def validate_details(category: Category, raw) -> dict:
    """Check the category's extra questions; returns the cleaned answers."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError({"details": [_("Keterangan tambahan harus berupa objek.")]})
    cleaned, errors = {}, {}
    for q in category.questions:
        code, qtype = q["code"], q.get("type", "text")
        value = raw.get(code)
        if isinstance(value, (dict, list)):
            # Every question takes one value; a structure is not an answer (and
            # printing a deep one would exhaust the stack).
            errors[code] = [_("%(label)s harus berupa satu nilai.") % {"label": q["label"]}]
            continue
        if value in (None, "") or (qtype == "boolean" and value is None):
            if q.get("required") and not (qtype == "boolean" and value is False):
                errors[code] = [_("%(label)s wajib diisi.") % {"label": localized(q, "label")}]
            continue
        if qtype == "integer":
            try:
                if isinstance(value, bool):
                    raise ValueError
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError
                number = int(str(value).strip())
            except (TypeError, ValueError):
                errors[code] = [_("%(label)s harus berupa bilangan bulat.") % {"label": localized(q, "label")}]
                continue
            if number < q.get("min", 0) or number > q.get("max", 10**7):
                errors[code] = [_("%(label)s di luar batas yang wajar.") % {"label": localized(q, "label")}]
                continue
            cleaned[code] = number
        elif qtype == "boolean":
            if isinstance(value, bool):
                cleaned[code] = value
            elif str(value).lower() in ("true", "1", "ya", "on", "yes"):
                cleaned[code] = True
            elif str(value).lower() in ("false", "0", "tidak", "off", "no"):
                cleaned[code] = False
            else:
                errors[code] = [_("%(label)s harus ya atau tidak.") % {"label": localized(q, "label")}]
        elif qtype == "choice":
            allowed = {c[0] for c in q.get("choices", [])}
            if str(value) not in allowed:
                errors[code] = [_("Pilihan untuk %(label)s tidak dikenal.") % {"label": localized(q, "label")}]
                continue
            cleaned[code] = str(value)
        else:
            text = str(value).strip()
            if len(text) > 1000:
                errors[code] = [
                    _("%(label)s terlalu panjang (maksimal 1.000 karakter).") % {"label": localized(q, "label")}
                ]
                continue
            cleaned[code] = text
    if errors:
        raise ValidationError(
            {"details": [_("Periksa kembali keterangan tambahan.")], **{f"details.{k}": v for k, v in errors.items()}}
        )
    return cleaned
