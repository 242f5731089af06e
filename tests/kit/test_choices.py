"""The generic Choice and Choices: lookup, order, tags, attributes, labels, Literal checks."""

from __future__ import annotations

from typing import Literal, get_args

import pytest
from pydantic import BaseModel, ValidationError

from closeloop.kit.choices import Choice, Choices

LIGHTS = Choices(
    "light",
    Choice("red", "红", "Red", tone="danger", tags=("stop",), tmf="R"),
    Choice("amber", "黄", "Amber", tone="warn", tags=("stop",), tmf="A"),
    Choice("green", "绿", "Green", tone="ok", tmf="G"),
)
Light = Literal["red", "amber", "green"]


def test_codes_keep_the_declared_order() -> None:
    assert LIGHTS.codes == ("red", "amber", "green")
    assert [c.code for c in LIGHTS] == list(LIGHTS.codes)
    assert len(LIGHTS) == 3


def test_lookup_by_code() -> None:
    assert LIGHTS["amber"].zh == "黄"
    assert LIGHTS["amber"].en == "Amber"
    assert "green" in LIGHTS
    assert "blue" not in LIGHTS
    assert LIGHTS.get("blue") is None
    assert LIGHTS.get(None) is None
    assert LIGHTS.get("red") is LIGHTS["red"]
    with pytest.raises(KeyError, match="light: unknown code 'blue'"):
        LIGHTS["blue"]


def test_labels_per_language() -> None:
    assert LIGHTS.labels("en") == {"red": "Red", "amber": "Amber", "green": "Green"}
    assert LIGHTS.labels("zh-CN") == {"red": "红", "amber": "黄", "green": "绿"}
    for language in ("zh", "zh_CN", "ZH-cn"):
        assert LIGHTS["red"].label(language) == "红"
    assert LIGHTS["red"].label("fr") == "Red"


def test_tones_tags_and_attributes() -> None:
    assert LIGHTS.tones() == {"red": "danger", "amber": "warn", "green": "ok"}
    assert Choice("x", "甲", "X").tone == "neutral"
    assert LIGHTS.tagged("stop") == ("red", "amber")
    assert LIGHTS.tagged("nothing") == ()
    assert LIGHTS.attribute("tmf") == {"red": "R", "amber": "A", "green": "G"}
    assert LIGHTS["red"].attribute("tmf") == "R"
    with pytest.raises(KeyError, match="'red' has no attribute 'colour'"):
        LIGHTS.attribute("colour")


def test_choices_are_immutable_and_hashable() -> None:
    red = LIGHTS["red"]
    with pytest.raises(AttributeError):
        red.code = "blue"  # type: ignore[misc]
    with pytest.raises(TypeError):
        red.extra["tmf"] = "B"  # type: ignore[index]
    assert Choice("x", "甲", "X", tmf="1") == Choice("x", "甲", "X", tmf="1")
    assert len({Choice("x", "甲", "X"), Choice("x", "甲", "X")}) == 1


def test_bad_declarations_are_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Choices("twice", Choice("a", "甲", "A"), Choice("a", "乙", "B"))
    with pytest.raises(ValueError, match="at least one"):
        Choices("empty")
    with pytest.raises(ValueError, match="both names"):
        Choice("a", "", "A")
    with pytest.raises(ValueError, match="tone"):
        Choice("a", "甲", "A", tone="loud")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tags"):
        Choice("a", "甲", "A", tags="open")


def test_validate() -> None:
    assert LIGHTS.validate("green") == "green"
    with pytest.raises(ValueError, match="'blue' is not one of red, amber, green"):
        LIGHTS.validate("blue")


def test_literal_matches_the_codes() -> None:
    assert get_args(LIGHTS.literal()) == LIGHTS.codes
    assert LIGHTS.literal() == Light
    LIGHTS.check_literal(Light)
    for wrong in (Literal["red", "green", "amber"], Literal["red", "amber"], str):
        with pytest.raises(TypeError, match="red, amber, green"):
            LIGHTS.check_literal(wrong)


def test_a_checked_literal_validates_and_documents_the_codes() -> None:
    class Body(BaseModel):
        light: Light

    LIGHTS.check_literal(Light)
    assert Body(light="red").light == "red"
    with pytest.raises(ValidationError) as problem:
        Body(light="blue")
    assert problem.value.errors()[0]["type"] == "literal_error"
    schema = Body.model_json_schema()["properties"]["light"]
    assert schema["enum"] == list(LIGHTS.codes)
