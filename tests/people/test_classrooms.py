"""Classrooms: services (rules and tenancy) and views (every role, pagination, query counts)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from messaging.models import Notification
from people.models import Classroom, ClassroomMembership, TutorStudent
from people.selectors import classrooms_for
from people.services.classrooms import (
    classroom_create,
    classroom_delete,
    classroom_member_add,
    classroom_member_remove,
    classroom_update,
)
from people.services.links import tutor_link_end
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "student", "parent", "tutor", "other_tutor", "manager", "admin_user"]
LOGIN_URL = reverse("people:login")

# Pinned query counts: they must not change with the number of rows.
QUERIES_TUTOR_LIST = 9
QUERIES_PARENT_LIST = 8
QUERIES_OWNER_DETAIL = 12
QUERIES_MEMBER_DETAIL = 8


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def classroom(tutor, student):
    """`tutor`'s classroom with `student` (actively linked, child of `parent`) in it."""
    room = factories.ClassroomFactory(tutor=tutor, name="Algebra A", description="Tuesdays")
    factories.ClassroomMembershipFactory(classroom=room, student=student)
    return room


@pytest.fixture
def other_classroom(other_tutor):
    """`other_tutor`'s classroom with their own student in it."""
    room = factories.ClassroomFactory(tutor=other_tutor, name="Geometry B")
    other_student = other_tutor.student_links.get().student
    factories.ClassroomMembershipFactory(classroom=room, student=other_student)
    return room


@pytest.fixture
def as_role(request, client):
    """as_role("tutor") → the test client signed in as that fixture's user."""

    def _as(role):
        if role == "anonymous":
            return client
        client.force_login(request.getfixturevalue(role))
        return client

    return _as


def linked_student(tutor, **kwargs):
    """A new student with an active link to `tutor`."""
    student = factories.StudentFactory(**kwargs)
    factories.TutorStudentFactory(tutor=tutor, student=student)
    return student


