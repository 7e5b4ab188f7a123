"""The course tree, authored in the Wagtail editor.

Catalog (`CourseIndexPage`, under the home page) → `TutorSectionPage` (one per tutor and
locale: the tutor's public page and the root of their Wagtail permissions) → `CoursePage`
→ `LessonPage` and `TaskPage`, in page order. `parent_page_types`/`subpage_types` enforce
the shape everywhere, the admin included.

Who may edit what is not decided here but by Wagtail's own page permissions, which
`courses.services.sections.tutor_section_ensure` grants: each tutor's group may add and
edit (not publish) under their own section only; publishing goes through the "Course
moderation" workflow attached to the catalog (`courses.services.moderation`).

Learner state (enrollments, progress, attempts) never lives in page content; it is in
`courses.models.learning`, keyed by translation keys so that every translation of a page
shares it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock

#: Rich text features of page introductions and task instructions.
INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]

#: The longest a course may claim to take, in minutes (a year of full days is plenty).
MAX_DURATION_MINUTES = 100_000


class CourseIndexPage(Page):
    """The Catalog: the one page under which every tutor section, and so every course, lives.

    There is one per locale (translations of each other), directly under the home page.
    The "Course moderation" workflow is attached to it, so every page below it is
    submitted to the Moderators before it goes live. The service
    `courses.services.sections.tutor_section_ensure` creates it when the first tutor
    needs a section.
    """

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.TutorSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalog")
        verbose_name_plural = _("course catalogs")

    def get_context(self, request, *args, **kwargs):
        """Adds the filter form and one page of matching courses (`courses.views.catalog`)."""
        from courses.views.catalog import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(request, self))
        return context


class TutorSectionPage(Page):
    """A tutor's public page (their bio and courses) and the root of their permissions.

    One per tutor and locale, made by `courses.services.sections.tutor_section_ensure`
    (never by hand: `is_creatable` is False), which also gives the tutor's own Wagtail
    group add/change rights on this page and a Collection of their own for images and
    documents.

    `tutor` is set on every translation of the section (and on its aliases), so each
    locale's section knows its owner. "One section per tutor" is a database constraint:
    the tutor is unique per locale. The locale itself lives in Wagtail's page table,
    which a constraint on this table cannot reference, so `tutor_locale` mirrors it
    (kept in step by `save()`). `tutor`, `tutor_locale`, `editor_group` and `collection`
    belong to the page, not to a revision: publishing an old revision keeps their current
    values (`with_content_json`).
    """

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="tutor_sections",
        verbose_name=_("tutor"),
    )
    tutor_locale = models.ForeignKey(
        "wagtailcore.Locale",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("locale"),
    )
    editor_group = models.ForeignKey(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("editors' group"),
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("media collection"),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_("Shown above your courses. Your profile's bio is shown too."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.CoursePage"]
    is_creatable = False

    #: Fields that describe the page as a whole and must survive publishing old revisions.
    PAGE_WIDE_FIELDS = ("tutor_id", "tutor_locale_id", "editor_group_id", "collection_id")

    class Meta:
        verbose_name = _("tutor section")
        verbose_name_plural = _("tutor sections")
        constraints = [
            models.UniqueConstraint(
                fields=["tutor", "tutor_locale"],
                name="courses_tutorsection_one_per_tutor_locale",
            ),
        ]

    def save(self, *args, **kwargs):
        # Mirror of Page.locale for the unique constraint above (see the class docstring).
        self.tutor_locale_id = self.locale_id
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "locale" in update_fields:
            kwargs["update_fields"] = {*update_fields, "tutor_locale"}
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        """A revision's version of the page, keeping owner, group and collection as they are."""
        obj = super().with_content_json(content)
        for name in self.PAGE_WIDE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def get_context(self, request, *args, **kwargs):
        """Adds `courses` (one page of this section's live courses) and the tutor's profile."""
        from courses.selectors import section_courses, section_tutor_profile

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(section_courses(section=self), 20)
        context["courses"] = paginator.get_page(request.GET.get("page"))
        context["tutor_profile"] = section_tutor_profile(section=self)
        return context


