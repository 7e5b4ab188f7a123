"""Rewards pages: my rewards, the shop and buying, equipping, leaderboards, parents' view."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from courses.rewards import services
from courses.rewards.models import Equipped, ItemKind, LeaderboardOptIn, Purchase, Reason
from courses.rewards.selectors import balances_for
from courses.services.progress import lesson_complete
from courses.services.sections import tutor_section_ensure
from tests import factories
from tests.courses.learning_world import enroll, make_course
from tests.rewards.helpers import grant_coins, make_item

pytestmark = pytest.mark.django_db

MINE = reverse("rewards:mine")
SHOP = reverse("rewards:shop")
BOARD = reverse("rewards:leaderboard")


def buy_url(item):
    return reverse("rewards:buy", kwargs={"pk": item.pk})


def award(student, amount, key="k"):
    return services.points_award(
        student=student, amount=amount, reason=Reason.ADJUSTMENT, idempotency_key=key
    )


def opt_in(*students):
    for student in students:
        services.leaderboard_opt_in_set(student=student, opted_in=True)


# --- my rewards ----------------------------------------------------------------------------


def test_my_rewards_shows_balances_and_links_to_what_earned_them(client_for, tutor, student):
    course, (lesson,) = make_course(tutor_section_ensure(tutor=tutor), title="Algebra")
    enroll(student, course)
    lesson_complete(
        student=student,
        lesson_translation_key=lesson.translation_key,
        course_translation_key=course.translation_key,
    )
    response = client_for(student).get(MINE)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["balances"].points == 10
    assert response.context["balances"].coins == 1
    assert "Lesson completed" in html and f'href="{lesson.url}"' in html
    assert "Points turned into coins" in html
    assert 'data-testid="rewards-avatar"' in html


def test_my_rewards_is_for_students_only(client_for, tutor, parent):
    assert client_for(tutor).get(MINE).status_code == 403
    assert client_for(parent).get(MINE).status_code == 403


# --- shop and buying -----------------------------------------------------------------------


def test_shop_lists_active_items_with_what_is_owned_and_affordable(client_for, student):
    grant_coins(student, 5)
    cheap, dear = make_item(price=2, name="Cheap"), make_item(price=9, name="Dear")
    make_item(price=1, name="Retired", active=False)
    services.item_buy(student=student, item=cheap)
    html = client_for(student).get(SHOP).content.decode()
    assert "Cheap" in html and "Dear" in html and "Retired" not in html
    assert "You have 3 coins." in html
    assert "Owned" in html and "Not enough coins yet" in html
    assert reverse("rewards:item", kwargs={"pk": dear.pk}) in html


def test_buying_needs_the_confirmation(client_for, student):
    grant_coins(student, 5)
    item = make_item(price=2)
    response = client_for(student).post(buy_url(item), {})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert not Purchase.objects.exists()


def test_buying_with_confirmation_spends_coins(client_for, student):
    grant_coins(student, 5)
    item = make_item(price=2, name="Green ring")
    response = client_for(student).post(buy_url(item), {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "You bought Green ring." in response.content.decode()
    assert balances_for(student).coins == 3


def test_not_enough_coins_is_a_clear_409(client_for, student):
    grant_coins(student, 1)
    item = make_item(price=2, name="Green ring")
    page = client_for(student).get(reverse("rewards:item", kwargs={"pk": item.pk}))
    assert 'data-testid="not-enough-coins"' in page.content.decode()
    response = client_for(student).post(buy_url(item), {"confirm": "on"})
    assert response.status_code == 409
    assert "Not enough coins" in response.content.decode()
    assert not Purchase.objects.exists()


def test_buying_an_owned_item_again_is_409(client_for, student):
    grant_coins(student, 10)
    item = make_item(price=2)
    client = client_for(student)
    client.post(buy_url(item), {"confirm": "on"})
    assert client.post(buy_url(item), {"confirm": "on"}).status_code == 409
    assert Purchase.objects.count() == 1 and balances_for(student).coins == 8


def test_items_out_of_the_shop_answer_404(client_for, student):
    grant_coins(student, 10)
    item = make_item(price=2, active=False)
    client = client_for(student)
    assert client.get(reverse("rewards:item", kwargs={"pk": item.pk})).status_code == 404
    assert client.post(buy_url(item), {"confirm": "on"}).status_code == 404


# --- equipping and the avatar --------------------------------------------------------------


def test_equip_and_unequip_through_the_pages(client_for, student, other_student):
    grant_coins(student, 10)
    frame = make_item(price=2, colour="#ff8800")
    badge = make_item(ItemKind.BADGE, price=2, name="Star")
    services.item_buy(student=student, item=frame)
    services.item_buy(student=student, item=badge)
    client = client_for(student)
    for item in (frame, badge):
        response = client.post(reverse("rewards:equip", kwargs={"pk": item.pk}))
        assert response.status_code == 302
    html = client.get(MINE).content.decode()
    assert "--rewards-frame: #ff8800" in html
    assert 'data-testid="rewards-badge"' in html and "Badge: Star" in html
    client.post(reverse("rewards:unequip", kwargs={"kind": "frame"}))
    assert list(Equipped.objects.values_list("kind", flat=True)) == [ItemKind.BADGE]
    assert client.post(reverse("rewards:unequip", kwargs={"kind": "hat"})).status_code == 404


def test_an_item_not_owned_cannot_be_equipped(client_for, student, other_student):
    grant_coins(other_student, 10)
    item = make_item(price=2)
    services.item_buy(student=other_student, item=item)
    response = client_for(student).post(reverse("rewards:equip", kwargs={"pk": item.pk}))
    assert response.status_code == 404
    assert not Equipped.objects.filter(student=student).exists()


def test_the_avatar_tag_shows_the_equipped_items(student):
    grant_coins(student, 10)
    theme = make_item(ItemKind.THEME, price=2, colour="#d0ebff")
    services.item_buy(student=student, item=theme)
    services.item_equip(student=student, item=theme)
    html = Template("{% load rewards_tags %}{% rewards_avatar user size=40 %}").render(
        Context({"user": student})
    )
    assert "--rewards-theme: #d0ebff" in html and "--rewards-size: 40px" in html
    assert "rewards-avatar--framed" not in html


# --- leaderboard ---------------------------------------------------------------------------


@pytest.fixture
def classmates(tutor, student):
    """Three more students of `tutor`; two of them (and `student`) opt in."""
    names = ("Ada", "Ben", "Cleo")
    others = [factories.StudentFactory(first_name=name, last_name="Test") for name in names]
    for other in others:
        factories.TutorStudentFactory(tutor=tutor, student=other)
    opt_in(student, others[0], others[1])
    award(others[0], 50)
    award(others[1], 5)
    award(others[2], 500)  # did not opt in
    award(student, 20)
    return others


def test_tutor_sees_only_opted_in_students_by_points(client_for, tutor, student, classmates):
    response = client_for(tutor).get(BOARD)
    rows = [(row.rank, row.pk, row.points_balance) for row in response.context["rows"]]
    assert rows == [(1, classmates[0].pk, 50), (2, student.pk, 20), (3, classmates[1].pk, 5)]
    assert "Cleo" not in response.content.decode()


def test_other_tenants_students_never_appear(client_for, tutor, classmates, other_tutor):
    stranger = other_tutor.student_links.get().student
    opt_in(stranger)
    award(stranger, 1000)
    # A student linked to both tutors shows on both boards; the stranger only on theirs.
    ids = {row.pk for row in client_for(tutor).get(BOARD).context["rows"]}
    assert stranger.pk not in ids
    ids = {row.pk for row in client_for(other_tutor).get(BOARD).context["rows"]}
    assert ids == {stranger.pk}


def test_ended_links_leave_the_board(client_for, tutor, student, classmates):
    from people.models import TutorStudent

    TutorStudent.objects.filter(tutor=tutor, student=classmates[0]).update(
        status=TutorStudent.Status.ENDED
    )
    ids = {row.pk for row in client_for(tutor).get(BOARD).context["rows"]}
    assert classmates[0].pk not in ids and student.pk in ids


def test_student_sees_each_of_their_tutors_boards(client_for, tutor, student, classmates):
    second = factories.ListedTutorFactory(first_name="Zed")
    factories.TutorStudentFactory(tutor=second, student=student)
    client = client_for(student)
    expected = sorted([tutor, second], key=lambda t: (t.last_name, t.first_name, t.pk))
    response = client.get(BOARD)
    assert response.context["tutor"] == expected[0]  # the first tutor's board, by name
    assert [t.pk for t in response.context["tutors"]] == [t.pk for t in expected]
    board = client.get(reverse("rewards:tutor_leaderboard", kwargs={"pk": second.pk}))
    assert [row.pk for row in board.context["rows"]] == [student.pk]
    board = client.get(reverse("rewards:tutor_leaderboard", kwargs={"pk": tutor.pk}))
    assert len(board.context["rows"]) == 3


def test_student_cannot_open_another_tutors_board(client_for, student, other_tutor):
    url = reverse("rewards:tutor_leaderboard", kwargs={"pk": other_tutor.pk})
    assert client_for(student).get(url).status_code == 404


def test_student_without_tutors_sees_an_empty_state(client_for, other_student):
    response = client_for(other_student).get(BOARD)
    assert response.status_code == 200
    assert "Once a tutor accepts you" in response.content.decode()


def test_opting_in_and_out(client_for, student):
    client = client_for(student)
    client.post(reverse("rewards:leaderboard_opt_in"), {"opted_in": "on"})
    assert LeaderboardOptIn.objects.get(student=student).opted_in is True
    client.post(reverse("rewards:leaderboard_opt_in"), {})
    assert LeaderboardOptIn.objects.get(student=student).opted_in is False


# --- parents -------------------------------------------------------------------------------


def test_parent_sees_their_childrens_points_and_coins(client_for, parent, student, other_student):
    award(student, 35)
    award(other_student, 99)
    response = client_for(parent).get(reverse("rewards:children"))
    children = response.context["children"]
    assert [(c.pk, c.points_balance, c.coins_balance) for c in children] == [(student.pk, 35, 3)]
    detail = client_for(parent).get(reverse("rewards:student", kwargs={"pk": student.pk}))
    assert detail.status_code == 200
    assert detail.context["balances"].points == 35
    assert len(detail.context["ledger"].object_list) == 2  # the points and the conversion


def test_parent_cannot_see_another_child(client_for, parent, other_student):
    url = reverse("rewards:student", kwargs={"pk": other_student.pk})
    assert client_for(parent).get(url).status_code == 404


def test_student_opening_their_own_detail_goes_to_my_rewards(client_for, student):
    response = client_for(student).get(reverse("rewards:student", kwargs={"pk": student.pk}))
    assert response.status_code == 302 and response["Location"] == MINE


def test_an_invalid_colour_never_reaches_the_page(client_for, student):
    from courses.rewards.models import ShopItem

    grant_coins(student, 10)
    item = ShopItem.objects.create(kind=ItemKind.FRAME, name="Sneaky", price=1, colour="#1;a:b;")
    services.item_buy(student=student, item=item)
    services.item_equip(student=student, item=item)
    client = client_for(student)
    for url in (MINE, SHOP):
        assert "#1;a:b;" not in client.get(url).content.decode()


def test_equipped_items_show_on_the_profile_and_the_students_page(client_for, db):
    """The avatar a student dressed shows on their profile and where others see them."""
    from courses.rewards.models import Equipped, ItemKind, Purchase, ShopItem
    from tests import factories

    student = factories.StudentFactory()
    tutor = factories.ListedTutorFactory()
    factories.TutorStudentFactory(tutor=tutor, student=student)
    frame = ShopItem.objects.create(
        kind=ItemKind.FRAME, name="Gold frame", price=1, colour="#d4a017"
    )
    Purchase.objects.create(student=student, item=frame, price_paid=1)
    Equipped.objects.create(student=student, kind=ItemKind.FRAME, item=frame)
    profile = client_for(student).get(reverse("people:profile")).text
    assert 'data-testid="profile-rewards-avatar"' in profile and "#d4a017" in profile
    detail = client_for(tutor).get(reverse("people:student_detail", args=[student.pk])).text
    assert 'data-testid="rewards-avatar"' in detail and "#d4a017" in detail