def warm_up(client, url):
    """One request before counting: the first page a staff-area user (tutor, manager,
    admin) sees creates their Wagtail user profile for the user bar, once."""
    assert client.get(url).status_code == 200


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- services: create, update, delete --------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "parent", "manager", "admin_user"])
def test_only_tutors_create_classrooms(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        classroom_create(tutor=user, name="Group")
    assert not Classroom.objects.exists()


def test_inactive_tutor_cannot_create_classroom(tutor):
    tutor.is_active = False
    tutor.save()
    with pytest.raises(PermissionDenied):
        classroom_create(tutor=tutor, name="Group")
    assert not Classroom.objects.exists()


def test_create_strips_and_stores(tutor):
    room = classroom_create(tutor=tutor, name="  Algebra  ", description=" Weekly ")
    room.refresh_from_db()
    assert (room.tutor, room.name, room.description) == (tutor, "Algebra", "Weekly")


@pytest.mark.parametrize(
    ("name", "field"),
    [("", "name"), ("   ", "name"), ("x" * 121, "name")],
)
def test_create_refuses_bad_names(tutor, name, field):
    with pytest.raises(ValidationError) as excinfo:
        classroom_create(tutor=tutor, name=name)
    assert field in excinfo.value.message_dict
    assert not Classroom.objects.exists()


def test_create_refuses_too_long_description(tutor):
    with pytest.raises(ValidationError) as excinfo:
        classroom_create(tutor=tutor, name="Group", description="x" * 2001)
    assert "description" in excinfo.value.message_dict
    assert not Classroom.objects.exists()


@pytest.mark.parametrize(
    ("first", "second"),
    [("Algebra", "algebra"), ("Algebra", "ALGEBRA "), ("Математика", "математика")],
)
def test_names_are_unique_per_tutor_ignoring_case(tutor, first, second):
    classroom_create(tutor=tutor, name=first)
    with pytest.raises(ValidationError) as excinfo:
        classroom_create(tutor=tutor, name=second)
    assert excinfo.value.message_dict["name"] == ["You already have a classroom with this name."]
    assert Classroom.objects.filter(tutor=tutor).count() == 1


def test_two_tutors_may_use_the_same_name(tutor, other_tutor):
    classroom_create(tutor=tutor, name="Algebra")
    classroom_create(tutor=other_tutor, name="Algebra")
    assert Classroom.objects.filter(name="Algebra").count() == 2


def test_update_by_owner(classroom, tutor):
    classroom_update(classroom=classroom, by=tutor, name="Algebra B", description="New")
    classroom.refresh_from_db()
    assert (classroom.name, classroom.description) == ("Algebra B", "New")


def test_update_may_change_only_the_case(classroom, tutor):
    classroom_update(classroom=classroom, by=tutor, name="ALGEBRA A")
    classroom.refresh_from_db()
    assert classroom.name == "ALGEBRA A"


def test_update_refuses_a_name_taken_by_another_of_own_classrooms(classroom, tutor):
    factories.ClassroomFactory(tutor=tutor, name="Physics")
    with pytest.raises(ValidationError):
        classroom_update(classroom=classroom, by=tutor, name="physics")
    classroom.refresh_from_db()
    assert classroom.name == "Algebra A"


@pytest.mark.parametrize("role", ["student", "parent", "other_tutor", "manager", "admin_user"])
def test_only_owner_updates(request, classroom, role):
    with pytest.raises(PermissionDenied):
        classroom_update(classroom=classroom, by=request.getfixturevalue(role), name="Hacked")
    classroom.refresh_from_db()
    assert classroom.name == "Algebra A"


@pytest.mark.parametrize("role", ["student", "parent", "other_tutor", "manager", "admin_user"])
def test_only_owner_deletes(request, classroom, role):
    with pytest.raises(PermissionDenied):
        classroom_delete(classroom=classroom, by=request.getfixturevalue(role))
    assert Classroom.objects.filter(pk=classroom.pk).exists()


def test_delete_keeps_the_students_linked(classroom, tutor, student):
    classroom_delete(classroom=classroom, by=tutor)
    assert not Classroom.objects.filter(pk=classroom.pk).exists()
    assert not ClassroomMembership.objects.exists()
    assert TutorStudent.objects.filter(
        tutor=tutor, student=student, status=TutorStudent.Status.ACTIVE
    ).exists()


# --- services: members ---------------------------------------------------------------------


def test_member_add_adds_linked_students_and_notifies_them(classroom, tutor):
    first, second = linked_student(tutor), linked_student(tutor)
    created = classroom_member_add(classroom=classroom, students=[first, second], by=tutor)
    assert {m.student for m in created} == {first, second}
    assert set(classroom.students.all()) >= {first, second}
    for student in (first, second):
        notification = Notification.objects.get(recipient=student)
        assert notification.kind == Notification.Kind.CLASSROOM_ADDED
        assert notification.link == reverse("people:classroom_detail", args=[classroom.pk])
        assert "Algebra A" in notification.text


def test_member_add_is_idempotent(classroom, tutor):
    newcomer = linked_student(tutor)
    assert len(classroom_member_add(classroom=classroom, students=[newcomer], by=tutor)) == 1
    assert classroom_member_add(classroom=classroom, students=[newcomer], by=tutor) == []
    assert classroom_member_add(classroom=classroom, students=[newcomer, newcomer], by=tutor) == []
    assert ClassroomMembership.objects.filter(classroom=classroom, student=newcomer).count() == 1
    assert Notification.objects.filter(recipient=newcomer).count() == 1


def test_member_add_refuses_another_tenants_student_and_changes_nothing(
    classroom, tutor, other_tutor
):
    mine = linked_student(tutor)
    theirs = other_tutor.student_links.get().student
    with pytest.raises(ValidationError) as excinfo:
        classroom_member_add(classroom=classroom, students=[mine, theirs], by=tutor)
    assert excinfo.value.message_dict["students"] == [
        "Only your own active students can join your classrooms."
    ]
    assert not ClassroomMembership.objects.filter(student__in=[mine, theirs]).exists()
    assert not Notification.objects.filter(recipient__in=[mine, theirs]).exists()


@pytest.mark.parametrize(
    "status",
    [TutorStudent.Status.REQUESTED, TutorStudent.Status.DECLINED, TutorStudent.Status.ENDED],
)
def test_member_add_refuses_students_without_an_active_link(classroom, tutor, status):
    pending = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=pending, status=status)
    with pytest.raises(ValidationError):
        classroom_member_add(classroom=classroom, students=[pending], by=tutor)
    assert not classroom.memberships.filter(student=pending).exists()


