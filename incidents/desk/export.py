"""Export of the filtered desk queue as CSV or XLSX, built in the background.

A job is two files in the shared media store: `exports/<uuid>.json` (owner,
filters, status, row count) and, when done, `exports/<uuid>.csv|xlsx`. Any
web process can read them, so no table is needed. The job is enqueued through
the transactional outbox in the same transaction as its audit row, so a Redis
outage delays it and never loses it; a job left "menunggu" can be retried.

The export runs with the requester's rights at run time: the rows come from
`incidents_visible_to(owner)` and the reporter's contact only for reports
whose identity the owner may see (never for anonymous reports: revealing
those is a per-report, audited act on the report page).
"""

import html
import json
import logging
import os
import time
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from incidents.desk.queue import queue_queryset
from incidents.models import (
    OPEN_STATUSES,
    Assignment,
    AuditLog,
    Category,
    Channel,
    Desa,
    Incident,
    Kecamatan,
    Priority,
    Status,
)
from incidents.permissions import can_see_identity, is_desk_user
from kitaaman.outbox import outbox_enqueue
from kitaaman.spreadsheet import csv_writer, xlsx_cell

logger = logging.getLogger(__name__)

TASK_NAME = "incidents.desk.tasks.export_run"
FORMATS = ("csv", "xlsx")
KEEP_DAYS = 7
STALE_LOCK = timedelta(minutes=30)
# Why a built file is gone before its time: it held a reporter's data that was erased.
ERASED_ERROR = "erased"
CHUNK = 2000

WAITING, RUNNING, DONE, FAILED = "menunggu", "diproses", "selesai", "gagal"
STATUS_LABELS = {
    WAITING: gettext_lazy("Menunggu"),
    RUNNING: gettext_lazy("Sedang dibuat"),
    DONE: gettext_lazy("Siap diunduh"),
    FAILED: gettext_lazy("Gagal"),
}


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _valid_id(job_id) -> str | None:
    try:
        return str(uuid.UUID(str(job_id)))
    except (ValueError, TypeError, AttributeError):
        return None


def _job_path(job_id) -> Path:
    return export_dir() / f"{job_id}.json"


