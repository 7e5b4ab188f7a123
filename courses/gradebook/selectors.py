"""Reads of the gradebook: every graded item of a course, per student and per class.

A course's graded items are

* its quizzes: every quiz block of the course's live lessons and tasks, identified by the
  page's translation key and the block's stream id (the same in every translation). A
  student's grade is the attempt the page's counting rule picks: a task's
  `quiz_counting` ("best" or "last"), the best for lessons. Best is most points (the
  earlier attempt on a tie), last the latest submitted. Attempts still waiting for an
  essay grade do not count yet;
* its assignments: graded submissions of assignments whose course is this course, one
  column per assigned page (a student given the same page twice shows the later grade).

Every function here runs a fixed number of queries, however many students, items or
attempts there are: the grades of a course are read in one query per kind (values only,
the attempt's points possible read out of its JSON result by the database) and joined in
Python.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.db.models.fields.json import KT
from django.urls import reverse
from wagtail.models import Locale, Page

from courses.models import (
    AttemptStatus,
    CourseEnrollment,
    CoursePage,
    EnrollmentStatus,
    QuizAttempt,
)
from people.models import User

QUIZ = "quiz"
ASSIGNMENT = "assignment"
BEST = "best"
LAST = "last"
TENTH = Decimal("0.1")


def percent_of(points: Decimal | None, max_points: Decimal | None) -> Decimal | None:
    """`points` as a percentage of `max_points`, to one decimal; None without a maximum."""
    if points is None or not max_points:
        return None
    return (points * 100 / max_points).quantize(TENTH, rounding=ROUND_HALF_UP)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@dataclass(frozen=True)
class GradeColumn:
    """One graded item of a course: a quiz of a lesson/task, or an assigned page."""

    key: str
    kind: str
    title: str
    page_title: str
    page_translation_key: uuid.UUID
    block_id: str = ""
    counting: str = BEST

    @property
    def label(self) -> str:
        if self.kind == QUIZ and self.title and self.title != self.page_title:
            return f"{self.page_title} · {self.title}"
        return self.title or self.page_title


@dataclass(frozen=True)
class Grade:
    """One student's grade for one item."""

    points: Decimal
    max_points: Decimal | None
    date: datetime | None
    link: str = ""

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.points, self.max_points)


@dataclass
class GradeRow:
    """A student's grades aligned with the grid's columns, and their totals."""

    student: User
    cells: list[Grade | None]

    @property
    def points(self) -> Decimal:
        return sum((c.points for c in self.cells if c and c.max_points), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.cells if c and c.max_points), Decimal(0))

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.points, self.max_points)

    @property
    def graded_count(self) -> int:
        return sum(1 for c in self.cells if c is not None)


@dataclass
class Grid:
    """A course's grid for a set of students; averages are over every enrolled student."""

    course: CoursePage
    columns: list[GradeColumn]
    rows: list[GradeRow]
    column_averages: list[Decimal | None] = field(default_factory=list)
    class_average: Decimal | None = None


@dataclass
class GradeItem:
    """One graded item in a student's list: its column and grade."""

    column: GradeColumn
    grade: Grade

    @property
    def kind(self) -> str:
        return self.column.kind


@dataclass
class StudentGrades:
    """A student's graded items in one course, in course order, with totals."""

    course: CoursePage
    student: User
    items: list[GradeItem]
    ungraded: list[GradeColumn]

    @property
    def points(self) -> Decimal:
        return sum((i.grade.points for i in self.items if i.grade.max_points), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((i.grade.max_points for i in self.items if i.grade.max_points), Decimal(0))

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.points, self.max_points)


# --- columns ---------------------------------------------------------------------------------


def quiz_columns(*, course: CoursePage) -> list[GradeColumn]:
    """The course's quizzes in page order: every quiz block of its live lessons and tasks.

    One query: the items' bodies are read from their stored JSON (no block conversion).
    """
    from courses.models import LessonPage, TaskPage

    columns: list[GradeColumn] = []
    children = (
        Page.objects.child_of(course).live().type(LessonPage, TaskPage).order_by("path").specific()
    )
    for page in children:
        body = getattr(page, "body", None)
        if not body:
            continue
        for raw in body.raw_data:
            if raw.get("type") != "quiz":
                continue
            block_id = str(raw.get("id") or "")
            title = str((raw.get("value") or {}).get("title") or "")
            columns.append(
                GradeColumn(
                    key=f"{QUIZ}:{page.translation_key}:{block_id}",
                    kind=QUIZ,
                    title=title,
                    page_title=page.title,
                    page_translation_key=page.translation_key,
                    block_id=block_id,
                    counting=LAST if getattr(page, "quiz_counting", BEST) == LAST else BEST,
                )
            )
    return columns


