"""Families: a parent invites a child, the child approves; staff may link directly."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from messaging.models import Notification
from messaging.services import notify

from .. import audit
from ..models import Guardianship, GuardianshipInvitation, User
from ..permissions import can_link_guardians
from ..roles import Role


def family_invitation_send(*, parent: User, email: str) -> GuardianshipInvitation | None:
    """A parent asks the student with this e-mail to confirm them as a guardian.

    To avoid telling a stranger which e-mails have accounts, an unknown e-mail (or one that
    is not a student's) is not an error: nothing is stored and None is returned; the view
    shows the same message either way. A pending invitation is not duplicated.
    """
    if not (parent.is_authenticated and parent.is_active and parent.role == Role.PARENT):
        raise PermissionDenied(_("Only parents send family invitations."))
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter your child's e-mail address.")})
    student = User.objects.filter(email__iexact=email, role=Role.STUDENT, is_active=True).first()
    if student is None:
        return None
    if Guardianship.objects.filter(parent=parent, student=student).exists():
        return None
    existing = GuardianshipInvitation.objects.filter(
        parent=parent, student=student, status=GuardianshipInvitation.Status.PENDING
    ).first()
    if existing is not None:
        return existing
    parent_name = parent.display_name
    try:
        with transaction.atomic():
            invitation = GuardianshipInvitation.objects.create(parent=parent, student=student)
            notify(
                recipient=student,
                kind=Notification.Kind.FAMILY_INVITATION,
                text=lambda: (
                    _("%(parent)s asked to be linked to you as your parent.")
                    % {"parent": parent_name}
                ),
                link=reverse("people:family"),
            )
    except IntegrityError:
        return GuardianshipInvitation.objects.filter(
            parent=parent, student=student, status=GuardianshipInvitation.Status.PENDING
        ).first()
    return invitation


@transaction.atomic
def family_invitation_answer(
    *, invitation: GuardianshipInvitation, by: User, accept: bool
) -> GuardianshipInvitation:
    """The invited child accepts (a guardianship is created) or declines an invitation.

    Only the invited student may answer (PermissionDenied otherwise, also for the parent
    who sent it). An invitation that is no longer pending (answered, or cancelled by the
    parent) raises ValidationError(code="conflict") and changes nothing. On acceptance the
    parent is notified; accepting is idempotent towards an existing guardianship.
    """
    if not _is_invited_child(by, invitation):
        raise PermissionDenied(_("Only the invited student can answer this invitation."))
    locked = GuardianshipInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != GuardianshipInvitation.Status.PENDING:
        raise ValidationError(_("This invitation has already been answered."), code="conflict")
    locked.status = (
        GuardianshipInvitation.Status.ACCEPTED if accept else GuardianshipInvitation.Status.DECLINED
    )
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    if accept:
        Guardianship.objects.get_or_create(
            parent_id=locked.parent_id, student=by, defaults={"created_by": by}
        )
        student_name = by.display_name
        notify(
            recipient=locked.parent,
            kind=Notification.Kind.FAMILY_LINKED,
            text=lambda: (
                _("%(student)s confirmed you as their parent.") % {"student": student_name}
            ),
            link=reverse("people:family"),
        )
    return locked


def _is_invited_child(user: User, invitation: GuardianshipInvitation) -> bool:
    """Whether `user` is the active student the invitation is addressed to.

    Unlike permissions.can_answer_family_invitation this ignores the status, so that a
    second answer is reported as a conflict (409) rather than as forbidden (403).
    """
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.STUDENT
        and invitation.student_id == user.pk
    )


@transaction.atomic
def family_invitation_cancel(*, invitation: GuardianshipInvitation, by: User) -> None:
    """The parent withdraws an invitation the child has not answered yet.

    Only the parent who sent it may cancel (PermissionDenied otherwise); an invitation
    that is no longer pending raises ValidationError(code="conflict") and stays as it is.
    """
    if not (by.is_authenticated and by.is_active and invitation.parent_id == by.pk):
        raise PermissionDenied(_("Only the parent who sent it can cancel this invitation."))
    updated = GuardianshipInvitation.objects.filter(
        pk=invitation.pk, status=GuardianshipInvitation.Status.PENDING
    ).update(status=GuardianshipInvitation.Status.CANCELLED, responded_at=timezone.now())
    if not updated:
        raise ValidationError(_("This invitation has already been answered."), code="conflict")


@transaction.atomic
def guardianship_remove(*, guardianship: Guardianship, by: User) -> None:
    """Staff unlink a parent from a student; audited."""
    if not can_link_guardians(by):
        raise PermissionDenied(_("Only managers and admins unlink parents."))
    log(
        instance=guardianship.student,
        action=audit.GUARDIANSHIP_REMOVE,
        user=by,
        data={"parent_id": guardianship.parent_id},
    )
    guardianship.delete()
