"""URLs of the Gradebook app."""

app_name = "gradebook"

urlpatterns: list = []
