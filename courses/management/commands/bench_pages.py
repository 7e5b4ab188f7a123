"""`manage.py bench_pages`: how much our lesson page costs next to a plain Wagtail page.

A benchmark, not a test: it prints timings and asserts only that both pages rendered what
they should. In one run and one process, inside a transaction that it rolls back at the
end (so it leaves no rows behind; `--database-path` runs it against a throwaway SQLite
file instead, migrated first), it builds a tutor's section, a published course and one
published lesson whose body holds 20 blocks: 19 content blocks (headings, rich text,
callouts, code, maths) and a quiz with one question of every kind. An enrolled student
with an open attempt at that quiz is signed in on Django's test Client, and the same
lesson is served two ways, through the full middleware stack:

* **reference**: a plain Wagtail page. The request goes through Wagtail's own routing
  (`Page.route_for_request`) and Wagtail's own serve hooks (request-method check, view
  restrictions), but none of ours (no learning gate), and renders `Page.get_context` (page,
  request: no learning context) with a template that extends `base.html` and renders the
  body with `{% include_block page.body %}`. Wagtail has no minimal page model we could
  create without a migration, so the reference serves the very same page row and the
  very same StreamField value, which makes the block-rendering work identical: the quiz
  renders its full student form in both (the reference without a seed, ours with the
  attempt's seed and submit URL).
* **ours**: the lesson's real URL, served by `wagtail.views.serve` with every hook (the
  learning gate), `LessonPage.get_context` (enrolment check, progress upsert, attempts,
  quiz panels) and `courses/lesson_page.html`.

After a warm-up, the two are requested alternately (the order swapping every round, so
that both share the machine's noise), and the command prints the median and 90th
percentile of each, and their ratio (ours / reference). DEBUG is off during the run, as in
production, so that the per-query debug log does not penalise the page that queries more.
"""

from __future__ import annotations

import logging
import statistics
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.http import Http404, HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import re_path, reverse
from wagtail import hooks
from wagtail.models import Locale, Page

logger = logging.getLogger(__name__)

#: Blocks in the benchmarked body, the quiz included (the issue's figure).
BODY_BLOCKS = 20
#: The URL prefix of the reference page (served only while the benchmark runs).
REFERENCE_PREFIX = "bench-reference/"
#: Loggers that report every inline background task at INFO while the pages are built.
CHATTY_LOGGERS = ("django_tasks", "django-q", "courses", "people", "wagtail")

#: The reference's template: the site layout and the body, nothing of the learning side.
REFERENCE_TEMPLATE = """{% extends "base.html" %}{% load wagtailcore_tags %}
{% block content %}<article class="lesson" aria-labelledby="lesson-title">
<header><h1 id="lesson-title">{{ page.title }}</h1></header>
<div class="lesson-body">{% include_block page.body %}</div>
</article>{% endblock %}"""


class _Rollback(Exception):
    """Raised at the end of the run to roll back everything the benchmark created."""


# ---------------------------------------------------------------------------------------
# The reference: Wagtail's serve view without our hooks, page or template
# ---------------------------------------------------------------------------------------


def _is_ours(fn) -> bool:
    return (getattr(fn, "__module__", "") or "").split(".")[0] == "courses"


def reference_serve(request, path):
    """`wagtail.views.serve`, minus the courses hooks, rendering a plain Wagtail page.

    Wagtail's routing and Wagtail's own serve hooks run as for any page; the context is
    `Page.get_context` (the base class's: page, self, request) and the template renders
    the body with `include_block`.
    """
    route_result = Page.route_for_request(request, path)
    if route_result is None:
        raise Http404
    page, args, kwargs = route_result

    def plain_serve(page, request, args, kwargs):
        request.is_preview = False
        return TemplateResponse(
            request, _reference_template(), Page.get_context(page, request, *args, **kwargs)
        )

    chain = plain_serve
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        if not _is_ours(fn):
            chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        if _is_ours(fn):
            continue
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


_template_cache: dict[str, object] = {}


def _reference_template():
    # Compiled once, as Django's cached template loader does for `lesson_page.html`.
    if "reference" not in _template_cache:
        _template_cache["reference"] = engines["django"].from_string(REFERENCE_TEMPLATE)
    return _template_cache["reference"]


