"""The two rules every drill enforces: life first (生命优先) and report -> handle -> feedback (上报-处置-反馈).

They are built in: a scenario only tags its actions (``stage``, ``life``, ``forbidden``, ``hazards``)
and can never switch a rule off. This module is pure: given an incident's situation and an action,
it says which rules the decision would break. The drill decides what to do with that answer:
strict mode refuses the decision and shows the reasons; observe mode lets it happen and records
each breach as a finding.

Rule ids and kinds (stable: records, reports and history refer to them):

- ``life-first``/``forbidden``: the action endangers people and is forbidden outright now;
- ``red-line``/``forbidden``: the action is conduct the company forbids (buck-passing, false promises,
  leaking an owner's details); declared per action by the scenario, enforced like life-first;
- ``emotion-first``/``forbidden``: in a role-play, a solution offered before the owner's feelings were
  acknowledged (先处理情绪再处理问题); declared by the dialogue's expansion, enforced the same way;
- ``life-first``/``order``: property or paperwork while people are still at risk and the required
  life-safety actions have not started;
- ``report-handle-feedback``/``order``: handling before anything was reported (life-safety actions
  are exempt: no procedure may hold back a rescue), or feedback before any handling;
- ``report-handle-feedback``/``premature-close``: a decision that closes the incident successfully
  before the loop is closed;
- ``report-handle-feedback``/``open``: the incident ended with the loop not closed (recorded by the
  drill when an ending is reached, whatever the route);
- ``deadline``/``missed``: a timer's deadline passed unmet (recorded by the drill).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.format import Text
from engine.format.events import Finding, Reason

if TYPE_CHECKING:
    from engine.format import Context
    from engine.runtime.compile import CAction, CompiledScenario, Forbidden

LIFE_FIRST = "life-first"
"""Rule id of 生命优先."""

LOOP = "report-handle-feedback"
"""Rule id of the 上报-处置-反馈 closed loop."""

DEADLINE = "deadline"
"""Rule id of a missed SLA deadline."""

RED_LINE = "red-line"
"""Rule id of conduct a company forbids its staff (a scenario's ``forbidden`` entries may use it)."""

EMOTION_FIRST = "emotion-first"
"""Rule id of "emotion before problem" in customer-service role-play."""

_GATED = frozenset({"property", "admin"})


@dataclass(frozen=True, slots=True)
class Breach:
    """One rule a decision breaks (or an incident broke), with a bilingual explanation."""

    rule: str
    kind: str
    detail: Text
    source: str | None = None
    _detail: dict[str, str] = field(init=False, repr=False, compare=False)
    """:attr:`detail` as a record writes it, worked out once (each event gets its own copy)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_detail", _text(self.detail))

    def reason(self) -> Reason:
        """The breach as a refused decision records it."""
        return Reason(rule=self.rule, kind=self.kind, detail=dict(self._detail), source=self.source or None)

    def finding(
        self, incident: int, *, timer: str | None = None, action: str | None = None, cause: int | None = None
    ) -> Finding:
        """The breach as a finding of ``incident`` (caused by a decision, or by a missed timer)."""
        return Finding(
            incident=incident,
            timer=timer,
            action=action,
            cause=cause,
            rule=self.rule,
            kind=self.kind,
            detail=dict(self._detail),
            source=self.source or None,
        )


def _text(text: Text) -> dict[str, str]:
    return {k: v for k, v in (("zh", text.zh), ("en", text.en)) if v}


_HANDLE_BEFORE_REPORT = Breach(
    LOOP,
    "order",
    Text(zh="处置前须先上报（接报登记或通知负责人）", en="report the incident before handling it"),
)
_FEEDBACK_BEFORE_HANDLE = Breach(
    LOOP, "order", Text(zh="尚未处置，不能先反馈", en="there is nothing to feed back before handling")
)
_PREMATURE_CLOSE = Breach(
    LOOP,
    "premature-close",
    Text(
        zh="上报、处置、反馈未全部完成，不能结案",
        en="the case cannot be closed before report, handling and feedback are all done",
    ),
)


def check(
    scenario: CompiledScenario,
    ctx: Context,
    stages_begun: set[str],
    stages_done: set[str],
    action: CAction,
) -> list[Breach]:
    """Every rule deciding ``action`` now would break, in a fixed order (forbidden first)."""
    found: list[Breach] = []
    for rule in action.forbidden:
        if rule.when(ctx):
            found.append(_forbidden(rule))
    if action.life in _GATED:
        # One breach per decision, however many hazards are open: a single decision is one
        # mistake, and it should cost its penalty once.
        hazards, missing = [], []
        for hazard in scenario.hazards:
            lacking = [a for a in hazard.requires if a not in ctx.started]
            if lacking and hazard.active(ctx):
                hazards.append(hazard)
                missing += [a for a in lacking if a not in missing]
        if hazards:
            found.append(_life_first(scenario, tuple(h.id for h in hazards), tuple(missing)))
    if action.stage == "handle" and action.life != "life-safety" and "report" not in stages_begun:
        found.append(_HANDLE_BEFORE_REPORT)
    elif action.stage == "feedback" and "handle" not in stages_begun:
        found.append(_FEEDBACK_BEFORE_HANDLE)
    closes = action.goto in scenario.endings and scenario.endings[action.goto] != "failure"
    # The closing action completes before its goto, so its own stage counts as done by then.
    if closes and not loop_closed(stages_done | {action.stage}):
        found.append(_PREMATURE_CLOSE)
    return found


def loop_closed(stages_done: set[str]) -> bool:
    """Whether report, handle and feedback have all been completed."""
    return len(stages_done) == 3


def open_loop(stages_done: set[str]) -> Breach:
    """The finding recorded when an incident ends with its loop open."""
    return _open_loop(tuple(s for s in ("report", "handle", "feedback") if s not in stages_done))


# The breaches below are built from a handful of inputs and end nearly every random drill: cached,
# a Monte Carlo run no longer validates a new bilingual Text (a pydantic model) for each.


@functools.lru_cache(maxsize=8)
def _open_loop(missing: tuple[str, ...]) -> Breach:
    zh_names = {"report": "上报", "handle": "处置", "feedback": "反馈"}
    return Breach(
        LOOP,
        "open",
        Text(
            zh="闭环未完成，缺少：" + "、".join(zh_names[s] for s in missing),
            en="loop left open; missing: " + ", ".join(missing),
        ),
    )


_KEPT: dict[tuple[object, ...], tuple[object, Breach]] = {}
"""Breaches made once and found again (see :func:`_kept`)."""

KEPT_MAX = 4096
"""Most breaches kept: combinations of open hazards and unstarted actions can be many."""


def _kept(owner: object, key: tuple[object, ...], make: Callable[..., Breach], *args: Any) -> Breach:
    """The breach ``make(*args)`` gives for ``owner`` and ``key``, made once and then found by the owner's identity.

    Not an ``lru_cache``: its key would hash the owner (a pydantic label, a compiled scenario) at every
    breach, on the drill's hot path. The owner is kept with its breach, so its id cannot be reused
    while the entry stands.
    """
    full = (id(owner), *key)
    found = _KEPT.get(full)
    if found is None or found[0] is not owner:
        if len(_KEPT) >= KEPT_MAX:
            _KEPT.clear()
        found = _KEPT[full] = (owner, make(*args))
    return found[1]


def _life_first(scenario: CompiledScenario, hazards: tuple[str, ...], missing: tuple[str, ...]) -> Breach:
    """The life-first breach for these open hazards and unstarted actions, found by their ids."""
    return _kept(scenario, ("life-first", hazards, missing), _life_first_labelled, scenario, hazards, missing)


def _life_first_labelled(scenario: CompiledScenario, hazards: tuple[str, ...], missing: tuple[str, ...]) -> Breach:
    labels = {h.id: h.label for h in scenario.hazards}
    return _life_first_order(tuple(labels[h] for h in hazards), tuple(scenario.actions[a].label for a in missing))


def _life_first_order(hazards: tuple[Text, ...], missing: tuple[Text, ...]) -> Breach:
    """Property or paperwork while ``hazards`` are open and the actions labelled ``missing`` have not started."""
    # Quoted one by one: action labels often contain the list separators themselves.
    labels_zh = "".join(f"「{label.get('zh')}」" for label in missing)
    labels_en = ", ".join(f"'{label.get('en')}'" for label in missing)
    names_zh = "、".join(h.get("zh") for h in hazards)
    names_en = "; ".join(h.get("en") for h in hazards)
    return Breach(
        LIFE_FIRST,
        "order",
        Text(zh=f"{names_zh}尚未解除，须先开展：{labels_zh}", en=f"{names_en}: ongoing; first start: {labels_en}"),
    )


def _forbidden(rule: Forbidden) -> Breach:
    """The breach of a forbidden rule (one per compiled rule)."""
    return _kept(rule, ("forbidden",), Breach, rule.rule, "forbidden", rule.reason, rule.source)


def missed_deadline(label: Text, deadline: float) -> Breach:
    """The finding recorded when a timer expires unmet (one per label and deadline)."""
    return _kept(label, ("deadline", deadline), _missed_deadline, label, deadline)


def _missed_deadline(label: Text, deadline: float) -> Breach:
    return Breach(
        DEADLINE,
        "missed",
        Text(
            zh=f"超时：{label.get('zh')}（时限 {deadline:g} 分钟）",
            en=f"Missed: {label.get('en')} (within {deadline:g} min)",
        ),
    )
