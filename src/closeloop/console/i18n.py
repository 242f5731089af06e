"""Console languages: Babel catalogues compiled in memory, and the choice per request.

Message ids are English; `translations/<locale>/LC_MESSAGES/messages.po` holds each language's
page texts, and the domains' choices (closeloop.console.labels) bring the names of their codes.
The catalogues are read and compiled once per process, so no binary `.mo` lives in git.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from closeloop.console import labels

LOCALES: dict[str, str] = {"zh-CN": "zh_CN", "en": "en"}
DEFAULT_LOCALE = "zh-CN"


def normalise(value: str | None) -> str | None:
    """A supported language code for `value` (zh, zh-cn, zh_CN, en-US …), or None."""
    if not value:
        return None
    lowered = value.strip().replace("_", "-").lower()
    if lowered.startswith("zh"):
        return "zh-CN"
    if lowered.startswith("en"):
        return "en"
    return None


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of a supported language: its page texts and the choices' names."""
    language = language if language in LOCALES else DEFAULT_LOCALE
    folder = LOCALES[language]
    po = resources.files("closeloop.console") / "translations" / folder / "LC_MESSAGES"
    with (po / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=folder)
    for message_id, name in labels.translations(language).items():
        catalog.add(message_id, name)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def choose(query: str | None, cookie: str | None, user: str | None, default: str) -> str:
    """The page language: `?lang=` first, then the remembered choice, the user's, the site's."""
    for candidate in (query, cookie, user, default):
        language = normalise(candidate)
        if language:
            return language
    return DEFAULT_LOCALE
