"""Input serializers that take the types the OpenAPI schema says, and no others.

DRF is lenient by default: a JSON number is accepted for a text field (0
becomes "0") and 0/1 for a yes/no field. The schema promises strings and
booleans, so a client that sends something else gets a clear 400 instead of a
guess. One such guess was harmful: `"website": 0` on the report API filled
the bot trap and the citizen's report was silently dropped.

Form bodies (multipart, urlencoded) carry only text, so there a yes/no field
takes "true"/"false" and a number field its digits.
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")

MESSAGES = {
    "text": _("Harus berupa teks."),
    "boolean": _("Harus berupa true atau false."),
    "integer": _("Harus berupa bilangan bulat."),
    "number": _("Harus berupa angka."),
}


def type_problem(field, value) -> str | None:
    """The key of MESSAGES when `value` is not of the field's documented type."""
    if value is None:
        return None  # allow_null is the field's own business
    if isinstance(field, serializers.BooleanField):
        if isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in ("true", "false")):
            return None
        return "boolean"
    if isinstance(field, serializers.IntegerField):
        if (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and INTEGER.match(value)
        ):
            return None
        return "integer"
    if isinstance(field, serializers.FloatField):
        if (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
            isinstance(value, str) and NUMBER.match(value)
        ):
            return None
        return "number"
    if isinstance(field, (serializers.CharField, serializers.ChoiceField, serializers.DateTimeField)):
        if isinstance(field, serializers.ChoiceField) and any(not isinstance(k, str) for k in field.choices):
            return None  # integer choices (priority) are checked by the field
        return None if isinstance(value, str) else "text"
    return None


class StrictSerializer(serializers.Serializer):
    """A Serializer whose fields refuse values of another JSON type."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                problem = type_problem(field, data[name])
                if problem:
                    errors[name] = [MESSAGES[problem]]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
