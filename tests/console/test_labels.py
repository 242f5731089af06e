"""The console shows the domains' choices: each name once, in Chinese and English, and the
catalogue never contradicts a choice."""

from __future__ import annotations

from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

from closeloop.console import i18n, labels
from closeloop.console.web import environment
from closeloop.knowledge import choices as kb
from closeloop.tickets import choices as tickets


def test_label_sets_are_the_domains_choices() -> None:
    assert tickets.STATUSES.labels("en") == labels.STATUSES
    assert tickets.SATISFACTION.labels("en") == labels.SATISFACTION
    assert kb.ACTIONS.labels("en") == labels.ARTICLE_ACTIONS
    assert list(labels.STATUSES) == list(tickets.STATUSES.codes)


def test_every_shown_choice_reads_its_own_names() -> None:
    chinese, english = i18n.translations("zh-CN"), i18n.translations("en")
    for choices in labels.SHOWN:
        for choice in choices:
            assert chinese.gettext(choice.en) == choice.zh, (choices.name, choice.code)
            assert english.gettext(choice.en) == choice.en, (choices.name, choice.code)


def test_the_catalogue_agrees_with_the_choices_it_shares_a_text_with() -> None:
    po = resources.files("closeloop.console") / "translations" / "zh_CN" / "LC_MESSAGES"
    with (po / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    for choices in labels.SHOWN:
        for choice in choices:
            message = catalog.get(choice.en)
            if message is not None:
                assert message.string == choice.zh, (choices.name, choice.code)


def test_status_badges_carry_the_tone() -> None:
    module = environment().get_template("_macros.html").make_module({"_": str})
    macros: Any = module  # the template's macros are attributes mypy cannot see
    assert (
        str(macros.status_badge("closed")) == '<span class="badge status-closed ok">Closed</span>'
    )
    assert str(macros.status_badge("new")) == '<span class="badge status-new">New</span>'
