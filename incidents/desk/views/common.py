"""What every desk page shares: the access decorator and message helpers."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from incidents import permissions
from kitaaman.access import role_required

CONFLICT_MESSAGE = gettext_lazy(
    "Laporan ini baru saja diubah oleh petugas lain. Tidak ada yang disimpan dari tindakan Anda: "
    "periksa data terbaru di bawah, lalu ulangi bila masih perlu."
)


# Signed-in staff only: anonymous visitors go to the login page, other accounts get 403.
desk_required = role_required(
    permissions.is_desk_user, who=gettext_lazy("petugas Satpol PP, koordinator dan instansi mitra")
)


def desk_page(request, template, context, status=200):
    context.setdefault("can_create", permissions.can_create(request.user))
    context.setdefault("can_block_numbers", permissions.is_koordinator(request.user))
    context.setdefault("can_handle_personal_data", permissions.can_handle_personal_data(request.user))
    return render(request, template, context, status=status)


def detail_url(incident):
    return reverse("desk:detail", args=[incident.pk])


def messages_from(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def age_label(seconds: float) -> str:
    """ "3 jam lalu": the largest unit only, which is what a queue needs."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("baru saja")
    if minutes < 60:
        return ngettext("%(n)d menit lalu", "%(n)d menit lalu", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(n)d jam lalu", "%(n)d jam lalu", hours) % {"n": hours}
    days = hours // 24
    if days < 60:
        return ngettext("%(n)d hari lalu", "%(n)d hari lalu", days) % {"n": days}
    months = days // 30
    if months < 24:
        return ngettext("%(n)d bulan lalu", "%(n)d bulan lalu", months) % {"n": months}
    return ngettext("%(n)d tahun lalu", "%(n)d tahun lalu", days // 365) % {"n": days // 365}


def safe_next(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("desk:home")
