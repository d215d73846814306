"""How one demo report unfolds: received, then verified or closed, assigned,
handled, resolved, as far as its age allows, with the events the services
would have written on the way."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from incidents.demo.content import AGENCIES_FOR, CHANNEL_CUM, CHANNELS, REJECT_NOTES, RESOLVE_NOTES, VERIFY_NOTES
from incidents.intake.services import initial_priority
from incidents.models import Channel, EventKind, Priority, Status
from incidents.workflow import sla
from incidents.workflow.sla import WIB

_Row = SimpleNamespace

# What a report has not reached when it arrives; its story fills these in.
NOT_YET = {
    "status": Status.BARU,
    "client_uuid": None,
    "version": 1,
    "duplicate_of_id": None,
    "verified_at": None,
    "handled_at": None,
    "first_response_at": None,
    "arrived_at": None,
    "resolved_at": None,
    "closed_at": None,
    "followup_due_at": None,
    "escalated_at": None,
    "spm_must_serve": None,
    "spm_served": None,
}


@dataclass
class _Story:
    """One report as the generator writes it: its row, events and assignments."""

    incident: SimpleNamespace
    category: object
    details: dict
    officer: object
    created: datetime
    event_id: int
    labels: dict
    followup: tuple
    version: int = 1
    events: list = field(default_factory=list)
    assignments: list = field(default_factory=list)

    @property
    def group(self):
        return self.category.group

    def event(self, kind, at, *, actor=None, note="", public=False, from_status="", to_status="", data=None):
        self.event_id += 1
        self.events.append(
            {
                "id": self.event_id,
                "incident_id": self.incident.id,
                "kind": kind,
                "actor_id": actor.pk if actor else None,
                "actor_label": self.labels.get(actor.pk, "") if actor else "",
                "created_at": at,
                "from_status": str(from_status),
                "to_status": str(to_status),
                "note": note,
                "public": public,
                "data": data or {},
            }
        )

    def transition(self, at, from_status, note, data=None):
        """A status change to the status the report now has, made public by the report's officer."""
        self.event(
            EventKind.TRANSITION,
            at,
            from_status=from_status,
            to_status=self.incident.status,
            note=note,
            public=True,
            actor=self.officer,
            data=data,
        )

    def agency_event(self, kind, at, agency, note, actor):
        """An internal event about an agency's part: assigned, or done."""
        self.event(kind, at, actor=actor, note=note, data={"agency": agency.code, "agency_name": str(agency)})


