"""A service's ValidationError lands on the form the person filled in."""

from django import forms
from django.core.exceptions import ValidationError

from kitaaman.form_errors import errors_onto_form, form_save


class NameForm(forms.Form):
    name = forms.CharField()


def test_field_errors_go_on_their_field_and_unknown_keys_on_the_form():
    form = NameForm({"name": "Budi"})
    assert form.is_valid()
    errors_onto_form(form, ValidationError({"name": ["Nama sudah dipakai."], "secret": ["Tidak boleh."]}))
    assert form.errors["name"] == ["Nama sudah dipakai."]
    assert form.non_field_errors() == ["Tidak boleh."]


def test_an_error_without_fields_goes_on_the_form():
    form = NameForm({"name": "Budi"})
    assert form.is_valid()
    errors_onto_form(form, ValidationError(["Satu.", "Dua."]))
    assert form.non_field_errors() == ["Satu.", "Dua."]


def test_field_name_maps_the_service_key_first():
    form = NameForm({"name": "Budi"})
    assert form.is_valid()
    errors_onto_form(
        form, ValidationError({"details.name": ["Isi nama."]}), field_name=lambda key: key.removeprefix("details.")
    )
    assert form.errors["name"] == ["Isi nama."]


def test_form_save_returns_what_the_service_saved_or_none_with_the_errors_on_the_form():
    calls = []
    assert form_save(NameForm({}), calls.append) is None and calls == []  # invalid form: no call
    assert form_save(NameForm({"name": "Budi"}), lambda cd: cd["name"].upper()) == "BUDI"

    def refuse(cd):
        raise ValidationError({"name": ["Nama sudah dipakai."]})

    form = NameForm({"name": "Budi"})
    assert form_save(form, refuse) is None
    assert form.errors["name"] == ["Nama sudah dipakai."]