def test_member_add_refuses_a_parent_account(classroom, tutor, parent):
    with pytest.raises(ValidationError):
        classroom_member_add(classroom=classroom, students=[parent], by=tutor)
    assert not classroom.memberships.filter(student=parent).exists()


def test_member_add_needs_at_least_one_student(classroom, tutor):
    with pytest.raises(ValidationError) as excinfo:
        classroom_member_add(classroom=classroom, students=[], by=tutor)
    assert "students" in excinfo.value.message_dict


@pytest.mark.parametrize("role", ["student", "parent", "other_tutor", "manager", "admin_user"])
def test_only_owner_changes_members(request, classroom, tutor, student, role):
    newcomer = linked_student(tutor)
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        classroom_member_add(classroom=classroom, students=[newcomer], by=user)
    with pytest.raises(PermissionDenied):
        classroom_member_remove(classroom=classroom, student=student, by=user)
    assert list(classroom.students.all()) == [student]


def test_member_remove_is_idempotent(classroom, tutor, student):
    assert classroom_member_remove(classroom=classroom, student=student, by=tutor) is True
    assert classroom_member_remove(classroom=classroom, student=student, by=tutor) is False
    assert not classroom.memberships.exists()
    # The student stays the tutor's student.
    assert TutorStudent.objects.filter(tutor=tutor, student=student, status="active").exists()


def test_ending_a_link_removes_the_student_from_that_tutors_classrooms_only(
    classroom, tutor, student, other_tutor
):
    second_room = factories.ClassroomFactory(tutor=tutor, name="Extra")
    factories.ClassroomMembershipFactory(classroom=second_room, student=student)
    # The same student also learns with the other tutor, in one of their classrooms.
    factories.TutorStudentFactory(tutor=other_tutor, student=student)
    their_room = factories.ClassroomFactory(tutor=other_tutor, name="Elsewhere")
    factories.ClassroomMembershipFactory(classroom=their_room, student=student)

    tutor_link_end(link=TutorStudent.objects.get(tutor=tutor, student=student), by=tutor)

    assert not ClassroomMembership.objects.filter(student=student, classroom__tutor=tutor).exists()
    assert ClassroomMembership.objects.filter(student=student, classroom=their_room).exists()
    # Once unlinked the student cannot be added back until a new link is active.
    with pytest.raises(ValidationError):
        classroom_member_add(classroom=classroom, students=[student], by=tutor)


# --- selector -------------------------------------------------------------------------------


def test_member_counts_are_whole_classrooms_for_every_viewer(
    classroom, tutor, student, parent, manager
):
    for _ in range(2):
        factories.ClassroomMembershipFactory(classroom=classroom, student=linked_student(tutor))
    for viewer in (tutor, student, parent, manager):
        rows = list(classrooms_for(viewer))
        assert [(c.pk, c.member_count) for c in rows] == [(classroom.pk, 3)], viewer.role


# --- views: list -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_by_role(as_role, role, classroom, other_classroom):
    response = as_role(role).get(reverse("people:classrooms"))
    if role == "anonymous":
        assert_login_redirect(response)
        return
    assert response.status_code == 200
    html = response.content.decode()
    expected = {
        "student": {"Algebra A"},
        "parent": {"Algebra A"},
        "tutor": {"Algebra A"},
        "other_tutor": {"Geometry B"},
        "manager": {"Algebra A", "Geometry B"},
        "admin_user": {"Algebra A", "Geometry B"},
    }[role]
    for name in ("Algebra A", "Geometry B"):
        assert (name in html) == (name in expected), name
    new_link = reverse("people:classroom_create")
    assert (new_link in html) == (role in ("tutor", "other_tutor"))


