"""People's pages: accounts, profile, directory, requests, students, classrooms, families."""

from django.urls import path

from . import api
from .views import accounts, classrooms, dashboard, directory, family, links, profile, students

app_name = "people"

urlpatterns = [
    # accounts
    path("accounts/signup/", accounts.SignupView.as_view(), name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # the landing page of each role
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    # profile and settings
    path("me/profile/", profile.ProfileView.as_view(), name="profile"),
    path("api/me/profile/", api.MeProfileView.as_view(), name="api_me_profile"),
    # public directory and tutor requests
    path("tutors/", directory.DirectoryView.as_view(), name="directory"),
    path("tutors/<int:pk>/", directory.TutorDetailView.as_view(), name="tutor_detail"),
    path("tutors/<int:pk>/request/", directory.TutorRequestView.as_view(), name="tutor_request"),
    path("requests/", links.RequestListView.as_view(), name="requests"),
    path("requests/<int:pk>/accept/", links.RequestAcceptView.as_view(), name="request_accept"),
    path("requests/<int:pk>/decline/", links.RequestDeclineView.as_view(), name="request_decline"),
    path(
        "requests/<int:pk>/withdraw/", links.RequestWithdrawView.as_view(), name="request_withdraw"
    ),
    path("links/<int:pk>/end/", links.LinkEndView.as_view(), name="link_end"),
    # a tutor's (or the school's) students
    path("students/", students.StudentListView.as_view(), name="students"),
    path("students/<int:pk>/", students.StudentDetailView.as_view(), name="student_detail"),
    # classrooms
    path("classrooms/", classrooms.ClassroomListView.as_view(), name="classrooms"),
    path("classrooms/new/", classrooms.ClassroomCreateView.as_view(), name="classroom_create"),
    path("classrooms/<int:pk>/", classrooms.ClassroomDetailView.as_view(), name="classroom_detail"),
    path(
        "classrooms/<int:pk>/edit/", classrooms.ClassroomEditView.as_view(), name="classroom_edit"
    ),
    path(
        "classrooms/<int:pk>/delete/",
        classrooms.ClassroomDeleteView.as_view(),
        name="classroom_delete",
    ),
    path(
        "classrooms/<int:pk>/members/add/",
        classrooms.ClassroomMemberAddView.as_view(),
        name="classroom_member_add",
    ),
    path(
        "classrooms/<int:pk>/members/<int:student_pk>/remove/",
        classrooms.ClassroomMemberRemoveView.as_view(),
        name="classroom_member_remove",
    ),
    # families
    path("family/", family.FamilyView.as_view(), name="family"),
    path("family/invite/", family.FamilyInviteView.as_view(), name="family_invite"),
    path(
        "family/invitations/<int:pk>/accept/",
        family.InvitationAcceptView.as_view(),
        name="family_invitation_accept",
    ),
    path(
        "family/invitations/<int:pk>/decline/",
        family.InvitationDeclineView.as_view(),
        name="family_invitation_decline",
    ),
    path(
        "family/invitations/<int:pk>/cancel/",
        family.InvitationCancelView.as_view(),
        name="family_invitation_cancel",
    ),
]
