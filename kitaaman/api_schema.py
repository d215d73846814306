"""Schema pieces every API shares: the error envelope and its documented answers."""

import copy

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Kode kesalahan yang stabil, mis. invalid, not_found, throttled."))
    message = serializers.CharField(help_text=_("Pesan untuk pengguna (Bahasa Indonesia)."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Kesalahan per isian; kunci seperti details.meninggal menunjuk pertanyaan tambahan."),
    )
    retry_after = serializers.IntegerField(required=False, help_text=_("Detik sampai boleh mencoba lagi (429)."))


class ApiErrorEnvelopeSerializer(serializers.Serializer):
    """The one error format of every 4xx answer (kitaaman.api_errors)."""

    error = ApiErrorSerializer()


def error(description):
    """A documented error answer: the envelope with a description of when it comes."""
    return OpenApiResponse(ApiErrorEnvelopeSerializer, description=description)


ERR_400 = error("Data tidak valid; kesalahan per isian di error.fields.")
ERR_401 = error("Belum masuk, atau token tidak valid.")
ERR_403 = error("Tidak berwenang.")
ERR_404 = error("Tidak ditemukan.")
ERR_429 = error("Terlalu banyak permintaan; lihat header Retry-After.")


def operation_schema(operation_id, summary, *, tag, ok, errors, **more):
    """extend_schema for one API operation: the answers are `ok` followed by the
    error answers that its kind of view shares (`errors`, in each API's own
    words), so a view states only what is its own. `more`: parameters, request,
    description."""
    return extend_schema(tags=[tag], operation_id=operation_id, summary=summary, responses={**ok, **errors}, **more)


def blank_or(schema: dict) -> dict:
    """A query parameter's schema when an empty value means "no filter" (what a
    form sends for a field left empty): the value, or the empty string."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def each_object(node, visit) -> None:
    """Call `visit` on every object (dict) of a JSON document, each before
    what it contains (so what `visit` puts in is visited too)."""
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            each_object(value, visit)
    elif isinstance(node, list):
        for value in node:
            each_object(value, visit)


def lift_branch_defaults(result, generator, request, public):
    """drf-spectacular postprocessing hook: a blank-allowed field (an optional
    e-mail, say) becomes `oneOf: [{format: email, default: ""}, {maxLength: 0}]`,
    and "" is no e-mail, so the document is invalid OpenAPI. The default belongs
    to the whole property: move it from the branch up beside the oneOf."""

    def lift(node):
        branches = node.get("oneOf") or node.get("anyOf")
        if isinstance(branches, list):
            for branch in branches:
                if isinstance(branch, dict) and "default" in branch:
                    node.setdefault("default", branch.pop("default"))

    each_object(result, lift)
    return result


def inline_nullable_refs(result, generator, request, public):
    """drf-spectacular postprocessing hook: a nested serializer with
    allow_null=True becomes `allOf: [{$ref: X}], nullable: true`. Under
    OpenAPI 3.0.3 `nullable` only adds null to a `type` in the same schema, so
    validators (openapi-core) and strict clients refuse the null the API
    sends (a draft warning's `delivery`, the kabupaten-wide `kecamatan`).
    Such a property gets X's own schema inline, with `nullable: true` beside
    its `type`."""
    components = result.get("components", {}).get("schemas", {})

    def nullable_ref(node):
        branches = node.get("allOf")
        if node.get("nullable") is not True or not isinstance(branches, list) or len(branches) != 1:
            return None
        ref = branches[0].get("$ref", "") if isinstance(branches[0], dict) else ""
        return components.get(ref.removeprefix("#/components/schemas/")) if ref else None

    def inline(node):
        target = nullable_ref(node)
        if target is not None:
            rest = {k: v for k, v in node.items() if k != "allOf"}
            node.clear()
            node.update(copy.deepcopy(target))
            node.update(rest)

    each_object(result, inline)
    return result
