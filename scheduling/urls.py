"""URLs of the Scheduling app."""

app_name = "scheduling"

urlpatterns: list = []
