"""People in the Wagtail admin: the staff tools' URLs and menu, the audit labels, and
keeping Wagtail's own user management to superusers.

Who gets into the admin at all is decided by the `wagtailadmin.access_admin`
permission: the Tutors, Managers and Moderators groups hold it (data migration 0003) and
admins are superusers; students and parents have neither, so Wagtail's
`require_admin_access` turns them away from every admin URL, these included.
"""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from . import admin_views, audit
from .dashboard import panels_for
from .permissions import is_school_staff
from .roles import Role
from .selectors import school_counts

app_name = "people_admin"

urlpatterns = [
    path("accounts/", admin_views.AccountIndexView.as_view(), name="accounts"),
    path(
        "accounts/results/",
        admin_views.AccountIndexView.as_view(results_only=True),
        name="accounts_results",
    ),
    path("accounts/new/", admin_views.AccountCreateView.as_view(), name="account_create"),
    path("accounts/<int:pk>/", admin_views.AccountDetailView.as_view(), name="account_detail"),
    path("accounts/<int:pk>/block/", admin_views.AccountBlockView.as_view(), name="account_block"),
    path(
        "accounts/<int:pk>/unblock/",
        admin_views.AccountUnblockView.as_view(),
        name="account_unblock",
    ),
    path(
        "accounts/<int:pk>/reset-password/",
        admin_views.AccountResetPasswordView.as_view(),
        name="account_reset_password",
    ),
    path(
        "accounts/<int:pk>/deactivate/",
        admin_views.AccountDeactivateView.as_view(),
        name="account_deactivate",
    ),
    path(
        "accounts/<int:pk>/delete/", admin_views.AccountDeleteView.as_view(), name="account_delete"
    ),
    path("accounts/<int:pk>/role/", admin_views.AccountRoleView.as_view(), name="account_role"),
    path("families/", admin_views.ParentIndexView.as_view(), name="families"),
    path(
        "families/results/",
        admin_views.ParentIndexView.as_view(results_only=True),
        name="families_results",
    ),
    path("families/<int:pk>/", admin_views.FamilyParentView.as_view(), name="family_parent"),
    path(
        "families/<int:pk>/unlink/<int:student_pk>/",
        admin_views.FamilyUnlinkView.as_view(),
        name="family_unlink",
    ),
]


@hooks.register("register_admin_urls")
def register_people_admin_urls():
    """Mount the staff tools under /admin/people/ (Wagtail adds its admin-access check)."""
    return [path("people/", include((urlpatterns, app_name), namespace=app_name))]


class StaffMenuItem(MenuItem):
    """A menu item only managers and admins see (tutors use the admin for content only)."""

    def is_shown(self, request):
        return is_school_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_people_menu():
    """The "People" submenu; Wagtail hides it when none of its items is shown."""
    items = [
        StaffMenuItem(
            _("Accounts"),
            reverse("people_admin:accounts"),
            name="people-accounts",
            icon_name="user",
            order=100,
        ),
        StaffMenuItem(
            _("Create account"),
            reverse("people_admin:account_create"),
            name="people-account-create",
            icon_name="plus",
            order=200,
        ),
        StaffMenuItem(
            _("Families"),
            reverse("people_admin:families"),
            name="people-families",
            icon_name="group",
            order=300,
        ),
    ]
    return SubmenuMenuItem(
        _("People"), Menu(items=items), name="people", icon_name="group", order=250
    )


@hooks.register("construct_settings_menu")
def hide_user_management_from_non_superusers(request, menu_items):
    """Wagtail's Users and Groups screens are for superusers only.

    Managers and tutors hold no user permissions, so Wagtail already hides and refuses
    them; this keeps it so even if a group is later given such a permission by mistake,
    because those screens could change groups and superuser status behind the roles.
    """
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in {"users", "groups"}]


def _role_label(value) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return str(value)


class PeopleLogFormatter(LogFormatter):
    """Label from `people.audit.ACTION_LABELS`; a message that adds the entry's details.

    One subclass per action is registered (Wagtail instantiates formatter classes
    without arguments), each setting `action` and `label`.
    """

    action = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if self.action == audit.ACCOUNT_CREATE and data.get("role"):
            return _("Created account with role %(role)s") % {"role": _role_label(data["role"])}
        if self.action == audit.ACCOUNT_ROLE_CHANGE:
            return _("Changed role from %(old)s to %(new)s") % {
                "old": _role_label(data.get("from", "")),
                "new": _role_label(data.get("to", "")),
            }
        if self.action == audit.ACCOUNT_DELETE and data.get("email"):
            return _("Deleted account %(email)s") % {"email": data["email"]}
        if self.action == audit.GUARDIANSHIP_CREATE and data.get("parent"):
            return _("Linked to parent %(parent)s") % {"parent": data["parent"]}
        return self.label


@hooks.register("register_log_actions")
def register_people_log_actions(actions):
    """Make people's audit entries readable in Reports → Site history and object history."""
    for action, label in audit.ACTION_LABELS.items():
        formatter = type(
            "PeopleLogFormatter", (PeopleLogFormatter,), {"action": action, "label": label}
        )
        actions.register_action(action)(formatter)


class SchoolOverviewPanel(Component):
    """The staff dashboard's panels (people.dashboard) on the Wagtail admin's home page.

    Managers and admins see the same school overview here as on their site dashboard:
    counts that matter, content awaiting moderation, students without a tutor, new help
    requests, each from the app that owns it.
    """

    name = "school_overview"
    order = 50
    template_name = "people/admin/school_overview.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"panels": panels_for(self.user), "counts": school_counts()}


@hooks.register("construct_homepage_panels")
def add_school_overview(request, panels):
    if request.user.role in (Role.MANAGER, Role.ADMIN):
        panels.append(SchoolOverviewPanel(request.user))
