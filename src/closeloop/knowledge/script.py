"""Agent scripts (处理话术/流程): a small decision flow of steps guiding an agent or the bot.

A script is `{"start": step_id, "steps": [step, …]}`. A step is one of
- `ask` — a question to put to the customer, or `check` — something to look up or try;
  both have `options: [{"label", "next"}]` leading to another step;
- `resolve` — the resolution (`text`), an end;
- `article` — hand on to another article (`article`: its external_id), an end.
Scripts are validated when saved: every `next` exists, every step is reachable, no cycles.
"""

from __future__ import annotations

from typing import Any

from closeloop.kit.errors import InvalidInput

BRANCHING = ("ask", "check")
ENDS = ("resolve", "article")


def _problem(loc: list[str | int], msg: str) -> InvalidInput:
    return InvalidInput.field(["body", "script", *loc], msg)


def _check_step(index: int, step: Any) -> str:
    if not isinstance(step, dict):
        raise _problem(["steps", index], "a step is an object")
    step_id, kind, text = step.get("id"), step.get("kind"), step.get("text")
    if not isinstance(step_id, str) or not step_id.strip():
        raise _problem(["steps", index, "id"], "a step needs an id")
    if kind not in BRANCHING + ENDS:
        raise _problem(["steps", index, "kind"], "kind is one of ask, check, resolve, article")
    if kind != "article" and (not isinstance(text, str) or not text.strip()):
        raise _problem(["steps", index, "text"], "a step needs its text")
    if kind == "article" and not isinstance(step.get("article"), str):
        raise _problem(["steps", index, "article"], "name the article's external_id")
    _check_options(index, kind, step.get("options", []))
    return step_id


def _check_options(index: int, kind: str, options: Any) -> None:
    """A branching step has options, each with a label and the next step; an end has none."""
    if kind not in BRANCHING:
        if options:
            raise _problem(["steps", index, "options"], f"a {kind} step ends the script")
        return
    if not isinstance(options, list) or not options:
        raise _problem(["steps", index, "options"], f"a {kind} step needs options")
    for o, option in enumerate(options):
        if not isinstance(option, dict) or not isinstance(option.get("label"), str):
            raise _problem(["steps", index, "options", o], "an option needs a label")
        if not isinstance(option.get("next"), str):
            raise _problem(["steps", index, "options", o, "next"], "name the next step")


def validate(script: Any) -> dict[str, Any]:
    """The script itself when it is well-formed, else 422 naming the first problem."""
    if not isinstance(script, dict) or not isinstance(script.get("steps"), list):
        raise _problem([], "a script is {start, steps: [...]}")
    steps: dict[str, dict[str, Any]] = {}
    for index, step in enumerate(script["steps"]):
        step_id = _check_step(index, step)
        if step_id in steps:
            raise _problem(["steps", index, "id"], f"step {step_id!r} appears twice")
        steps[step_id] = step
    start = script.get("start")
    if start not in steps:
        raise _problem(["start"], "start must name a step")
    for step_id, step in steps.items():
        for option in step.get("options", []):
            if option["next"] not in steps:
                raise _problem(
                    ["steps", step_id], f"option leads to unknown step {option['next']!r}"
                )
    _check_acyclic_and_reachable(steps, str(start))
    return script


def _check_acyclic_and_reachable(steps: dict[str, dict[str, Any]], start: str) -> None:
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(step_id: str) -> None:
        state[step_id] = 1
        for option in steps[step_id].get("options", []):
            following = option["next"]
            if state.get(following) == 1:
                raise _problem(["steps", step_id], f"the flow loops back to {following!r}")
            if following not in state:
                visit(following)
        state[step_id] = 2

    visit(start)
    unreachable = sorted(set(steps) - set(state))
    if unreachable:
        raise _problem(["steps"], f"steps never reached from start: {', '.join(unreachable)}")


def step(script: dict[str, Any], step_id: str | None = None) -> dict[str, Any] | None:
    """A step by id (the start step without one); None when there is no such step."""
    wanted = step_id or script.get("start")
    return next((s for s in script.get("steps", []) if s.get("id") == wanted), None)


def choose(script: dict[str, Any], step_id: str, answer: str) -> dict[str, Any] | None:
    """The step an answer leads to: by option number (1, 2 …) or by its label; else None."""
    current = step(script, step_id)
    if current is None:
        return None
    options = current.get("options", [])
    text = answer.strip().rstrip("。.!！")
    if text.isdigit() and 1 <= int(text) <= len(options):
        return step(script, options[int(text) - 1]["next"])
    for option in options:
        if option["label"] and (text == option["label"] or option["label"] in text):
            return step(script, option["next"])
    return None


def outline(script: dict[str, Any]) -> list[str]:
    """The steps as lines an agent can read at a glance (for the answer panel)."""
    lines = []
    for s in script.get("steps", []):
        if s["kind"] in BRANCHING:
            choices = "；".join(f"{o['label']} → {o['next']}" for o in s["options"])
            lines.append(f"[{s['id']}] {s['text']}（{choices}）")
        elif s["kind"] == "resolve":
            lines.append(f"[{s['id']}] 处理：{s['text']}")
        else:
            lines.append(f"[{s['id']}] 参见知识 {s['article']}")
    return lines
