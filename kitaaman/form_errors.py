"""How a service's ValidationError reaches the form a person filled in: one rule
for every page that calls a service after its form was valid."""

from django.core.exceptions import ValidationError


def errors_onto_form(form, exc: ValidationError, field_name=None) -> None:
    """Each field's messages go on that field when the form has it, the rest (and a
    ValidationError without fields) on the form as a whole. `field_name`, if given,
    maps the service's key to the form's field name first."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, messages in exc.message_dict.items():
        name = field_name(key) if field_name else key
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def form_save(form, save):
    """For a valid form, return `save(form.cleaned_data)`; None when the form is
    invalid or the service refused it (its errors are then on the form). The
    services called this way always return a value."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        errors_onto_form(form, exc)
        return None