class ReportStories:
    """The steps of one report's story; mixed into DemoGenerator, which holds the
    random source, the reference rows and the clock."""

    def report(self, pk, code, created, prev_by_category, event_id):
        """One report's row, its events and its assignments, as far as its
        story has come by `now`. Returns them with the last event id used."""
        story = self._new_story(pk, code, created, event_id)
        incident, category = story.incident, story.category
        target = self.target_status((self.now - created).total_seconds() / 86400, story.group)
        t = created + self.delay(story.group, category.code, "verify")
        if target != Status.BARU and t < self.now:
            incident.first_response_at = t
            if target in (Status.DITOLAK, Status.DUPLIKAT):
                self._close_unverified(story, target, t, prev_by_category)
            else:
                self._verify(story, t)
                t2 = t + self.delay(story.group, category.code, "handle")
                if target in (Status.DITANGANI, Status.SELESAI) and t2 < self.now:
                    self._handle(story, t2, resolve=target == Status.SELESAI)
        self._spm_counts(story)
        incident.version = story.version
        incident.updated_at = story.events[-1]["created_at"]
        if incident.status != Status.DUPLIKAT:
            prev_by_category[(category.code, incident.kecamatan_id)] = (pk, code)
        return incident, story.events, story.assignments, story.event_id

    def _new_story(self, pk, code, created, event_id) -> "_Story":
        rng = self.rng
        codes, cum = self.month_weights[created.astimezone(WIB).month]
        category = self.categories[self.pick(codes, cum)]
        desa = self.pick(self.desa, self.desa_cum)
        title, description, values, rule = self.text(category, desa)
        details = self.details(category, values, rule)
        name, phone, email = self.reporter()
        is_conflict = category.group == "konflik"
        channel = self.pick(CHANNELS, CHANNEL_CUM)
        lat = lng = None
        if rng.random() < 0.6:
            lat = round(desa.lat + rng.uniform(-0.006, 0.006), 6)
            lng = round(desa.lng + rng.uniform(-0.006, 0.006), 6)
        priority = initial_priority(category, details)
        if priority == category.default_priority and rng.random() < 0.1:
            # An officer's triage moves a few reports up or down a step.
            priority = max(Priority.RENDAH, min(Priority.DARURAT, priority + rng.choice([-1, 1])))
        kec = desa.kecamatan_id
        officer = self.users.get(self.officer_of.get(kec, "koordinator"))
        officer = officer or self.users.get("koordinator")
        entered_by = officer if channel != Channel.WEB else None
        incident = _Row(
            id=pk,
            tracking_code=code,
            category_id=category.id,
            title=title,
            description=description,
            details=details,
            occurred_at=created - timedelta(minutes=rng.randrange(5, 12 * 60)),
            reported_at=created,
            created_at=created,
            updated_at=created,
            kecamatan_id=kec,
            desa_id=desa.code,
            lat=lat,
            lng=lng,
            location_detail=rng.choice(
                ["", "", f"Dusun {rng.choice(['I', 'II', 'III', 'IV'])}", "dekat masjid", "simpang jalan lintas"]
            ),
            reporter_name=name,
            reporter_phone=phone,
            reporter_email=email,
            anonymous=rng.random() < (0.5 if is_conflict else 0.25),
            confidential=rng.random() < (0.3 if is_conflict else 0.08),
            consent_at=created,
            channel=channel,
            created_by_id=entered_by.pk if entered_by else None,
            priority=priority,
            **NOT_YET,
        )
        rule_of = SimpleNamespace(category=category, details=details)
        incident.verify_due_at = self.days.deadline(created, *sla.verify_rule(rule_of))
        incident.due_at = incident.verify_due_at
        story = _Story(incident, category, details, officer, created, event_id, self.labels, sla.followup_rule(rule_of))
        story.event(
            EventKind.CREATED,
            created,
            to_status=Status.BARU,
            public=True,
            actor=entered_by,
            note=self.received_notes[channel],
        )
        return story

    def _close_unverified(self, story, target, t, prev_by_category):
        """Rejected, or a duplicate of an earlier report of the same kind nearby."""
        incident = story.incident
        original = prev_by_category.get((story.category.code, incident.kecamatan_id))
        if target == Status.DUPLIKAT and original is None:
            target = Status.DITOLAK
        incident.status = target
        incident.closed_at = t
        incident.due_at = None
        if target == Status.DUPLIKAT:
            incident.duplicate_of_id = original[0]
            note = f"Laporan yang sama sudah diterima sebelumnya ({original[1]})."
            data = {"duplicate_of": original[0], "duplicate_of_code": original[1]}
        else:
            note, data = self.rng.choice(REJECT_NOTES), {}
        story.transition(t, Status.BARU, note, data)
        story.version += 1

    def _verify(self, story, t):
        incident = story.incident
        incident.status = Status.DIVERIFIKASI
        incident.verified_at = t
        incident.followup_due_at = self.days.deadline(t, *story.followup)
        incident.due_at = incident.followup_due_at
        story.transition(t, Status.BARU, self.rng.choice(VERIFY_NOTES))
        story.version += 1

    def _handle(self, story, t2, *, resolve: bool):
        """Assigned to one or two agencies and handled; fire crews arrive; some are resolved."""
        rng, incident, group = self.rng, story.incident, story.category.group
        pool = AGENCIES_FOR.get(story.category.code) or AGENCIES_FOR.get(group) or ["satpol-pp"]
        chosen = [pool[0]] + ([rng.choice(pool[1:])] if len(pool) > 1 and rng.random() < 0.35 else [])
        chosen = [self.agencies[c] for c in dict.fromkeys(chosen) if c in self.agencies]
        for i, agency in enumerate(chosen):
            at = t2 - timedelta(seconds=30 - i)
            story.assignments.append(
                _Row(
                    incident_id=incident.id,
                    agency_id=agency.pk,
                    assigned_by_id=story.officer.pk if story.officer else None,
                    assigned_at=at,
                    note=f"Mohon ditindaklanjuti oleh {agency}.",
                    completed_at=None,
                    completed_by_id=None,
                    completion_note="",
                )
            )
            story.agency_event(EventKind.ASSIGNMENT, at, agency, f"Ditugaskan ke {agency}.", story.officer)
        names = " dan ".join(str(a) for a in chosen) or "instansi terkait"
        incident.status = Status.DITANGANI
        incident.handled_at = t2
        story.transition(t2, Status.DIVERIFIKASI, f"Laporan sedang ditangani oleh {names}.")
        story.version += 1 + len(chosen)
        if group == "kebakaran":
            self._fire_crew_arrives(story, t2)
        t3 = t2 + self.delay(group, story.category.code, "resolve")
        if incident.arrived_at:
            t3 = max(t3, incident.arrived_at + timedelta(minutes=30))
        if resolve and t3 < self.now:
            self._resolve(story, chosen, t3)

    def _fire_crew_arrives(self, story, t2):
        # Most crews arrive within the 15-minute standard, some do not.
        incident, rng = story.incident, self.rng
        minutes = rng.uniform(6, 15) if rng.random() < 0.78 else rng.uniform(16, 50)
        arrived = story.created + timedelta(minutes=minutes)
        if arrived < self.now:
            incident.arrived_at = max(arrived, t2)
            story.event(
                EventKind.ARRIVED,
                incident.arrived_at,
                note="Tim Damkar tiba di lokasi.",
                public=True,
                actor=self.users.get("koordinator"),
                data={"minutes": round((incident.arrived_at - story.created).total_seconds() / 60)},
            )

    def _resolve(self, story, chosen, t3):
        incident, group = story.incident, story.category.group
        key = "bencana-karhutla" if story.category.code == "bencana-karhutla" else group
        resolution = self.rng.choice(RESOLVE_NOTES.get(key) or RESOLVE_NOTES["ketertiban"])
        for i, (a, agency) in enumerate(zip(story.assignments, chosen, strict=True)):
            a.completed_at = t3 - timedelta(minutes=5 - i)
            done_by = self.users.get({"bpbd": "mitra_bpbd", "polres": "mitra_polres"}.get(agency.code, "koordinator"))
            a.completed_by_id = done_by.pk if done_by else None
            a.completion_note = resolution
            story.agency_event(EventKind.ASSIGNMENT_DONE, a.completed_at, agency, resolution, done_by)
        incident.status = Status.SELESAI
        incident.resolved_at = incident.closed_at = t3
        incident.due_at = None
        story.transition(t3, Status.DITANGANI, resolution)
        story.version += 1 + len(story.assignments)

    def _spm_counts(self, story):
        incident, rng = story.incident, self.rng
        must = self.must_serve(story.category, story.details)
        if must is not None and incident.status in (Status.DIVERIFIKASI, Status.DITANGANI, Status.SELESAI):
            incident.spm_must_serve = must
            if incident.status == Status.SELESAI:
                incident.spm_served = must if rng.random() < 0.85 else int(must * rng.uniform(0.5, 1))
            elif incident.status == Status.DITANGANI:
                incident.spm_served = int(must * rng.uniform(0, 0.8))
            else:
                incident.spm_served = 0
