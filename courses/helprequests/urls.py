"""URLs of the Help requests app, mounted at /help/."""

from django.urls import path

from . import views

app_name = "helprequests"

urlpatterns = [
    path("", views.HelpListView.as_view(), name="list"),
    path("new/", views.HelpCreateView.as_view(), name="create"),
    path("<int:pk>/", views.HelpDetailView.as_view(), name="detail"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/decline/", views.DeclineView.as_view(), name="decline"),
    path("<int:pk>/deliver/", views.DeliverView.as_view(), name="deliver"),
    path("<int:pk>/complete/", views.CompleteView.as_view(), name="complete"),
    path("<int:pk>/changes/", views.ChangesView.as_view(), name="changes"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("files/<int:pk>/", views.FileDownloadView.as_view(), name="file_download"),
]
