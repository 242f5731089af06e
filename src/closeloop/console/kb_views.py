"""What the knowledge pages show: highlighted matches, a script walked step by step, diffs.

Pure functions of their inputs (no database), so the pages stay thin and these are easy to test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from closeloop.console.labels import N_
from closeloop.kit.actor import Actor
from closeloop.kit.errors import InvalidInput
from closeloop.knowledge import script as scripts
from closeloop.knowledge import workflow
from closeloop.knowledge.schemas import FieldDiff

SNIPPET = 140
_LIST_SPLIT = re.compile(r"[,，;；\n]+")


def highlight(text: str, terms: Sequence[str]) -> Markup:
    """The text, HTML-escaped, with every occurrence of a term wrapped in <mark>.

    Matches are found in the raw text and each piece is escaped on its own, so a term can
    never match inside an entity and nothing in the text is ever taken as markup.
    """
    wanted = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not wanted or not text:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out, at = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[at : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        at = match.end()
    out.append(escape(text[at:]))
    return Markup("".join(out))


def snippet(text: str, terms: Sequence[str], size: int = SNIPPET) -> str:
    """A short piece of a long text, around the first term found in it."""
    flat = " ".join(text.split())
    if len(flat) <= size:
        return flat
    lowered = flat.lower()
    first = min((i for i in (lowered.find(t) for t in terms if t) if i >= 0), default=0)
    start = max(0, min(first - size // 4, len(flat) - size))
    return ("…" if start else "") + flat[start : start + size] + "…"


def split_list(text: str, *, lines_only: bool = False) -> list[str]:
    """Items typed in a text box: one per line, or (tags) separated by commas too."""
    parts = text.splitlines() if lines_only else _LIST_SPLIT.split(text)
    return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True)
class ScriptStep:
    """One step of a script as the article page shows it."""

    id: str
    kind: str
    text: str
    options: list[dict[str, str]]  # label, next
    article: str | None  # the article an `article` step hands on to


@dataclass(frozen=True)
class ScriptWalk:
    """Where an agent is in a script: the answers given so far and the step to do now."""

    taken: list[tuple[ScriptStep, str, str]]  # earlier step, answer chosen, the path before it
    current: ScriptStep
    path: str  # the ids of the steps up to and including the current one, comma-separated


def _step(raw: dict[str, Any]) -> ScriptStep:
    return ScriptStep(
        id=str(raw.get("id", "")),
        kind=str(raw.get("kind", "")),
        text=str(raw.get("text") or ""),
        options=[
            {"label": str(o["label"]), "next": str(o["next"])} for o in raw.get("options", [])
        ],
        article=raw.get("article"),
    )


def walk(script: dict[str, Any], path: str | None, step: str | None) -> ScriptWalk | None:
    """Follow the steps taken (`path`, then `step`) from the start of a script.

    The walk stops at the first id that is not an option of the step before, so a hand-made
    URL can never show a step the flow does not lead to; no step at all is the start step.
    """
    start = scripts.step(script)
    if start is None:
        return None
    ids = [s for s in (path or "").split(",") if s] + ([step] if step else [])
    steps = [_step(start)]
    for wanted in ids[1:] if ids and ids[0] == steps[0].id else []:
        if wanted not in {o["next"] for o in steps[-1].options}:
            break
        following = scripts.step(script, wanted)
        if following is None:
            break
        steps.append(_step(following))
    taken = []
    for i, earlier in enumerate(steps[:-1]):
        chosen = next(o["label"] for o in earlier.options if o["next"] == steps[i + 1].id)
        taken.append((earlier, chosen, ",".join(s.id for s in steps[:i])))
    return ScriptWalk(taken, steps[-1], ",".join(s.id for s in steps))


@dataclass(frozen=True)
class DiffLine:
    """One line of a field's difference: kept, removed or added."""

    kind: str  # "same", "removed", "added", "gap"
    text: str


def diff_lines(change: FieldDiff) -> list[DiffLine]:
    """A field's unified diff as lines to style (removed struck through, added highlighted)."""
    kinds = {"-": "removed", "+": "added", " ": "same"}
    out: list[DiffLine] = []
    for line in change.diff:
        if line.startswith("@@"):
            if out:  # a gap between hunks; the first hunk needs no mark
                out.append(DiffLine("gap", "…"))
        else:
            out.append(DiffLine(kinds.get(line[:1], "same"), line[1:]))
    return out


FIELD_LABELS: dict[str, str] = {
    "category": N_("Category"),
    "question": N_("Question"),
    "answer": N_("Answer"),
    "similar_questions": N_("Similar questions"),
    "tags": N_("Tags"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "script": N_("Script"),
}


def workflow_buttons(actor: Actor, status: str, *, live: bool) -> list[str]:
    """The workflow actions the table allows from `status` that this user may take."""
    return [
        action
        for action in workflow.allowed_actions(status, live=live)
        if actor.can(workflow.TRANSITIONS[action].permission)
    ]


class ArticleForm(BaseModel):
    """The article edit form as posted: all text, checked by the service's schema."""

    csrf_token: str = ""
    revision: int | None = None  # the working copy's revision when the form was shown
    category: str = ""
    question: str = ""
    answer: str = ""
    similar_questions: str = ""  # one per line
    tags: str = ""  # separated by commas
    valid_from: str = ""
    valid_to: str = ""
    script: str = ""  # the agent script as JSON; blank for none

    def typed(self) -> dict[str, str]:
        """What the user typed, to show the form again."""
        return self.model_dump(exclude={"csrf_token", "revision"})

    def fields(self) -> dict[str, Any]:
        """The article fields (lists split, empty dates none) for ArticleIn / ArticleFields."""
        return {
            "category": self.category.strip(),
            "question": self.question,
            "answer": self.answer,
            "similar_questions": split_list(self.similar_questions, lines_only=True),
            "tags": split_list(self.tags),
            "valid_from": self.valid_from or None,
            "valid_to": self.valid_to or None,
            "script": self._script(),
        }

    def _script(self) -> Any:
        """The script as typed, parsed (none when blank or not JSON)."""
        try:
            return json.loads(self.script) if self.script.strip() else None
        except json.JSONDecodeError:
            return None

    def script_problems(self) -> list[str]:
        """What is wrong with the script as typed: JSON by line and column, then the flow
        (none when the field is blank)."""
        if not self.script.strip():
            return []
        try:
            scripts.validate(json.loads(self.script))
        except json.JSONDecodeError as exc:
            return [f"script: line {exc.lineno} column {exc.colno}: {exc.msg}"]
        except InvalidInput as exc:
            return [exc.detail.removeprefix("body.")]
        return []


def script_text(flow: dict[str, Any] | None) -> str:
    """A script as the edit form shows it (indented JSON; blank for none)."""
    return json.dumps(flow, ensure_ascii=False, indent=2) if flow else ""
