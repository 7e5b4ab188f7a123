"""The People menu's staff tools in the Wagtail admin: accounts (list, create, detail,
block / unblock, reset password, deactivate, delete, change role), families, and the audit
entries each action leaves in Reports → Site history."""

import re

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from people import audit
from people.models import Guardianship, StudentProfile, User
from people.roles import GROUP_MANAGERS, GROUP_TUTORS, Role
from tests import factories

ACCOUNTS = reverse("people_admin:accounts")
ACCOUNTS_RESULTS = reverse("people_admin:accounts_results")
CREATE = reverse("people_admin:account_create")
FAMILIES = reverse("people_admin:families")
SITE_HISTORY = reverse("wagtailadmin_reports:site_history")
PASSWORD_RE = re.compile(r'data-testid="credentials-password">([^<]+)<')


def url(name, *args):
    return reverse(f"people_admin:{name}", args=args)


def _sign_in(rf, email, password):
    return authenticate(rf.post("/accounts/login/"), username=email, password=password)


def _password_in(response) -> str:
    match = PASSWORD_RE.search(response.content.decode())
    assert match, "no one-time password on the page"
    return match.group(1)


def _entry(action, obj) -> ModelLogEntry:
    return ModelLogEntry.objects.get(action=action, object_id=str(obj.pk))


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- accounts list -------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_lists_every_account(client_for, admin_user, student, parent, tutor, manager):
    content = client_for(admin_user).get(ACCOUNTS).content.decode()
    for user in (student, parent, tutor, manager, admin_user):
        assert user.email in content


@pytest.mark.django_db
def test_manager_lists_only_students_and_parents(client_for, manager, student, parent, tutor):
    other_manager = factories.ManagerFactory(email="colleague@example.test")
    admin = factories.AdminFactory(email="boss@example.test")
    content = client_for(manager).get(ACCOUNTS).content.decode()
    assert student.email in content and parent.email in content
    for hidden in (tutor, other_manager, admin, manager):
        assert hidden.email not in content


@pytest.mark.django_db
def test_accounts_search_by_name_and_email(client_for, admin_user):
    factories.StudentFactory(first_name="Zelda", last_name="Quill", email="zq@example.test")
    factories.StudentFactory(first_name="Marco", last_name="Polo", email="mp@school.test")
    client = client_for(admin_user)
    for view in (ACCOUNTS, ACCOUNTS_RESULTS):
        content = client.get(view, {"q": "zeld"}).content.decode()
        assert "zq@example.test" in content and "mp@school.test" not in content
        content = client.get(view, {"q": "school.test"}).content.decode()
        assert "mp@school.test" in content and "zq@example.test" not in content
        content = client.get(view, {"q": "Quill"}).content.decode()
        assert "zq@example.test" in content and "mp@school.test" not in content


@pytest.mark.django_db
def test_accounts_filter_by_role(client_for, admin_user, student, parent, tutor):
    content = client_for(admin_user).get(ACCOUNTS, {"role": Role.TUTOR}).content.decode()
    assert tutor.email in content
    assert student.email not in content and parent.email not in content


@pytest.mark.django_db
def test_manager_cannot_widen_the_list_with_a_role_filter(client_for, manager, tutor):
    content = client_for(manager).get(ACCOUNTS, {"role": Role.TUTOR}).content.decode()
    assert tutor.email not in content


@pytest.mark.django_db
def test_accounts_filter_by_status(client_for, admin_user):
    active = factories.StudentFactory(email="active@example.test")
    blocked = factories.StudentFactory(email="blocked@example.test")
    gone = factories.StudentFactory(email="gone@example.test")
    client = client_for(admin_user)
    client.post(url("account_block", blocked.pk))
    client.post(url("account_deactivate", gone.pk))
    expectations = {
        "active": {active},
        "blocked": {blocked},
        "deactivated": {gone},
    }
    everyone = {active, blocked, gone}
    for status, shown in expectations.items():
        content = client.get(ACCOUNTS, {"status": status}).content.decode()
        for user in everyone:
            assert (user.email in content) is (user in shown), (status, user.email)