class CoursePage(Page):
    """A course: what it teaches, to whom, in which language; lessons and tasks below it.

    The course's lessons and tasks are its child pages, in page order (the order tutors
    set in the admin's explorer). Enrollment and progress are keyed by the course's
    `translation_key`, so a student's enrollment holds in every translation.
    """

    subject = models.ForeignKey(
        "people.Subject",
        on_delete=models.SET_NULL,
        null=True,
        blank=False,
        related_name="courses",
        verbose_name=_("subject"),
    )
    level = models.ForeignKey(
        "people.Level",
        on_delete=models.SET_NULL,
        null=True,
        blank=False,
        related_name="courses",
        verbose_name=_("level"),
    )
    language = models.CharField(
        _("language of instruction"),
        max_length=8,
        choices=settings.WAGTAIL_CONTENT_LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the course is taught in."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("What students will learn; shown in the catalog."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    self_enroll = models.BooleanField(
        _("students may enroll themselves"),
        default=False,
        help_text=_("Otherwise only you (or a manager) can enroll students."),
    )
    estimated_duration_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_DURATION_MINUTES)],
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("subject"), FieldPanel("level"), FieldPanel("language")],
            heading=_("Audience"),
        ),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [FieldPanel("self_enroll"), FieldPanel("estimated_duration_minutes")],
            heading=_("Enrollment"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.AutocompleteField("summary"),
        index.RelatedFields("subject", [index.SearchField("name")]),
        index.FilterField("subject_id"),
        index.FilterField("level_id"),
        index.FilterField("language"),
        index.FilterField("self_enroll"),
    ]

    parent_page_types = ["courses.TutorSectionPage"]
    subpage_types = ["courses.LessonPage", "courses.TaskPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_context(self, request, *args, **kwargs):
        """Adds `items` (live lessons and tasks in page order) and the viewer's enrolment state.

        See `courses.views.catalog.course_context`: progress for an enrolled student, the
        enrol button or sign-in link, the owning tutor's enrolment forms.
        """
        from courses.views.catalog import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request, self))
        return context


class CourseItemMixin:
    """What lessons and tasks share: a place under a course, learner context, no sitemap
        entry, and a check that a translation's quizzes still hold together.

        Learner context: `get_context` adds the learner's state (progress, quiz panels) from
        `courses.learning.lesson_context`. Sitemap: lessons and tasks open only to enrolled
        students (`courses.permissions`), so they list no URL.

        Translations:
    wagtail-localize copies the source's structure and answer keys but does not run the
        blocks' `clean()` on a translation, so a translated fill-in-the-blanks text that drops
        a `[[n]]` marker (or options translated to the same text) would be published and
        leave students unable to answer. `save_revision` runs `full_clean`, so the sync is
        refused with the error on the body. Only translations are checked here: the editor
        checks the original (and allows unfinished quizzes in drafts).
    """

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    def get_sitemap_urls(self, request=None):
        return []

    def get_context(self, request, *args, **kwargs):
        from courses.learning import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request, self))
        return context

    def clean(self):
        super().clean()
        if not self._is_translation():
            return
        for child in self.body:
            if child.block_type != "quiz":
                continue
            try:
                child.block.clean(child.value)
            except ValidationError as error:
                raise ValidationError(
                    {
                        "body": _("The translation of the quiz “%(title)s” is not valid: %(error)s")
                        % {"title": child.value.get("title", ""), "error": error}
                    }
                ) from error

    def _is_translation(self) -> bool:
        if not self.translation_key:
            return False
        return (
            Page.objects.filter(translation_key=self.translation_key)
            .exclude(locale_id=self.locale_id)
            .exists()
        )


class LessonPage(CourseItemMixin, Page):
    """One lesson of a course: a StreamField body of `courses.blocks.LessonBodyBlock`.

    Who may open it (enrolled students, the owning tutor, staff) is decided by the
    learning side, not here. The body's blocks carry their own templates, and a quiz
    renders only what a student may see (`QuizBlock.student_view`).
    """

    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown in the course's list of lessons."),
    )
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")


class TaskKind(models.TextChoices):
    """What a task page asks of the student."""

    HOMEWORK = "homework", _("Homework")
    WRITING = "writing", _("Writing")
    EXAM = "exam", _("Exam")


class QuizCounting(models.TextChoices):
    """Which graded quiz attempt counts towards an assignment of the task."""

    BEST = "best", _("Best attempt")
    LAST = "last", _("Last attempt")


class TaskPage(CourseItemMixin, Page):
    """Homework, a writing assignment or an exam: instructions and a StreamField body.

    Tutors assign tasks to students or classrooms with a due date (the assignments side);
    the page holds only the content.
    """

    Kind = TaskKind
    QuizCounting = QuizCounting

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.HOMEWORK)
    quiz_counting = models.CharField(
        _("quiz attempt that counts"),
        max_length=8,
        choices=QuizCounting.choices,
        default=QuizCounting.BEST,
        help_text=_("When the task is assigned and has a quiz: the best or the last attempt."),
    )
    instructions = RichTextField(
        _("instructions"),
        blank=True,
        features=INTRO_FEATURES,
        help_text=_("What to do and how the work is graded."),
    )
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("quiz_counting"),
        FieldPanel("instructions"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("instructions"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TaskKind.values),
                name="courses_taskpage_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(quiz_counting__in=QuizCounting.values),
                name="courses_taskpage_quiz_counting_valid",
            ),
        ]


#: The page types whose moderation outcome is reported to the tutor who submitted them.
COURSE_TREE_PAGE_TYPES = (CourseIndexPage, TutorSectionPage, CoursePage, LessonPage, TaskPage)
