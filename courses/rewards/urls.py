"""URLs of the Rewards app."""

app_name = "rewards"

urlpatterns: list = []
