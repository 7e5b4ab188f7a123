"""URLs of the Help requests app."""

app_name = "helprequests"

urlpatterns: list = []
