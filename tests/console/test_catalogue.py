"""Every text of the console pages has a Chinese translation, and English falls back cleanly."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from closeloop.console import i18n

ROOT = Path(__file__).resolve().parents[2]


def _page_texts() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    method_map = [
        ("src/closeloop/console/**.py", "python"),
        ("src/closeloop/console/templates/**.html", "jinja2"),
    ]
    options = {"**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}
    found = extract_from_dir(
        ROOT, method_map, options_map=options, keywords=keywords, comment_tags=()
    )
    texts = set()
    for _filename, _lineno, message, _comments, _context in found:
        texts.add(message if isinstance(message, str) else message[0])
    return texts


def test_every_page_text_is_translated_into_chinese() -> None:
    texts = _page_texts()
    assert len(texts) > 50
    chinese = i18n.translations("zh-CN")
    untranslated = sorted(t for t in texts if chinese.gettext(t) == t)
    assert not untranslated, f"run `make messages` and translate: {untranslated}"


def test_language_codes_are_understood() -> None:
    assert i18n.choose(None, None, None, "zh-CN") == "zh-CN"
    assert i18n.choose("en-US", "zh", None, "zh-CN") == "en"
    assert i18n.choose(None, "zh_CN", "en", "zh-CN") == "zh-CN"
    assert i18n.choose("fr", None, "en", "zh-CN") == "en"
