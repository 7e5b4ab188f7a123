"""Demo rewards: a shop with a few items of each kind, and ledgers for the demo students.

`seed_rewards()` runs after the demo courses (`people.demo.demo_seed`): the demo lesson
completions and quiz attempts already earned points through the real receivers. It adds
a welcome bonus per student (so that everyone has coins to spend), puts some students on
their tutors' leaderboards, and lets the first student of each tutor buy and wear an item,
all through the real services. Every step checks what is there first (fixed idempotency
keys, items found by name), so a second run changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Collection

from people.models import TutorStudent
from people.roles import Role

from . import services
from .models import ItemKind, LeaderboardOptIn, Purchase, Reason, ShopItem

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoItem:
    kind: str
    name: str
    description: str
    price: int
    colour: str  # a frame's or theme's colour; a badge's drawing colour
    sort_order: int


SHOP = (
    DemoItem(ItemKind.BADGE, "Bright star", "A gold star for steady learners.", 3, "#f5b700", 10),
    DemoItem(ItemKind.BADGE, "Bookworm", "For those who finish every lesson.", 5, "#2f6fde", 20),
    DemoItem(ItemKind.BADGE, "Quiz champion", "Aced a quiz? Show it.", 8, "#c2185b", 30),
    DemoItem(ItemKind.FRAME, "Forest frame", "A calm green ring.", 2, "#1a7f5a", 40),
    DemoItem(ItemKind.FRAME, "Sunset frame", "A warm orange ring.", 4, "#e8590c", 50),
    DemoItem(ItemKind.FRAME, "Royal frame", "A deep purple ring.", 6, "#6741d9", 60),
    DemoItem(ItemKind.THEME, "Sky theme", "A light blue profile.", 2, "#d0ebff", 70),
    DemoItem(ItemKind.THEME, "Mint theme", "A fresh mint profile.", 3, "#d3f9d8", 80),
    DemoItem(ItemKind.THEME, "Peach theme", "A soft peach profile.", 5, "#ffe8cc", 90),
)

#: Welcome points per demo student, by their position in their tutor's list.
WELCOME_POINTS = (60, 35, 15)
WELCOME_KEY = "demo:welcome-bonus"


def _draw_badge(colour: str) -> PILImage.Image:
    image = PILImage.new("RGBA", (96, 96), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 92, 92), fill=colour, outline="#ffffff", width=4)
    draw.polygon(
        [(48, 18), (56, 40), (80, 40), (61, 54), (68, 78)]
        + [(48, 64), (28, 78), (35, 54), (16, 40), (40, 40)],
        fill="#ffffff",
    )
    return image


def _badge_image(spec: DemoItem, report):
    Image = get_image_model()
    title = f"Rewards badge: {spec.name}"
    found = Image.objects.filter(title=title).first()
    if found is not None:
        return found
    buffer = BytesIO()
    _draw_badge(spec.colour).save(buffer, "PNG")
    image = Image(
        title=title,
        file=ImageFile(buffer, name=f"badge-{spec.sort_order}.png"),
        collection=Collection.get_first_root_node(),
    )
    image._set_image_file_metadata()
    image.save()
    if report is not None:
        report.add("badge images")
    return image


def _shop(report) -> list[ShopItem]:
    items = []
    for spec in SHOP:
        item = ShopItem.objects.filter(name=spec.name, kind=spec.kind).first()
        if item is None:
            item = ShopItem(
                kind=spec.kind,
                name=spec.name,
                description=spec.description,
                price=spec.price,
                sort_order=spec.sort_order,
            )
            if spec.kind == ItemKind.BADGE:
                item.image = _badge_image(spec, report)
            else:
                item.colour = spec.colour
            item.full_clean()
            item.save()
            if report is not None:
                report.add("shop items")
        items.append(item)
    return items


def _students_by_tutor(students) -> dict:
    """The demo students grouped by their (active) tutor, in the order given."""
    links = TutorStudent.objects.filter(
        student__in=students, status=TutorStudent.Status.ACTIVE
    ).values_list("tutor_id", "student_id")
    order = {s.pk: n for n, s in enumerate(students)}
    by_tutor: dict[int, list] = {}
    for tutor_id, student_id in links:
        by_tutor.setdefault(tutor_id, []).append(student_id)
    by_pk = {s.pk: s for s in students}
    return {
        tutor_id: [by_pk[pk] for pk in sorted(ids, key=order.get)]
        for tutor_id, ids in by_tutor.items()
    }


@transaction.atomic
def seed_rewards(*, admin=None, students=None, report=None) -> None:
    """Create the demo shop and the demo students' rewards where missing (idempotent).

    `admin` is named as the source of the welcome bonus; `students` are the demo students
    (default: every student of the demo domain). `report` is the seed's SeedReport.
    """
    if admin is None or students is None:
        from people.demo import demo_users

        demo = demo_users()
        admin = admin or demo.filter(role=Role.ADMIN).first()
        students = list(demo.filter(role=Role.STUDENT).order_by("pk"))
    students = list(students)
    items = _shop(report)
    cheapest = {
        kind: min((i for i in items if i.kind == kind), key=lambda i: i.price)
        for kind in ItemKind.values
    }

    for group in _students_by_tutor(students).values():
        for position, student in enumerate(group):
            points = WELCOME_POINTS[min(position, len(WELCOME_POINTS) - 1)]
            if services.points_award(
                student=student,
                amount=points,
                reason=Reason.ADJUSTMENT,
                idempotency_key=WELCOME_KEY,
                source=admin,
                note="Welcome bonus",
            ):
                if report is not None:
                    report.add("reward welcome bonuses")
            # The first two of each tutor's students appear on the leaderboard.
            if position < 2 and not LeaderboardOptIn.objects.filter(student=student).exists():
                services.leaderboard_opt_in_set(student=student, opted_in=True)
                if report is not None:
                    report.add("leaderboard opt-ins")
            if position == 0:
                _buy_and_wear(student, [cheapest[ItemKind.FRAME], cheapest[ItemKind.BADGE]], report)


def _buy_and_wear(student, items: list[ShopItem], report) -> None:
    for item in items:
        if Purchase.objects.filter(student=student, item=item).exists():
            continue
        try:
            services.item_buy(student=student, item=item)
        except ValidationError:
            logger.info("demo student %s cannot afford %s", student.pk, item.pk)
            continue
        services.item_equip(student=student, item=item)
        if report is not None:
            report.add("shop purchases")