def _bench_urlconf():
    """The site's URLs plus the reference page's, as an in-memory URLconf."""
    from tutorflow import urls as site_urls

    # A class, not a module: Django accepts any (hashable) object with `urlpatterns`.
    return type(
        "BenchURLConf",
        (),
        {
            "urlpatterns": [
                re_path(rf"^{REFERENCE_PREFIX}((?:[\w\-]+/)*)$", reference_serve),
                *site_urls.urlpatterns,
            ]
        },
    )


# ---------------------------------------------------------------------------------------
# The pages and the people
# ---------------------------------------------------------------------------------------


def bench_body() -> list[tuple[str, object]]:
    """20 blocks: 19 content blocks that need no media, then a quiz of every question kind."""
    from courses.blocks import LessonBodyBlock

    kinds = [
        lambda n: ("heading", {"text": f"Part {n}", "level": "h2"}),
        lambda n: (
            "text",
            {
                "text": f"<p>Paragraph {n} with <b>bold</b>, <i>italic</i> and a list:</p>"
                "<ul><li>one</li><li>two</li></ul>"
            },
        ),
        lambda n: ("callout", {"kind": "tip", "text": f"<p>Tip number {n}.</p>"}),
        lambda n: ("code", {"language": "python", "code": f"def f(x):\n    return x ** {n}\n"}),
        lambda n: ("math", {"source": f"\\int_0^{n} x^2\\,dx"}),
    ]
    body_block = LessonBodyBlock()
    body: list[tuple[str, object]] = []
    for n in range(BODY_BLOCKS - 1):
        name, raw = kinds[n % len(kinds)](n)
        body.append((name, body_block.child_blocks[name].to_python(raw)))
    # The quiz the editor previews: one question of each of the nine kinds.
    body.append(("quiz", body_block.child_blocks["quiz"].get_preview_value()))
    return body


def _user(role, label: str):
    from people.services import user_create

    return user_create(
        email=f"bench-{label}-{uuid.uuid4().hex[:12]}@bench.invalid",
        role=role,
        first_name="Bench",
        last_name=label.capitalize(),
    )


