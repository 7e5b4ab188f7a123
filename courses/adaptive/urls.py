"""URLs of the Adaptive rules app."""

app_name = "adaptive"

urlpatterns: list = []
