"""Audit actions for people, written through Wagtail's audit log (ModelLogEntry).

Each staff action on an account calls `wagtail.log_actions.log` with one of these
action names; wagtail_hooks registers their labels so the admin's reports show them.
"""

from django.utils.translation import gettext_lazy as _

ACCOUNT_CREATE = "people.account.create"
ACCOUNT_BLOCK = "people.account.block"
ACCOUNT_UNBLOCK = "people.account.unblock"
ACCOUNT_PASSWORD_RESET = "people.account.password_reset"
ACCOUNT_DEACTIVATE = "people.account.deactivate"
ACCOUNT_DELETE = "people.account.delete"
ACCOUNT_ROLE_CHANGE = "people.account.role_change"
GUARDIANSHIP_CREATE = "people.guardianship.create"
GUARDIANSHIP_REMOVE = "people.guardianship.remove"

ACTION_LABELS = {
    ACCOUNT_CREATE: _("Create account"),
    ACCOUNT_BLOCK: _("Block account"),
    ACCOUNT_UNBLOCK: _("Unblock account"),
    ACCOUNT_PASSWORD_RESET: _("Reset password"),
    ACCOUNT_DEACTIVATE: _("Deactivate account"),
    ACCOUNT_DELETE: _("Delete account"),
    ACCOUNT_ROLE_CHANGE: _("Change role"),
    GUARDIANSHIP_CREATE: _("Link parent to student"),
    GUARDIANSHIP_REMOVE: _("Unlink parent from student"),
}
