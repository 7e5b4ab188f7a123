"""The public tutor directory, a tutor's public profile, and a student's request to a tutor."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Locale

from messaging.models import Notification
from people.models import TutorStudent
from tests import factories

ACTORS = ("anonymous", "student", "parent", "tutor", "other_tutor", "manager", "admin")
SIGNED_IN = ACTORS[1:]


@pytest.fixture
def actor(request, client):
    """Sign in as the fixture named by the test's `role` parameter (or stay anonymous)."""

    def _as(role):
        if role == "anonymous":
            return client, None
        user = request.getfixturevalue("admin_user" if role == "admin" else role)
        client.force_login(user)
        return client, user

    return _as


def login_url_for(next_url: str) -> str:
    return f"{reverse('people:login')}?next={next_url}"


def card_ids(response) -> list[int]:
    return [profile.user_id for profile in response.context["tutors"]]


@pytest.fixture
def catalogue(db):
    """Two subjects, levels and languages, and three tutors, one of them unlisted."""
    maths = factories.SubjectFactory(name="Mathematics", slug="maths")
    physics = factories.SubjectFactory(name="Physics", slug="physics")
    school = factories.LevelFactory(code="high-school", name="High school")
    uni = factories.LevelFactory(code="university", name="University")
    english = factories.LanguageFactory(code="en", name="English")
    ukrainian = factories.LanguageFactory(code="uk", name="Ukrainian")
    ada = factories.ListedTutorFactory(first_name="Ada", last_name="Lovelace")
    factories.tutor_profile(
        ada,
        bio="Analytical engines and algebra.",
        hourly_rate=Decimal("40.00"),
        currency="GBP",
        subjects=[maths],
        levels=[uni],
        languages=[english],
    )
    marie = factories.ListedTutorFactory(first_name="Marie", last_name="Curie")
    factories.tutor_profile(
        marie,
        bio="Radioactivity, gently.",
        hourly_rate=Decimal("30.00"),
        currency="EUR",
        subjects=[physics, maths],
        levels=[school],
        languages=[ukrainian, english],
    )
    hidden = factories.TutorFactory(first_name="Hidden", last_name="Hopper")
    factories.tutor_profile(hidden, subjects=[maths], levels=[uni], languages=[english])
    return {"ada": ada, "marie": marie, "hidden": hidden, "maths": maths}


# --- the directory ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ACTORS)
def test_directory_is_public_and_lists_only_listed_tutors(actor, catalogue, role):
    client, _user = actor(role)
    response = client.get(reverse("people:directory"))
    assert response.status_code == 200
    ids = card_ids(response)
    assert catalogue["ada"].pk in ids and catalogue["marie"].pk in ids
    assert catalogue["hidden"].pk not in ids
    assert reverse("people:tutor_detail", args=[catalogue["hidden"].pk]) not in response.text


def test_directory_hides_inactive_tutors_and_non_tutors(client, catalogue):
    catalogue["ada"].is_active = False
    catalogue["ada"].save()
    response = client.get(reverse("people:directory"))
    assert card_ids(response) == [catalogue["marie"].pk]


def test_directory_card_shows_the_profile(client, catalogue):
    ada = catalogue["ada"]
    ada.avatar.name = "avatars/2025/01/ada.png"
    ada.save()
    response = client.get(reverse("people:directory"))
    html = response.text
    assert "Ada Lovelace" in html
    assert "Mathematics" in html and "University" in html and "English" in html
    assert "40.00 GBP" in html
    assert "Analytical engines and algebra." in html
    assert reverse("people:tutor_detail", args=[ada.pk]) in html
    assert "/media/avatars/2025/01/ada.png" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"subject": "physics"}, ["marie"]),
        ({"subject": "maths"}, ["marie", "ada"]),
        ({"level": "university"}, ["ada"]),
        ({"language": "uk"}, ["marie"]),
        ({"q": "algebra"}, ["ada"]),
        ({"q": "lovelace"}, ["ada"]),
        ({"q": "Ada Lovelace"}, ["ada"]),
        ({"q": "physics"}, ["marie"]),
        ({"subject": "maths", "level": "high-school", "language": "en"}, ["marie"]),
        ({"q": "nobody-has-this"}, []),
    ],
)
def test_directory_filters(client, catalogue, params, expected):
    response = client.get(reverse("people:directory"), params)
    assert response.status_code == 200
    assert card_ids(response) == [catalogue[name].pk for name in expected]


