"""Domain errors of the report workflow. Views and the API translate them:
VersionConflict -> 409, TransitionNotAllowed -> 400 listing the allowed moves."""

from django.utils.translation import gettext as _

from kitaaman.http import ServiceUnavailable


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


class StorageUnavailable(ServiceUnavailable):
    """The media store could not take a report's photos (disk full, not
    writable). Nothing was saved; the report may be sent again, or without photos."""

    code = "storage_unavailable"
    retry_after = 300

    def __init__(self, cause: BaseException | None = None):
        self.cause = cause
        super().__init__(
            _(
                "Foto tidak dapat disimpan saat ini karena gangguan penyimpanan. "
                "Kirim laporan tanpa foto, atau coba lagi nanti."
            )
        )
