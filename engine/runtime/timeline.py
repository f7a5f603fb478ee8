"""Human-readable lines for drill events, in Chinese or English.

Used by ``drillsim run`` to print the timeline as it happens and by ``drillsim replay`` to list a
record. Labels come from the scenario, so a line reads as the players saw it; the record itself
keeps only ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, assert_never

from engine.display import sim_time
from engine.format import Value
from engine.format.events import (
    ActionBegun,
    ActionDone,
    ActionDropped,
    AnyEvent,
    DecisionMade,
    DecisionWithdrawn,
    DrillEnded,
    DrillHalted,
    Evaluated,
    Finding,
    HazardChanged,
    IncidentEnded,
    IncidentStarted,
    InjectDelivered,
    InjectFired,
    NoteMade,
    StaffAwaited,
    StateChanged,
    TimerChanged,
    ValuesChanged,
    VariableStepped,
)
from engine.runtime.compile import CompiledScenario

_WORDS = {
    "start": ("开始", "start"),
    "accepted": ("决策", "decide"),
    "refused": ("拒绝", "refused"),
    "withdrawn": ("撤回决策", "withdrawn"),
    "unavailable": ("不可选", "unavailable"),
    "finding": ("发现问题", "FINDING"),
    "wait": ("等待人员", "waiting for staff"),
    "begin": ("执行", "doing"),
    "done": ("完成", "done"),
    "state": ("状态", "state"),
    "inject": ("注入", "inject"),
    "hazard_on": ("险情", "hazard"),
    "hazard_off": ("险情解除", "hazard over"),
    "timer_started": ("计时", "clock"),
    "timer_met": ("时限达成", "met"),
    "timer_missed": ("超时", "missed"),
    "end": ("结束", "end"),
    "drill_end": ("演练结束", "drill over"),
    "changes": ("变化", "changes"),
    "note": ("记录", "note"),
    "bookmark": ("书签", "bookmark"),
    "note_inject": ("临时注入", "inject (facilitator)"),
    "resumed": ("演练中断后继续", "resumed after an interruption"),
    "fire": ("导调提前注入", "facilitator delivers"),
    "halt": ("导调结束演练", "facilitator ends the drill"),
    "evaluation": ("评估", "evaluation"),
    "overall": ("整体", "overall"),
    "min": ("分钟", "min"),
    "timeout": ("超出时限", "time limit"),
    "success": ("成功", "success"),
    "partial": ("部分完成", "partial"),
    "failure": ("失败", "failure"),
    "ended": ("事件已结束", "incident over"),
    "not-started": ("事件尚未开始", "incident not started yet"),
    "unknown-action": ("没有这个行动", "no such action"),
    "wrong-role": ("不是该角色的行动", "not this role's action"),
    "wrong-state": ("当前阶段不可用", "not in this phase"),
    "condition": ("条件不满足", "not possible now"),
    "already-started": ("已经开始过", "already started"),
    "life-first": ("生命优先", "life first"),
    "red-line": ("服务红线", "red line"),
    "emotion-first": ("先处理情绪", "emotion first"),
    "report-handle-feedback": ("上报-处置-反馈闭环", "report-handle-feedback"),
    "deadline": ("时限", "deadline"),
    "phone": ("电话", "phone"),
    "radio": ("对讲机", "radio"),
    "intercom": ("梯内对讲", "intercom"),
    "in-person": ("当面", "in person"),
    "alarm-panel": ("报警面板", "alarm panel"),
    "cctv": ("监控画面", "CCTV"),
    "pa": ("广播", "PA"),
    "app": ("App", "app"),
    "sms": ("短信", "SMS"),
    "email": ("邮件", "email"),
}


class Timeline:
    """Formats events of one drill; holds the scenarios to look labels up in."""

    def __init__(self, scenarios: Sequence[CompiledScenario], lang: str = "zh") -> None:
        self.scenarios = scenarios
        self.lang = lang
        self.zh = lang == "zh"

    @property
    def colon(self) -> str:
        """The colon after a line's kind: the full-width one in Chinese, ``": "`` in English."""
        return "：" if self.zh else ": "

    def _paren(self, text: str) -> str:
        """``text`` in parentheses after what it qualifies: full-width ones in Chinese, `` (…)`` in English."""
        return f"（{text}）" if self.zh else f" ({text})"

    def word(self, key: str) -> str:
        """A fixed word in the timeline's language."""
        zh, en = _WORDS.get(key, (key, key))
        return zh if self.zh else en

    def line(self, event: AnyEvent) -> str | None:
        """One line for ``event``, its sim time first as the console's clock writes it (``mm:ss``),
        or None for events not worth a line (hidden variables)."""
        body = self.body(event)
        return None if body is None else f"{sim_time(event.t):>7} {body}"

    def body(self, event: AnyEvent) -> str | None:
        """The line for ``event`` without its time (a drill of several incidents names the incident)."""
        text = self._text(event)
        if text is None:
            return None
        incident = _incident(event)
        if len(self.scenarios) > 1 and incident is not None:
            return f"#{incident + 1} {text}"
        return text

    def _text(self, event: AnyEvent) -> str | None:
        match event:
            case VariableStepped():
                changes = self._show(event.incident, {event.var: event.value})
                return f"  · {changes}" if changes else None
            case DecisionMade():
                return self._decision(event)
            case ActionBegun():
                if not event.duration or self._reply(event.incident, event.action):
                    return None  # a reply's words are on its decision line
                what = self._action(event.incident, event.action)
                return f"{self.word('begin')} {what}{self._paren(f'{event.duration:g} ' + self.word('min'))}"
            case ActionDone():
                changes = self._show(event.incident, event.changes)
                if self._reply(event.incident, event.action):
                    return f"  · {changes}" if changes else None
                return f"{self.word('done')} {self._action(event.incident, event.action)}" + (
                    f" · {changes}" if changes else ""
                )
            case StateChanged():
                model = self.scenarios[event.incident].model
                target = model.states.get(event.to) or model.endings.get(event.to)
                narration = target.narration.get(self.lang) if target else ""
                return f"→ {self._place(event.incident, event.to)}{self.colon}{narration}"
            case TimerChanged():
                return self._timer(event)
            case StaffAwaited():
                pool = self.scenarios[event.incident].model.staff.get(event.pool)
                name = pool.label.get(self.lang) if pool else event.pool
                return f"{self.word('wait')}{self._paren(name)} {self._action(event.incident, event.action)}"
            case InjectDelivered():
                inject = self.scenarios[event.incident].model.injects[event.inject]
                sender, receiver = self._role(event.incident, inject.from_), self._role(event.incident, inject.to)
                channel = self.word(inject.channel)
                comma = "，" if self.zh else ", "
                return f"{self.word('inject')} [{sender} → {receiver}{comma}{channel}] {inject.message.get(self.lang)}"
            case ValuesChanged():
                changes = self._show(event.incident, event.changes)
                return f"  · {changes}" if changes else None
            case HazardChanged():
                hazard = self.scenarios[event.incident].model.hazards[event.hazard]
                state = self.word("hazard_on" if event.active else "hazard_off")
                return f"{state}{self.colon}{hazard.label.get(self.lang)}"
            case Finding():
                return f"⚠ {self.word('finding')} [{self.word(event.rule)}] {_detail(event.detail, self.lang)}"
            case DecisionWithdrawn():
                return f"↶ {self.word('withdrawn')} {self._action(event.incident, event.action)}"
            case ActionDropped():
                return None  # the incident's end, or the withdrawal, says why
            case IncidentStarted():
                model = self.scenarios[event.incident].model
                narration = model.states[event.state].narration.get(self.lang)
                return f"{self.word('start')} {model.title.get(self.lang)} — {narration}"
            case IncidentEnded():
                if event.ending is None:  # the time limit, or an incident that never began
                    return f"{self.word('end')}{self.colon}{self.word(event.outcome)}"
                where = self._place(event.incident, event.ending)
                return f"{self.word('end')}{self.colon}{where}{self._paren(self.word(event.outcome))}"
            case DrillEnded():
                return f"{self.word('drill_end')}{self.colon}{self.word(event.outcome)}"
            case NoteMade():
                head = self.word("note_inject" if event.kind == "inject" else event.kind)
                return f"✎ {head}" + (f"{self.colon}{event.text}" if event.text else "")
            case InjectFired():
                return self.word("fire")  # the inject's own line follows with its message
            case DrillHalted():
                return self.word("halt")
            case Evaluated():
                return self._evaluation(event)
            case _:
                assert_never(event)

    # Helpers ----------------------------------------------------------------------------------

    def _reply(self, incident: int, action: str) -> bool:
        """Whether ``action`` is a line the trainee says in a role-play (as its scenario declares)."""
        act = self.scenarios[incident].actions.get(action)
        return act is not None and act.reply

    def _action(self, incident: int, action: str) -> str:
        act = self.scenarios[incident].model.actions.get(action)
        return act.label.get(self.lang) if act else action

    def _role(self, incident: int, role: str) -> str:
        found = self.scenarios[incident].model.roles.get(role)
        return found.label.get(self.lang) if found else role

    def _place(self, incident: int, place: str | None) -> str:
        model = self.scenarios[incident].model
        if place is None:
            return self.word("timeout")
        found = model.states.get(place) or model.endings.get(place)
        return found.label.get(self.lang) if found and found.label else place

    def _show(self, incident: int, changes: Mapping[str, Value]) -> str:
        model = self.scenarios[incident].model
        shown = []
        for var, value in changes.items():
            spec = model.variables.get(var)
            if spec is None or spec.show == "hidden":
                continue
            name = spec.label.get(self.lang) if spec.label else var
            label = spec.labels.get(value) if isinstance(value, str) else None
            shown.append(f"{name}={label.get(self.lang) if label else _value(value, self.zh)}")
        return ", ".join(shown)

    def _decision(self, event: DecisionMade) -> str:
        who = self._role(event.incident, event.role)
        if event.by:  # a participant in the room decided it for their role
            who = f"{who} · {event.by}"
        text = f"{self.word(event.status)} [{who}] {self._action(event.incident, event.action)}"
        if event.status == "refused":
            reasons = [_detail(r.detail, self.lang) for r in event.reasons or []]
            text += " — " + ("；".join(reasons) if self.zh else "; ".join(reasons))
        elif event.status == "unavailable":
            text += self._paren(self.word(event.why or ""))
        return text

    def _timer(self, event: TimerChanged) -> str | None:
        timer = self.scenarios[event.incident].model.timers[event.timer]
        if event.status == "missed":
            return None  # the finding says it
        if event.status == "started":
            minutes = (event.due or 0) - event.t
            span = self._paren(f"{minutes:g} {self.word('min')}")
            return f"{self.word('timer_started')}{self.colon}{timer.label.get(self.lang)}{span}"
        return f"✓ {self.word('timer_met')}{self.colon}{timer.label.get(self.lang)}"

    def _evaluation(self, event: Evaluated) -> str:
        kind, _, name = event.target.partition(":")
        what = event.target
        if kind == "task":
            rubric = self.scenarios[event.incident].model.rubric
            for objective in rubric.objectives.values() if rubric else ():
                if name in objective.tasks:
                    what = objective.tasks[name].label.get(self.lang)
        elif kind == "drill":
            what = self.word("overall")
        elif kind == "inject" and name in self.scenarios[event.incident].model.injects:
            message = self.scenarios[event.incident].model.injects[name].message.get(self.lang)
            what = self.word("inject") + self.colon + (message if len(message) <= 20 else message[:19] + "…")
        rating = f" {event.rating}" if event.rating else ""
        note = f" — {event.note}" if event.note else ""
        return f"★ {self.word('evaluation')} [{what}]{rating}{note}"


def _incident(event: AnyEvent) -> int | None:
    """The incident an event is about (None for the drill's own events and notes about no incident)."""
    if isinstance(event, DrillHalted | DrillEnded):
        return None
    return event.incident


def _detail(detail: dict[str, str], lang: str) -> str:
    """A finding's or refusal's text in ``lang``, without closing punctuation (it gets joined)."""
    text = detail.get(lang) or next(iter(detail.values()))
    return text.rstrip("。.；; ")


def _value(value: Any, zh: bool) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