def _graded_attempts(*, course: CoursePage, students) -> QuerySet:
    """Values of the graded attempts of `students` at the course's pages (one query)."""
    page_keys = Page.objects.child_of(course).values("translation_key")
    return (
        QuizAttempt.objects.filter(
            student__in=students,
            status=AttemptStatus.GRADED,
            page_translation_key__in=page_keys,
        )
        .annotate(points_possible=KT("result__points_possible"))
        .order_by()
        .values(
            "pk",
            "student_id",
            "page_translation_key",
            "quiz_block_id",
            "score",
            "points_possible",
            "submitted_at",
        )
    )


def _counted_attempts(rows, last_keys: set[str]) -> dict[tuple[int, str], Grade]:
    """The counted attempt per (student, quiz key): for quizzes in `last_keys` the latest
    submitted, for the others the best (most points, the earlier on a tie)."""
    best: dict[tuple[int, str], tuple] = {}
    for row in rows:
        key = (row["student_id"], f"{QUIZ}:{row['page_translation_key']}:{row['quiz_block_id']}")
        score = row["score"] or Decimal(0)
        when = row["submitted_at"].timestamp() if row["submitted_at"] else 0
        rank = (when, row["pk"]) if key[1] in last_keys else (score, -when, -row["pk"])
        if key not in best or rank > best[key][0]:
            best[key] = (rank, row)
    grades = {}
    for key, (_rank, row) in best.items():
        grades[key] = Grade(
            points=row["score"] or Decimal(0),
            max_points=_decimal(row["points_possible"]),
            date=row["submitted_at"],
            link=reverse("courses:attempt_detail", kwargs={"pk": row["pk"]}),
        )
    return grades


def _assignment_grades(*, course: CoursePage, students) -> tuple[list[GradeColumn], dict]:
    """Assignment columns (one per assigned page, by first assignment) and grades.

    Graded submissions only; a student given the same page twice shows the later grade.
    One query.
    """
    from courses.assignments.models import Submission

    rows = (
        Submission.objects.filter(
            assignment__course_translation_key=course.translation_key,
            assignment__student__in=students,
            status=Submission.Status.GRADED,
            points__isnull=False,
        )
        .order_by("graded_at", "pk")
        .values(
            "assignment_id",
            "assignment__student_id",
            "assignment__page_translation_key",
            "assignment__title",
            "assignment__max_points",
            "points",
            "graded_at",
        )
    )
    columns: dict[str, GradeColumn] = {}
    grades: dict[tuple[int, str], Grade] = {}
    for row in rows:
        key = f"{ASSIGNMENT}:{row['assignment__page_translation_key']}"
        columns.setdefault(
            key,
            GradeColumn(
                key=key,
                kind=ASSIGNMENT,
                title=row["assignment__title"],
                page_title=row["assignment__title"],
                page_translation_key=row["assignment__page_translation_key"],
            ),
        )
        grades[(row["assignment__student_id"], key)] = Grade(
            points=row["points"],
            max_points=row["assignment__max_points"],
            date=row["graded_at"],
            link=_assignment_link(row["assignment_id"]),
        )
    return list(columns.values()), grades


