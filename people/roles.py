"""The five roles of Tutorflow. No other module spells a role as a string literal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    PARENT = "parent", _("Parent")
    TUTOR = "tutor", _("Tutor")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")


#: Roles a visitor may choose when signing up; staff roles are only ever given by an admin.
SELF_SIGNUP_ROLES = (Role.STUDENT, Role.PARENT, Role.TUTOR)

#: Roles that may open the Wagtail admin.
ADMIN_AREA_ROLES = frozenset({Role.TUTOR, Role.MANAGER, Role.ADMIN})

#: Roles whose accounts a manager may administer (create, block, reset, delete).
MANAGER_ADMINISTERED_ROLES = frozenset({Role.STUDENT, Role.PARENT})

#: The Wagtail group each staff role belongs to. Created by people's data migration.
GROUP_TUTORS = "Tutors"
GROUP_MANAGERS = "Managers"
GROUP_MODERATORS = "Moderators"
ROLE_GROUPS = {
    Role.TUTOR: (GROUP_TUTORS,),
    Role.MANAGER: (GROUP_MANAGERS,),
    Role.ADMIN: (GROUP_MODERATORS,),
}
