"""URLs of the Adaptive rules app (mounted at /adaptive/)."""

from django.urls import path

from . import views

app_name = "adaptive"

urlpatterns = [
    path("rules/", views.RuleListView.as_view(), name="rules"),
    path("courses/<int:pk>/rules/new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("rules/<int:pk>/deactivate/", views.RuleDeactivateView.as_view(), name="rule_deactivate"),
    path("firings/", views.FiringListView.as_view(), name="firings"),
    path("alerts/", views.AlertSettingsView.as_view(), name="alert_settings"),
]
