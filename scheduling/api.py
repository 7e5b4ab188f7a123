"""JSON API for scheduled lessons (session authentication, like people.api).

    GET   /api/lessons/?start=&end=            my lessons overlapping the range (paginated)
    POST  /api/lessons/                        a tutor creates a lesson
    GET   /api/lessons/<pk>/                   one lesson (404 unless the viewer may see it)
    PATCH /api/lessons/<pk>/                   the tutor edits it (series: "scope")
    POST  /api/lessons/<pk>/cancel/            cancel under the policy
    GET   /api/lessons/upcoming/               my lessons that have not ended
    GET   /api/lessons/students/<pk>/  one visible student's schedule (a tutor sees
                                               the lessons the student has with them)
    POST  /api/lessons/book/                   a linked student or their parent books a slot

Times are ISO 8601; without an offset they are read in the viewer's timezone, and answers
are given in it. Every error is JSON with "detail": 400 for invalid input or a refused
state change (field errors under "errors"), 403 when the role may not do this, 404 for an
object the viewer may not see (the same as for one that does not exist), 409 when the
slot is taken ("conflicts" lists the overlapping times). A JSON client that is not signed
in gets 403; a browser (no JSON in Accept) is sent to the sign-in page, like the pages.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import dateparse, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import CoursePage
from people.models import Classroom, Subject, User
from people.permissions import get_student_for, students_visible_to
from people.roles import Role

from .calendar import MAX_YEAR, MIN_YEAR, year_in_range
from .errors import SlotTaken
from .models import ScheduledLesson
from .permissions import (
    can_cancel_lesson,
    can_manage_lesson,
    family_student_ids,
    lesson_for,
    sees_lesson_in_full,
)
from .selectors import lessons_for, student_schedule, upcoming_lessons
from .services.booking import booking_request
from .services.lessons import lesson_cancel, lesson_create, lesson_update
from .services.series import SCOPES, series_edit

MAX_RANGE = timedelta(days=93)


# --- output -------------------------------------------------------------------------------


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


class LessonSerializer(serializers.ModelSerializer):
    """A lesson as its viewer sees it; private notes only for the tutor."""

    tutor = serializers.SerializerMethodField()
    student = serializers.SerializerMethodField()
    classroom = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    course = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")
    price = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)
    tutor_notes = serializers.SerializerMethodField()

    class Meta:
        model = ScheduledLesson
        fields = [
            "id",
            "tutor",
            "student",
            "classroom",
            "participants",
            "subject",
            "course",
            "series",
            "start",
            "end",
            "status",
            "status_display",
            "is_online",
            "location",
            "meeting_url",
            "price",
            "currency",
            "chargeable",
            "cancel_reason",
            "cancelled_at",
            "tutor_notes",
        ]
        read_only_fields = fields

    def get_tutor(self, obj):
        return _person(obj.tutor)

    def get_student(self, obj):
        return _person(obj.student) if obj.student_id else None

    def get_classroom(self, obj):
        return {"id": obj.classroom.pk, "name": obj.classroom.name} if obj.classroom_id else None

    #: Left out for viewers who are neither the lesson's tutor nor school staff, as on the
    #: lesson page. "chargeable" stays: the page shows it to the family too, and a student
    #: or parent who cancels late must learn whether it will be charged.
    PRIVATE_MONEY = ("price", "currency")

    def _viewer(self):
        return self.context.get("viewer")

    def _sees_everything(self, obj) -> bool:
        viewer = self._viewer()
        return viewer is None or sees_lesson_in_full(viewer, obj)

    def _own_student_ids(self) -> set[int]:
        """The viewer and, for a parent, their children (read once per response)."""
        if "own_student_ids" not in self.context:
            self.context["own_student_ids"] = family_student_ids(self._viewer())
        return self.context["own_student_ids"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._sees_everything(instance):
            for name in self.PRIVATE_MONEY:
                data.pop(name, None)
        return data

    def get_participants(self, obj):
        rows = obj.participants.all()
        if not self._sees_everything(obj):
            own = self._own_student_ids()
            rows = [p for p in rows if p.student_id in own]
        return [{"student": _person(p.student), "attendance": p.attendance} for p in rows]

    def get_subject(self, obj):
        return {"id": obj.subject.pk, "name": obj.subject.name} if obj.subject_id else None

    def get_course(self, obj):
        return {"id": obj.course.pk, "title": obj.course.title} if obj.course_id else None

    def get_tutor_notes(self, obj):
        viewer = self.context.get("viewer")
        return obj.tutor_notes if viewer is not None and viewer.pk == obj.tutor_id else None


# --- input --------------------------------------------------------------------------------


class BoundedDateTimeField(serializers.DateTimeField):
    """A DateTimeField that answers 400, not 500, for instants near the end of time."""

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except (ValueError, OverflowError):
            self.fail("invalid", format="ISO 8601")
        if not year_in_range(parsed):
            raise serializers.ValidationError(_out_of_range().messages[0])
        return parsed


class LessonWriteSerializer(serializers.Serializer):
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()
    student = serializers.IntegerField(required=False, allow_null=True)
    classroom = serializers.IntegerField(required=False, allow_null=True)
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Subject.objects.all(), required=False, allow_null=True
    )
    course = serializers.PrimaryKeyRelatedField(
        queryset=CoursePage.objects.all(), required=False, allow_null=True
    )
    is_online = serializers.BooleanField(required=False, default=True)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    tutor_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, default=""
    )


class LessonPatchSerializer(serializers.Serializer):
    start = BoundedDateTimeField(required=False)
    end = BoundedDateTimeField(required=False)
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Subject.objects.all(), required=False, allow_null=True
    )
    course = serializers.PrimaryKeyRelatedField(
        queryset=CoursePage.objects.all(), required=False, allow_null=True
    )
    is_online = serializers.BooleanField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    tutor_notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    scope = serializers.ChoiceField(choices=SCOPES, required=False, default="this")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class BookSerializer(serializers.Serializer):
    tutor = serializers.IntegerField()
    student = serializers.IntegerField(required=False, allow_null=True)
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()


# --- views ----------------------------------------------------------------------------------


def _field_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {}


class LessonAPIView(APIView):
    """Shared error handling: Django's ValidationError → 400, SlotTaken → 409, JSON "detail"."""

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            accept = self.request.META.get("HTTP_ACCEPT", "")
            if "json" not in accept:
                return redirect_to_login(self.request.get_full_path(), settings.LOGIN_URL)
        if isinstance(exc, SlotTaken):
            conflicts = [
                {
                    "start": serializers.DateTimeField().to_representation(c.start),
                    "end": serializers.DateTimeField().to_representation(c.end),
                }
                for c in exc.conflicts
            ]
            return Response(
                {"detail": exc.messages[0], "conflicts": conflicts},
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, DjangoValidationError):
            return Response(
                {"detail": " ".join(exc.messages), "errors": _field_errors(exc)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if isinstance(exc, exceptions.ValidationError):
            detail = exc.detail
            return Response(
                {"detail": _("Please correct the errors."), "errors": detail},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if isinstance(exc, DjangoPermissionDenied):
            return Response(
                {"detail": str(exc) or _("You do not have permission to do this.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        return super().handle_exception(exc)

    def lesson_data(self, lesson) -> dict:
        return LessonSerializer(lesson, context={"viewer": self.request.user}).data

    def refreshed(self, lesson) -> dict:
        return self.lesson_data(lesson_for(self.request.user, lesson.pk))


def _parse_instant(value: str | None, default: datetime) -> datetime:
    if not value:
        return default
    invalid = DjangoValidationError(_("Use ISO 8601 dates or times, e.g. 2026-03-02."))
    try:
        parsed = dateparse.parse_datetime(value)
        if parsed is None:
            day = dateparse.parse_date(value)
            if day is None:
                raise invalid
            parsed = datetime.combine(day, time(0))
        if not year_in_range(parsed):
            raise _out_of_range()
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    except (ValueError, OverflowError) as error:
        # parse_date/parse_datetime raise ValueError for well-formed impossible dates.
        raise invalid from error
    return parsed


def _out_of_range() -> DjangoValidationError:
    return DjangoValidationError(
        _("Use a date between the years %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
    )


def date_range(request) -> tuple[datetime, datetime]:
    """`start`/`end` query parameters in the viewer's timezone; a week from today by default."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start = _parse_instant(request.query_params.get("start"), today)
    end = _parse_instant(request.query_params.get("end"), start + timedelta(days=7))
    if end <= start:
        raise DjangoValidationError({"end": [_("The end must be after the start.")]})
    if end - start > MAX_RANGE:
        raise DjangoValidationError({"end": [_("Ask for 93 days at most.")]})
    return start, end


class LessonPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class PaginatedLessonsMixin:
    def paginated(self, queryset):
        paginator = LessonPagination()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        data = LessonSerializer(page, many=True, context={"viewer": self.request.user}).data
        return paginator.get_paginated_response(data)


class LessonListView(PaginatedLessonsMixin, LessonAPIView):
    """GET: my lessons in a range. POST: a tutor schedules a lesson (201)."""

    def get(self, request):
        start, end = date_range(request)
        return self.paginated(lessons_for(request.user, start, end))

    def post(self, request):
        user = request.user
        if user.role != Role.TUTOR:
            raise DjangoPermissionDenied(_("Only tutors schedule lessons."))
        serializer = LessonWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        student = classroom = None
        student_id = data.pop("student", None)
        if student_id is not None:
            student = students_visible_to(user).filter(pk=student_id).first()
            if student is None:
                raise DjangoValidationError({"student": [_("This student is not linked to you.")]})
        classroom_id = data.pop("classroom", None)
        if classroom_id is not None:
            classroom = Classroom.objects.filter(pk=classroom_id, tutor=user).first()
            if classroom is None:
                raise DjangoValidationError({"classroom": [_("Choose one of your classrooms.")]})
        lesson = lesson_create(by=user, tutor=user, student=student, classroom=classroom, **data)
        return Response(self.refreshed(lesson), status=status.HTTP_201_CREATED)


class LessonDetailView(LessonAPIView):
    """GET one lesson; PATCH: the tutor edits it (scope this/following/all for a series)."""

    def get(self, request, pk):
        return Response(self.lesson_data(lesson_for(request.user, pk)))

    def patch(self, request, pk):
        lesson = lesson_for(request.user, pk)
        if not can_manage_lesson(request.user, lesson):
            raise DjangoPermissionDenied(_("Only the lesson's tutor can change it."))
        serializer = LessonPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if "start" in fields and "end" not in fields:
            fields["end"] = fields["start"] + (lesson.end - lesson.start)
        scope = fields.pop("scope", "this")
        reason = fields.pop("reason", "")
        if scope != "this" and lesson.series_id:
            series_edit(by=request.user, lesson=lesson, scope=scope, reason=reason, **fields)
        else:
            lesson_update(by=request.user, lesson=lesson, reason=reason, **fields)
        return Response(self.refreshed(lesson))


class LessonCancelView(LessonAPIView):
    """POST: cancel a lesson under the policy (the tutor always; the student or a parent
    within the rules). Answers the lesson with its new status and chargeable outcome."""

    def post(self, request, pk):
        lesson = lesson_for(request.user, pk)
        if not can_cancel_lesson(request.user, lesson):
            raise DjangoPermissionDenied(_("You cannot cancel this lesson."))
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lesson_cancel(by=request.user, lesson=lesson, reason=serializer.validated_data["reason"])
        return Response(self.refreshed(lesson))


class UpcomingLessonsView(PaginatedLessonsMixin, LessonAPIView):
    """GET: my requested and scheduled lessons that have not ended, soonest first."""

    def get(self, request):
        return self.paginated(upcoming_lessons(request.user))


class StudentLessonsView(PaginatedLessonsMixin, LessonAPIView):
    """GET: one student's lessons in a range, for a viewer who may see the student (a linked
    tutor sees their own lessons with the student; 404 for a student not linked)."""

    def get(self, request, pk):
        student = get_student_for(request.user, pk)
        start, end = date_range(request)
        return self.paginated(student_schedule(request.user, student, start, end))


class BookLessonView(LessonAPIView):
    """POST: a student (for themselves) or a parent (for a child) books a slot with a linked
    tutor; 201 with the lesson ("requested", or "scheduled" when the tutor auto-confirms),
    409 when the slot is taken."""

    def post(self, request):
        user = request.user
        if user.role not in (Role.STUDENT, Role.PARENT):
            raise DjangoPermissionDenied(_("Only students and parents book lessons."))
        serializer = BookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tutor = User.objects.filter(pk=data["tutor"], role=Role.TUTOR).first()
        student_id = data.get("student") or (user.pk if user.role == Role.STUDENT else None)
        student = User.objects.filter(pk=student_id, role=Role.STUDENT).first()
        if tutor is None or student is None:
            raise DjangoPermissionDenied(_("You cannot book lessons with this tutor."))
        lesson = booking_request(
            by=user, tutor=tutor, student=student, start=data["start"], end=data["end"]
        )
        return Response(self.refreshed(lesson), status=status.HTTP_201_CREATED)
