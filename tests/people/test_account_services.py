"""Account services: creation, roles, block/unblock, passwords, deactivation, deletion and
family links, with the permission refusals of every role."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from people import audit
from people.models import (
    Classroom,
    ClassroomMembership,
    Guardianship,
    StudentProfile,
    TutorProfile,
    TutorStudent,
    User,
)
from people.roles import GROUP_MANAGERS, GROUP_MODERATORS, GROUP_TUTORS, Role
from people.services.accounts import (
    generate_password,
    guardians_assign,
    user_block,
    user_create,
    user_deactivate,
    user_delete,
    user_reset_password,
    user_set_role,
    user_unblock,
)
from tests import factories

ROLE_FIXTURES = ("student", "parent", "tutor", "manager", "admin_user")
STRONG = "Tr1cky-Ocelot-Pasture-88"


def _groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _sign_in(rf, email, password):
    """authenticate() the way the login form does (axes needs the request)."""
    return authenticate(rf.post("/accounts/login/"), username=email, password=password)


def _log_entries(action, obj_id):
    return ModelLogEntry.objects.filter(action=action, object_id=str(obj_id))


# --- user_create -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("creator", "allowed"),
    [
        ("admin_user", set(Role)),
        ("manager", {Role.STUDENT, Role.PARENT}),
        ("tutor", set()),
        ("parent", set()),
        ("student", set()),
    ],
)
def test_user_create_roles_per_creator(request, creator, allowed):
    by = request.getfixturevalue(creator)
    for role in Role:
        email = f"{creator}-made-{role.value}@example.test"
        if role in allowed:
            user = user_create(email=email, role=role, password=STRONG, by=by)
            assert user.role == role
            entry = _log_entries(audit.ACCOUNT_CREATE, user.pk).get()
            assert entry.user_id == by.pk and entry.data == {"role": role.value}
        else:
            with pytest.raises(PermissionDenied):
                user_create(email=email, role=role, password=STRONG, by=by)
            assert not User.objects.filter(email=email).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "groups", "profile_model", "superuser"),
    [
        (Role.STUDENT, set(), StudentProfile, False),
        (Role.PARENT, set(), None, False),
        (Role.TUTOR, {GROUP_TUTORS}, TutorProfile, False),
        (Role.MANAGER, {GROUP_MANAGERS}, None, False),
        (Role.ADMIN, {GROUP_MODERATORS}, None, True),
    ],
)
def test_user_create_makes_groups_and_profile(
    admin_user, rf, role, groups, profile_model, superuser
):
    user = user_create(
        email=" New.Person@Example.TEST ",
        role=role,
        password=STRONG,
        first_name=" Ada ",
        last_name="Lovelace",
        preferred_language="uk",
        by=admin_user,
    )
    user.refresh_from_db()
    assert user.email == "new.person@example.test"
    assert (user.first_name, user.last_name, user.preferred_language) == ("Ada", "Lovelace", "uk")
    # A tutor also gets the group of their own section of the page tree.
    section_group = {f"Tutor section #{user.pk}"} if role == Role.TUTOR else set()
    assert _groups(user) == groups | section_group
    assert user.is_superuser is superuser and user.is_staff is superuser
    assert StudentProfile.objects.filter(user=user).exists() is (profile_model is StudentProfile)
    assert TutorProfile.objects.filter(user=user).exists() is (profile_model is TutorProfile)
    assert _sign_in(rf, "new.person@example.test", STRONG) == user


@pytest.mark.django_db
def test_user_create_refuses_weak_password(admin_user):
    with pytest.raises(ValidationError):
        user_create(email="weak@example.test", role=Role.STUDENT, password="12345", by=admin_user)
    with pytest.raises(ValidationError):
        user_create(
            email="weak@example.test", role=Role.STUDENT, password="password", by=admin_user
        )
    assert not User.objects.filter(email="weak@example.test").exists()
    assert not ModelLogEntry.objects.filter(action=audit.ACCOUNT_CREATE).exists()


@pytest.mark.django_db
def test_user_create_refuses_duplicate_email_in_any_case(manager, student):
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="STUDENT@example.test", role=Role.STUDENT, password=STRONG, by=manager)
    assert "email" in excinfo.value.error_dict
    assert excinfo.value.error_dict["email"][0].code == "duplicate"
    assert User.objects.filter(email__iexact="student@example.test").count() == 1


@pytest.mark.django_db
def test_user_create_refuses_unknown_role_and_missing_email(admin_user):
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="x@example.test", role="wizard", password=STRONG, by=admin_user)
    assert "role" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="  ", role=Role.STUDENT, password=STRONG, by=admin_user)
    assert "email" in excinfo.value.error_dict
    assert User.objects.count() == 1  # the admin only


@pytest.mark.django_db
def test_generate_password_is_strong_and_random():
    passwords = {generate_password() for _ in range(20)}
    assert len(passwords) == 20
    for password in passwords:
        assert len(password) == 16
        assert any(c.isupper() for c in password) and any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)


# --- block / unblock -------------------------------------------------------------------------


@pytest.mark.django_db
def test_block_stops_sign_in_and_unblock_restores_it(manager, student, rf, client):
    user_block(user=student, by=manager)
    student.refresh_from_db()
    assert student.blocked_at is not None and not student.is_active
    assert _sign_in(rf, student.email, factories.DEFAULT_PASSWORD) is None
    assert not client.login(
        request=rf.post("/accounts/login/"),
        username=student.email,
        password=factories.DEFAULT_PASSWORD,
    )
    assert _log_entries(audit.ACCOUNT_BLOCK, student.pk).get().user_id == manager.pk

    # Blocking again is harmless and writes no second entry.
    user_block(user=student, by=manager)
    assert _log_entries(audit.ACCOUNT_BLOCK, student.pk).count() == 1

    user_unblock(user=student, by=manager)
    student.refresh_from_db()
    assert student.blocked_at is None and student.is_active
    assert _sign_in(rf, student.email, factories.DEFAULT_PASSWORD) == student
    assert _log_entries(audit.ACCOUNT_UNBLOCK, student.pk).get().user_id == manager.pk


@pytest.mark.django_db
def test_unblocking_a_deactivated_account_keeps_it_inactive(admin_user, student, rf):
    user_block(user=student, by=admin_user)
    user_deactivate(user=student, by=admin_user)
    user_unblock(user=student, by=admin_user)
    student.refresh_from_db()
    assert student.blocked_at is None and student.deactivated_at is not None
    assert not student.is_active
    assert _sign_in(rf, student.email, factories.DEFAULT_PASSWORD) is None


# --- reset password --------------------------------------------------------------------------


@pytest.mark.django_db
def test_reset_password_old_fails_new_works(manager, parent, rf):
    new_password = user_reset_password(user=parent, by=manager)
    assert new_password != factories.DEFAULT_PASSWORD
    assert _sign_in(rf, parent.email, factories.DEFAULT_PASSWORD) is None
    assert _sign_in(rf, parent.email, new_password) == parent
    entry = _log_entries(audit.ACCOUNT_PASSWORD_RESET, parent.pk).get()
    assert entry.user_id == manager.pk
    assert new_password not in str(entry.data)


# --- deactivate ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deactivate_is_a_soft_delete(admin_user, tutor, student, rf):
    user_deactivate(user=tutor, by=admin_user)
    tutor.refresh_from_db()
    assert tutor.deactivated_at is not None and not tutor.is_active
    assert _sign_in(rf, tutor.email, factories.DEFAULT_PASSWORD) is None
    # The data stays.
    assert TutorStudent.objects.filter(tutor=tutor, student=student).exists()
    assert TutorProfile.objects.filter(user=tutor).exists()
    assert _log_entries(audit.ACCOUNT_DEACTIVATE, tutor.pk).get().user_id == admin_user.pk


# --- delete ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delete_with_wrong_confirmation_changes_nothing(manager, student, parent):
    for wrong in ("", "someone@example.test", "student@example"):
        with pytest.raises(ValidationError) as excinfo:
            user_delete(user=student, by=manager, confirm_email=wrong)
        assert "confirm_email" in excinfo.value.error_dict
    assert User.objects.filter(pk=student.pk).exists()
    assert Guardianship.objects.filter(student=student).exists()
    assert not ModelLogEntry.objects.filter(action=audit.ACCOUNT_DELETE).exists()


@pytest.mark.django_db
def test_delete_cascades_and_is_audited(admin_user, student, parent, tutor):
    classroom = Classroom.objects.create(tutor=tutor, name="Evening group")
    ClassroomMembership.objects.create(classroom=classroom, student=student)
    pk = student.pk
    user_delete(user=student, by=admin_user, confirm_email=" STUDENT@example.test ")
    assert not User.objects.filter(pk=pk).exists()
    assert not StudentProfile.objects.filter(user_id=pk).exists()
    assert not Guardianship.objects.filter(student_id=pk).exists()
    assert not TutorStudent.objects.filter(student_id=pk).exists()
    assert not ClassroomMembership.objects.filter(student_id=pk).exists()
    # The others stay.
    assert User.objects.filter(pk__in=[parent.pk, tutor.pk]).count() == 2
    assert Classroom.objects.filter(pk=classroom.pk).exists()
    entry = _log_entries(audit.ACCOUNT_DELETE, pk).get()
    assert entry.user_id == admin_user.pk
    assert entry.data == {"email": "student@example.test", "role": Role.STUDENT.value}


# --- set_role --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_set_role_tutor_to_manager_moves_groups(admin_user, tutor):
    assert _groups(tutor) == {GROUP_TUTORS}
    user_set_role(user=tutor, role=Role.MANAGER, by=admin_user)
    tutor.refresh_from_db()
    assert tutor.role == Role.MANAGER
    assert _groups(tutor) == {GROUP_MANAGERS}
    assert not tutor.is_superuser
    entry = _log_entries(audit.ACCOUNT_ROLE_CHANGE, tutor.pk).get()
    assert entry.user_id == admin_user.pk
    assert entry.data == {"from": Role.TUTOR.value, "to": Role.MANAGER.value}


@pytest.mark.django_db
def test_set_role_to_admin_makes_superuser_and_demotion_removes_it(admin_user, manager):
    user_set_role(user=manager, role=Role.ADMIN, by=admin_user)
    manager.refresh_from_db()
    assert manager.is_superuser and manager.is_staff
    assert _groups(manager) == {GROUP_MODERATORS}

    other_admin = factories.AdminFactory()
    user_set_role(user=other_admin, role=Role.STUDENT, by=admin_user)
    other_admin.refresh_from_db()
    assert other_admin.role == Role.STUDENT
    assert not other_admin.is_superuser and not other_admin.is_staff
    assert _groups(other_admin) == set()
    assert StudentProfile.objects.filter(user=other_admin).exists()
    assert not other_admin.has_perm("wagtailadmin.access_admin")


@pytest.mark.django_db
def test_set_role_to_the_same_role_is_a_no_op(admin_user, tutor):
    user_set_role(user=tutor, role=Role.TUTOR, by=admin_user)
    assert not ModelLogEntry.objects.filter(action=audit.ACCOUNT_ROLE_CHANGE).exists()


@pytest.mark.django_db
def test_set_role_rejects_unknown_role(admin_user, tutor):
    with pytest.raises(ValidationError):
        user_set_role(user=tutor, role="overlord", by=admin_user)
    tutor.refresh_from_db()
    assert tutor.role == Role.TUTOR


@pytest.mark.django_db
@pytest.mark.parametrize("who", ROLE_FIXTURES)
def test_nobody_changes_their_own_role(request, who):
    user = request.getfixturevalue(who)
    before = (user.role, user.is_superuser, _groups(user))
    for role in Role:
        with pytest.raises(PermissionDenied):
            user_set_role(user=user, role=role, by=user)
    user.refresh_from_db()
    assert (user.role, user.is_superuser, _groups(user)) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["student", "parent", "tutor", "manager"])
def test_only_admins_change_roles(request, who, other_student):
    by = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        user_set_role(user=other_student, role=Role.TUTOR, by=by)
    other_student.refresh_from_db()
    assert other_student.role == Role.STUDENT


# --- guardians_assign ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("by_fixture", ["manager", "admin_user"])
def test_guardians_assign_links_many_and_is_idempotent(request, by_fixture, parent, student):
    by = request.getfixturevalue(by_fixture)
    others = factories.StudentFactory.create_batch(3)
    created = guardians_assign(parent=parent, students=[student, *others, others[0]], by=by)
    # `student` was already the parent's child; the duplicate in the list counts once.
    assert sorted(g.student_id for g in created) == sorted(s.pk for s in others)
    assert Guardianship.objects.filter(parent=parent).count() == 4
    assert all(g.created_by_id == by.pk for g in created)

    again = guardians_assign(parent=parent, students=[student, *others], by=by)
    assert again == []
    assert Guardianship.objects.filter(parent=parent).count() == 4
    assert ModelLogEntry.objects.filter(action=audit.GUARDIANSHIP_CREATE).count() == 3
    entry = _log_entries(audit.GUARDIANSHIP_CREATE, others[1].pk).get()
    assert entry.user_id == by.pk and entry.data["parent_id"] == parent.pk


@pytest.mark.django_db
def test_guardians_assign_checks_roles(manager, parent, student, tutor, other_parent):
    with pytest.raises(ValidationError):
        guardians_assign(parent=tutor, students=[student], by=manager)
    with pytest.raises(ValidationError):
        guardians_assign(parent=parent, students=[student, other_parent], by=manager)
    with pytest.raises(ValidationError):
        guardians_assign(parent=parent, students=[], by=manager)
    assert Guardianship.objects.filter(parent=parent).count() == 1  # the fixture's link
    assert not Guardianship.objects.filter(parent=tutor).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["student", "parent", "tutor"])
def test_guardians_assign_refused_to_non_staff(request, who, other_parent, other_student):
    by = request.getfixturevalue(who)
    newcomer = factories.StudentFactory()
    with pytest.raises(PermissionDenied):
        guardians_assign(parent=other_parent, students=[newcomer], by=by)
    assert not Guardianship.objects.filter(student=newcomer).exists()


# --- permission refusals: every action, every role ------------------------------------------

ACTIONS = {
    "block": lambda target, by: user_block(user=target, by=by),
    "unblock": lambda target, by: user_unblock(user=target, by=by),
    "reset_password": lambda target, by: user_reset_password(user=target, by=by),
    "deactivate": lambda target, by: user_deactivate(user=target, by=by),
    "delete": lambda target, by: user_delete(user=target, by=by, confirm_email=target.email),
    "set_role": lambda target, by: user_set_role(user=target, role=Role.PARENT, by=by),
}

# (actor, target) pairs that must be refused for every action.
REFUSED = [
    ("student", "other_student"),
    ("student", "student"),
    ("parent", "student"),
    ("parent", "other_parent"),
    ("tutor", "student"),
    ("tutor", "other_tutor"),
    ("manager", "tutor"),
    ("manager", "admin_user"),
    ("manager", "manager"),
    ("admin_user", "admin_user"),
]


def _snapshot(user):
    user.refresh_from_db()
    return (
        user.role,
        user.is_active,
        user.blocked_at,
        user.deactivated_at,
        user.password,
        user.is_superuser,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize(("actor", "target"), REFUSED)
def test_refusals(request, action, actor, target):
    by = request.getfixturevalue(actor)
    victim = request.getfixturevalue(target)
    if action == "unblock":
        # Make the unblock meaningful: the target is blocked by someone allowed to.
        victim.blocked_at = victim.date_joined
        victim.is_active = False
        victim.save(update_fields=["blocked_at", "is_active"])
        by.refresh_from_db()
    before = _snapshot(victim)
    with pytest.raises(PermissionDenied):
        ACTIONS[action](victim, by)
    assert User.objects.filter(pk=victim.pk).exists()
    assert _snapshot(victim) == before
    assert (
        not ModelLogEntry.objects.filter(object_id=str(victim.pk))
        .exclude(action=audit.ACCOUNT_CREATE)
        .exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["block", "reset_password", "deactivate", "delete"])
def test_managers_administer_students_and_parents(action, manager, student, other_parent):
    for target in (student, other_parent):
        ACTIONS[action](target, manager)


@pytest.mark.django_db
def test_admins_administer_staff_accounts(admin_user, tutor, manager):
    other_admin = factories.AdminFactory()
    for target in (tutor, manager, other_admin):
        user_block(user=target, by=admin_user)
        target.refresh_from_db()
        assert target.blocked_at is not None


@pytest.mark.django_db
def test_a_blocked_manager_can_no_longer_act(admin_user, manager, student):
    user_block(user=manager, by=admin_user)
    manager.refresh_from_db()
    with pytest.raises(PermissionDenied):
        user_block(user=student, by=manager)
    with pytest.raises(PermissionDenied):
        guardians_assign(parent=factories.ParentFactory(), students=[student], by=manager)
