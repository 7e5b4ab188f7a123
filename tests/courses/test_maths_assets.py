"""Maths blocks are typeset in the browser by a vendored KaTeX: no CDN, loaded only when needed."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.courses.factories import TaskPageFactory
from tests.courses.learning_world import body_with, enroll, make_course, publish

KATEX_VERSION = "0.16.47"
VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "katex"
MATH = {
    "type": "math",
    "id": "m-1",
    "value": {"source": "x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}", "spoken_text": "the formula"},
}
#: src of scripts and href of stylesheets (any attribute order).
ASSET_RE = re.compile(
    r"<script\b[^>]*\bsrc=\"([^\"]+)\"|<link\b[^>]*\bhref=\"([^\"]+)\"", re.IGNORECASE
)


def assets(html: str) -> list[str]:
    return [script or link for script, link in ASSET_RE.findall(html)]


@pytest.fixture
def maths_world(section, student):
    course, (lesson,) = make_course(section, lessons=1, body=body_with(MATH))
    enroll(student, course)
    return course, lesson


@pytest.mark.django_db
def test_lesson_with_maths_loads_the_vendored_katex_and_nothing_external(
    client_for, student, maths_world
):
    _course, lesson = maths_world
    response = client_for(student).get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    urls = assets(html)
    assert "/static/vendor/katex/katex.min.js" in urls
    assert "/static/vendor/katex/katex.min.css" in urls
    assert "/static/js/maths.js" in urls
    external = [url for url in urls if re.match(r"^(https?:)?//", url)]
    assert external == []
    # The source reaches the page as escaped text of the element maths.js typesets.
    assert 'class="math-tex math-display"' in html
    assert "\\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}" in html


@pytest.mark.django_db
def test_task_with_maths_loads_katex_too(client_for, student, maths_world):
    course, _lesson = maths_world
    task = publish(TaskPageFactory(parent=course, title="Exam", body=body_with(MATH)))
    response = client_for(student).get(task.url)
    assert response.status_code == 200
    assert "/static/vendor/katex/katex.min.js" in assets(response.content.decode())


@pytest.mark.django_db
def test_lesson_without_maths_does_not_load_katex(client_for, section, student):
    course, (lesson,) = make_course(section, lessons=1, body=body_with())
    enroll(student, course)
    response = client_for(student).get(lesson.url)
    assert response.status_code == 200
    assert "katex" not in response.content.decode()


def test_vendored_katex_files_exist_and_are_found_as_static_files():
    for name in ("katex.min.js", "katex.min.css", "LICENSE", "VERSION"):
        assert (VENDOR / name).is_file(), name
    assert finders.find("vendor/katex/katex.min.js")
    assert finders.find("js/maths.js")
    assert f'version:"{KATEX_VERSION}"' in (VENDOR / "katex.min.js").read_text()
    assert KATEX_VERSION in (VENDOR / "VERSION").read_text()
    assert "MIT License" in (VENDOR / "LICENSE").read_text()


def test_every_font_the_stylesheet_references_is_vendored():
    """Hashed static storage (production) refuses a stylesheet that points at missing files."""
    css = (VENDOR / "katex.min.css").read_text()
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert any(font.endswith(".woff2") for font in fonts)
    missing = sorted(font for font in fonts if not (VENDOR / font).is_file())
    assert missing == []
    assert not re.search(r"url\((['\"]?)(https?:)?//", css)


def test_maths_script_typesets_the_block_markup():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "maths.js").read_text()
    template = (
        Path(settings.BASE_DIR) / "templates" / "courses" / "blocks" / "math.html"
    ).read_text()
    assert "math-tex" in template and ".math-tex" in script
    assert "katex.render" in script
    assert "http" not in script.split("*/", 1)[1]
