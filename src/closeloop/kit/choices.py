"""Choices as data: a closed set of codes, each with its Chinese and English name, a badge tone
and extra attributes (a TMF code, a role's long name …).

Each domain declares its sets once in its `choices.py`; the workflow tables, the API schemas,
the console's labels and the TMF mappings read them from there.

Pydantic and mypy need the allowed codes as a static `typing.Literal`, so a domain writes the
Literal next to its set and checks it at import with `Choices.check_literal`: the two cannot
drift apart, mypy narrows the field to the codes, and the OpenAPI document shows the same
`enum` (and the same `literal_error` on a wrong code) as a hand-written Literal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args, get_origin

Tone = Literal["neutral", "ok", "warn", "danger"]
TONES: tuple[Tone, ...] = get_args(Tone)


@dataclass(frozen=True, init=False)
class Choice:
    """One code of a set: `Choice("new", "新建", "New", tags=("open",), tmf="acknowledged")`.

    `zh` and `en` are what people read; `en` doubles as the console's message id. `tone`
    colours a badge; `tags` mark subsets (open statuses …); keyword extras are attributes
    other layers map the code with (a TMF status, a role's long name).
    """

    code: str
    zh: str
    en: str
    tone: Tone
    tags: frozenset[str]
    extra: Mapping[str, str] = field(hash=False)

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        *,
        tone: Tone = "neutral",
        tags: Iterable[str] = (),
        **extra: str,
    ) -> None:
        if not code or not zh or not en:
            raise ValueError(f"a choice needs a code and both names: {code!r}, {zh!r}, {en!r}")
        if tone not in TONES:
            raise ValueError(f"{code}: tone {tone!r} is not one of {', '.join(TONES)}")
        if isinstance(tags, str):
            raise TypeError(f"{code}: tags are a collection of tags, not the string {tags!r}")
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "zh", zh)
        object.__setattr__(self, "en", en)
        object.__setattr__(self, "tone", tone)
        object.__setattr__(self, "tags", frozenset(tags))
        object.__setattr__(self, "extra", MappingProxyType(dict(extra)))

    def label(self, language: str) -> str:
        """The name in a language: Chinese for zh, zh-CN, zh_CN …, English otherwise."""
        return self.zh if language.lower().startswith("zh") else self.en

    def attribute(self, name: str) -> str:
        """An extra attribute; KeyError naming the code when the choice lacks it."""
        try:
            return self.extra[name]
        except KeyError:
            raise KeyError(f"choice {self.code!r} has no attribute {name!r}") from None


class Choices:
    """An ordered, closed set of choices, looked up by code."""

    def __init__(self, name: str, *choices: Choice) -> None:
        if not choices:
            raise ValueError(f"{name}: a set of choices needs at least one choice")
        by_code: dict[str, Choice] = {}
        for choice in choices:
            if choice.code in by_code:
                raise ValueError(f"{name}: code {choice.code!r} is declared twice")
            by_code[choice.code] = choice
        self.name = name
        self._by_code = by_code
        self.codes: tuple[str, ...] = tuple(by_code)

    def __iter__(self) -> Iterator[Choice]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Choice:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"{self.name}: unknown code {code!r}") from None

    def __repr__(self) -> str:
        return f"Choices({self.name!r}, {', '.join(self.codes)})"

    def get(self, code: str | None) -> Choice | None:
        """The choice of a code, or None."""
        return self._by_code.get(code) if code is not None else None

    def tagged(self, tag: str) -> tuple[str, ...]:
        """The codes carrying a tag, in set order."""
        return tuple(c.code for c in self if tag in c.tags)

    def labels(self, language: str) -> dict[str, str]:
        """Code → name in a language, in set order."""
        return {c.code: c.label(language) for c in self}

    def tones(self) -> dict[str, Tone]:
        """Code → badge tone, in set order."""
        return {c.code: c.tone for c in self}

    def attribute(self, name: str) -> dict[str, str]:
        """Code → an extra attribute every choice carries (KeyError when one lacks it)."""
        return {c.code: c.attribute(name) for c in self}

    def validate(self, value: str) -> str:
        """The value when it is one of the codes, else ValueError naming them (for validators)."""
        if value not in self._by_code:
            raise ValueError(f"{self.name}: {value!r} is not one of {', '.join(self.codes)}")
        return value

    def literal(self) -> Any:
        """`Literal[<codes>]` built at run time (for run-time checks; mypy needs static ones)."""
        return Literal.__getitem__(self.codes)

    def check_literal(self, literal: Any) -> None:
        """TypeError unless `literal` is `Literal[...]` of exactly these codes in this order."""
        if get_origin(literal) is not Literal or get_args(literal) != self.codes:
            raise TypeError(
                f"{self.name}: the Literal {literal!r} does not list the codes "
                f"{', '.join(self.codes)} in this order"
            )
