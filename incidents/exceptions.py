"""Domain errors of the report workflow. Views and the API translate them:
VersionConflict -> 409, TransitionNotAllowed -> 400 listing the allowed moves."""

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """Base of the workflow's domain errors."""


class VersionConflict(WorkflowError):
    """The report changed since the caller read it; nothing was written."""

    def __init__(self, current_version=None):
        self.current_version = current_version
        super().__init__(_("Laporan telah diubah oleh pengguna lain. Muat ulang lalu coba lagi."))


class TransitionNotAllowed(WorkflowError):
    """The requested status is not reachable now (or not by this user)."""

    def __init__(self, allowed, *, current=None, target=None):
        self.allowed = list(allowed)
        self.current = current
        self.target = target
        super().__init__(
            _("Perubahan status dari %(current)s ke %(target)s tidak diizinkan.")
            % {"current": current or "-", "target": target or "-"}
        )
