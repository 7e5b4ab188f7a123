"""Enrolment services and views: who may enrol whom, idempotency, classrooms, cancelling."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from courses.models import CourseEnrollment
from courses.services.enrollment import (
    enrollment_cancel,
    enrollment_create,
    enrollment_create_for_classroom,
    enrollment_pause,
    enrollment_resume,
)
from courses.services.sections import tutor_section_ensure
from people.models import TutorStudent
from tests import factories
from tests.courses.factories import CoursePageFactory, LessonPageFactory

Status = CourseEnrollment.Status
Source = CourseEnrollment.Source


@pytest.fixture
def course(tutor):
    section = tutor_section_ensure(tutor=tutor)
    course = CoursePageFactory(parent=section, self_enroll=True)
    LessonPageFactory(parent=course)
    return course


@pytest.fixture
def closed_course(tutor):
    return CoursePageFactory(parent=tutor_section_ensure(tutor=tutor), self_enroll=False)


@pytest.fixture
def others_course(other_tutor):
    return CoursePageFactory(parent=tutor_section_ensure(tutor=other_tutor), self_enroll=True)


# --- services ---------------------------------------------------------------------------


def test_student_self_enrolls_once(course, other_student):
    first = enrollment_create(student=other_student, course=course, by=other_student)
    second = enrollment_create(student=other_student, course=course, by=other_student)
    assert first.pk == second.pk
    assert first.source == Source.SELF and first.status == Status.ACTIVE
    assert first.course_translation_key == course.translation_key
    assert first.tutor_id == course.get_parent().specific.tutor_id
    assert CourseEnrollment.objects.count() == 1


def test_student_cannot_self_enroll_where_closed(closed_course, other_student):
    with pytest.raises(PermissionDenied):
        enrollment_create(student=other_student, course=closed_course, by=other_student)
    assert not CourseEnrollment.objects.exists()


def test_student_cannot_enrol_someone_else(course, student, other_student):
    with pytest.raises(PermissionDenied):
        enrollment_create(student=other_student, course=course, by=student)


def test_unpublished_course_refuses(course, other_student, manager):
    course.unpublish()
    course.refresh_from_db()
    for by in (other_student, manager):
        with pytest.raises(ValidationError):
            enrollment_create(student=other_student, course=course, by=by)
    assert not CourseEnrollment.objects.exists()


def test_tutor_enrols_linked_student_in_own_course(course, tutor, student):
    enrollment = enrollment_create(student=student, course=course, by=tutor)
    assert enrollment.source == Source.TUTOR


def test_tutor_cannot_enrol_unlinked_student(course, tutor, other_student):
    with pytest.raises(ValidationError):
        enrollment_create(student=other_student, course=course, by=tutor)
    ended = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=ended, status=TutorStudent.Status.ENDED)
    with pytest.raises(ValidationError):
        enrollment_create(student=ended, course=course, by=tutor)
    assert not CourseEnrollment.objects.exists()


def test_tutor_cannot_enrol_into_another_tutors_course(others_course, tutor, student):
    with pytest.raises(PermissionDenied):
        enrollment_create(student=student, course=others_course, by=tutor)


def test_parent_cannot_enrol(course, parent, student):
    with pytest.raises(PermissionDenied):
        enrollment_create(student=student, course=course, by=parent)


def test_manager_and_admin_enrol_anyone(closed_course, manager, admin_user, other_student):
    enrollment = enrollment_create(student=other_student, course=closed_course, by=manager)
    assert enrollment.source == Source.MANAGER
    again = enrollment_create(student=other_student, course=closed_course, by=admin_user)
    assert again.pk == enrollment.pk


def test_only_students_can_be_enrolled(course, manager, parent):
    with pytest.raises(ValidationError):
        enrollment_create(student=parent, course=course, by=manager)


def test_source_must_match_the_actor(course, tutor, student):
    with pytest.raises(ValidationError):
        enrollment_create(student=student, course=course, by=tutor, source=Source.MANAGER)
    assert enrollment_create(student=student, course=course, by=tutor, source=Source.TUTOR)


def test_cancelled_enrolment_is_reactivated_not_duplicated(course, other_student):
    enrollment = enrollment_create(student=other_student, course=course, by=other_student)
    enrollment_cancel(enrollment=enrollment, by=other_student)
    again = enrollment_create(student=other_student, course=course, by=other_student)
    assert again.pk == enrollment.pk and again.status == Status.ACTIVE


def test_paused_enrolment_is_returned_unchanged(course, tutor, student):
    enrollment = enrollment_create(student=student, course=course, by=tutor)
    enrollment_pause(enrollment=enrollment, by=tutor)
    again = enrollment_create(student=student, course=course, by=tutor)
    assert again.status == Status.PAUSED
    enrollment_resume(enrollment=again, by=tutor)
    assert CourseEnrollment.objects.get().status == Status.ACTIVE


def test_pause_and_cancel_conflicts(course, tutor, student, other_tutor):
    enrollment = enrollment_create(student=student, course=course, by=tutor)
    with pytest.raises(PermissionDenied):
        enrollment_pause(enrollment=enrollment, by=other_tutor)
    with pytest.raises(PermissionDenied):
        enrollment_pause(enrollment=enrollment, by=student)
    enrollment_cancel(enrollment=enrollment, by=student)
    with pytest.raises(ValidationError) as info:
        enrollment_cancel(enrollment=enrollment, by=tutor)
    assert info.value.code == "conflict"


def test_classroom_enrolment_all_or_nothing(course, tutor, student):
    classroom = factories.ClassroomFactory(tutor=tutor)
    second = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=second)
    for member in (student, second):
        factories.ClassroomMembershipFactory(classroom=classroom, student=member)
    enrolled = enrollment_create_for_classroom(classroom=classroom, course=course, by=tutor)
    assert {e.student_id for e in enrolled} == {student.pk, second.pk}
    # idempotent
    enrollment_create_for_classroom(classroom=classroom, course=course, by=tutor)
    assert CourseEnrollment.objects.count() == 2
    # a member whose link has ended spoils the batch: nothing is written
    third = factories.StudentFactory()
    factories.TutorStudentFactory(tutor=tutor, student=third, status=TutorStudent.Status.ENDED)
    factories.ClassroomMembershipFactory(classroom=classroom, student=third)
    with pytest.raises(ValidationError):
        enrollment_create_for_classroom(classroom=classroom, course=course, by=tutor)
    assert CourseEnrollment.objects.count() == 2


def test_classroom_of_another_tutor_is_refused(course, tutor, other_tutor):
    classroom = factories.ClassroomFactory(tutor=other_tutor)
    with pytest.raises(PermissionDenied):
        enrollment_create_for_classroom(classroom=classroom, course=course, by=tutor)
    with pytest.raises(PermissionDenied):
        enrollment_create_for_classroom(classroom=classroom, course=course, by=other_tutor)


# --- views ------------------------------------------------------------------------------


def test_self_enroll_view(client_for, course, other_student):
    url = reverse("courses:enroll", args=[course.pk])
    client = client_for(other_student)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == course.url
    assert CourseEnrollment.objects.filter(student=other_student).count() == 1
    assert client.post(url).status_code == 302  # idempotent
    assert CourseEnrollment.objects.filter(student=other_student).count() == 1


def test_self_enroll_view_refuses_closed_course(client_for, closed_course, other_student):
    response = client_for(other_student).post(reverse("courses:enroll", args=[closed_course.pk]))
    assert response.status_code == 403
    assert not CourseEnrollment.objects.exists()


def test_self_enroll_view_other_roles_and_anonymous(client, client_for, course, tutor):
    url = reverse("courses:enroll", args=[course.pk])
    assert client.post(url)["Location"].startswith(reverse("people:login"))
    assert client_for(tutor).post(url).status_code == 403


def test_enroll_students_view(client_for, course, tutor, student, other_student):
    url = reverse("courses:enroll_students", args=[course.pk])
    client = client_for(tutor)
    bad = client.post(url, {"students": [other_student.pk]})  # not linked: not a choice
    assert bad.status_code == 400
    assert not CourseEnrollment.objects.exists()
    assert client.post(url, {"students": []}).status_code == 400
    response = client.post(url, {"students": [student.pk]})
    assert response.status_code == 302
    assert CourseEnrollment.objects.get().student == student


def test_enroll_students_view_is_404_for_other_tutor(client_for, course, other_tutor, student):
    url = reverse("courses:enroll_students", args=[course.pk])
    response = client_for(other_tutor).post(url, {"students": [student.pk]})
    assert response.status_code == 404
    assert not CourseEnrollment.objects.exists()


def test_enroll_classroom_view(client_for, course, tutor, student, other_tutor):
    classroom = factories.ClassroomFactory(tutor=tutor)
    factories.ClassroomMembershipFactory(classroom=classroom, student=student)
    url = reverse("courses:enroll_classroom", args=[course.pk])
    foreign = factories.ClassroomFactory(tutor=other_tutor)
    assert client_for(tutor).post(url, {"classroom": foreign.pk}).status_code == 400
    response = client_for(tutor).post(url, {"classroom": classroom.pk})
    assert response.status_code == 302
    assert CourseEnrollment.objects.get().student == student


def test_cancel_view(client_for, course, tutor, student, parent, other_tutor):
    enrollment = enrollment_create(student=student, course=course, by=tutor)
    url = reverse("courses:enrollment_cancel", args=[enrollment.pk])
    assert client_for(other_tutor).post(url).status_code == 404
    assert client_for(parent).post(url).status_code == 403
    assert client_for(student).post(url).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Status.CANCELLED
    assert client_for(tutor).post(url).status_code == 409


def test_course_page_shows_the_tutor_the_enrolment_tools(client_for, course, tutor, student):
    enrollment_create(student=student, course=course, by=tutor)
    waiting = factories.StudentFactory(first_name="Waiting", last_name="Pupil")
    factories.TutorStudentFactory(tutor=tutor, student=waiting)
    factories.ClassroomFactory(tutor=tutor, name="Year 7")
    content = client_for(tutor).get(course.url).content.decode()
    assert "Waiting Pupil" in content and "Year 7" in content
    assert reverse("courses:enroll_students", args=[course.pk]) in content
    assert reverse("courses:enroll_classroom", args=[course.pk]) in content
    assert student.get_full_name() in content


def test_course_page_hides_the_tools_from_others(client_for, course, tutor, other_tutor, student):
    enrollment_create(student=student, course=course, by=tutor)
    content = client_for(other_tutor).get(course.url).content.decode()
    assert reverse("courses:enroll_students", args=[course.pk]) not in content
    assert student.get_full_name() not in content


def test_progress_page_for_parent_is_read_only(client_for, course, tutor, student, parent):
    enrollment_create(student=student, course=course, by=tutor)
    response = client_for(parent).get(reverse("courses:progress"))
    assert response.status_code == 200
    content = response.content.decode()
    assert course.title in content and student.get_full_name() in content
    assert "0% (0 of 1)" in content
    assert course.url not in content  # no link into the content for parents


def test_progress_page_for_other_parent_is_empty(client_for, course, tutor, student, other_parent):
    enrollment_create(student=student, course=course, by=tutor)
    content = client_for(other_parent).get(reverse("courses:progress")).content.decode()
    assert course.title not in content
