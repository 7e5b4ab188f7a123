"""Search forms for lists of people: the public tutor directory and the student list."""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..selectors import DirectoryFilters

#: The longest search text accepted; longer input is a form error, not a slow query.
SEARCH_MAX_LENGTH = 100


def _subject_choices(subjects) -> list[tuple[str, str]]:
    """One choice per subject slug, named in the visitor's language when a translation exists.

    Subjects are translatable snippets: the same slug exists once per locale, and the
    directory filter matches every translation of a subject, so the visitor picks the slug.
    """
    language = (translation.get_language() or "").split("-")[0]
    names: dict[str, str] = {}
    for subject in subjects:
        if subject.slug not in names or subject.locale.language_code == language:
            names[subject.slug] = subject.name
    return sorted(names.items(), key=lambda item: item[1].casefold())


class DirectoryFilterForm(forms.Form):
    """The directory's GET filters. Choices are the subjects, levels and languages on offer.

    `options` is what `people.selectors.directory_filter_options()` returns; a value that is
    not on offer (a stale bookmark, a hand-edited URL) is a form error, never a crash.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, subject, …")}),
    )
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("Any subject"))] + _subject_choices(
            options["subjects"]
        )
        self.fields["level"].choices = [("", _("Any level"))] + [
            (level.code, str(level)) for level in options["levels"]
        ]
        self.fields["language"].choices = [("", _("Any language"))] + [
            (language.code, language.name) for language in options["languages"]
        ]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def to_filters(self) -> DirectoryFilters:
        """The cleaned values as the selector's filters. Call only after is_valid()."""
        data = self.cleaned_data
        return DirectoryFilters(
            subject=data["subject"], level=data["level"], language=data["language"], q=data["q"]
        )

    @property
    def is_filtered(self) -> bool:
        """Whether the visitor asked for anything narrower than "every tutor"."""
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class StudentSearchForm(forms.Form):
    """The search box of the student list: words matched against names and e-mails."""

    q = forms.CharField(
        label=_("Search students"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())
