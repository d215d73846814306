"""Desk pages of the message channels: the koordinator's list of blocked
numbers, the messages that could not be read, blocking the sender of a
report and writing to its reporter from the report's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.channels.forms import BlockNumberForm, ReporterMessageForm
from incidents.channels.models import Conversation
from incidents.channels.reporter_messages import reporter_message_check, reporter_message_send
from incidents.channels.selectors import blocked_numbers, messages_for_desk_review
from incidents.channels.services import number_block, number_unblock
from incidents.desk.views.actions import form_action, load_for_write
from incidents.desk.views.common import desk_page, desk_required, detail_url, messages_from
from incidents.selectors import incident_get_for_user
from kitaaman.access import role_required
from kitaaman.http import client_ip

koordinator_required = role_required(permissions.is_koordinator, who=gettext_lazy("koordinator"))


@koordinator_required
def blocked_list(request):
    form = BlockNumberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                number_block(
                    user=request.user,
                    number=form.cleaned_data["number"],
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, _("Nomor diblokir: pesannya tidak lagi diproses atau dibalas."))
                return redirect("desk:blocked")
        status = 400
    context = {"form": form, "blocked": blocked_numbers()}
    return desk_page(request, "incidents/channels/blocked.html", context, status=status)


@koordinator_required
def unreadable_list(request):
    """Messages stored but not understood (or given up): the desk reads them
    as they came and answers the resident by hand if needed."""
    return desk_page(request, "incidents/channels/unreadable.html", {"rows": messages_for_desk_review()})


@require_POST
@koordinator_required
def unblock(request, pk):
    number_unblock(user=request.user, blocked_id=pk, ip=client_ip(request))
    messages.success(request, _("Blokir nomor dibuka."))
    return redirect("desk:blocked")


@require_POST
@desk_required
def block_reporter(request, pk):
    """Block the number a report came from (SMS or WhatsApp)."""
    # The report's visibility first (404), then the role (403).
    incident = incident_get_for_user(request.user, pk)
    if not permissions.is_koordinator(request.user):
        raise PermissionDenied
    conversation = Conversation.objects.filter(incident=incident).order_by("-started_at").first()
    if conversation is None:
        messages.error(request, _("Laporan ini tidak masuk lewat SMS atau WhatsApp."))
        return redirect(detail_url(incident))
    try:
        number_block(
            user=request.user,
            number=conversation.sender,
            reason=_("Pengirim laporan %(code)s") % {"code": incident.tracking_code},
            ip=client_ip(request),
        )
    except ValidationError as exc:
        for text in messages_from(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("Nomor pengirim diblokir: pesannya tidak lagi diproses atau dibalas."))
    return redirect(detail_url(incident))


@require_POST
@desk_required
def message_reporter(request, pk):
    """Write to the reporter of an SMS/WhatsApp report (never showing the number)."""
    incident = load_for_write(request, pk, reporter_message_check)
    form = ReporterMessageForm(request.POST)
    return form_action(
        request,
        incident,
        form,
        "reporter_message_form",
        lambda data: reporter_message_send(incident=incident, actor=request.user, text=data["text"]),
        _("Pesan dikirim ke pelapor. Balasannya akan masuk ke riwayat."),
    )