def test_tutor_list_shows_member_counts(client_for, tutor, classroom):
    factories.ClassroomMembershipFactory(classroom=classroom, student=linked_student(tutor))
    factories.ClassroomFactory(tutor=tutor, name="Empty room")
    html = client_for(tutor).get(reverse("people:classrooms")).content.decode()
    assert "2 students" in html
    assert "0 students" in html


def test_parent_list_names_the_child(client_for, parent, student, classroom):
    html = client_for(parent).get(reverse("people:classrooms")).content.decode()
    assert student.display_name in html
    assert classroom.tutor.display_name in html


def test_student_sees_no_manage_links(client_for, student, classroom):
    html = client_for(student).get(reverse("people:classrooms")).content.decode()
    assert reverse("people:classroom_edit", args=[classroom.pk]) not in html
    assert reverse("people:classroom_create") not in html


def test_tutor_list_is_paginated(client_for, tutor):
    for i in range(23):
        factories.ClassroomFactory(tutor=tutor, name=f"Room {i:02d}")
    client = client_for(tutor)
    first = client.get(reverse("people:classrooms"))
    second = client.get(reverse("people:classrooms"), {"page": 2})
    assert len(first.context["classrooms"]) == 20
    assert len(second.context["classrooms"]) == 3
    assert "Room 00" in first.content.decode() and "Room 22" not in first.content.decode()
    assert "Room 22" in second.content.decode()
    assert 'rel="next"' in first.content.decode()


