"""URLs of the Assignments app."""

app_name = "assignments"

urlpatterns: list = []
