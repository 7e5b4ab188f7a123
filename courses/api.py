"""Wagtail API v2 (`/api/v2/`): published, public pages only; lessons and tasks never.

Only the pages endpoint is mounted. Images and documents endpoints are left out on
purpose: the documents endpoint would list the titles and download links of documents
used in gated lessons.

`CoursePagesAPIViewSet` starts from Wagtail's public pages (live, outside any view
restriction) and removes lesson and task pages for everyone, listing and detail alike
(`child_of`, `type=`, `search` and `descendant_of` all start from the same base
queryset); the `find/` lookup by site path is not mounted at all.
Enrolled students read their lessons on the site, where the gate and the progress
tracking live; the API stays a channel for public content (catalog, tutor pages,
courses). Quiz blocks would be student-safe anyway (`QuizBlock.get_api_representation`).
"""

from __future__ import annotations

from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from .models import LessonPage, TaskPage


class CoursePagesAPIViewSet(PagesAPIViewSet):
    """The pages endpoint without the gated page types (see the module docstring).

    Open to anonymous clients (the project's DRF default asks for a session): it serves
    exactly what the public site shows anyone.
    """

    permission_classes = [AllowAny]

    @classmethod
    def get_urlpatterns(cls):
        """Listing and detail only: no `find/`, which resolves any site path through routing."""
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "find"]

    def get_base_queryset(self):
        """Wagtail's live, public pages minus every lesson and task page."""
        return super().get_base_queryset().not_type(LessonPage, TaskPage)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CoursePagesAPIViewSet)

#: Mounted by tutorflow/urls.py as `path("api/v2/", include("courses.api"))`.
app_name = api_router.url_namespace
urlpatterns = api_router.get_urlpatterns()
