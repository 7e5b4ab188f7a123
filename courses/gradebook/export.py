"""CSV export of gradebooks, safe to open in a spreadsheet.

Spreadsheet programs run a cell that starts with "=", "+", "-" or "@" as a formula (and
a leading tab or carriage return can smuggle one in), so a student named
`=HYPERLINK("http://evil", "x")` could attack the tutor who opens the export. Every such
cell is escaped by prefixing a single quote (OWASP's recommendation), which spreadsheets
show as text. Numbers we write ourselves are never negative, so none of them is touched.

Files are UTF-8 with a byte-order mark, which Excel needs to read non-ASCII names.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from .selectors import Grid, StudentGrades

#: Characters that make a spreadsheet cell a formula (or hide one) when they come first.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value) -> str:
    """The cell's text, with a leading single quote when it would start a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _date(value) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def csv_filename(course, suffix: str = "") -> str:
    """ "gradebook-<course slug>[-<suffix>].csv", ASCII only (the id when nothing is left)."""
    base = slugify(course.slug) or f"course-{course.pk}"
    extra = f"-{slugify(suffix)}" if suffix and slugify(suffix) else ""
    return f"gradebook-{base}{extra}.csv"


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    """A CSV download of `rows`: every cell escaped, UTF-8 with BOM."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response.write(BOM)
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response


def grid_rows(grid: Grid) -> list[list]:
    """The tutor's grid as CSV rows: a header, one row per student, the averages."""
    header = [gettext("Student"), gettext("E-mail")]
    for column in grid.columns:
        header.append(column.label)
    header += [gettext("Points"), gettext("Maximum"), gettext("Percent")]
    rows = [header]
    for row in grid.rows:
        cells = [row.student.get_full_name() or row.student.email, row.student.email]
        cells += ["" if cell is None else _number(cell.points) for cell in row.cells]
        cells += [_number(row.points), _number(row.max_points), _number(row.percent)]
        rows.append(cells)
    rows.append(
        [gettext("Average (%)"), ""]
        + [_number(average) for average in grid.column_averages]
        + ["", "", _number(grid.class_average)]
    )
    return rows


def student_rows(grades: StudentGrades) -> list[list]:
    """One student's graded items as CSV rows: item, kind, points, maximum, percent, date."""
    rows = [
        [
            gettext("Item"),
            gettext("Kind"),
            gettext("Points"),
            gettext("Maximum"),
            gettext("Percent"),
            gettext("Date"),
        ]
    ]
    kinds = {"quiz": gettext("Quiz"), "assignment": gettext("Assignment")}
    for item in grades.items:
        rows.append(
            [
                item.column.label,
                kinds.get(item.kind, item.kind),
                _number(item.grade.points),
                _number(item.grade.max_points),
                _number(item.grade.percent),
                _date(item.grade.date),
            ]
        )
    rows.append(
        [
            gettext("Total"),
            "",
            _number(grades.points),
            _number(grades.max_points),
            _number(grades.percent),
            "",
        ]
    )
    return rows