def _write_job(job: dict) -> None:
    # Write then rename: a reader never sees half a file.
    path = _job_path(job["id"])
    tmp = path.with_suffix(f".json.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def job_read(job_id) -> dict | None:
    job_id = _valid_id(job_id)
    if job_id is None:
        return None
    try:
        return json.loads(_job_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def job_for_user(user, job_id) -> dict | None:
    """The job if `user` requested it, else None (the view answers 404)."""
    job = job_read(job_id)
    if job is None or job.get("owner") != user.pk:
        return None
    return job


def job_file(job: dict) -> Path:
    return export_dir() / f"{job['id']}.{job['format']}"


def _enqueue(job: dict) -> None:
    # Importing the task module registers the task in this process too (the
    # eager relay looks it up by name; a worker finds it by autodiscovery).

    outbox_enqueue(task_name=TASK_NAME, kwargs={"job_id": job["id"]})


def export_request(*, user, params: dict, fmt: str, ip=None) -> dict:
    """Create an export job for the user's filtered queue. Raises
    ValidationError for filters it cannot understand (checked now, not later)."""

    if not is_desk_user(user):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise ValidationError({"format": [_("Format ekspor tidak dikenal.")]})
    params = {k: v for k, v in (params or {}).items() if k != "cursor" and isinstance(v, str)}
    queue_queryset(user, params)  # validates the filters
    now = timezone.now()
    job = {
        "id": str(uuid.uuid4()),
        "owner": user.pk,
        "format": fmt,
        "filters": params,
        "status": WAITING,
        "rows": None,
        "size": None,
        "error": "",
        "created": now.isoformat(),
        "started": None,
        "finished": None,
    }
    _write_job(job)
    with transaction.atomic():
        AuditLog.objects.create(
            action="incident.export",
            actor=user,
            actor_label=user.get_full_name() or user.get_username(),
            ip_address=ip or None,
            data={"job": job["id"], "format": fmt, "filters": params},
        )
        _enqueue(job)
    return job


def export_retry(*, user, job_id) -> dict | None:
    """Enqueue a waiting or failed job again (its owner only)."""
    job = job_for_user(user, job_id)
    if job is None or job["status"] == DONE:
        return job
    job.update(status=WAITING, error="")
    _write_job(job)
    with transaction.atomic():
        _enqueue(job)
    return job


def exports_for_user(user, *, limit=30) -> list[dict]:
    """The user's recent jobs, newest first; jobs older than KEEP_DAYS are removed."""
    jobs = []
    cutoff = time.time() - KEEP_DAYS * 86400
    for path in export_dir().glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                _remove_job(path.stem)
                continue
            job = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if job.get("owner") == user.pk:
            jobs.append(job)
    jobs.sort(key=lambda j: j.get("created") or "", reverse=True)
    return jobs[:limit]


def _remove_job(job_id):
    for suffix in (".json", ".csv", ".xlsx", ".lock"):
        try:
            (export_dir() / f"{job_id}{suffix}").unlink()
        except OSError:
            pass


# --- erasure ------------------------------------------------------------------------------------


def _file_text(path: Path) -> str:
    """A built file's text, lowercased, for searching (XLSX: its XML parts)."""
    if path.suffix == ".csv":
        return path.read_text(encoding="utf-8-sig", errors="replace").lower()
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                parts.append(html.unescape(archive.read(name).decode("utf-8", errors="replace")))
    return "\n".join(parts).lower()


def exports_purge(needles, *, redact) -> int:
    """Delete every export file still on disk that holds one of `needles`
    (an erased reporter's name, number or e-mail, lowercased) and redact the
    job's filters; the job stays, marked failed, so its owner sees why and
    may build it again without the erased data. Returns how many files."""
    needles = [n for n in needles if n]
    removed = 0
    for job_path in export_dir().glob("*.json"):
        try:
            job = json.loads(job_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        changed = False
        filters, filters_changed = redact(job.get("filters") or {})
        if filters_changed:
            job["filters"], changed = filters, True
        target = export_dir() / f"{job_path.stem}.{job.get('format')}"
        try:
            text = _file_text(target) if target.is_file() else ""
        except (OSError, zipfile.BadZipFile):
            text = ""
        if text and any(n in text for n in needles):
            target.unlink(missing_ok=True)
            removed += 1
            job.update(status=FAILED, rows=None, size=None, error=ERASED_ERROR)
            changed = True
        if changed:
            _write_job(job)
    return removed


# --- building the file ---------------------------------------------------------------------------


_TZ = None


def _local(dt):
    # Spreadsheets have no time zones: naive WIB wall time, as the headers say.
    global _TZ
    if dt is None:
        return None
    if _TZ is None:
        _TZ = timezone.get_default_timezone()
    return dt.astimezone(_TZ).replace(tzinfo=None)


def headers() -> list[str]:
    return [
        _("Kode lacak"),
        _("Masuk (WIB)"),
        _("Diterima (WIB)"),
        _("Status"),
        _("Prioritas"),
        _("Kategori"),
        _("Kecamatan"),
        _("Kode desa"),
        _("Desa/kelurahan"),
        _("Patokan/dusun"),
        _("Lintang"),
        _("Bujur"),
        _("Judul"),
        _("Uraian"),
        _("Saluran"),
        _("Instansi ditugaskan"),
        _("Batas waktu (WIB)"),
        _("Melewati batas waktu"),
        _("Diverifikasi (WIB)"),
        _("Selesai (WIB)"),
        _("Warga harus dilayani"),
        _("Warga telah dilayani"),
        _("Nama pelapor"),
        _("Telepon pelapor"),
        _("E-mail pelapor"),
    ]


COLUMNS = (
    "id",
    "tracking_code",
    "created_at",
    "reported_at",
    "status",
    "priority",
    "category_id",
    "kecamatan_id",
    "desa_id",
    "location_detail",
    "lat",
    "lng",
    "title",
    "description",
    "channel",
    "due_at",
    "verified_at",
    "resolved_at",
    "spm_must_serve",
    "spm_served",
    "anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
)


def export_rows(user, params):
    """Rows (lists) of the user's filtered queue, newest first, streamed in
    chunks: plain values instead of model instances, names from small lookup
    tables, agencies with one query per chunk."""

    qs = queue_queryset(user, params).order_by("-created_at", "-id").values_list(*COLUMNS)
    now = timezone.now()
    # The identity rule is the permission module's; asked once for a named report.
    named_identity = can_see_identity(user, Incident(anonymous=False))
    hidden = _("(dirahasiakan)")
    yes, no = _("ya"), _("tidak")
    status_label = {k: str(v) for k, v in Status.choices}
    priority_label = {k: str(v) for k, v in Priority.choices}
    channel_label = {k: str(v) for k, v in Channel.choices}
    categories = dict(Category.objects.values_list("pk", "name"))
    kecamatan = dict(Kecamatan.objects.values_list("pk", "name"))
    desa = dict(Desa.objects.values_list("pk", "name"))
    open_statuses = {str(s) for s in OPEN_STATUSES}

    def lines(chunk):
        agencies = {}
        for incident_id, short, name in (
            Assignment.objects.filter(incident_id__in=[r[0] for r in chunk])
            .order_by("assigned_at", "id")
            .values_list("incident_id", "agency__short_name", "agency__name")
        ):
            agencies.setdefault(incident_id, []).append(short or name)
        for r in chunk:
            row = dict(zip(COLUMNS, r, strict=True))
            identity = named_identity and not row["anonymous"]
            overdue = row["due_at"] is not None and row["status"] in open_statuses and row["due_at"] < now
            contact = [row["reporter_name"], row["reporter_phone"], row["reporter_email"]]
            yield [
                row["tracking_code"],
                _local(row["created_at"]),
                _local(row["reported_at"]),
                status_label.get(row["status"], row["status"]),
                priority_label.get(row["priority"], row["priority"]),
                categories.get(row["category_id"], ""),
                kecamatan.get(row["kecamatan_id"], ""),
                row["desa_id"],
                desa.get(row["desa_id"], ""),
                row["location_detail"],
                row["lat"],
                row["lng"],
                row["title"],
                row["description"],
                channel_label.get(row["channel"], row["channel"]),
                ", ".join(agencies.get(row["id"], [])),
                _local(row["due_at"]),
                yes if overdue else no,
                _local(row["verified_at"]),
                _local(row["resolved_at"]),
                row["spm_must_serve"],
                row["spm_served"],
                *[(v if identity else (hidden if v else "")) for v in contact],
            ]

    chunk = []
    for r in qs.iterator(chunk_size=CHUNK):
        chunk.append(r)
        if len(chunk) >= CHUNK:
            yield from lines(chunk)
            chunk = []
    if chunk:
        yield from lines(chunk)


def write_csv(path: Path, rows) -> int:
    count = 0
    # BOM: Excel opens UTF-8 correctly only with it.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv_writer(fh)
        writer.writerow(headers())
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_xlsx(path: Path, rows) -> int:

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Laporan"))
    bold = Font(bold=True)
    header = []
    for text in headers():
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([xlsx_cell(v) for v in row])
        count += 1
    wb.save(path)
    return count


def _claim(job_id) -> bool:
    """One runner per job, across processes: an exclusive lock file."""
    lock = export_dir() / f"{job_id}.lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        try:
            if time.time() - lock.stat().st_mtime < STALE_LOCK.total_seconds():
                return False
            lock.unlink()
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except OSError:
            return False
    os.close(fd)
    return True


def _release(job_id):
    try:
        (export_dir() / f"{job_id}.lock").unlink()
    except OSError:
        pass


def export_run(*, job_id) -> dict | None:
    """Build the file of job `job_id`. Safe to run twice: a finished job or
    one another process is building is left alone."""
    job = job_read(job_id)
    if job is None or job["status"] == DONE:
        return job
    if not _claim(job["id"]):
        return job
    try:
        job.update(status=RUNNING, started=timezone.now().isoformat(), error="")
        _write_job(job)
        user = get_user_model().objects.filter(pk=job["owner"], is_active=True).first()
        if user is None or not is_desk_user(user):
            raise PermissionError("owner may no longer export")
        target = job_file(job)
        tmp = target.with_suffix(f".{job['format']}.tmp")
        started = time.monotonic()
        writer = write_csv if job["format"] == "csv" else write_xlsx
        count = writer(tmp, export_rows(user, job["filters"]))
        os.replace(tmp, target)
        job.update(
            status=DONE,
            rows=count,
            size=target.stat().st_size,
            finished=timezone.now().isoformat(),
            seconds=round(time.monotonic() - started, 2),
        )
        logger.info("export %s: %s rows in %.1f s", job["id"], count, job["seconds"])
    except Exception as exc:  # the user sees "gagal" and may retry
        logger.exception("export %s failed", job["id"])
        job.update(status=FAILED, error=str(exc)[:300], finished=timezone.now().isoformat())
    finally:
        _write_job(job)
        _release(job["id"])
    return job
