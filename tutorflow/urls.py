"""The site's URLs. Wagtail's page serving comes last: it answers every other path."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("healthz/", home_views.healthz, name="healthz"),
    path("", include("people.urls")),
    path("", include("messaging.urls")),
    path("learn/", include("courses.urls")),
    path("assignments/", include("courses.assignments.urls")),
    path("help/", include("courses.helprequests.urls")),
    path("rewards/", include("courses.rewards.urls")),
    path("gradebook/", include("courses.gradebook.urls")),
    path("adaptive/", include("courses.adaptive.urls")),
    # Calendar pages under schedule/, the JSON API under api/lessons/ (scheduling.urls).
    path("", include("scheduling.urls")),
    path("api/v2/", include("courses.api")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages: /about/ in English, /uk/about/ and /ru/about/ for the translations.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