def build_world() -> dict:
    """A tutor's section, a published course with the lesson, an enrolled student in it.

    Everything through the real services (accounts, sections, enrolment by a manager, quiz
    attempt), and
    pages published through revisions, as the admin would.
    """
    from courses.models import CoursePage, LessonPage
    from courses.services.enrollment import enrollment_create
    from courses.services.quizzes import quiz_attempt_start
    from courses.services.sections import tutor_section_ensure
    from people.models import Level, Subject
    from people.roles import Role

    tutor = _user(Role.TUTOR, "tutor")
    student = _user(Role.STUDENT, "student")
    manager = _user(Role.MANAGER, "manager")
    section = tutor_section_ensure(tutor=tutor)

    locale = Locale.get_default()
    subject = Subject.objects.filter(locale=locale).first() or Subject.objects.create(
        locale=locale, name="Benchmarking", slug=f"bench-{uuid.uuid4().hex[:8]}"
    )
    level = Level.objects.first() or Level.objects.create(code="bench", name="Bench")
    course = CoursePage(
        title="Benchmark course",
        slug=f"bench-course-{uuid.uuid4().hex[:8]}",
        summary="A course made by manage.py bench_pages.",
        subject=subject,
        level=level,
    )
    section.add_child(instance=course)
    course.save_revision().publish()
    lesson = LessonPage(
        title="Benchmark lesson",
        slug="bench-lesson",
        summary="Twenty blocks, a quiz among them.",
        body=bench_body(),
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    enrollment_create(student=student, course=course, by=manager)
    quiz = next(child for child in lesson.body if child.block_type == "quiz")
    attempt, _created = quiz_attempt_start(student=student, page=lesson, block_id=quiz.id)
    return {"student": student, "lesson": lesson, "attempt": attempt, "quiz_id": quiz.id}


# ---------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """The `fraction` percentile of `samples` (nearest rank)."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _check(response, *, what: str, question_count: int) -> str:
    if response.status_code != 200:
        raise CommandError(f"The {what} answered {response.status_code}, not 200.")
    html = response.content.decode()
    rendered = html.count('class="quiz-question')
    if rendered != question_count:
        raise CommandError(
            f"The {what} rendered {rendered} quiz questions, not {question_count}: "
            "the comparison would not be fair."
        )
    if "is_correct" in html:
        raise CommandError(f"The {what} carries an answer key.")
    return html


@contextmanager
def _quiet_logs():
    saved = {name: logging.getLogger(name).level for name in CHATTY_LOGGERS}
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _use_database(path: Path) -> None:
    """Point the default connection at a throwaway SQLite file and migrate it."""
    if connection.vendor != "sqlite":
        raise CommandError("--database-path needs the SQLite backend (unset DATABASE_URL).")
    connections.close_all()
    connection.settings_dict["NAME"] = str(path)
    call_command("migrate", interactive=False, verbosity=0)


class Command(BaseCommand):
    """Time a plain Wagtail page and our lesson page, same 20 blocks, and print the ratio."""

    help = (
        "Serve a plain reference Wagtail page and an enrolled student's lesson page (same "
        "20 blocks, a quiz among them) alternately in one process, and print the median and "
        "p90 of each and their ratio. Rolls back everything it creates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requests", type=int, default=200, help="Timed requests per page (default 200)."
        )
        parser.add_argument(
            "--warmup", type=int, default=20, help="Untimed requests per page first (default 20)."
        )
        parser.add_argument(
            "--database-path",
            type=Path,
            default=None,
            help="Run against this throwaway SQLite file (migrated first) instead.",
        )

    def handle(self, *args, **options):
        requests, warmup = options["requests"], options["warmup"]
        if requests < 1 or warmup < 0:
            raise CommandError("--requests must be at least 1 and --warmup at least 0.")
        if options["database_path"] is not None:
            _use_database(options["database_path"])
        results: dict = {}
        try:
            with (
                _quiet_logs(),
                override_settings(DEBUG=False, ROOT_URLCONF=_bench_urlconf()),
                transaction.atomic(),
            ):
                results = self._run(requests=requests, warmup=warmup)
                raise _Rollback
        except _Rollback:
            pass
        self._report(results, requests=requests, warmup=warmup)

    def _run(self, *, requests: int, warmup: int) -> dict:
        world = build_world()
        lesson, student = world["lesson"], world["student"]
        quiz = next(child for child in lesson.body if child.block_type == "quiz")
        questions = len(quiz.value["questions"])
        ours_url = lesson.url
        reference_url = "/" + REFERENCE_PREFIX + lesson.url_path.split("/", 2)[2]
        client = Client()
        client.force_login(student)

        ours_html = _check(client.get(ours_url), what="lesson page", question_count=questions)
        if reverse("courses:attempt_submit", kwargs={"pk": world["attempt"].pk}) not in ours_html:
            raise CommandError("The lesson page does not show the student's open attempt.")
        _check(client.get(reference_url), what="reference page", question_count=questions)

        for _ in range(warmup):
            client.get(reference_url)
            client.get(ours_url)
        queries = {}
        for name, url in (("reference", reference_url), ("ours", ours_url)):
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries[name] = len(captured.captured_queries)

        timings: dict[str, list[float]] = {"reference": [], "ours": []}
        clock = time.perf_counter
        for round_number in range(requests):
            order = (
                (("reference", reference_url), ("ours", ours_url))
                if round_number % 2 == 0
                else (("ours", ours_url), ("reference", reference_url))
            )
            for name, url in order:
                started = clock()
                response = client.get(url)
                timings[name].append((clock() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"The {name} page answered {response.status_code}.")
        return {
            "timings": timings,
            "queries": queries,
            "questions": questions,
            "urls": {"reference": reference_url, "ours": ours_url},
        }

    def _report(self, results: dict, *, requests: int, warmup: int) -> None:
        timings, queries = results["timings"], results["queries"]
        summary = {
            name: (statistics.median(samples), percentile(samples, 0.9))
            for name, samples in timings.items()
        }
        write = self.stdout.write
        write(
            f"bench_pages: {BODY_BLOCKS} blocks (a quiz of {results['questions']} questions), "
            f"{requests} timed requests per page after {warmup} warm-up, "
            f"database {connection.vendor}, cache {settings.CACHES['default']['BACKEND']}"
        )
        labels = {
            "reference": "reference (plain Wagtail page)",
            "ours": "lesson (enrolled student)",
        }
        for name in ("reference", "ours"):
            median, p90 = summary[name]
            write(
                f"{labels[name]:<32} median {median:8.2f} ms   p90 {p90:8.2f} ms   "
                f"queries {queries[name]}"
            )
        ratio = summary["ours"][0] / summary["reference"][0]
        ratio_p90 = summary["ours"][1] / summary["reference"][1]
        write(f"ratio (lesson / reference)       median {ratio:8.2f}      p90 {ratio_p90:8.2f}")
        write("Rolled back: the benchmark left no data behind.")
