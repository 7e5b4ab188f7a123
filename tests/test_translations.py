"""The Ukrainian and Russian UI catalogs are complete, compiled and actually used.

Checked with polib rather than msgfmt so that the test runs on a machine without GNU
gettext: every string makemessages collected is translated (no empty, no fuzzy entry),
placeholders survive translation, the committed .mo files match their .po files (a .po
edited without recompiling would ship stale translations), and Django picks the
translations up, including the three plural forms of Ukrainian and Russian.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests import factories

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["uk", "ru"]

# %(name)s / %s / %d style (with "%%" removed first), {{ name }} and str.format's {name},
# and the [[1]] gap markers of fill-in-the-blanks questions, which the editor must type as is.
GAP_MARKER = re.compile(r"\[\[\d+\]\]")
PERCENT_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[sdifeEgGxXorc]")
BRACE_PLACEHOLDER = re.compile(r"\{\{\s*[\w.]+\s*\}\}|\{\w*(?:![rsa])?(?::[^{}]*)?\}")

# Known translations of base.html strings: the spot check proves the catalog is loaded.
EXPECTED = {
    "uk": {
        "Sign in": "Увійти",
        "Sign out": "Вийти",
        "Find a tutor": "Знайти репетитора",
        "Dashboard": "Панель",
        "Classrooms": "Групи",
    },
    "ru": {
        "Sign in": "Войти",
        "Sign out": "Выйти",
        "Find a tutor": "Найти репетитора",
        "Dashboard": "Панель",
        "Classrooms": "Группы",
    },
}

# Plural forms of the directory heading: (n, expected text) for the three forms
# (one: 1, 21, 101; few: 2-4, 22; many: 5-20, 11-14, 25, 111).
EXPECTED_PLURALS = {
    "uk": [
        (1, "1 репетитор"),
        (2, "2 репетитори"),
        (5, "5 репетиторів"),
        (11, "11 репетиторів"),
        (21, "21 репетитор"),
        (22, "22 репетитори"),
        (112, "112 репетиторів"),
    ],
    "ru": [
        (1, "1 репетитор"),
        (2, "2 репетитора"),
        (5, "5 репетиторов"),
        (11, "11 репетиторов"),
        (21, "21 репетитор"),
        (22, "22 репетитора"),
        (112, "112 репетиторов"),
    ],
}

# n → index of the plural form that uk and ru use for it (the standard gettext rule).
PLURAL_INDEX = {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 14: 2, 21: 0, 22: 1, 25: 2, 101: 0, 111: 2}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"


def load_po(lang: str) -> polib.POFile:
    path = po_path(lang)
    assert path.is_file(), f"{path} is missing: run makemessages -l {lang}"
    return polib.pofile(str(path))


def live_entries(po) -> list:
    """Entries that count: the header and obsolete (#~) entries are ignored."""
    return [entry for entry in po if entry.msgid and not entry.obsolete]


def entry_key(entry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


def entry_value(entry):
    if entry.msgid_plural:
        return {int(index): text for index, text in entry.msgstr_plural.items()}
    return entry.msgstr


def placeholders(text: str) -> set[str]:
    text = text.replace("%%", "")
    found = set(PERCENT_PLACEHOLDER.findall(text))
    found |= {re.sub(r"\s+", "", match) for match in BRACE_PLACEHOLDER.findall(text)}
    found |= set(GAP_MARKER.findall(text))
    return found


def describe(entry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_header_declares_three_plural_forms(lang):
    po = load_po(lang)
    assert po.metadata.get("Language") == lang
    assert po.metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    assert po.metadata.get("Plural-Forms", "").startswith("nplurals=3;")
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entries(lang):
    entries = live_entries(load_po(lang))
    assert len(entries) > 100, "the catalog looks empty: run makemessages"
    fuzzy = [describe(entry) for entry in entries if "fuzzy" in entry.flags]
    untranslated = [describe(entry) for entry in entries if not entry.translated()]
    plural_incomplete = [
        describe(entry)
        for entry in entries
        if entry.msgid_plural and sorted(int(i) for i in entry.msgstr_plural) != [0, 1, 2]
    ]
    assert not fuzzy, f"{lang}: fuzzy entries to review: {fuzzy}"
    assert not untranslated, f"{lang}: untranslated entries: {untranslated}"
    assert not plural_incomplete, f"{lang}: plural entries without 3 forms: {plural_incomplete}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_are_not_copies_of_the_english(lang):
    """A msgstr equal to its msgid is almost always English pasted in, not a translation."""
    # The product name plus a placeholder, and formats with no words in them: a dash for
    # "none", a percentage, a change "old → new".
    allowed = {"Tutorflow: %(kind)s", "—", "%(percent)s %%", "%(old)s → %(new)s"}
    copies = []
    for entry in live_entries(load_po(lang)):
        if entry.msgid in allowed:
            continue
        if entry.msgid_plural:
            forms = entry.msgstr_plural.values()
            if entry.msgid in forms or entry.msgid_plural in forms:
                copies.append(describe(entry))
        elif entry.msgstr == entry.msgid:
            copies.append(describe(entry))
    assert not copies, f"{lang}: msgstr copied from English: {copies}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    broken = []
    for entry in live_entries(load_po(lang)):
        if entry.msgid_plural:
            # Ukrainian and Russian use form 0 for 21, 31, … too, so every form needs the
            # number: each form carries the placeholders of both English forms.
            expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            for index, text in entry.msgstr_plural.items():
                if placeholders(text) != expected:
                    broken.append(f"{describe(entry)}[{index}]: {text!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            broken.append(f"{describe(entry)}: {entry.msgstr!r}")
    assert not broken, f"{lang}: placeholders differ from the English: {broken}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_matches_the_po_file(lang):
    path = mo_path(lang)
    assert path.is_file(), f"{path} is missing: run compilemessages -l {lang}"
    po_map = {entry_key(entry): entry_value(entry) for entry in live_entries(load_po(lang))}
    mo_map = {
        entry_key(entry): entry_value(entry) for entry in polib.mofile(str(path)) if entry.msgid
    }
    missing = sorted(str(key) for key in po_map.keys() - mo_map.keys())
    stale = sorted(str(key) for key in mo_map.keys() - po_map.keys())
    differ = sorted(str(key) for key in po_map.keys() & mo_map.keys() if po_map[key] != mo_map[key])
    message = f"{lang}: django.mo is out of date, run compilemessages"
    assert not missing, f"{message}; not in .mo: {missing}"
    assert not stale, f"{message}; only in .mo: {stale}"
    assert not differ, f"{message}; translated differently: {differ}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_django_uses_the_translations(lang):
    with translation.override(lang):
        got = {text: translation.gettext(text) for text in EXPECTED[lang]}
    assert got == EXPECTED[lang]
    for english, translated in got.items():
        assert translated != english


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_follow_the_language(lang):
    with translation.override(lang):
        for n, expected in EXPECTED_PLURALS[lang]:
            text = translation.ngettext("%(counter)s tutor", "%(counter)s tutors", n)
            assert text % {"counter": n} == expected
    with translation.override("en"):
        assert translation.ngettext("%(counter)s tutor", "%(counter)s tutors", 5) == (
            "%(counter)s tutors"
        )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_entry_picks_the_right_form(lang):
    """The Plural-Forms rule that Django loaded maps n to the form the catalog expects."""
    plural_entries = [entry for entry in live_entries(load_po(lang)) if entry.msgid_plural]
    assert plural_entries, "no plural strings in the catalog"
    with translation.override(lang):
        for entry in plural_entries:
            for n, index in PLURAL_INDEX.items():
                if entry.msgctxt:
                    got = translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    got = translation.ngettext(entry.msgid, entry.msgid_plural, n)
                assert got == entry.msgstr_plural[index], (lang, entry.msgid, n)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_renders_base_html_in_the_chosen_language(db, client, lang):
    """The home page in Ukrainian/Russian: base.html's navigation is translated.

    Pages of the Wagtail tree take their language from the URL ("/" is English, "/uk/"
    Ukrainian: see people.middleware.PATH_LANGUAGE_URL_NAMES), which is where the language
    switcher sends a visitor who chose a language; the cookie is what the switcher sets.
    """
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert "home/home_page.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert EXPECTED[lang]["Find a tutor"] in html
    assert EXPECTED[lang]["Sign in"] in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_application_pages_follow_the_language_cookie(db, client, lang):
    """An application page (the tutor directory) speaks the cookie's language, plurals too."""
    factories.ListedTutorFactory()
    factories.ListedTutorFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(reverse("people:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert EXPECTED[lang]["Find a tutor"] in html
    assert dict(EXPECTED_PLURALS[lang])[2] in html  # "2 репетитори" / "2 репетитора"
    assert "2 tutors" not in html


def test_home_page_stays_english_without_a_choice(db, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Find a tutor" in html
    assert EXPECTED["uk"]["Find a tutor"] not in html
    assert EXPECTED["ru"]["Find a tutor"] not in html
