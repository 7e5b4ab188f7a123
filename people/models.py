"""People: users and their roles, profiles, tutor–student links, classrooms, families.

The tenancy boundary of Tutorflow lives here: a tutor reaches a student only through an
active TutorStudent link, a parent only the children of their Guardianships.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .roles import ADMIN_AREA_ROLES, Role
from .validators import validate_avatar_size, validate_timezone


class UserManager(BaseUserManager):
    """Creates users identified by e-mail; e-mails are stored lower-cased."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person who signs in with their e-mail address. Their role decides what they see."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STUDENT)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    avatar = models.ImageField(
        _("avatar"),
        upload_to="avatars/%Y/%m/",
        blank=True,
        validators=[validate_avatar_size],
    )
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="people_user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name shown to other people: full name, or the e-mail when no name is set."""
        return self.get_full_name() or self.email

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_parent(self) -> bool:
        return self.role == Role.PARENT

    @property
    def is_tutor(self) -> bool:
        return self.role == Role.TUTOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def may_use_admin_area(self) -> bool:
        return self.is_active and self.role in ADMIN_AREA_ROLES


# Level and language names are data (people/migrations/0003_groups_levels_languages.py);
# naming them here lets makemessages collect them for translation.
SEEDED_NAMES = (
    gettext_noop("Primary school"),
    gettext_noop("Middle school"),
    gettext_noop("High school"),
    gettext_noop("University"),
    gettext_noop("Adult learners"),
    gettext_noop("Exam preparation"),
    gettext_noop("English"),
    gettext_noop("Ukrainian"),
    gettext_noop("Russian"),
    gettext_noop("German"),
    gettext_noop("French"),
    gettext_noop("Spanish"),
    gettext_noop("Polish"),
    gettext_noop("Italian"),
)


class Level(models.Model):
    """A level of study (primary school, university, …) that tutors teach and students are at."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return str(_(self.name))


class Language(models.Model):
    """A language a tutor teaches in, by ISO 639-1 code."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return str(_(self.name))


@register_snippet
class Subject(TranslatableMixin, index.Indexed, models.Model):
    """A subject tutors teach (mathematics, English, …); translatable per locale."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "slug"], name="people_subject_slug_per_locale"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Currency(models.TextChoices):
    USD = "USD", "USD"
    EUR = "EUR", "EUR"
    GBP = "GBP", "GBP"
    UAH = "UAH", "UAH"
    PLN = "PLN", "PLN"


class TutorProfile(models.Model):
    """What a tutor tells students about themselves, and whether the directory lists them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tutor_profile",
        verbose_name=_("tutor"),
    )
    bio = models.TextField(_("about me"), blank=True, max_length=4000)
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="tutor_profiles", verbose_name=_("subjects")
    )
    levels = models.ManyToManyField(
        Level, blank=True, related_name="tutor_profiles", verbose_name=_("levels taught")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="tutor_profiles", verbose_name=_("languages")
    )
    hourly_rate = models.DecimalField(
        _("hourly rate"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    listed_in_directory = models.BooleanField(_("show me in the tutor directory"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tutor profile")
        verbose_name_plural = _("tutor profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gte=0),
                name="people_tutorprofile_rate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class StudentProfile(models.Model):
    """A learner's level, grade and goals.

    Points and coins are not stored here: they are the sums of the rewards ledgers
    (`courses.rewards.selectors.balances_for`), so they can never drift.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="student_profile",
        verbose_name=_("student"),
    )
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("level")
    )
    grade = models.CharField(_("grade or year"), max_length=32, blank=True)
    goals = models.TextField(_("goals"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("student profile")
        verbose_name_plural = _("student profiles")

    def __str__(self) -> str:
        return str(self.user)


class TutorStudent(models.Model):
    """The link between a tutor and a student: requested → active → ended (or declined).

    Only an active link lets a tutor reach a student. Ended and declined links stay as
    history; a new request creates a new row.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    OPEN_STATUSES = (Status.REQUESTED, Status.ACTIVE)

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="student_links",
        verbose_name=_("tutor"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tutor_links",
        verbose_name=_("student"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tutor–student link")
        verbose_name_plural = _("tutor–student links")
        constraints = [
            models.UniqueConstraint(
                fields=["tutor", "student"],
                condition=Q(status__in=["requested", "active"]),
                name="people_tutorstudent_one_open_link",
            ),
            models.CheckConstraint(
                condition=~Q(tutor=models.F("student")), name="people_tutorstudent_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["tutor", "status"]),
            models.Index(fields=["student", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.tutor} → {self.student} ({self.get_status_display()})"


class Classroom(models.Model):
    """A tutor's named group of their own students."""

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="classrooms",
        verbose_name=_("tutor"),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ClassroomMembership",
        related_name="member_of_classrooms",
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("classroom")
        verbose_name_plural = _("classrooms")
        constraints = [
            # Case-insensitive, so that "Maths" and "maths" cannot both be made even by
            # two requests racing each other.
            models.UniqueConstraint(
                "tutor", Lower("name"), name="people_classroom_name_per_tutor_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClassroomMembership(models.Model):
    """A student in a classroom. The student must have an active link with its tutor."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classroom_memberships"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="people_classroommembership_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class Guardianship(models.Model):
    """A parent (guardian) of a student. A parent reaches only their own children."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardianships",
        verbose_name=_("parent"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardians_links",
        verbose_name=_("student"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["student__last_name", "student__first_name"]
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["parent", "student"], name="people_guardianship_once"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("student")), name="people_guardianship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} ⇢ {self.student}"


class GuardianshipInvitation(models.Model):
    """A parent's request to be linked to a child; the child approves or declines it.

    The invitation is addressed to an e-mail. It is stored whether or not a student uses
    that e-mail, so that the parent's list looks the same either way and reveals no
    accounts; `student` is filled when a student account has (or later signs up with)
    that e-mail, and only that student can answer.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_family_invitations"
    )
    email = models.EmailField(_("child’s e-mail address"))
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="received_family_invitations",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "email"],
                condition=Q(status="pending"),
                name="people_guardianshipinvitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.email} ({self.status})"