@pytest.mark.parametrize(
    "params",
    [
        {"subject": "alchemy"},
        {"level": "<script>"},
        {"language": "xx"},
        {"q": "x" * 101},
    ],
)
def test_invalid_filters_show_an_error_and_no_result(client, catalogue, params):
    response = client.get(reverse("people:directory"), params)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors and set(form.errors) == set(params)
    assert card_ids(response) == []
    assert 'role="alert"' in response.text


def test_filter_options_are_what_listed_tutors_offer(client, catalogue):
    unused = factories.SubjectFactory(name="Alchemy", slug="alchemy")
    factories.tutor_profile(catalogue["hidden"], subjects=[unused])
    form = client.get(reverse("people:directory")).context["form"]
    assert [value for value, _label in form.fields["subject"].choices] == ["", "maths", "physics"]
    assert [value for value, _label in form.fields["level"].choices] == [
        "",
        "high-school",
        "university",
    ]
    assert {value for value, _label in form.fields["language"].choices} == {"", "en", "uk"}


def test_subject_filter_matches_translations_and_lists_each_slug_once(client, catalogue):
    ukrainian = Locale.objects.get_or_create(language_code="uk")[0]
    maths_uk = catalogue["maths"].copy_for_translation(ukrainian)
    maths_uk.name = "Математика"
    maths_uk.save()
    taras = factories.ListedTutorFactory(first_name="Taras", last_name="Shevchenko")
    factories.tutor_profile(taras, subjects=[maths_uk])

    response = client.get(reverse("people:directory"), {"subject": "maths"})
    assert taras.pk in card_ids(response)
    slugs = [value for value, _label in response.context["form"].fields["subject"].choices]
    assert slugs.count("maths") == 1


def test_directory_is_paginated_by_twenty(client, db):
    tutors = [factories.ListedTutorFactory(last_name=f"Tutor{n:02d}") for n in range(23)]
    first = client.get(reverse("people:directory"))
    assert len(card_ids(first)) == 20
    assert first.context["page_obj"].paginator.count == 23
    assert 'rel="next"' in first.text
    second = client.get(reverse("people:directory"), {"page": 2})
    assert card_ids(second) == [t.pk for t in tutors[20:]]
    # Filters survive in the pagination links; a nonsense page number is not an error.
    filtered = client.get(reverse("people:directory"), {"q": "Tutor"})
    assert "q=Tutor&amp;page=2" in filtered.text
    assert client.get(reverse("people:directory"), {"page": "abc"}).status_code == 200


# --- a tutor's public profile ------------------------------------------------------------------


@pytest.mark.parametrize("role", ACTORS)
def test_tutor_profile_is_public(actor, catalogue, role):
    client, _user = actor(role)
    response = client.get(reverse("people:tutor_detail", args=[catalogue["marie"].pk]))
    assert response.status_code == 200
    html = response.text
    assert "Marie Curie" in html and "Radioactivity, gently." in html
    assert "Physics" in html and "High school" in html and "Ukrainian" in html
    assert "30.00 EUR" in html


@pytest.mark.parametrize("role", ACTORS)
def test_tutor_profile_404s_for_unlisted_inactive_and_non_tutors(actor, catalogue, role):
    client, _user = actor(role)
    gone = factories.ListedTutorFactory(is_active=False)
    not_a_tutor = factories.StudentFactory()
    for pk in (catalogue["hidden"].pk, gone.pk, not_a_tutor.pk, 987654321):
        assert client.get(reverse("people:tutor_detail", args=[pk])).status_code == 404


def test_student_sees_the_request_form(client_for, student, catalogue):
    marie = catalogue["marie"]
    response = client_for(student).get(reverse("people:tutor_detail", args=[marie.pk]))
    assert response.context["request_form"] is not None
    assert f'action="{reverse("people:tutor_request", args=[marie.pk])}"' in response.text
    assert 'name="message"' in response.text


@pytest.mark.parametrize("status", [TutorStudent.Status.REQUESTED, TutorStudent.Status.ACTIVE])
def test_student_with_open_link_sees_its_state_instead_of_the_form(
    client_for, student, catalogue, status
):
    marie = catalogue["marie"]
    factories.TutorStudentFactory(tutor=marie, student=student, status=status)
    response = client_for(student).get(reverse("people:tutor_detail", args=[marie.pk]))
    assert "request_form" not in response.context
    assert reverse("people:tutor_request", args=[marie.pk]) not in response.text
    expected = "is your tutor" if status == TutorStudent.Status.ACTIVE else "waiting for an answer"
    assert expected in response.text