def test_staff_list_is_paginated(client_for, manager):
    for _ in range(21):
        factories.ClassroomFactory()
    response = client_for(manager).get(reverse("people:classrooms"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["classrooms"]) == 1
    assert response.context["page_obj"].paginator.count == 21


def test_list_query_count_does_not_grow(client_for, tutor, django_assert_num_queries):
    def build(count):
        for _ in range(count):
            room = factories.ClassroomFactory(tutor=tutor)
            factories.ClassroomMembershipFactory(classroom=room, student=linked_student(tutor))

    client = client_for(tutor)
    build(2)
    warm_up(client, reverse("people:classrooms"))
    # session, user, count, page of classrooms, unread badge, the Wagtail user bar's
    # permission checks (user, group) and user profile (read twice)
    with django_assert_num_queries(QUERIES_TUTOR_LIST):
        assert client.get(reverse("people:classrooms")).status_code == 200
    build(15)
    with django_assert_num_queries(QUERIES_TUTOR_LIST):
        assert client.get(reverse("people:classrooms")).status_code == 200


def test_parent_list_query_count_does_not_grow(
    client_for, parent, student, tutor, django_assert_num_queries
):
    client = client_for(parent)
    for count in (2, 12):
        while Classroom.objects.count() < count:
            room = factories.ClassroomFactory(tutor=tutor)
            factories.ClassroomMembershipFactory(classroom=room, student=student)
        # session, user, count, page, children's memberships, unread badge, user bar
        # permission checks (user, group)
        with django_assert_num_queries(QUERIES_PARENT_LIST):
            response = client.get(reverse("people:classrooms"))
        assert len(response.context["classrooms"]) == count


# --- views: create and edit ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_page_by_role(as_role, role):
    response = as_role(role).get(reverse("people:classroom_create"))
    if role == "anonymous":
        assert_login_redirect(response)
    elif role in ("tutor", "other_tutor"):
        assert response.status_code == 200
        assert 'name="name"' in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_create_post_by_role(as_role, role):
    response = as_role(role).post(
        reverse("people:classroom_create"), {"name": "New room", "description": ""}
    )
    if role == "anonymous":
        assert_login_redirect(response)
    elif role in ("tutor", "other_tutor"):
        room = Classroom.objects.get(name="New room")
        assert room.tutor.email == {"tutor": "tutor@example.test"}.get(
            role, "other-tutor@example.test"
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("people:classroom_detail", args=[room.pk])
        return
    else:
        assert response.status_code == 403
    assert not Classroom.objects.exists()


def test_create_duplicate_name_is_a_form_error(client_for, tutor, classroom):
    response = client_for(tutor).post(reverse("people:classroom_create"), {"name": "algebra a"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "You already have a classroom with this name."
    ]
    assert "You already have a classroom with this name." in response.content.decode()
    assert Classroom.objects.filter(tutor=tutor).count() == 1


def test_create_empty_name_is_a_form_error(client_for, tutor):
    response = client_for(tutor).post(reverse("people:classroom_create"), {"name": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Classroom.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_by_role(as_role, role, classroom):
    response = as_role(role).get(reverse("people:classroom_edit", args=[classroom.pk]))
    expected = {"tutor": 200, "other_tutor": 404}.get(role, 403)
    if role == "anonymous":
        assert_login_redirect(response)
        return
    assert response.status_code == expected
    if expected == 200:
        assert 'value="Algebra A"' in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_edit_post_by_role(as_role, role, classroom):
    response = as_role(role).post(
        reverse("people:classroom_edit", args=[classroom.pk]),
        {"name": "Renamed", "description": "d"},
    )
    classroom.refresh_from_db()
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "tutor":
        assert response.status_code == 302
        assert classroom.name == "Renamed"
        return
    else:
        assert response.status_code == {"other_tutor": 404}.get(role, 403)
    assert classroom.name == "Algebra A"


def test_edit_to_a_taken_name_is_a_form_error(client_for, tutor, classroom):
    factories.ClassroomFactory(tutor=tutor, name="Physics")
    response = client_for(tutor).post(
        reverse("people:classroom_edit", args=[classroom.pk]), {"name": "PHYSICS"}
    )
    assert response.status_code == 200
    assert "You already have a classroom with this name." in response.content.decode()
    # The page still names the classroom by its real, unchanged name.
    assert "Edit “Algebra A”" in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.name == "Algebra A"


def test_edit_missing_classroom_is_404(client_for, tutor):
    assert client_for(tutor).get(reverse("people:classroom_edit", args=[999999])).status_code == 404


# --- views: delete ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_delete_page_by_role(as_role, role, classroom):
    response = as_role(role).get(reverse("people:classroom_delete", args=[classroom.pk]))
    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == {"tutor": 200, "other_tutor": 404}.get(role, 403)
    if role == "tutor":
        html = response.content.decode()
        assert "Delete “Algebra A”?" in html
        assert 'method="post"' in html
    # A GET never deletes.
    assert Classroom.objects.filter(pk=classroom.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_delete_post_by_role(as_role, role, classroom):
    response = as_role(role).post(reverse("people:classroom_delete", args=[classroom.pk]))
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "tutor":
        assert response.status_code == 302
        assert response["Location"] == reverse("people:classrooms")
        assert not Classroom.objects.filter(pk=classroom.pk).exists()
        return
    else:
        assert response.status_code == {"other_tutor": 404}.get(role, 403)
    assert Classroom.objects.filter(pk=classroom.pk).exists()


def test_delete_needs_a_csrf_token(tutor, classroom):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tutor)
    response = client.post(reverse("people:classroom_delete", args=[classroom.pk]))
    assert response.status_code == 403
    assert Classroom.objects.filter(pk=classroom.pk).exists()


# --- views: detail ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "other_student", "other_parent"])
def test_detail_by_role(as_role, role, tutor, classroom, student):
    addable = linked_student(tutor)
    response = as_role(role).get(reverse("people:classroom_detail", args=[classroom.pk]))
    if role == "anonymous":
        assert_login_redirect(response)
        return
    if role in ("other_tutor", "other_student", "other_parent"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Algebra A" in html
    assert student.display_name in html
    add_url = reverse("people:classroom_member_add", args=[classroom.pk])
    remove_url = reverse("people:classroom_member_remove", args=[classroom.pk, student.pk])
    assert (add_url in html) == (role == "tutor")
    assert (remove_url in html) == (role == "tutor")
    assert (f'name="students" value="{addable.pk}"' in html) == (role == "tutor")
    assert (reverse("people:classroom_edit", args=[classroom.pk]) in html) == (role == "tutor")


def test_detail_add_form_offers_only_own_addable_students(
    client_for, tutor, student, classroom, other_tutor
):
    addable = linked_student(tutor, first_name="Ada", last_name="Addable")
    requested = factories.StudentFactory(first_name="Rex", last_name="Requested")
    factories.TutorStudentFactory(tutor=tutor, student=requested, status="requested")
    theirs = other_tutor.student_links.get().student
    response = client_for(tutor).get(reverse("people:classroom_detail", args=[classroom.pk]))
    assert list(response.context["member_form"].offered) == [addable]
    html = response.content.decode()
    assert f'value="{addable.pk}"' in html
    for absent in (student, requested, theirs):
        assert f'name="students" value="{absent.pk}"' not in html


def test_detail_when_everyone_is_already_in(client_for, tutor, classroom):
    html = client_for(tutor).get(reverse("people:classroom_detail", args=[classroom.pk]))
    assert "All your active students are already in this classroom." in html.content.decode()


def test_detail_missing_is_404(client_for, manager):
    url = reverse("people:classroom_detail", args=[999999])
    assert client_for(manager).get(url).status_code == 404


def test_detail_members_are_paginated(client_for, tutor, classroom):
    for i in range(30):
        factories.ClassroomMembershipFactory(
            classroom=classroom, student=linked_student(tutor, last_name=f"Zz{i:02d}")
        )
    client = client_for(tutor)
    url = reverse("people:classroom_detail", args=[classroom.pk])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert len(first.context["memberships"]) == 25
    assert len(second.context["memberships"]) == 6
    assert "31 members" in first.content.decode()


def _fill(classroom, tutor, members):
    """Bring the classroom to `members` members, plus as many linked students outside it."""
    while classroom.memberships.count() < members:
        factories.ClassroomMembershipFactory(classroom=classroom, student=linked_student(tutor))
        linked_student(tutor)


@pytest.mark.parametrize("members", [10, 60])
def test_detail_query_count_for_owner_does_not_grow(
    client_for, tutor, classroom, members, django_assert_num_queries
):
    _fill(classroom, tutor, members)
    client = client_for(tutor)
    url = reverse("people:classroom_detail", args=[classroom.pk])
    warm_up(client, url)
    # session, user, classroom, member count, page of members, addable exists,
    # addable choices, unread badge, user bar (user and group permissions, user profile x2)
    with django_assert_num_queries(QUERIES_OWNER_DETAIL):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == members


@pytest.mark.parametrize("members", [10, 60])
def test_detail_query_count_for_member_does_not_grow(
    client_for, tutor, student, classroom, members, django_assert_num_queries
):
    _fill(classroom, tutor, members)
    client = client_for(student)
    url = reverse("people:classroom_detail", args=[classroom.pk])
    # session, user, classroom, member count, page of members, unread badge, user bar
    # permission checks (user, group)
    with django_assert_num_queries(QUERIES_MEMBER_DETAIL):
        response = client.get(url)
    assert response.status_code == 200


# --- views: add members ------------------------------------------------------------------------


def _add_url(classroom):
    return reverse("people:classroom_member_add", args=[classroom.pk])


def test_add_members(client_for, tutor, classroom):
    first, second = linked_student(tutor), linked_student(tutor)
    response = client_for(tutor).post(_add_url(classroom), {"students": [first.pk, second.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:classroom_detail", args=[classroom.pk])
    assert set(classroom.students.all()) >= {first, second}
    assert (
        Notification.objects.filter(
            recipient__in=[first, second], kind=Notification.Kind.CLASSROOM_ADDED
        ).count()
        == 2
    )
    page = client_for(tutor).get(response["Location"]).content.decode()
    assert "2 students added." in page


def test_add_another_tenants_student_is_refused(client_for, tutor, classroom, other_tutor):
    mine = linked_student(tutor)
    theirs = other_tutor.student_links.get().student
    before = set(ClassroomMembership.objects.values_list("classroom_id", "student_id"))
    response = client_for(tutor).post(_add_url(classroom), {"students": [mine.pk, theirs.pk]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Only your own active students can be added to your classrooms." in html
    assert set(ClassroomMembership.objects.values_list("classroom_id", "student_id")) == before
    assert not Notification.objects.filter(recipient__in=[mine, theirs]).exists()


def test_adding_a_member_again_is_harmless(client_for, tutor, student, classroom):
    """A repeated submit (or a stale page) re-posts students already in the classroom."""
    response = client_for(tutor).post(_add_url(classroom), {"students": [student.pk]}, follow=True)
    assert response.status_code == 200
    assert "The chosen students were already in the classroom." in response.content.decode()
    assert classroom.memberships.filter(student=student).count() == 1
    assert not Notification.objects.filter(recipient=student).exists()


@pytest.mark.parametrize("status", ["requested", "declined", "ended"])
def test_add_a_student_without_an_active_link_is_refused(client_for, tutor, classroom, status):
    outsider = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=outsider, status=status)
    response = client_for(tutor).post(_add_url(classroom), {"students": [outsider.pk]})
    assert response.status_code == 400
    assert "Only your own active students can be added" in response.content.decode()
    assert not classroom.memberships.filter(student=outsider).exists()


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_add_bad_ids_are_refused(client_for, tutor, student, classroom, value):
    data = {"students": [value]} if value else {}
    response = client_for(tutor).post(_add_url(classroom), data)
    assert response.status_code == 400
    assert response.context["member_form"].errors["students"]
    assert list(classroom.students.all()) == [student]


def test_add_get_is_not_allowed(client_for, tutor, classroom):
    assert client_for(tutor).get(_add_url(classroom)).status_code == 405


@pytest.mark.parametrize("role", [*ROLES, "other_student", "other_parent"])
def test_add_by_role(as_role, role, tutor, student, classroom):
    newcomer = linked_student(tutor)
    response = as_role(role).post(_add_url(classroom), {"students": [newcomer.pk]})
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "tutor":
        assert response.status_code == 302
        assert classroom.memberships.filter(student=newcomer).exists()
        return
    else:
        # Visible but not theirs → 403; not visible at all → 404.
        hidden = role in ("other_tutor", "other_student", "other_parent")
        assert response.status_code == (404 if hidden else 403)
    assert list(classroom.students.all()) == [student]


# --- views: remove members ---------------------------------------------------------------------


def _remove_url(classroom, student):
    return reverse("people:classroom_member_remove", args=[classroom.pk, student.pk])


def test_remove_member(client_for, tutor, student, classroom):
    response = client_for(tutor).post(_remove_url(classroom, student))
    assert response.status_code == 302
    assert not classroom.memberships.exists()
    # The link with the tutor stays.
    assert TutorStudent.objects.filter(tutor=tutor, student=student, status="active").exists()


def test_remove_someone_not_in_the_classroom_changes_nothing(
    client_for, tutor, student, classroom, other_classroom
):
    stranger = other_classroom.memberships.get().student
    client = client_for(tutor)
    response = client.post(_remove_url(classroom, stranger), follow=True)
    assert response.status_code == 200
    assert "This student is not in the classroom." in response.content.decode()
    assert list(classroom.students.all()) == [student]
    assert other_classroom.memberships.filter(student=stranger).exists()


def test_remove_get_is_not_allowed(client_for, tutor, student, classroom):
    assert client_for(tutor).get(_remove_url(classroom, student)).status_code == 405
    assert classroom.memberships.exists()


@pytest.mark.parametrize("role", [*ROLES, "other_student", "other_parent"])
def test_remove_by_role(as_role, role, student, classroom):
    response = as_role(role).post(_remove_url(classroom, student))
    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "tutor":
        assert response.status_code == 302
        assert not classroom.memberships.exists()
        return
    else:
        hidden = role in ("other_tutor", "other_student", "other_parent")
        assert response.status_code == (404 if hidden else 403)
    assert list(classroom.students.all()) == [student]


def test_other_tutor_cannot_touch_a_classroom_through_its_members(
    client_for, other_tutor, classroom, student
):
    """Ids are never trusted: the other tenant gets 404 on every classroom endpoint."""
    client = client_for(other_tutor)
    for url in (
        reverse("people:classroom_detail", args=[classroom.pk]),
        reverse("people:classroom_edit", args=[classroom.pk]),
        reverse("people:classroom_delete", args=[classroom.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(_remove_url(classroom, student)).status_code == 404
    assert list(classroom.students.all()) == [student]
