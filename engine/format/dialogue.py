"""Customer-service role-play: a scenario's ``dialogue`` played as a drill of its own.

A dialogue is written as the conversation reads (the owner's turns, the trainee's replies tagged
with what they do, a few owner personas). To play it, :func:`expand` turns it, for one persona, into
an ordinary :class:`~engine.format.model.Scenario`, so that everything the engine already does applies
unchanged: the state machine, SimPy's clock, the two rules, records, replay and fork, scoring,
Monte Carlo, lint and the graph.

The shape of the expansion:

- each turn is a state whose narration is the owner's line (in the persona's words when given);
- each reply is an action of the trainee, offered in its turn, taking ``minutes``; it changes the
  owner's ``mood`` (anger, 0-100; increases scaled by the persona's touchiness) and ``patience``,
  and moves the conversation on;
- patience drains by itself while the call goes on (silence and "let me check" cost time); when
  it runs low, anger rises; at ``escalate_at`` the owner escalates to the 12345 hotline, at zero
  patience they hang up: two failure endings, reached by automatic transitions;
- the call ends in ``after_call``, where the follow-up call closes the loop days later in sim time
  (an action that takes ``follow_up_after`` minutes), ending ``resolved`` if the owner is calm by
  then, ``resolved_unhappy`` if not; closing the ticket without it leaves the loop open;
- the moves decide the loop stage (listening and empathy are the report stage, a plan or the
  promise of a follow-up the handling, the follow-up call the feedback), and two rules are added as
  forbidden conditions: red-line phrases (forbidden phrases, buck-passing, blaming, promises that
  cannot be kept) and "emotion before problem" (a solution before any empathy);
- the rubric is the five steps (倾听, 共情, 致歉/确认, 方案, 跟进), each a critical task that should come
  after the step before it, plus asking about danger first when the dialogue says ``safety_first``;
- a free reply, typed by the trainee and judged by a coach with one key, is one more action per
  move (``free_<move>``), offered at every turn, with that move's usual effect;
- every reply, written or free, is declared as such (:class:`~engine.format.model.Spoken` on the
  action): the runtime, the timeline and the console read that declaration, never the spelling
  of an id, which is only a name for scripts and records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.format.model import EXPANDING, Dialogue, Scenario, Text

SEP = "__"
"""Joins a turn id and a reply id into the action id (``opening__listen_first``): a name only; what
an action is, is declared (:attr:`~engine.format.model.Action.spoken`)."""

AFTER_CALL = "after_call"
CLOSING = "closing"
ESCALATED = "escalated"
LEFT = "left"
RESOLVED = "resolved"
RESOLVED_UNHAPPY = "resolved_unhappy"
UNCONFIRMED = "closed_unconfirmed"
CALL_BACK = "call_back"
CLOSE_TICKET = "close_ticket"
END_CALL = "end_call"
"""Special ``next`` of a reply: the call ends (on to the follow-up)."""

RESERVED = {AFTER_CALL, CLOSING, ESCALATED, LEFT, RESOLVED, RESOLVED_UNHAPPY, UNCONFIRMED}
"""State and ending ids the expansion uses; turns may not take them."""

NEXT_SPECIAL = {END_CALL, ESCALATED, LEFT}
"""What a reply's ``next`` may name besides a turn."""


@dataclass(frozen=True)
class MoveSpec:
    """What a move is worth: its step of the five, its loop stage, and the owner's usual reaction."""

    step: str | None
    good: bool
    stage: str
    mood: float
    patience: float
    label: Text