@pytest.mark.django_db
def test_accounts_list_is_paginated(client_for, admin_user):
    factories.StudentFactory.create_batch(30)
    client = client_for(admin_user)
    first = client.get(ACCOUNTS)
    assert first.status_code == 200
    assert len(first.context["object_list"]) == 25
    assert first.context["paginator"].count == 31
    second = client.get(ACCOUNTS, {"p": 2})
    assert len(second.context["object_list"]) == 6
    assert not {u.pk for u in first.context["object_list"]} & {
        u.pk for u in second.context["object_list"]
    }


@pytest.mark.django_db
def test_accounts_list_runs_a_constant_number_of_queries(client_for, admin_user):
    factories.StudentFactory.create_batch(2)
    factories.ParentFactory()
    client = client_for(admin_user)
    client.get(ACCOUNTS)  # warm up per-session caches (user profile, content types)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ACCOUNTS).status_code == 200
        return len(queries)

    few = count()
    factories.StudentFactory.create_batch(12)
    factories.ParentFactory.create_batch(5)
    factories.TutorFactory.create_batch(3)
    many = count()
    assert many == few
    assert few < 40  # and it is a handful, not one per row


# --- create --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_manager_creates_a_student_and_sees_the_password_once(client_for, manager, rf):
    client = client_for(manager)
    form = client.get(CREATE).content.decode()
    assert 'value="student"' in form and 'value="parent"' in form
    assert 'value="tutor"' not in form and 'value="admin"' not in form

    response = client.post(
        CREATE,
        {
            "email": "New.Kid@Example.test",
            "first_name": "New",
            "last_name": "Kid",
            "role": Role.STUDENT,
            "preferred_language": "uk",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    assert "new.kid@example.test" in content
    password = _password_in(response)

    user = User.objects.get(email="new.kid@example.test")
    assert user.role == Role.STUDENT and user.preferred_language == "uk"
    assert StudentProfile.objects.filter(user=user).exists()
    assert _sign_in(rf, user.email, password) == user
    assert password not in user.password  # only the hash is stored
    entry = _entry(audit.ACCOUNT_CREATE, user)
    assert entry.user_id == manager.pk and password not in str(entry.data)

    # Reloading the page (a GET), opening the account or the list never shows it again,
    # and it is not kept in the session either.
    for later in (CREATE, url("account_detail", user.pk), ACCOUNTS):
        page = client.get(later)
        assert page.status_code == 200
        assert password not in page.content.decode()
    assert password not in str(dict(client.session.items()))


@pytest.mark.django_db
def test_posting_the_create_form_again_does_not_show_a_password(client_for, manager):
    client = client_for(manager)
    data = {"email": "twice@example.test", "role": Role.PARENT, "preferred_language": "en"}
    first = client.post(CREATE, data)
    password = _password_in(first)
    again = client.post(CREATE, data)
    assert again.status_code == 200
    content = again.content.decode()
    assert "already exists" in content
    assert password not in content and "credentials-password" not in content
    assert User.objects.filter(email="twice@example.test").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TUTOR, Role.MANAGER, Role.ADMIN])
def test_manager_cannot_create_staff_accounts(client_for, manager, role):
    response = client_for(manager).post(
        CREATE, {"email": "sneaky@example.test", "role": role, "preferred_language": "en"}
    )
    assert response.status_code == 200
    assert "credentials-password" not in response.content.decode()
    assert not User.objects.filter(email="sneaky@example.test").exists()