def test_ended_link_lets_the_student_ask_again(client_for, student, catalogue):
    marie = catalogue["marie"]
    factories.TutorStudentFactory(tutor=marie, student=student, status=TutorStudent.Status.ENDED)
    response = client_for(student).get(reverse("people:tutor_detail", args=[marie.pk]))
    assert response.context["request_form"] is not None


@pytest.mark.parametrize("role", ["parent", "tutor", "manager", "admin"])
def test_other_roles_see_no_request_form(actor, catalogue, role):
    client, _user = actor(role)
    response = client.get(reverse("people:tutor_detail", args=[catalogue["marie"].pk]))
    assert "request_form" not in response.context
    assert reverse("people:tutor_request", args=[catalogue["marie"].pk]) not in response.text


def test_anonymous_profile_offers_sign_in(client, catalogue):
    detail = reverse("people:tutor_detail", args=[catalogue["marie"].pk])
    response = client.get(detail)
    assert "request_form" not in response.context
    assert reverse("people:login") in response.text


# --- requesting a tutor ----------------------------------------------------------------------


def test_student_requests_a_tutor(client_for, student, catalogue):
    marie = catalogue["marie"]
    client = client_for(student)
    response = client.post(
        reverse("people:tutor_request", args=[marie.pk]), {"message": "  Help with optics.  "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:tutor_detail", args=[marie.pk])
    link = TutorStudent.objects.get(tutor=marie, student=student)
    assert link.status == TutorStudent.Status.REQUESTED
    assert link.requested_by == student
    assert link.message == "Help with optics."
    notification = Notification.objects.get(recipient=marie)
    assert notification.kind == Notification.Kind.TUTOR_REQUEST_RECEIVED
    assert notification.link == reverse("people:requests")
    follow = client.get(response["Location"])
    assert "waiting for an answer" in follow.text


@pytest.mark.parametrize("role", ["parent", "tutor", "other_tutor", "manager", "admin"])
def test_only_students_may_request(actor, catalogue, role):
    client, _user = actor(role)
    response = client.post(reverse("people:tutor_request", args=[catalogue["marie"].pk]), {})
    assert response.status_code == 403
    assert not TutorStudent.objects.filter(tutor=catalogue["marie"]).exists()


def test_anonymous_request_goes_to_sign_in_then_back_to_the_profile(client, catalogue):
    marie = catalogue["marie"]
    response = client.post(reverse("people:tutor_request", args=[marie.pk]), {})
    assert response.status_code == 302
    assert response["Location"] == login_url_for(reverse("people:tutor_detail", args=[marie.pk]))
    assert not TutorStudent.objects.filter(tutor=marie).exists()


def test_request_is_post_only(client_for, student, catalogue):
    url = reverse("people:tutor_request", args=[catalogue["marie"].pk])
    assert client_for(student).get(url).status_code == 405
    assert not TutorStudent.objects.filter(tutor=catalogue["marie"]).exists()


def test_request_needs_the_csrf_token(student, catalogue):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    response = client.post(reverse("people:tutor_request", args=[catalogue["marie"].pk]), {})
    assert response.status_code == 403
    assert not TutorStudent.objects.filter(tutor=catalogue["marie"]).exists()


@pytest.mark.parametrize("status", [TutorStudent.Status.REQUESTED, TutorStudent.Status.ACTIVE])
def test_duplicate_request_changes_nothing(client_for, student, catalogue, status):
    marie = catalogue["marie"]
    existing = factories.TutorStudentFactory(tutor=marie, student=student, status=status)
    response = client_for(student).post(
        reverse("people:tutor_request", args=[marie.pk]), {"message": "again"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:tutor_detail", args=[marie.pk])
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("already have a pending request or an active link" in t for t in texts)
    assert list(TutorStudent.objects.filter(tutor=marie, student=student)) == [existing]
    assert not Notification.objects.filter(recipient=marie).exists()


def test_too_long_message_is_a_form_error(client_for, student, catalogue):
    marie = catalogue["marie"]
    response = client_for(student).post(
        reverse("people:tutor_request", args=[marie.pk]), {"message": "x" * 2001}
    )
    assert response.status_code == 400
    assert "message" in response.context["request_form"].errors
    assert not TutorStudent.objects.filter(tutor=marie).exists()


def test_request_to_an_unlisted_tutor_is_404(client_for, student, catalogue):
    response = client_for(student).post(
        reverse("people:tutor_request", args=[catalogue["hidden"].pk]), {}
    )
    assert response.status_code == 404
    assert not TutorStudent.objects.filter(tutor=catalogue["hidden"]).exists()
