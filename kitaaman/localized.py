"""Text that lives in the database in two languages: `name` in Bahasa
Indonesia (the default, always filled) and `name_en` beside it, used while
the interface is in English and filled. One rule for models and for the JSON
question lists of the categories, so every page, form, error message and API
answer picks the same text."""

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


def localized(source, field: str) -> str:
    """source.field, or source.field_en under English when it is filled; dicts alike."""
    if isinstance(source, dict):
        value = source.get(field) or ""
        return (source.get(f"{field}_en") or value) if english() else value
    value = getattr(source, field, "") or ""
    return (getattr(source, f"{field}_en", "") or value) if english() else value


def choice_label(choice) -> str:
    """An option of a choice question: [code, label] or [code, label, label_en]."""
    if english() and len(choice) > 2 and choice[2]:
        return str(choice[2])
    return str(choice[1])
