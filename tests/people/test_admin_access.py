"""Who may open the Wagtail admin: tutors, managers and admins; never students, parents or
anonymous visitors. Also Wagtail's own user management and the Subjects snippet."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from people.models import Subject
from people.roles import Role
from people.services.accounts import user_block
from people.wagtail_hooks import hide_user_management_from_non_superusers
from tests import factories

ADMIN_HOME = "/admin/"
ADMIN_LOGIN = "/admin/login/"
STAFF = ("tutor", "manager", "admin_user")
NOT_STAFF = ("student", "parent")


def _client(request, who):
    client = Client()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


def _is_admin_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(ADMIN_LOGIN)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ("anonymous", *NOT_STAFF))
def test_students_parents_and_visitors_never_get_the_dashboard(request, who):
    response = _client(request, who).get(ADMIN_HOME)
    assert _is_admin_login_redirect(response)


@pytest.mark.django_db
@pytest.mark.parametrize("who", STAFF)
def test_staff_get_the_dashboard(request, who):
    response = _client(request, who).get(ADMIN_HOME)
    assert response.status_code == 200
    assert b"wagtail-sidebar" in response.content or b"sidebar" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("who", NOT_STAFF)
def test_students_and_parents_have_no_admin_permission(request, who):
    user = request.getfixturevalue(who)
    assert not user.has_perm("wagtailadmin.access_admin")
    assert not user.may_use_admin_area


@pytest.mark.django_db
@pytest.mark.parametrize("who", STAFF)
def test_staff_have_the_admin_permission(request, who):
    assert request.getfixturevalue(who).has_perm("wagtailadmin.access_admin")


@pytest.mark.django_db
@pytest.mark.parametrize("who", NOT_STAFF)
def test_student_or_parent_credentials_on_the_admin_login_form_do_not_get_in(request, who):
    user = request.getfixturevalue(who)
    client = Client()
    response = client.post(
        ADMIN_LOGIN, {"username": user.email, "password": factories.DEFAULT_PASSWORD}
    )
    # The form answers with an error and no session is opened…
    assert response.status_code == 200
    assert "This sign-in is for tutors and school staff" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # …so the admin stays closed.
    assert _is_admin_login_redirect(client.get(ADMIN_HOME))


@pytest.mark.django_db
def test_tutor_credentials_on_the_admin_login_form_get_in(tutor):
    client = Client()
    response = client.post(
        ADMIN_LOGIN, {"username": tutor.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == ADMIN_HOME
    assert client.get(ADMIN_HOME).status_code == 200


@pytest.mark.django_db
def test_wrong_password_on_the_admin_login_form_is_refused(tutor):
    client = Client()
    response = client.post(ADMIN_LOGIN, {"username": tutor.email, "password": "not-it-at-all"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_blocked_tutor_is_thrown_out_of_the_admin(tutor, admin_user, client_for):
    client = client_for(tutor)
    assert client.get(ADMIN_HOME).status_code == 200
    user_block(user=tutor, by=admin_user)
    assert _is_admin_login_redirect(client.get(ADMIN_HOME))


@pytest.mark.django_db
def test_a_student_promoted_to_tutor_gets_in_and_a_demoted_tutor_gets_out(admin_user, student):
    from people.services.accounts import user_set_role

    client = Client()
    client.force_login(student)
    assert _is_admin_login_redirect(client.get(ADMIN_HOME))
    user_set_role(user=student, role=Role.TUTOR, by=admin_user)
    assert client.get(ADMIN_HOME).status_code == 200
    user_set_role(user=student, role=Role.PARENT, by=admin_user)
    assert _is_admin_login_redirect(client.get(ADMIN_HOME))


# --- the staff tools for every role --------------------------------------------------------


def _staff_tool_urls(student, parent):
    return [
        reverse("people_admin:accounts"),
        reverse("people_admin:accounts_results"),
        reverse("people_admin:account_create"),
        reverse("people_admin:account_detail", args=[student.pk]),
        reverse("people_admin:account_delete", args=[student.pk]),
        reverse("people_admin:families"),
        reverse("people_admin:families_results"),
        reverse("people_admin:family_parent", args=[parent.pk]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("student", "login"),
        ("parent", "login"),
        ("tutor", 403),
        ("other_tutor", 403),
        ("manager", 200),
        ("admin_user", 200),
    ],
)
def test_staff_tool_pages_for_every_role(request, who, expected, student, parent):
    client = _client(request, who)
    for url in _staff_tool_urls(student, parent):
        response = client.get(url)
        if expected == "login":
            assert _is_admin_login_redirect(response), url
        else:
            assert response.status_code == expected, url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ("anonymous", "student", "parent", "tutor"))
def test_staff_tool_actions_refused_for_non_staff(request, who, other_student, other_parent):
    client = _client(request, who)
    for name in ("account_block", "account_deactivate", "account_reset_password", "account_role"):
        response = client.post(
            reverse(f"people_admin:{name}", args=[other_student.pk]), {"role": Role.TUTOR}
        )
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert response["Location"].startswith(ADMIN_LOGIN)
    other_student.refresh_from_db()
    assert other_student.is_active and other_student.role == Role.STUDENT
    assert other_student.check_password(factories.DEFAULT_PASSWORD)


# --- the People menu -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "shown"), [("tutor", False), ("manager", True), ("admin_user", True)]
)
def test_people_menu_only_for_managers_and_admins(request, who, shown, client_for):
    content = client_for(request.getfixturevalue(who)).get(ADMIN_HOME).content.decode()
    assert (reverse("people_admin:accounts") in content) is shown
    assert (reverse("people_admin:families") in content) is shown


# --- Wagtail's own Users and Groups admin --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ("tutor", "manager"))
def test_wagtail_user_admin_is_closed_to_tutors_and_managers(request, who, student, client_for):
    user = request.getfixturevalue(who)
    assert not user.has_perm("people.change_user")
    client = client_for(user)
    edit_url = reverse("wagtailusers_users:edit", args=[student.pk])
    urls = [
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        edit_url,
        reverse("wagtailusers_users:delete", args=[student.pk]),
        reverse("wagtailusers_groups:index"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == ADMIN_HOME, url
    # A POST through Wagtail's user editor changes nothing either.
    response = client.post(
        edit_url,
        {"email": student.email, "first_name": "Hacked", "is_superuser": "on"},
    )
    assert response.status_code in (302, 403)
    student.refresh_from_db()
    assert student.first_name != "Hacked" and not student.is_superuser


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "shown"), [("tutor", False), ("manager", False), ("admin_user", True)]
)
def test_users_menu_entry_only_for_superusers(request, who, shown, client_for):
    content = client_for(request.getfixturevalue(who)).get(ADMIN_HOME).content.decode()
    assert ('"/admin/users/"' in content or "&quot;/admin/users/&quot;" in content) is shown


@pytest.mark.django_db
def test_settings_menu_hook_drops_users_and_groups_for_non_superusers(manager, admin_user):
    class Item:
        def __init__(self, name):
            self.name = name

    for user, expected in ((manager, ["sites"]), (admin_user, ["users", "groups", "sites"])):
        request = RequestFactory().get(ADMIN_HOME)
        request.user = user
        items = [Item("users"), Item("groups"), Item("sites")]
        hide_user_management_from_non_superusers(request, items)
        assert [i.name for i in items] == expected


@pytest.mark.django_db
def test_admin_can_use_wagtail_user_admin(admin_user, client_for):
    assert client_for(admin_user).get("/admin/users/").status_code == 200


# --- Snippets → Subjects -------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_can_list_add_and_edit_subjects(admin_user, client_for):
    subject = factories.SubjectFactory(name="Chemistry")
    client = client_for(admin_user)
    list_url = reverse("wagtailsnippets_people_subject:list")
    response = client.get(list_url)
    assert response.status_code == 200
    assert "Chemistry" in response.content.decode()
    assert client.get(reverse("wagtailsnippets_people_subject:add")).status_code == 200
    edit_url = reverse("wagtailsnippets_people_subject:edit", args=[subject.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, {"name": "Organic chemistry", "slug": "organic-chemistry"})
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.name == "Organic chemistry"
    assert Subject.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ("anonymous", *NOT_STAFF))
def test_subjects_snippet_closed_to_students_parents_and_visitors(request, who):
    response = _client(request, who).get(reverse("wagtailsnippets_people_subject:list"))
    assert _is_admin_login_redirect(response)
