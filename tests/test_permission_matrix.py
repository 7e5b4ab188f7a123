"""Every URL of the project is classified, and answers each role as the table says.

The table lives in tests/permission_matrix.py and is mirrored in docs/permissions.md.
A new URL in one of our apps fails `test_every_url_is_classified` until it has a row.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from people.models import TutorStudent
from tests import factories
from tests.permission_matrix import (
    ADMIN_LOGIN,
    DENIED,
    LOGIN,
    OK,
    RULES,
    RULES_BY_NAME,
    THIRD_PARTY_PREFIXES,
    areas,
    learning_objects,
    markdown_rows,
)

OUR_APPS = ("people", "messaging", "home", "courses", "scheduling", "billing", "tutorflow")
MISSING_PK = 987654321


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.lookup_str


def project_urls():
    return list(_walk(get_resolver().url_patterns))


def _is_ours(lookup_str: str) -> bool:
    return lookup_str.split(".")[0] in OUR_APPS


def test_every_url_is_classified():
    unclassified = []
    for route, name, lookup in project_urls():
        if _is_ours(lookup):
            if name not in RULES_BY_NAME:
                unclassified.append(f"{route} ({name}, {lookup})")
        elif not any(route.startswith(prefix) for prefix in THIRD_PARTY_PREFIXES):
            unclassified.append(f"{route} ({name}, {lookup})")
    assert not unclassified, "Add these URLs to tests/permission_matrix.py:\n" + "\n".join(
        unclassified
    )


def test_no_stale_rows():
    names = {name for _route, name, _lookup in project_urls()}
    stale = [rule.name for rule in RULES if rule.name not in names]
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_docs_mirror_the_table():
    doc = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text(encoding="utf-8")
    missing = [row for row in markdown_rows() if row not in doc]
    assert not missing, (
        "docs/permissions.md is out of step; print the rows with "
        "`python -m tests.permission_matrix`:\n" + "\n".join(missing)
    )


# --- the world every access check runs in -------------------------------------------------


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module (and per test worker) inside a transaction that
    is rolled back when the module ends; each test runs in a savepoint within it (the
    `db` fixture), so what a test changes is undone before the next one starts."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield {**_build_world(), "media_root": media}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(db, _world, settings):
    settings.MEDIA_ROOT = _world["media_root"]  # where the world's uploads were stored
    return _world


def _build_world():
    """Two tenants, two families, staff, and one object of each scope owned by tenant A."""
    tutor = factories.ListedTutorFactory(email="a-tutor@example.test")
    student = factories.StudentFactory(email="a-student@example.test")
    link = factories.TutorStudentFactory(tutor=tutor, student=student)
    parent = factories.ParentFactory(email="a-parent@example.test")
    factories.GuardianshipFactory(parent=parent, student=student)
    classroom = factories.ClassroomFactory(tutor=tutor)
    factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    requesting_student = factories.StudentFactory(email="asking@example.test")
    request = factories.TutorStudentFactory(
        tutor=tutor, student=requesting_student, status=TutorStudent.Status.REQUESTED
    )
    inviting_parent = factories.ParentFactory(email="inviting@example.test")
    invitation = factories.GuardianshipInvitationFactory(parent=inviting_parent, student=student)
    notification = factories.NotificationFactory(recipient=student)

    other_tutor = factories.ListedTutorFactory(email="b-tutor@example.test")
    other_child = factories.StudentFactory(email="b-student@example.test")
    factories.TutorStudentFactory(tutor=other_tutor, student=other_child)
    other_parent = factories.ParentFactory(email="b-parent@example.test")
    factories.GuardianshipFactory(parent=other_parent, student=other_child)
    unrelated_student = factories.StudentFactory(email="unrelated@example.test")
    course, enrollment, enrollable = _course_world(tutor, student)

    world = {
        "actors": {
            "tutor": tutor,
            "student": student,
            "parent": parent,
            "manager": factories.ManagerFactory(email="m@example.test"),
            "admin": factories.AdminFactory(email="adm@example.test"),
            "requesting_student": requesting_student,
            "inviting_parent": inviting_parent,
            "other_tutor": other_tutor,
            "other_parent": other_parent,
            "unrelated_student": unrelated_student,
        },
        "objects": {
            "student": {"pk": student.pk},
            "request": {"pk": request.pk},
            "link": {"pk": link.pk},
            "classroom": {"pk": classroom.pk},
            "classroom_member": {"pk": classroom.pk, "student_pk": student.pk},
            "invitation": {"pk": invitation.pk},
            "notification": {"pk": notification.pk},
            "account": {"pk": student.pk},
            "parent_account": {"pk": parent.pk},
            "family_link": {"pk": parent.pk, "student_pk": student.pk},
            "course": {"pk": course.pk},
            "enrollment": {"pk": enrollment.pk},
        },
        "other_tutor": other_tutor,
        "enrollable_student": enrollable,
    }
    world["objects"].update(learning_objects(world["actors"]))
    for area in areas():
        if hasattr(area, "objects"):
            objects = area.objects(world["actors"])
            taken = sorted(set(objects) & set(world["objects"]))
            assert not taken, f"{area.__name__} reuses scope names {taken}: pick new ones"
            world["objects"].update(objects)
    return world


def _course_world(tutor, student):
    """Tenant A's self-enrollable course with a lesson, `student` enrolled in it, and a
    second linked student who is not enrolled yet."""
    from courses.services.enrollment import enrollment_create
    from courses.services.sections import tutor_section_ensure
    from tests.courses.factories import CoursePageFactory, LessonPageFactory

    course = CoursePageFactory(parent=tutor_section_ensure(tutor=tutor), self_enroll=True)
    LessonPageFactory(parent=course)
    enrollable = factories.StudentFactory(email="a-second-student@example.test")
    factories.TutorStudentFactory(tutor=tutor, student=enrollable)
    return course, enrollment_create(student=student, course=course, by=tutor), enrollable


ROLE_ACTOR = {
    "student": "unrelated_student",
    "parent": "other_parent",
    "tutor": "other_tutor",
    "manager": "manager",
    "admin": "admin",
}


def _from_areas(hook: str, rule, world):
    for area in areas():
        if hasattr(area, hook):
            answer = getattr(area, hook)(rule.name, world)
            if answer is not None:
                return answer
    return None


def _kwargs_for(rule, world) -> dict:
    answer = _from_areas("kwargs", rule, world)
    if answer is not None:
        return answer
    if rule.scope:
        return dict(world["objects"][rule.scope])
    if rule.name in ("people:tutor_detail", "people:tutor_request"):
        return {"pk": world["other_tutor"].pk}
    if rule.name == "people:password_reset_confirm":
        return {"uidb64": "MQ", "token": "set-password"}
    return {}


def _post_data(rule, world) -> dict:
    answer = _from_areas("post_data", rule, world)
    if answer is not None:
        return answer
    if rule.name == "set_language":
        return {"language": "uk", "next": "/"}
    if rule.name == "people:family_invite":
        return {"email": "nobody@example.test"}
    if rule.name == "people:classroom_member_add":
        return {"students": [world["objects"]["student"]["pk"]]}
    if rule.name == "people:classroom_delete":
        return {"confirm": "yes"}
    if rule.name == "people_admin:account_role":
        return {"role": "parent"}
    if rule.name == "courses:enroll_students":
        return {"students": [world["enrollable_student"].pk]}
    if rule.name == "courses:enroll_classroom":
        return {"classroom": world["objects"]["classroom"]["pk"]}
    return {}


def _request(client, rule, kwargs, data):
    url = reverse(rule.name, kwargs=kwargs)
    if rule.method == "POST":
        return client.post(url, data)
    return client.get(url)


def _assert_ok(response, label):
    assert response.status_code in (200, 301, 302), f"{label}: {response.status_code}"
    if response.status_code in (301, 302):
        assert not response["Location"].startswith(reverse(settings.LOGIN_URL)), label


def _assert_admin_login(response, label):
    assert response.status_code == 302, f"{label}: {response.status_code}"
    assert response["Location"].startswith(reverse("wagtailadmin_login")), label


def _assert_login(response, label):
    assert response.status_code == 302, f"{label}: {response.status_code}"
    assert response["Location"].startswith(reverse(settings.LOGIN_URL)), label


ACCESS_CASES = [
    (rule.name, role)
    for rule in RULES
    for role in ("anonymous", "student", "parent", "tutor", "manager", "admin")
    if rule.kind != "object"
]


@pytest.mark.parametrize(("name", "role"), ACCESS_CASES)
def test_role_access(client, world, name, role):
    rule = RULES_BY_NAME[name]
    expected = rule.access[role]
    if role != "anonymous":
        client.force_login(world["actors"][ROLE_ACTOR[role]])
    response = _request(client, rule, _kwargs_for(rule, world), _post_data(rule, world))
    label = f"{name} as {role}"
    if expected == OK:
        _assert_ok(response, label)
    elif expected == LOGIN:
        _assert_login(response, label)
    elif expected == ADMIN_LOGIN:
        _assert_admin_login(response, label)
    elif expected == DENIED:
        assert response.status_code == 403, f"{label}: {response.status_code}"


OBJECT_RULES = [rule for rule in RULES if rule.kind == "object"]
OWNER_CASES = [(rule.name, owner) for rule in OBJECT_RULES for owner in rule.owners]
OUTSIDER_CASES = [
    (rule.name, outsider)
    for rule in OBJECT_RULES
    for outsider in ("other_tutor", "other_parent", "unrelated_student", "anonymous")
]


@pytest.mark.parametrize(("name", "owner"), OWNER_CASES)
def test_object_owner_is_served(client, world, name, owner):
    rule = RULES_BY_NAME[name]
    client.force_login(world["actors"][owner])
    response = _request(client, rule, _kwargs_for(rule, world), _post_data(rule, world))
    _assert_ok(response, f"{name} as owner {owner}")


@pytest.mark.parametrize(("name", "outsider"), OUTSIDER_CASES)
def test_object_outsiders_cannot_tell_it_exists(client, world, name, outsider):
    rule = RULES_BY_NAME[name]
    kwargs = _kwargs_for(rule, world)
    data = _post_data(rule, world)
    label = f"{name} as {outsider}"
    if outsider == "anonymous":
        _assert_login(_request(client, rule, kwargs, data), label)
        return
    client.force_login(world["actors"][outsider])
    real = _request(client, rule, kwargs, data)
    missing = _request(client, rule, {**kwargs, "pk": MISSING_PK}, data)
    assert real.status_code in (403, 404), f"{label}: {real.status_code}"
    assert real.status_code == missing.status_code, (
        f"{label}: {real.status_code} for a real object but {missing.status_code} for a "
        "missing one: the difference tells an outsider the object exists"
    )


def test_staff_roles_reach_the_wagtail_admin_and_families_do_not(client, world):
    admin_home = reverse("wagtailadmin_home")
    assert client.get(admin_home).status_code == 302
    for actor in ("student", "parent", "unrelated_student", "other_parent"):
        client.force_login(world["actors"][actor])
        response = client.get(admin_home)
        assert response.status_code in (302, 403), actor
        client.logout()
    for actor in ("tutor", "manager", "admin"):
        client.force_login(world["actors"][actor])
        assert client.get(admin_home).status_code == 200, actor
        client.logout()


@pytest.mark.parametrize("prefix", sorted(THIRD_PARTY_PREFIXES))
def test_third_party_prefixes_are_in_use(prefix):
    assert any(route.startswith(prefix) for route, _n, _l in project_urls())
