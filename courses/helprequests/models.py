"""Help requests: a student (or their parent) asks for help with homework, writing or exam
preparation; a manager assigns tutors; the primary tutor accepts and delivers; the student
accepts the delivery; staff close the request with the hours and price for billing.

State machine (every step is a HelpRequestEvent row):

    NEW ──assign──▶ ASSIGNED ──accept──▶ ACCEPTED ──deliver──▶ DELIVERED ──complete──▶ COMPLETED
     ▲                 │ decline (reason kept)          ▲            │ ask for changes     │ close
     └─────────────────┘                                └─ CHANGES_REQUESTED ◀────┘        ▼
    NEW / ASSIGNED ──cancel──▶ CANCELLED                                                 CLOSED

The rules (who may take which step in which state) live in `services.py` and
`permissions.py`; the model only holds the data and the invariants the database can check.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Currency, Subject


class HelpKind(models.TextChoices):
    """What kind of help is asked for."""

    HOMEWORK = "homework", _("Homework help")
    WRITING = "writing", _("Writing help")
    EXAM = "exam", _("Exam preparation")


class HelpStatus(models.TextChoices):
    """Where a help request stands (see the module docstring for the transitions)."""

    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class HelpRequest(models.Model):
    """One request for help, from NEW to CLOSED (or CANCELLED)."""

    Kind = HelpKind
    Status = HelpStatus

    #: States in which the tutors work on the request (and may deliver).
    WORKING_STATUSES = (Status.ACCEPTED, Status.CHANGES_REQUESTED)
    #: States the requester may still cancel from (nobody has accepted yet).
    CANCELLABLE_STATUSES = (Status.NEW, Status.ASSIGNED)
    #: States in which staff may (re)assign tutors.
    ASSIGNABLE_STATUSES = (Status.NEW, Status.ASSIGNED)
    #: Final states: nothing happens after them (billing aside).
    FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED)

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="help_requests",
        verbose_name=_("student"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind of help"), max_length=16, choices=Kind.choices)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW
    )
    primary_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_help_requests",
        verbose_name=_("primary tutor"),
    )
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="HelpRequestTutor",
        through_fields=("request", "tutor"),
        related_name="assigned_help_requests",
        blank=True,
        verbose_name=_("tutors"),
    )
    decline_reason = models.TextField(_("reason given when declined"), blank=True, max_length=2000)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    billed_at = models.DateTimeField(_("billed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in HelpStatus]),
                name="helprequests_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in HelpKind]),
                name="helprequests_request_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0),
                name="helprequests_request_hours_positive",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="helprequests_request_price_not_negative",
            ),
            # A closed request always carries what billing needs.
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (
                    Q(hours__isnull=False)
                    & Q(price__isnull=False)
                    & ~Q(currency="")
                    & Q(closed_at__isnull=False)
                ),
                name="helprequests_request_closed_has_billing",
            ),
            # Only a closed request can be billed.
            models.CheckConstraint(
                condition=Q(billed_at__isnull=True) | Q(status="closed"),
                name="helprequests_request_billed_only_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["student", "status"]),
            models.Index(fields=["primary_tutor", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("helprequests:detail", kwargs={"pk": self.pk})

    @property
    def is_ready_for_billing(self) -> bool:
        """Closed, with hours and price recorded, and not on an invoice yet."""
        return self.status == self.Status.CLOSED and self.billed_at is None


class HelpRequestTutor(models.Model):
    """A tutor assigned to a request: the primary tutor (one per request) or a helper."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary tutor")
        HELPER = "helper", _("Helper")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="assignments")
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "tutor__last_name", "tutor__first_name", "pk"]
        verbose_name = _("assigned tutor")
        verbose_name_plural = _("assigned tutors")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "tutor"], name="helprequests_tutor_once_per_request"
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(role="primary"),
                name="helprequests_one_primary_per_request",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["primary", "helper"]), name="helprequests_tutor_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tutor} ({self.get_role_display()}) on {self.request_id}"


class HelpRequestFile(models.Model):
    """A file attached to a request: the brief (from the requester) or a delivery (tutors).

    Stored under a generated name (see files.py); `original_name` is only ever used as the
    download's file name.
    """

    class Purpose(models.TextChoices):
        BRIEF = "brief", _("Brief")
        DELIVERY = "delivery", _("Delivery")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    event = models.ForeignKey(
        "HelpRequestEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        help_text=_("The step this file was handed in with."),
    )
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=128)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("help request file")
        verbose_name_plural = _("help request files")
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=["brief", "delivery"]),
                name="helprequests_file_purpose_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("helprequests:file_download", kwargs={"pk": self.pk})


class HelpRequestEvent(models.Model):
    """One step of a request's history: who moved it from which status to which, and why."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=24, choices=HelpRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=HelpRequest.Status.choices)
    note = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("help request event")
        verbose_name_plural = _("help request events")
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status or '∅'} → {self.to_status}"
