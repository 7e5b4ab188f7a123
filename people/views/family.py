"""Family pages: a parent invites their child, the child confirms or declines.

Parents and students only; staff link parents to students in the staff tools. Reads go
through people.selectors and people.permissions, writes through people.services.family.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from ..forms.family import FamilyInviteForm
from ..models import GuardianshipInvitation
from ..permissions import get_family_invitation_for
from ..roles import Role
from ..selectors import (
    children_of,
    guardians_of,
    pending_family_invitations_for,
    sent_family_invitations,
)
from ..services.family import (
    family_invitation_answer,
    family_invitation_cancel,
    family_invitation_send,
)
from .mixins import RoleRequiredMixin, is_conflict, service_call

INVITATIONS_PER_PAGE = 20
FAMILY_ROLES = (Role.PARENT, Role.STUDENT)

#: Shown after every well-formed invitation, whether or not a student uses the e-mail,
#: so that the page cannot be used to find out who has an account.
INVITATION_CONFIRMATION = _("If a student account uses this e-mail, they will see your invitation.")


def render_family(request, *, invite_form=None, status=200):
    """The family page of a parent or a student.

    A parent sees their children, the invitations they sent (paginated) and the invite
    form; a student sees the invitations waiting for an answer (paginated) and their
    guardians. Used again by the POST views to show a form error or a conflict.
    """
    user = request.user
    page_number = request.GET.get("page")
    context = {
        "is_parent": user.role == Role.PARENT,
        "pending_status": GuardianshipInvitation.Status.PENDING,
    }
    if user.role == Role.PARENT:
        invitations = sent_family_invitations(user).order_by("-created_at", "-pk")
        page = Paginator(invitations, INVITATIONS_PER_PAGE).get_page(page_number)
        context.update(
            children=children_of(user),
            page_obj=page,
            invitations=page.object_list,
            invite_form=invite_form or FamilyInviteForm(),
        )
    else:
        invitations = pending_family_invitations_for(user).order_by("-created_at", "-pk")
        page = Paginator(invitations, INVITATIONS_PER_PAGE).get_page(page_number)
        context.update(
            page_obj=page,
            invitations=page.object_list,
            guardians=guardians_of(user).order_by(
                "parent__last_name", "parent__first_name", "parent__pk"
            ),
        )
    return render(request, "people/family.html", context, status=status)


class FamilyView(RoleRequiredMixin, View):
    """/family/: a parent's children and invitations, or a student's guardians and invitations.

    Tutors, managers and admins get 403: staff link families in the staff tools.
    """

    allowed_roles = FAMILY_ROLES

    def get(self, request, *args, **kwargs):
        return render_family(request)


class FamilyInviteView(RoleRequiredMixin, View):
    """POST /family/invite/: a parent asks a child (by e-mail) to confirm them.

    The answer is the same redirect and confirmation whether or not the e-mail belongs to
    a student, so that accounts cannot be enumerated; a malformed e-mail is a form error.
    """

    allowed_roles = (Role.PARENT,)

    def post(self, request, *args, **kwargs):
        form = FamilyInviteForm(request.POST)
        if not form.is_valid():
            return render_family(request, invite_form=form, status=400)
        try:
            with service_call(request, form):
                family_invitation_send(parent=request.user, email=form.cleaned_data["email"])
        except ValidationError:
            return render_family(request, invite_form=form, status=400)
        messages.success(request, INVITATION_CONFIRMATION)
        return redirect("people:family")


class _InvitationActionView(RoleRequiredMixin, View):
    """POST on one invitation fetched with get_family_invitation_for (404 when not yours).

    The service decides who may act (PermissionDenied → 403); an invitation that is no
    longer pending shows the family page again with the message and status 409.
    """

    allowed_roles = FAMILY_ROLES
    success_message = ""

    def act(self, invitation, user):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        invitation = get_family_invitation_for(request.user, kwargs["pk"])
        try:
            with service_call(request):
                self.act(invitation, request.user)
        except ValidationError as error:
            return render_family(request, status=409 if is_conflict(error) else 400)
        messages.success(request, self.success_message)
        return redirect("people:family")


class InvitationAcceptView(_InvitationActionView):
    """POST /family/invitations/<id>/accept/: the invited child confirms the parent.

    Creates the guardianship and notifies the parent. Only the invited student may do it.
    """

    success_message = _("You confirmed your parent. They can now follow your progress.")

    def act(self, invitation, user):
        family_invitation_answer(invitation=invitation, by=user, accept=True)


class InvitationDeclineView(_InvitationActionView):
    """POST /family/invitations/<id>/decline/: the invited child declines the invitation."""

    success_message = _("Invitation declined.")

    def act(self, invitation, user):
        family_invitation_answer(invitation=invitation, by=user, accept=False)


class InvitationCancelView(_InvitationActionView):
    """POST /family/invitations/<id>/cancel/: the parent withdraws a pending invitation."""

    success_message = _("Invitation cancelled.")

    def act(self, invitation, user):
        family_invitation_cancel(invitation=invitation, by=user)
