"""The public pages of the site: the home page and plain standard pages (About, FAQ)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul", "h2", "h3"]


class HomePage(Page):
    """The site's front page: an editable hero and introduction, and a directory teaser."""

    hero_title = models.CharField(_("hero title"), max_length=160, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True, max_length=600)
    hero_cta_label = models.CharField(_("button label"), max_length=60, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    directory_teaser_count = models.PositiveSmallIntegerField(
        _("tutors shown in the teaser"), default=3
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("hero_cta_label"),
        FieldPanel("intro"),
        FieldPanel("directory_teaser_count"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.StandardPage", "courses.CourseIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from people.selectors import directory_teaser

        context = super().get_context(request, *args, **kwargs)
        context["teaser_tutors"] = directory_teaser(limit=self.directory_teaser_count)
        return context


class StandardPage(Page):
    """A plain page of text (About, FAQ, terms)."""

    body = RichTextField(_("body"), blank=True, features=INTRO_FEATURES + ["h4", "hr"])

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
