"""The school's default rules: set by managers and admins, used by tutors without their own."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from scheduling.models import SchedulePolicy
from scheduling.services.availability import schedule_policy_update, school_policy_update

URL = reverse("scheduling:school_policy")
FORM = {
    "cancel_notice_hours": "48",
    "cancel_cutoff_hours": "2",
    "late_cancel_chargeable": "on",
    "no_show_chargeable": "on",
    "booking_notice_hours": "12",
    "booking_horizon_days": "21",
}


def test_manager_sets_the_default_that_tutors_without_rules_use(client_for, manager, tutor):
    response = client_for(manager).post(URL, FORM)
    assert response.status_code == 302
    policy = SchedulePolicy.for_tutor(tutor)
    assert policy.tutor_id is None
    assert (policy.cancel_notice_hours, policy.cancel_cutoff_hours) == (48, 2)
    assert (policy.booking_notice_hours, policy.booking_horizon_days) == (12, 21)


def test_a_tutors_own_rules_still_win(manager, tutor):
    schedule_policy_update(by=tutor, tutor=tutor, cancel_notice_hours=6)
    school_policy_update(by=manager, cancel_notice_hours=72)
    assert SchedulePolicy.for_tutor(tutor).cancel_notice_hours == 6


def test_bad_rules_are_refused_and_nothing_changes(client_for, admin_user):
    before = list(SchedulePolicy.objects.filter(tutor__isnull=True).values())
    response = client_for(admin_user).post(URL, {**FORM, "cancel_cutoff_hours": "99"})
    assert response.status_code == 400
    assert "cannot be longer than the cancellation notice" in response.text
    assert list(SchedulePolicy.objects.filter(tutor__isnull=True).values()) == before
    with pytest.raises(ValidationError):
        school_policy_update(by=admin_user, booking_horizon_days=0)


@pytest.mark.parametrize("fixture", ["tutor", "student", "parent"])
def test_only_staff_set_the_school_rules(request, client_for, fixture):
    user = request.getfixturevalue(fixture)
    assert client_for(user).post(URL, FORM).status_code == 403
    with pytest.raises(PermissionDenied):
        school_policy_update(by=user, cancel_notice_hours=1)