@pytest.mark.django_db
def test_admin_creates_a_manager_with_groups(client_for, admin_user):
    response = client_for(admin_user).post(
        CREATE, {"email": "m2@example.test", "role": Role.MANAGER, "preferred_language": "en"}
    )
    _password_in(response)
    user = User.objects.get(email="m2@example.test")
    assert set(user.groups.values_list("name", flat=True)) == {GROUP_MANAGERS}
    assert user.has_perm("wagtailadmin.access_admin")


@pytest.mark.django_db
def test_create_form_errors_change_nothing(client_for, admin_user):
    before = User.objects.count()
    response = client_for(admin_user).post(
        CREATE, {"email": "not-an-email", "role": Role.STUDENT, "preferred_language": "en"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.count() == before


# --- detail --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_account_family_and_history(client_for, manager, student, parent):
    client = client_for(manager)
    client.post(url("account_block", student.pk))
    content = client.get(url("account_detail", student.pk)).content.decode()
    assert student.email in content
    assert parent.email in content  # the student's parent, with an unlink button
    assert url("family_unlink", parent.pk, student.pk) in content
    assert "Block account" in content  # the audit entry's message
    assert url("account_unblock", student.pk) in content


@pytest.mark.django_db
def test_manager_gets_404_for_accounts_they_may_not_administer(client_for, manager, tutor):
    admin = factories.AdminFactory()
    other_manager = factories.ManagerFactory()
    client = client_for(manager)
    for target in (tutor, admin, other_manager):
        assert client.get(url("account_detail", target.pk)).status_code == 404
        for action in ("account_block", "account_reset_password", "account_deactivate"):
            assert client.post(url(action, target.pk)).status_code == 404
        assert client.get(url("account_delete", target.pk)).status_code == 404
        response = client.post(url("account_delete", target.pk), {"confirm_email": target.email})
        assert response.status_code == 404
        assert client.post(url("account_role", target.pk), {"role": Role.STUDENT}).status_code in (
            403,
            404,
        )
        target.refresh_from_db()
        assert target.is_active and target.blocked_at is None
    assert client.get(url("account_detail", 999999)).status_code == 404


@pytest.mark.django_db
def test_role_select_only_for_admins_and_never_on_their_own_account(
    client_for, manager, admin_user, student
):
    role_url = url("account_role", student.pk)
    assert (
        role_url not in client_for(manager).get(url("account_detail", student.pk)).content.decode()
    )
    assert (
        role_url in client_for(admin_user).get(url("account_detail", student.pk)).content.decode()
    )
    own = client_for(admin_user).get(url("account_detail", admin_user.pk)).content.decode()
    assert url("account_role", admin_user.pk) not in own
    assert url("account_block", admin_user.pk) not in own


# --- actions -------------------------------------------------------------------------------

POST_ONLY = (
    "account_block",
    "account_unblock",
    "account_reset_password",
    "account_deactivate",
    "account_role",
)


@pytest.mark.django_db
def test_actions_refuse_get(client_for, admin_user, student):
    client = client_for(admin_user)
    for name in POST_ONLY:
        assert client.get(url(name, student.pk)).status_code == 405, name
    assert client.get(url("family_unlink", 1, student.pk)).status_code == 405
    student.refresh_from_db()
    assert student.is_active


@pytest.mark.django_db
def test_actions_need_a_csrf_token(manager, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    for name in ("account_block", "account_deactivate", "account_reset_password"):
        assert client.post(url(name, student.pk)).status_code == 403
    response = client.post(url("account_delete", student.pk), {"confirm_email": student.email})
    assert response.status_code == 403
    student.refresh_from_db()
    assert student.is_active and student.check_password(factories.DEFAULT_PASSWORD)
    assert not ModelLogEntry.objects.filter(object_id=str(student.pk)).exists()


@pytest.mark.django_db
def test_block_and_unblock(client_for, manager, student, rf):
    client = client_for(manager)
    response = client.post(url("account_block", student.pk))
    assert response.status_code == 302 and response["Location"] == url("account_detail", student.pk)
    student.refresh_from_db()
    assert student.blocked_at is not None and not student.is_active
    assert _sign_in(rf, student.email, factories.DEFAULT_PASSWORD) is None
    assert _entry(audit.ACCOUNT_BLOCK, student).user_id == manager.pk

    response = client.post(url("account_unblock", student.pk), follow=True)
    assert "is unblocked" in _messages(response)
    student.refresh_from_db()
    assert student.blocked_at is None and student.is_active
    assert _entry(audit.ACCOUNT_UNBLOCK, student).user_id == manager.pk


@pytest.mark.django_db
def test_reset_password_shows_a_new_password_once(client_for, manager, parent, rf):
    client = client_for(manager)
    response = client.post(url("account_reset_password", parent.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert parent.email in response.content.decode()
    password = _password_in(response)
    assert _sign_in(rf, parent.email, factories.DEFAULT_PASSWORD) is None
    assert _sign_in(rf, parent.email, password) == parent
    assert _entry(audit.ACCOUNT_PASSWORD_RESET, parent).user_id == manager.pk
    detail = client.get(url("account_detail", parent.pk)).content.decode()
    assert password not in detail
    assert password not in str(dict(client.session.items()))


@pytest.mark.django_db
def test_deactivate(client_for, admin_user, tutor, rf):
    response = client_for(admin_user).post(url("account_deactivate", tutor.pk))
    assert response.status_code == 302
    tutor.refresh_from_db()
    assert tutor.deactivated_at is not None and not tutor.is_active
    assert User.objects.filter(pk=tutor.pk).exists()
    assert _sign_in(rf, tutor.email, factories.DEFAULT_PASSWORD) is None
    assert _entry(audit.ACCOUNT_DEACTIVATE, tutor).user_id == admin_user.pk


@pytest.mark.django_db
def test_delete_needs_the_exact_email(client_for, manager, student):
    client = client_for(manager)
    page = client.get(url("account_delete", student.pk))
    assert page.status_code == 200 and student.email in page.content.decode()

    response = client.post(
        url("account_delete", student.pk), {"confirm_email": "wrong@example.test"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_email"]
    assert User.objects.filter(pk=student.pk).exists()
    assert not ModelLogEntry.objects.filter(action=audit.ACCOUNT_DELETE).exists()

    pk = student.pk
    response = client.post(url("account_delete", pk), {"confirm_email": "Student@Example.test"})
    assert response.status_code == 302 and response["Location"] == ACCOUNTS
    assert not User.objects.filter(pk=pk).exists()
    assert not Guardianship.objects.filter(student_id=pk).exists()
    entry = ModelLogEntry.objects.get(action=audit.ACCOUNT_DELETE, object_id=str(pk))
    assert entry.user_id == manager.pk and entry.data["email"] == "student@example.test"


@pytest.mark.django_db
def test_admin_cannot_act_on_their_own_account(client_for, admin_user):
    client = client_for(admin_user)
    for name in ("account_block", "account_deactivate", "account_reset_password"):
        assert client.post(url(name, admin_user.pk)).status_code == 403, name
    assert client.get(url("account_delete", admin_user.pk)).status_code == 403
    response = client.post(
        url("account_delete", admin_user.pk), {"confirm_email": admin_user.email}
    )
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.check_password(factories.DEFAULT_PASSWORD)


# --- change role ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_changes_a_role(client_for, admin_user, tutor):
    response = client_for(admin_user).post(url("account_role", tutor.pk), {"role": Role.MANAGER})
    assert response.status_code == 302
    tutor.refresh_from_db()
    assert tutor.role == Role.MANAGER
    assert set(tutor.groups.values_list("name", flat=True)) == {GROUP_MANAGERS}
    entry = _entry(audit.ACCOUNT_ROLE_CHANGE, tutor)
    assert entry.user_id == admin_user.pk
    assert entry.data == {"from": Role.TUTOR.value, "to": Role.MANAGER.value}


@pytest.mark.django_db
def test_manager_posting_a_role_change_gets_403(client_for, manager, student):
    response = client_for(manager).post(url("account_role", student.pk), {"role": Role.ADMIN})
    assert response.status_code == 403
    student.refresh_from_db()
    assert student.role == Role.STUDENT and not student.is_superuser
    assert not ModelLogEntry.objects.filter(action=audit.ACCOUNT_ROLE_CHANGE).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["tutor", "manager", "admin_user"])
def test_nobody_changes_their_own_role_in_the_admin(request, client_for, who):
    user = request.getfixturevalue(who)
    before = (user.role, set(user.groups.values_list("name", flat=True)), user.is_superuser)
    client = client_for(user)
    for role in Role:
        response = client.post(url("account_role", user.pk), {"role": role})
        # Managers may not even see their own account in the staff tools (404); a tutor
        # is refused before that (403); an admin sees it but may not change it (403).
        assert response.status_code in (403, 404)
    user.refresh_from_db()
    assert (user.role, set(user.groups.values_list("name", flat=True)), user.is_superuser) == before


@pytest.mark.django_db
def test_invalid_role_changes_nothing(client_for, admin_user, tutor):
    response = client_for(admin_user).post(
        url("account_role", tutor.pk), {"role": "overlord"}, follow=True
    )
    assert "Choose a valid role" in _messages(response)
    tutor.refresh_from_db()
    assert tutor.role == Role.TUTOR
    assert set(tutor.groups.values_list("name", flat=True)) == {GROUP_TUTORS}


# --- families ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_families_list_shows_parents_only(client_for, manager, parent, student, tutor):
    content = client_for(manager).get(FAMILIES).content.decode()
    assert parent.email in content
    assert student.email not in content and tutor.email not in content
    results = client_for(manager).get(reverse("people_admin:families_results"), {"q": "parent@"})
    assert parent.email in results.content.decode()


@pytest.mark.django_db
def test_assign_one_parent_to_many_students_idempotently(client_for, manager, other_parent):
    kids = factories.StudentFactory.create_batch(3)
    client = client_for(manager)
    page = client.get(url("family_parent", other_parent.pk))
    assert page.status_code == 200
    for kid in kids:
        assert f'value="{kid.pk}"' in page.content.decode()

    data = {"students": [k.pk for k in kids]}
    response = client.post(url("family_parent", other_parent.pk), data, follow=True)
    assert response.redirect_chain[-1][0] == url("family_parent", other_parent.pk)
    assert "Linked 3 student(s)" in _messages(response)
    assert set(
        Guardianship.objects.filter(parent=other_parent).values_list("student_id", flat=True)
    ) >= {k.pk for k in kids}
    count = Guardianship.objects.filter(parent=other_parent).count()

    again = client.post(url("family_parent", other_parent.pk), data, follow=True)
    assert "Linked 0 student(s)" in _messages(again)
    assert Guardianship.objects.filter(parent=other_parent).count() == count
    for kid in kids:
        entry = _entry(audit.GUARDIANSHIP_CREATE, kid)
        assert entry.user_id == manager.pk and entry.data["parent_id"] == other_parent.pk


@pytest.mark.django_db
def test_family_student_search(client_for, manager, other_parent):
    factories.StudentFactory(first_name="Quentin", email="q@example.test")
    factories.StudentFactory(first_name="Rosalind", email="r@example.test")
    content = (
        client_for(manager).get(url("family_parent", other_parent.pk), {"q": "quent"}).content
    ).decode()
    assert "q@example.test" in content and "r@example.test" not in content


@pytest.mark.django_db
def test_assign_refuses_non_students_and_empty_choice(client_for, manager, other_parent, tutor):
    client = client_for(manager)
    before = Guardianship.objects.count()
    response = client.post(url("family_parent", other_parent.pk), {"students": [tutor.pk]})
    assert response.status_code == 200 and response.context["form"].errors["students"]
    response = client.post(url("family_parent", other_parent.pk), {})
    assert response.status_code == 200 and response.context["form"].errors["students"]
    assert Guardianship.objects.count() == before


@pytest.mark.django_db
def test_family_page_needs_a_parent(client_for, manager, student):
    assert client_for(manager).get(url("family_parent", student.pk)).status_code == 404


@pytest.mark.django_db
def test_unlink(client_for, manager, parent, student):
    client = client_for(manager)
    response = client.post(url("family_unlink", parent.pk, student.pk))
    assert response.status_code == 302
    assert response["Location"] == url("family_parent", parent.pk)
    assert not Guardianship.objects.filter(parent=parent, student=student).exists()
    entry = _entry(audit.GUARDIANSHIP_REMOVE, student)
    assert entry.user_id == manager.pk and entry.data["parent_id"] == parent.pk
    # Unlinking again: there is nothing to unlink.
    assert client.post(url("family_unlink", parent.pk, student.pk)).status_code == 404


@pytest.mark.django_db
def test_unlink_returns_to_a_safe_next_url_only(client_for, manager, parent, student):
    client = client_for(manager)
    detail = url("account_detail", student.pk)
    response = client.post(url("family_unlink", parent.pk, student.pk), {"next": detail})
    assert response["Location"] == detail
    factories.GuardianshipFactory(parent=parent, student=student)
    response = client.post(
        url("family_unlink", parent.pk, student.pk), {"next": "https://evil.example/"}
    )
    assert response["Location"] == url("family_parent", parent.pk)


# --- audit: Reports → Site history ---------------------------------------------------------


@pytest.mark.django_db
def test_site_history_shows_readable_labels_for_every_action(client_for, admin_user, tutor):
    client = client_for(admin_user)
    client.post(
        CREATE, {"email": "fresh@example.test", "role": Role.STUDENT, "preferred_language": "en"}
    )
    fresh = User.objects.get(email="fresh@example.test")
    parent = factories.ParentFactory(email="mum@example.test")
    client.post(url("account_block", fresh.pk))
    client.post(url("account_unblock", fresh.pk))
    client.post(url("account_reset_password", fresh.pk))
    client.post(url("account_role", tutor.pk), {"role": Role.MANAGER})
    client.post(url("family_parent", parent.pk), {"students": [fresh.pk]})
    client.post(url("family_unlink", parent.pk, fresh.pk))
    client.post(url("account_deactivate", fresh.pk))
    client.post(url("account_delete", fresh.pk), {"confirm_email": fresh.email})

    expected = {
        audit.ACCOUNT_CREATE: fresh.pk,
        audit.ACCOUNT_BLOCK: fresh.pk,
        audit.ACCOUNT_UNBLOCK: fresh.pk,
        audit.ACCOUNT_PASSWORD_RESET: fresh.pk,
        audit.ACCOUNT_ROLE_CHANGE: tutor.pk,
        audit.GUARDIANSHIP_CREATE: fresh.pk,
        audit.GUARDIANSHIP_REMOVE: fresh.pk,
        audit.ACCOUNT_DEACTIVATE: fresh.pk,
        audit.ACCOUNT_DELETE: fresh.pk,
    }
    for action, object_id in expected.items():
        entry = ModelLogEntry.objects.get(action=action)
        assert entry.object_id == str(object_id), action
        assert entry.user_id == admin_user.pk, action

    response = client.get(SITE_HISTORY)
    assert response.status_code == 200
    content = response.content.decode()
    for label in audit.ACTION_LABELS.values():
        assert str(label) in content, label
    assert "Changed role from Tutor to Manager" in content
    assert "Deleted account fresh@example.test" in content
    assert "Unknown" not in content

    filtered = client.get(SITE_HISTORY, {"action": audit.ACCOUNT_BLOCK}).content.decode()
    assert "Block account" in filtered
