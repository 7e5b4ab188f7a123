"""The landing page after sign-in: one page per role, built from selectors.

Every list on a dashboard is a short head (the first few rows, with a link to the full
page), so that a dashboard runs the same number of queries for ten students as for ten
thousand.
"""

from __future__ import annotations

from django.views.generic import TemplateView

from ..dashboard import head, panels_for
from ..models import GuardianshipInvitation
from ..roles import Role
from ..selectors import (
    active_links_for,
    children_with_tutors,
    classrooms_for,
    incoming_requests,
    pending_family_invitations_for,
    pending_requests_for,
    school_counts,
    sent_family_invitations,
    tutor_students,
)
from .mixins import RoleRequiredMixin


class DashboardView(RoleRequiredMixin, TemplateView):
    """What a signed-in user sees first; the template and its data depend on the role.

    Student: tutors, pending requests, classrooms, family invitations to answer.
    Parent: children with their tutors, invitations still waiting for an answer.
    Tutor: incoming requests (count and oldest first), student and classroom counts,
    classrooms, and the way into the Wagtail admin. Manager and admin: head counts of the
    school, the oldest pending requests, and links to the staff tools.
    """

    def get_template_names(self):
        return [f"people/dashboard/{self.request.user.role}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        builders = {
            Role.STUDENT: self.student_context,
            Role.PARENT: self.parent_context,
            Role.TUTOR: self.tutor_context,
            Role.MANAGER: self.staff_context,
            Role.ADMIN: self.staff_context,
        }
        context.update(builders[Role(user.role)](user))
        context["panels"] = panels_for(user)
        return context

    @staticmethod
    def student_context(user) -> dict:
        return {
            "tutors": head(active_links_for(user)),
            "pending": head(pending_requests_for(user)),
            "classrooms": head(classrooms_for(user)),
            "invitations": head(pending_family_invitations_for(user).order_by("-created_at")),
        }

    @staticmethod
    def parent_context(user) -> dict:
        return {
            "children": head(children_with_tutors(user)),
            "invitations": head(
                sent_family_invitations(user)
                .filter(status=GuardianshipInvitation.Status.PENDING)
                .order_by("-created_at")
            ),
        }

    @staticmethod
    def tutor_context(user) -> dict:
        requests = incoming_requests(user)
        return {
            "request_count": requests.count(),
            "requests": head(requests),
            "student_count": tutor_students(user).count(),
            "classrooms": head(classrooms_for(user)),
        }

    @staticmethod
    def staff_context(user) -> dict:
        return {
            "counts": school_counts(),
            "pending": head(pending_requests_for(user)),
        }