def _assignment_link(pk: int) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse("assignments:detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _course_grades(*, course: CoursePage, students) -> tuple[list[GradeColumn], dict]:
    """All columns of the course and the grades of `students`, keyed (student id, column)."""
    columns = quiz_columns(course=course)
    last_keys = {c.key for c in columns if c.counting == LAST}
    grades = _counted_attempts(_graded_attempts(course=course, students=students), last_keys)
    known = {c.key for c in columns}
    # Quizzes that are no longer in the live course keep no column (their grades go too).
    grades = {key: grade for key, grade in grades.items() if key[1] in known}
    assignment_columns, assignment_grades = _assignment_grades(course=course, students=students)
    columns += assignment_columns
    grades.update(assignment_grades)
    return columns, grades


# --- a course's grid (tutor) --------------------------------------------------------------


def grid_enrollments(*, course: CoursePage) -> QuerySet[CourseEnrollment]:
    """The course's students for its grid: every enrollment but cancelled ones, by name."""
    return (
        CourseEnrollment.objects.filter(course_translation_key=course.translation_key)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student_id")
    )


def course_grid(*, course: CoursePage, students: list[User]) -> Grid:
    """The grid of `students` (a page of the course's students) × the course's items.

    Column averages and the class average are over every enrolled (not cancelled)
    student, not only the page shown: the average percentage of those graded.
    A fixed number of queries (columns, attempts, submissions).
    """
    enrolled = grid_enrollments(course=course).values("student_id")
    columns, grades = _course_grades(course=course, students=enrolled)
    rows = [
        GradeRow(student=student, cells=[grades.get((student.pk, c.key)) for c in columns])
        for student in students
    ]
    per_column: dict[str, list[Decimal]] = {}
    for (_student_id, key), grade in grades.items():
        if grade.percent is not None:
            per_column.setdefault(key, []).append(grade.percent)
    averages: list[Decimal | None] = []
    for column in columns:
        percents = per_column.get(column.key)
        averages.append(
            (sum(percents, Decimal(0)) / len(percents)).quantize(TENTH) if percents else None
        )
    per_student: dict[int, list[Grade]] = {}
    for (student_id, _key), grade in grades.items():
        per_student.setdefault(student_id, []).append(grade)
    totals = []
    for student_grades in per_student.values():
        points = sum((g.points for g in student_grades if g.max_points), Decimal(0))
        maximum = sum((g.max_points for g in student_grades if g.max_points), Decimal(0))
        if maximum:
            totals.append(percent_of(points, maximum))
    class_average = (sum(totals, Decimal(0)) / len(totals)).quantize(TENTH) if totals else None
    return Grid(course, columns, rows, averages, class_average)


# --- one student's grades -------------------------------------------------------------------


def student_course_grades(*, student: User, course: CoursePage) -> StudentGrades:
    """`student`'s graded items in `course`, in course order, and the items not graded yet."""
    columns, grades = _course_grades(course=course, students=[student.pk])
    items, ungraded = [], []
    for column in columns:
        grade = grades.get((student.pk, column.key))
        if grade is None:
            ungraded.append(column)
        else:
            items.append(GradeItem(column, grade))
    return StudentGrades(course, student, items, ungraded)


@dataclass(frozen=True)
class RecentGrade:
    """One grade for a dashboard or timeline: what, how much, when."""

    kind: str
    title: str
    points: Decimal
    max_points: Decimal | None
    date: datetime
    link: str = ""

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.points, self.max_points)


def _page_titles(keys) -> dict:
    """Titles of pages by translation key, the active locale's translation preferred."""
    active = Locale.get_active()
    titles: dict = {}
    for key, title, locale_id in Page.objects.filter(translation_key__in=set(keys)).values_list(
        "translation_key", "title", "locale_id"
    ):
        if key not in titles or locale_id == active.pk:
            titles[key] = title
    return titles


def recent_grades_for(student: User, limit: int = 5) -> list[RecentGrade]:
    """The student's latest grades across all courses: graded quiz attempts (each attempt)
    and graded assignments, newest first, at most `limit`.

    For dashboards and the parent's timeline; four queries whatever the history's size
    (attempts, submissions, page titles, the active locale).
    """
    from courses.assignments.models import Submission

    attempts = list(
        QuizAttempt.objects.filter(student=student, status=AttemptStatus.GRADED)
        .annotate(points_possible=KT("result__points_possible"))
        .order_by("-submitted_at", "-pk")
        .values("pk", "page_translation_key", "score", "points_possible", "submitted_at")[:limit]
    )
    submissions = list(
        Submission.objects.filter(
            assignment__student=student, status=Submission.Status.GRADED, points__isnull=False
        )
        .order_by("-graded_at", "-pk")
        .values(
            "assignment_id", "assignment__title", "assignment__max_points", "points", "graded_at"
        )[:limit]
    )
    titles = _page_titles(a["page_translation_key"] for a in attempts) if attempts else {}
    grades = [
        RecentGrade(
            kind=QUIZ,
            title=titles.get(a["page_translation_key"], ""),
            points=a["score"] or Decimal(0),
            max_points=_decimal(a["points_possible"]),
            date=a["submitted_at"],
            link=reverse("courses:attempt_detail", kwargs={"pk": a["pk"]}),
        )
        for a in attempts
    ]
    grades += [
        RecentGrade(
            kind=ASSIGNMENT,
            title=s["assignment__title"],
            points=s["points"],
            max_points=s["assignment__max_points"],
            date=s["graded_at"],
            link=_assignment_link(s["assignment_id"]),
        )
        for s in submissions
        if s["graded_at"] is not None
    ]
    grades.sort(key=lambda g: g.date, reverse=True)
    return grades[:limit]
