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
from ..permissions import can_answer_family_invitation, can_link_guardians
from ..roles import Role


def family_invitation_send(*, parent: User, email: str) -> GuardianshipInvitation | None:
    """A parent asks the child who uses this e-mail to confirm them as a guardian.

    The invitation is stored for any well-formed e-mail, so that the parent sees the same
    thing whether or not a student account uses it (no account enumeration). When a
    student has that e-mail the invitation is addressed to them and they are notified;
    otherwise it waits, and `family_invitations_attach` hands it over if a student signs
    up with that e-mail later. A pending invitation to the same e-mail is not duplicated;
    None is returned when the parent is already linked to that student.
    """
    if not (parent.is_authenticated and parent.is_active and parent.role == Role.PARENT):
        raise PermissionDenied(_("Only parents send family invitations."))
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": _("Enter your child's e-mail address.")})
    if email == parent.email.lower():
        raise ValidationError({"email": _("Enter your child's e-mail address, not your own.")})
    student = User.objects.filter(email__iexact=email, role=Role.STUDENT, is_active=True).first()
    if student is not None and Guardianship.objects.filter(parent=parent, student=student).exists():
        return None
    pending = GuardianshipInvitation.objects.filter(
        parent=parent, email=email, status=GuardianshipInvitation.Status.PENDING
    )
    existing = pending.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            invitation = GuardianshipInvitation(parent=parent, email=email, student=student)
            invitation.full_clean(validate_constraints=False)
            invitation.save()
            if student is not None:
                _notify_invited_child(invitation)
    except IntegrityError:
        return pending.first()
    return invitation


def _notify_invited_child(invitation: GuardianshipInvitation) -> None:
    parent_name = invitation.parent.display_name
    notify(
        recipient=invitation.student,
        kind=Notification.Kind.FAMILY_INVITATION,
        text=lambda: (
            _("%(parent)s asked to be linked to you as your parent.") % {"parent": parent_name}
        ),
        link=reverse("people:family"),
    )


@transaction.atomic
def family_invitations_attach(*, student: User) -> int:
    """Address pending invitations sent to a new student's e-mail to that student.

    Called when a student account is created; returns how many invitations it received.
    """
    if student.role != Role.STUDENT:
        return 0
    invitations = list(
        GuardianshipInvitation.objects.select_related("parent").filter(
            email__iexact=student.email,
            student__isnull=True,
            status=GuardianshipInvitation.Status.PENDING,
        )
    )
    for invitation in invitations:
        invitation.student = student
        invitation.save(update_fields=["student"])
        _notify_invited_child(invitation)
    return len(invitations)


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
    if not can_answer_family_invitation(by, invitation):
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
