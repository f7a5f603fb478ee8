"""Human-readable lines for drill events, in Chinese or English.

Used by ``drillsim run`` to print the timeline as it happens and by ``drillsim replay`` to list a
record. Labels come from the scenario, so a line reads as the players saw it; the record itself
keeps only ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.format import is_reply
from engine.runtime.compile import CompiledScenario

_WORDS = {
    "start": ("开始", "start"),
    "accepted": ("决策", "decide"),
    "refused": ("拒绝", "refused"),
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

    def word(self, key: str) -> str:
        """A fixed word in the timeline's language."""
        zh, en = _WORDS.get(key, (key, key))
        return zh if self.zh else en

    def line(self, event: dict[str, Any]) -> str | None:
        """One line for ``event``, or None for events not worth a line (hidden variables)."""
        kind = event["type"]
        body = getattr(self, f"_{kind}", None)
        if body is None:
            return None
        text: str | None = body(event)
        if text is None:
            return None
        prefix = f"{event['t']:7.2f}′ "
        if len(self.scenarios) > 1 and "incident" in event:
            prefix += f"#{event['incident'] + 1} "
        return prefix + text

    # Helpers ----------------------------------------------------------------------------------

    def _sc(self, event: dict[str, Any]) -> CompiledScenario:
        return self.scenarios[int(event.get("incident", 0))]

    def _action(self, event: dict[str, Any], action: str | None = None) -> str:
        model = self._sc(event).model
        act = model.actions.get(action or event["action"])
        return act.label.get(self.lang) if act else str(action or event["action"])

    def _role(self, event: dict[str, Any], role: str) -> str:
        found = self._sc(event).model.roles.get(role)
        return found.label.get(self.lang) if found else role

    def _place(self, event: dict[str, Any], place: str | None) -> str:
        model = self._sc(event).model
        if place is None:
            return self.word("timeout")
        found = model.states.get(place) or model.endings.get(place)
        return found.label.get(self.lang) if found and found.label else place

    def _show(self, event: dict[str, Any], changes: dict[str, Any]) -> str:
        model = self._sc(event).model
        shown = []
        for var, value in changes.items():
            spec = model.variables.get(var)
            if spec is None or spec.show == "hidden":
                continue
            name = spec.label.get(self.lang) if spec.label else var
            label = spec.labels.get(value) if isinstance(value, str) else None
            shown.append(f"{name}={label.get(self.lang) if label else _value(value, self.zh)}")
        return ", ".join(shown)

    # One method per event type ----------------------------------------------------------------

    def _start(self, event: dict[str, Any]) -> str:
        model = self._sc(event).model
        narration = model.states[event["state"]].narration.get(self.lang)
        return f"{self.word('start')} {model.title.get(self.lang)} — {narration}"

    def _decision(self, event: dict[str, Any]) -> str:
        status = event["status"]
        who = self._role(event, event["role"])
        text = f"{self.word(status)} [{who}] {self._action(event)}"
        if status == "refused":
            reasons = [_detail(r["detail"], self.lang) for r in event.get("reasons", [])]
            text += " — " + ("；".join(reasons) if self.zh else "; ".join(reasons))
        elif status == "unavailable":
            text += f" ({self.word(event['why'])})"
        return text

    def _finding(self, event: dict[str, Any]) -> str:
        return f"⚠ {self.word('finding')} [{self.word(event['rule'])}] {_detail(event['detail'], self.lang)}"

    def _wait(self, event: dict[str, Any]) -> str:
        pool = self._sc(event).model.staff.get(event["pool"])
        name = pool.label.get(self.lang) if pool else event["pool"]
        return f"{self.word('wait')} ({name}) {self._action(event)}"

    def _begin(self, event: dict[str, Any]) -> str | None:
        if not event["duration"] or is_reply(event["action"]):  # a reply's words are on its decision line
            return None
        return f"{self.word('begin')} {self._action(event)} ({event['duration']:g} {self.word('min')})"

    def _done(self, event: dict[str, Any]) -> str | None:
        changes = self._show(event, event.get("changes", {}))
        if is_reply(event["action"]):
            return f"  · {changes}" if changes else None
        return f"{self.word('done')} {self._action(event)}" + (f" · {changes}" if changes else "")

    def _state(self, event: dict[str, Any]) -> str:
        model = self._sc(event).model
        target = model.states.get(event["to"]) or model.endings.get(event["to"])
        narration = target.narration.get(self.lang) if target else ""
        return f"→ {self._place(event, event['to'])}: {narration}"

    def _inject(self, event: dict[str, Any]) -> str:
        model = self._sc(event).model
        inject = model.injects[event["inject"]]
        sender, receiver = self._role(event, inject.from_), self._role(event, inject.to)
        channel = self.word(inject.channel)
        return f"{self.word('inject')} [{sender} → {receiver}, {channel}] {inject.message.get(self.lang)}"

    def _var(self, event: dict[str, Any]) -> str | None:
        changes = self._show(event, {event["var"]: event["value"]})
        return f"  · {changes}" if changes else None

    def _changes(self, event: dict[str, Any]) -> str | None:
        changes = self._show(event, event.get("changes", {}))
        return f"  · {changes}" if changes else None

    def _hazard(self, event: dict[str, Any]) -> str:
        hazard = self._sc(event).model.hazards[event["hazard"]]
        return f"{self.word('hazard_on' if event['active'] else 'hazard_off')}: {hazard.label.get(self.lang)}"

    def _timer(self, event: dict[str, Any]) -> str | None:
        timer = self._sc(event).model.timers[event["timer"]]
        status = event["status"]
        if status == "missed":
            return None  # the finding says it
        if status == "started":
            minutes = event["due"] - event["t"]
            return f"{self.word('timer_started')}: {timer.label.get(self.lang)} ({minutes:g} {self.word('min')})"
        return f"✓ {self.word('timer_met')}: {timer.label.get(self.lang)}"

    def _end(self, event: dict[str, Any]) -> str:
        if event["ending"] is None:  # the time limit, or an incident that never began
            return f"{self.word('end')}: {self.word(event['outcome'])}"
        return f"{self.word('end')}: {self._place(event, event['ending'])} ({self.word(event['outcome'])})"

    def _note(self, event: dict[str, Any]) -> str:
        kind = event["kind"]
        head = self.word("note_inject" if kind == "inject" else kind)
        text = event.get("text") or ""
        return f"✎ {head}" + (f": {text}" if text else "")

    def _fire(self, event: dict[str, Any]) -> str:
        return self.word("fire")  # the inject's own line follows with its message

    def _halt(self, event: dict[str, Any]) -> str:
        return self.word("halt")

    def _evaluation(self, event: dict[str, Any]) -> str:
        target = str(event["target"])
        kind, _, name = target.partition(":")
        what = target
        if kind == "task":
            rubric = self._sc(event).model.rubric
            for objective in rubric.objectives.values() if rubric else ():
                if name in objective.tasks:
                    what = objective.tasks[name].label.get(self.lang)
        elif kind == "drill":
            what = self.word("overall")
        rating = f" {event['rating']}" if event.get("rating") else ""
        note = f" — {event['note']}" if event.get("note") else ""
        return f"★ {self.word('evaluation')} [{what}]{rating}{note}"

    def _drill_end(self, event: dict[str, Any]) -> str:
        return f"{self.word('drill_end')}: {self.word(event['outcome'])}"


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