def _t(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


MOVES: dict[str, MoveSpec] = {
    "listen": MoveSpec("listen", True, "report", -6, 4, _t("倾听", "listen")),
    "empathise": MoveSpec("empathise", True, "report", -12, 6, _t("共情", "empathise")),
    "apologise": MoveSpec("acknowledge", True, "report", -8, 4, _t("致歉（为影响）", "apologise for the impact")),
    "restate": MoveSpec("acknowledge", True, "report", -4, 4, _t("复述确认", "restate the facts")),
    "ask": MoveSpec(None, True, "report", 0, -2, _t("询问情况", "ask for the facts")),
    "safety": MoveSpec(None, True, "report", -2, 0, _t("先问安全", "safety first")),
    "act": MoveSpec("resolve", True, "handle", -10, 6, _t("给出方案和时间", "a concrete plan with a time")),
    "follow_up": MoveSpec("follow_up", True, "handle", -4, 2, _t("约定回访", "schedule the follow-up")),
    "interrupt": MoveSpec(None, False, "report", 10, -8, _t("打断", "interrupt")),
    "argue": MoveSpec(None, False, "report", 15, -10, _t("争辩", "argue")),
    "blame": MoveSpec(None, False, "report", 20, -10, _t("指责业主", "blame the owner")),
    "deflect": MoveSpec(None, False, "report", 18, -12, _t("推诿", "pass the buck")),
    "forbidden": MoveSpec(None, False, "report", 25, -15, _t("禁语", "a forbidden phrase")),
    "overpromise": MoveSpec(None, False, "handle", -5, 2, _t("轻率承诺", "a promise that cannot be kept")),
    "stall": MoveSpec(None, False, "report", 4, -12, _t("拖延（“我查一下”）", "stall ('let me check')")),
}
"""Every move, in the order the console lists them."""

RED_LINES: dict[str, Text] = {
    "forbidden": _t(
        "客服禁语：这类话会激化矛盾，属于服务红线",
        "a forbidden phrase: it inflames the owner and is a service red line",
    ),
    "deflect": _t(
        "推诿（“不归我们管”）：首问负责，接到就要负责到底", "passing the buck: whoever takes the call owns the case"
    ),
    "blame": _t(
        "未经查明就指责业主：责任要凭事实判定", "blaming the owner before the facts: responsibility follows the facts"
    ),
    "overpromise": _t(
        "无法兑现的承诺：时间要和工程确认后再说", "a promise that cannot be kept: confirm times with engineering first"
    ),
}
"""Moves that break the company's service red lines, and why."""

EMOTION_FIRST = _t(
    "先处理情绪，再处理问题：业主的感受还没有被回应，就开始给方案",
    "emotion before problem: a solution offered before the owner's feelings were acknowledged",
)

STEPS: tuple[tuple[str, Text, tuple[str, ...]], ...] = (
    ("listen", _t("倾听：让业主说完", "Listen: let the owner finish"), ("listen",)),
    ("empathise", _t("共情：说出业主的感受", "Empathise: name the owner's feeling"), ("empathise",)),
    (
        "acknowledge",
        _t(
            "致歉/确认：为影响致歉（不等于认责），复述事实",
            "Apologise and confirm: for the impact, not the fault; restate",
        ),
        ("apologise", "restate"),
    ),
    (
        "resolve",
        _t("方案：具体行动和能兑现的时间", "Resolve: a concrete action with a time that can be kept"),
        ("act",),
    ),
    ("follow_up", _t("跟进：约定并完成回访", "Follow up: schedule the call-back and make it"), ("follow_up",)),
)
"""The five steps of complaint handling, in order, and the moves that perform each."""


ROLEPLAY_SUFFIX = "-roleplay"
"""A role-play's scenario id is its file's id with this after it (records and history tell them apart)."""


def roleplay_id(scenario_id: str) -> str:
    """The id of a scenario's role-play."""
    return scenario_id + ROLEPLAY_SUFFIX


def base_id(scenario_id: str) -> str:
    """The file's scenario id, given it or its role-play's."""
    return scenario_id.removesuffix(ROLEPLAY_SUFFIX)


def action_id(turn: str, reply: str) -> str:
    """The trainee's action for saying ``reply`` at ``turn``."""
    return f"{turn}{SEP}{reply}"


FREE_PREFIX = "free_"
"""Starts the id of a free reply's action (the trainee's own words, judged by a coach): a name
only; the action declares what it is (``spoken.judged_as``)."""


def free_id(move: str) -> str:
    """The action of a free reply the coach judged to be ``move``."""
    return f"{FREE_PREFIX}{move}"


def persona_for(dialogue: Dialogue, seed: int) -> str:
    """The persona a drill meets when none is chosen: one of them, by seed (same seed, same owner)."""
    names = sorted(dialogue.personas)
    return names[seed % len(names)]


def problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-reference problems of the dialogue, located by field path (empty when there is none)."""
    d = scenario.dialogue
    if d is None:
        return []
    found: list[tuple[tuple[str | int, ...], str]] = []
    base: tuple[str | int, ...] = ("dialogue",)
    roles = scenario.roles
    if d.trainee not in roles or roles[d.trainee].kind != "staff":
        found.append(((*base, "trainee"), f"'{d.trainee}' must be a staff role of this scenario"))
    if d.owner not in roles or roles[d.owner].kind != "external":
        found.append(((*base, "owner"), f"'{d.owner}' must be an external role of this scenario"))
    if d.start not in d.turns:
        found.append(((*base, "start"), f"unknown turn '{d.start}'; turns: {', '.join(d.turns)}"))
    if d.calm_below >= d.escalate_at:
        found.append(((*base, "calm_below"), "must be below escalate_at"))
    for tid, turn in d.turns.items():
        where = (*base, "turns", tid)
        if tid in RESERVED or SEP in tid:
            found.append((where, f"'{tid}' is reserved or contains '{SEP}'; choose another turn id"))
        for pid in turn.personas:
            if pid not in d.personas:
                found.append(((*where, "personas", pid), f"unknown persona '{pid}'; personas: {', '.join(d.personas)}"))
        for rid, reply in turn.replies.items():
            at = (*where, "replies", rid)
            if SEP in rid:
                found.append((at, f"reply ids may not contain '{SEP}'"))
            elif len(action_id(tid, rid)) > 48:
                found.append((at, f"'{tid}' and '{rid}' together are longer than 48 characters; shorten one"))
            if reply.next is not None and reply.next not in d.turns and reply.next not in NEXT_SPECIAL:
                choices = ", ".join([*d.turns, *sorted(NEXT_SPECIAL)])
                found.append(((*at, "next"), f"unknown turn '{reply.next}'; choose one of {choices}"))
    return found


def _effect(value: float) -> str:
    return f"+ {value:g}" if value >= 0 else f"- {-value:g}"


def _reply_effects(
    spec_moves: Sequence[str], mood: float | None, patience: float | None, touchy: float
) -> tuple[int, int]:
    dm = sum(MOVES[m].mood for m in spec_moves) if mood is None else mood
    dp = sum(MOVES[m].patience for m in spec_moves) if patience is None else patience
    if dm > 0:
        dm *= touchy
    return round(dm), round(dp)


def _stage(moves: Sequence[str]) -> str:
    stages = {MOVES[m].stage for m in moves}
    return "handle" if "handle" in stages else "report"


def _forbidden(moves: Sequence[str], why: Text | None) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for move in moves:
        if move in RED_LINES:
            reason = why or RED_LINES[move]
            rules.append({"when": "true", "rule": "red-line", "reason": _dump(reason)})
            break
    if any(MOVES[m].step == "resolve" or m == "overpromise" for m in moves) and "empathise" not in moves:
        rules.append({"when": "not empathised", "rule": "emotion-first", "reason": _dump(EMOTION_FIRST)})
    return rules


def _dump(text: Text) -> dict[str, str]:
    return {k: v for k, v in (("zh", text.zh), ("en", text.en)) if v}


def _join(a: Text, sep: tuple[str, str], b: Text) -> dict[str, str]:
    return {"zh": f"{a.get('zh')}{sep[0]}{b.get('zh')}", "en": f"{a.get('en')}{sep[1]}{b.get('en')}"}


def expand(scenario: Scenario, persona: str) -> Scenario:
    """The role-play of ``scenario`` against ``persona``, as a playable scenario.

    Raises:
        KeyError: The scenario has no dialogue, or no such persona (callers check first).
    """
    d = scenario.dialogue
    if d is None:
        raise KeyError(f"scenario '{scenario.id}' has no dialogue")
    who = d.personas[persona]
    turns = list(d.turns)
    trainee, owner = scenario.roles[d.trainee], scenario.roles[d.owner]
    states: dict[str, Any] = {}
    actions: dict[str, Any] = {}
    by_move: dict[str, list[str]] = {m: [] for m in MOVES}
    for tid, turn in d.turns.items():
        line = turn.personas.get(persona, turn.owner)
        # A turn is known by its label, else by who speaks: the timeline reads "→ Owner: <line>".
        states[tid] = {"narration": _dump(line), "label": _dump(turn.label or owner.label)}
        for rid, reply in turn.replies.items():
            aid = action_id(tid, rid)
            mood, patience = _reply_effects(reply.does, reply.mood, reply.patience, who.touchy)
            effects: dict[str, Any] = {"mood": f"mood {_effect(mood)}", "patience": f"patience {_effect(patience)}"}
            if "empathise" in reply.does:
                effects["empathised"] = True
            goto = reply.next
            action: dict[str, Any] = {
                "role": d.trainee,
                "label": _dump(reply.text),
                "stage": _stage(reply.does),
                "life": "support",
                "in": [tid],
                "duration": reply.minutes,
                "effects": effects,
                "forbidden": _forbidden(reply.does, reply.why),
                "spoken": {"turn": tid, "reply": rid},
            }
            if goto == END_CALL:
                action["goto"] = AFTER_CALL
            elif goto is not None:
                action["goto"] = goto
            if reply.why is not None:
                action["explain"] = _dump(reply.why)
            actions[aid] = action
            for done in reply.does:
                by_move[done].append(aid)
    for name, spec in MOVES.items():
        move = name
        mood, patience = _reply_effects([move], None, None, who.touchy)
        effects = {"mood": f"mood {_effect(mood)}", "patience": f"patience {_effect(patience)}"}
        if move == "empathise":
            effects["empathised"] = True
        actions[free_id(move)] = {
            "role": d.trainee,
            "label": _join(_t("自由回答，教练判定为", "Free reply, judged as "), ("：", ""), spec.label),
            "stage": spec.stage,
            "life": "support",
            "in": turns,
            "duration": 0.5,
            "effects": effects,
            "repeatable": True,
            "forbidden": _forbidden([move], None),
            "spoken": {"judged_as": move},
        }
        by_move[move].append(free_id(move))
    actions[CALL_BACK] = {
        "role": d.trainee,
        "label": _dump(_t("按约定回访业主（通话结束后）", "Call the owner back as agreed (after the call)")),
        "stage": "feedback",
        "life": "support",
        "in": [AFTER_CALL],
        "duration": d.follow_up_after,
        "effects": {"mood": "mood - 15"},
        "goto": CLOSING,
    }
    actions[CLOSE_TICKET] = {
        "role": d.trainee,
        "label": _dump(_t("直接关闭工单，不再回访", "Close the ticket without a follow-up call")),
        "stage": "handle",
        "life": "admin",
        "in": [AFTER_CALL],
        "goto": UNCONFIRMED,
    }
    by_move["follow_up"].append(CALL_BACK)
    states[AFTER_CALL] = {
        "label": _dump(_t("通话结束", "Call ended")),
        "narration": _dump(
            _t(
                "通话结束。按约定的时间回访业主，闭环才算完成。",
                "The call is over. The loop closes only with the follow-up call at the time agreed.",
            )
        ),
    }
    states[CLOSING] = {
        "label": _dump(_t("回访", "Follow-up call")),
        "narration": _dump(_t("回访电话接通了。", "The follow-up call connects.")),
    }
    endings = {
        RESOLVED: {
            "outcome": "success",
            "label": _dump(_t("圆满解决", "Resolved")),
            "narration": _dump(_t("业主情绪平稳，认可处理结果。", "The owner is calm and accepts the outcome.")),
        },
        RESOLVED_UNHAPPY: {
            "outcome": "partial",
            "label": _dump(_t("解决但不满意", "Resolved, owner unhappy")),
            "narration": _dump(
                _t(
                    "问题处理了，但业主仍然不满，可能再次投诉。",
                    "It was handled, but the owner is still unhappy and may complain again.",
                )
            ),
        },
        UNCONFIRMED: {
            "outcome": "partial",
            "label": _dump(_t("未回访即关闭", "Closed without a follow-up")),
            "narration": _dump(
                _t(
                    "工单关闭了，但没有回访确认：业主是否满意无人知道。",
                    "The ticket is closed without a follow-up: nobody knows if the owner is satisfied.",
                )
            ),
        },
        ESCALATED: {
            "outcome": "failure",
            "label": _dump(_t("升级投诉（12345）", "Escalated (12345 hotline)")),
            "narration": _dump(
                _t(
                    "“我要打12345投诉你们！”业主情绪失控，投诉升级。",
                    '"I\'m calling the 12345 hotline about you!" The complaint escalates.',
                )
            ),
        },
        LEFT: {
            "outcome": "failure",
            "label": _dump(_t("业主挂断", "Owner hung up")),
            "narration": _dump(_t("业主失去耐心，挂断了电话。", "The owner runs out of patience and hangs up.")),
        },
    }
    variables = {
        "mood": {
            "type": "int",
            "min": 0,
            "max": 100,
            "initial": who.mood,
            "show": "meter",
            "measure": "peak",
            "label": _dump(_t("业主怒气", "Owner's anger")),
        },
        "patience": {
            "type": "int",
            "min": 0,
            "max": 100,
            "initial": who.patience,
            "show": "meter",
            "label": _dump(_t("业主耐心", "Owner's patience")),
        },
        "empathised": {
            "type": "bool",
            "initial": False,
            "show": "hidden",
            "label": _dump(_t("已回应业主感受", "Feelings acknowledged")),
        },
    }
    talking = " and ".join(f"not in_state({s})" for s in (AFTER_CALL, CLOSING))
    dynamics = {
        "patience_drains": {"var": "patience", "rate": -who.wait, "while": talking, "every": 0.5},
        "anger_rises": {"var": "mood", "rate": 6, "while": f"patience < 25 and {talking}", "every": 0.5},
    }
    transitions = {
        "escalates": {"when": f"mood >= {d.escalate_at}", "in": turns, "goto": ESCALATED},
        "hangs_up": {"when": "patience <= 0", "in": turns, "goto": LEFT},
        "calm_at_follow_up": {"when": f"mood < {d.calm_below}", "in": [CLOSING], "goto": RESOLVED},
        "unhappy_at_follow_up": {"when": f"mood >= {d.calm_below}", "in": [CLOSING], "goto": RESOLVED_UNHAPPY},
    }
    tasks: dict[str, Any] = {}
    previous: list[str] = []
    for step, label, moves in STEPS:
        done_by = sorted({a for m in moves for a in by_move[m]})
        if not done_by:
            continue
        task: dict[str, Any] = {"label": _dump(label), "actions": done_by, "weight": 20}
        if previous:
            task["after_any"] = previous
        tasks[step] = task
        previous = done_by
    objectives: dict[str, Any] = {
        "five_steps": {"label": _dump(_t("投诉处理五步法", "The five steps of complaint handling")), "tasks": tasks}
    }
    if d.safety_first and by_move["safety"]:
        objectives["life_first"] = {
            "label": _dump(_t("生命优先", "Life first")),
            "tasks": {
                "safety": {
                    "label": _dump(
                        _t("先问安全：有没有危险，怎么避开", "Safety first: ask about danger and how to stay clear")
                    ),
                    "actions": sorted(by_move["safety"]),
                    "weight": 20,
                }
            },
        }
    data: dict[str, Any] = {
        "schema": "scenario/1",
        "id": roleplay_id(scenario.id),
        "version": scenario.version,
        "category": "complaint",
        "title": _join(scenario.title, ("——", " — "), who.label),
        "summary": _dump(who.about),
        "limit": d.follow_up_after + 240,
        "roles": {
            d.trainee: {"kind": "staff", "label": _dump(trainee.label)},
            d.owner: {"kind": "external", "label": _dump(owner.label)},
        },
        "variables": variables,
        "initial": d.start,
        "states": states,
        "endings": endings,
        "actions": actions,
        "dynamics": dynamics,
        "transitions": transitions,
        "rubric": {
            "objectives": objectives,
            # A solution before any empathy breaks the role-play's own core rule (先处理情绪，再处理问题):
            # it costs as much as a red line, so a call that opens with it cannot pass on the
            # strength of the steps that follow.
            "penalties": {"red-line/forbidden": 20, "emotion-first/forbidden": 20},
        },
    }
    return Scenario.model_validate(data, context={EXPANDING: True})
