"""Debrief reports of a drill: an HSEEP after-action report / improvement plan, or a Chinese 评估报告.

A report is a pure function of a record: :func:`build` reads the record's header and events, scores
them with :func:`scoring.evaluation.evaluate` and returns the report's *content* as plain data;
:func:`render` turns that content into Markdown, HTML or JSON. Nothing here reads a clock.

The content has two layers, and that is why it has this shape:

* **the facts**, as data with raw numbers and event ids: ``overview``, ``evaluation``,
  ``breakdown``, ``strengths``, ``areas`` (for improvement), ``improvement_plan``, ``timeline``,
  ``evaluator_notes`` and ``feedback``. A tool that files reports away reads these;
* **the document**, ``sections``: the facts laid out for one style (``cn``: 演练概况 / 评估 / 演练点评 /
  参演人员自评 / 存在问题 / 纠正行动; ``hseep``: the AAR/IP's sections and appendices) in one language,
  as headed blocks of ready-made strings (tables, lists, paragraphs, the timeline chart).

Renderers only walk ``sections``, so the Markdown, the HTML and the JSON always say the same thing
and a new style is a new section builder, never a new renderer. Every blank a facilitator fills in
by hand (corrective action, owner, due date, root cause, self-assessment) is an empty cell.

The module is longer than most because its three parts (facts, the two layouts, the renderers)
share one vocabulary table and change together; the chart lives apart in :mod:`scoring.report_svg`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import ContentError, DrillError
from engine.format import Plan, find, load_plan
from engine.runtime import Timeline, setup_from
from scoring.evaluation import Evaluation, evaluate
from scoring.ratings import CODES, label
from scoring.report_svg import fonts, timeline_svg

if TYPE_CHECKING:
    from engine.runtime import CompiledScenario, Record

FORMAT = "drillsim-report/1"
"""Name and version of the content format (the JSON output)."""

STYLES = ("cn", "hseep")
"""``cn``: a 评估报告 after AQ/T 9009 and GB/T 46792; ``hseep``: an HSEEP AAR/IP."""

LANGS = ("zh", "en")
"""Languages of headings and fixed words."""

FORMATS = ("md", "html", "json")
"""What :func:`render` can produce."""

Content = dict[str, Any]
"""A report's content: plain data that survives a JSON round trip unchanged."""


class ReportError(DrillError):
    """A report was asked for in an unknown style, language or format."""


# Vocabulary ---------------------------------------------------------------------------------------

_WORDS: dict[str, tuple[str, str]] = {
    "title.cn": ("应急演练评估报告", "Drill evaluation report"),
    "title.hseep": ("演练总结报告与改进计划（AAR/IP）", "After-Action Report / Improvement Plan"),
    "cn.overview": ("一、演练概况", "1. Exercise overview"),
    "cn.evaluation": ("二、评估（得分与结论）", "2. Evaluation (score and conclusion)"),
    "cn.critique": ("三、演练点评", "3. Facilitator's critique"),
    "cn.self": ("四、参演人员自评", "4. Participants' self-assessment"),
    "cn.problems": ("五、存在问题", "5. Problems found"),
    "cn.corrective": ("六、纠正行动", "6. Corrective actions"),
    "cn.appendix": ("附件：演练时间线", "Annex: exercise timeline"),
    "hseep.overview": ("1 演练概述", "1 Exercise Overview"),
    "hseep.capabilities": ("2 能力分析", "2 Analysis of Capabilities"),
    "hseep.objectives": ("3 各目标的优势与待改进之处", "3 Strengths and Areas for Improvement by Objective"),
    "hseep.ip": ("附录A 改进计划", "Appendix A: Improvement Plan"),
    "hseep.participants": ("附录B 参演人员", "Appendix B: Exercise Participants"),
    "hseep.timeline": ("附录C 演练时间线", "Appendix C: Exercise Timeline"),
    "item": ("项目", "Item"),
    "details": ("内容", "Details"),
    "name": ("演练名称", "Exercise name"),
    "date": ("演练日期", "Date"),
    "started": ("开始时间", "Started"),
    "scope": ("演练范围", "Scope"),
    "scenario": ("情景", "Scenario"),
    "hazard": ("威胁或危险", "Threat or hazard"),
    "mission": ("任务领域", "Mission area"),
    "mission.value": ("应急响应", "Response"),
    "sponsor": ("主办单位", "Sponsor"),
    "poc": ("联系人", "Point of contact"),
    "orgs": ("参演单位", "Participating organisations"),
    "mode": ("规则模式", "Rules mode"),
    "mode.strict": ("严格模式（违规操作被拒绝）", "strict (rule-breaking decisions refused)"),
    "mode.observe": ("观察模式（违规照常发生并记录）", "observe (rule breaches happen and are recorded)"),
    "kind": ("演练性质", "Kind"),
    "kind.practice": ("练习（不计入统计）", "practice (kept out of statistics)"),
    "kind.assessment": ("考核", "assessment"),
    "seed": ("随机种子", "Seed"),
    "engine": ("引擎版本", "Engine version"),
    "locale": ("地区参数", "Locale"),
    "record": ("演练记录", "Record"),
    "record.cut": ("记录不完整：演练中途中断", "incomplete: the drill was interrupted"),
    "site": ("地点（项目）", "Site"),
    "team": ("参演队伍", "Team"),
    "participants": ("参演人员", "Participants"),
    "duration": ("模拟时长", "Sim duration"),
    "outcome": ("结局", "Outcome"),
    "objectives": ("演练目标", "Objectives"),
    "objectives.none": ("（未设定目标）", "(no objectives set)"),
    "course": ("演练经过", "Course of the exercise"),
    "chart.note": (
        "时间线图见 HTML 版报告；下表列出全部条目。",
        "The timeline chart is in the HTML report; the table lists every entry.",
    ),
    "chart.caption": ("演练时间线（模拟分钟）", "Exercise timeline (sim minutes)"),
    "score": ("得分", "Score"),
    "pass_mark": ("合格线", "Pass mark"),
    "conclusion": ("结论", "Conclusion"),
    "passed": ("合格", "passed"),
    "failed": ("不合格", "not passed"),
    "rating": ("评级", "Rating"),
    "auto": ("自动评级", "Automatic rating"),
    "evaluator": ("评估员评级", "Evaluator's rating"),
    "final": ("最终评级", "Final rating"),
    "caps": ("评级限制", "Rating caps"),
    "caps.none": ("无", "none"),
    "by_objective": ("各目标评估", "Objectives"),
    "objective": ("目标", "Objective"),
    "tasks": ("关键任务", "Critical tasks"),
    "task": ("任务", "Task"),
    "status": ("完成情况", "Status"),
    "time": ("时间", "Time"),
    "events": ("事件编号", "Events"),
    "breakdown": ("得分明细", "Score breakdown"),
    "points": ("得失分", "Points"),
    "what": ("项", "Entry"),
    "reason": ("说明", "Reason"),
    "strengths": ("做得好的方面", "Strengths"),
    "strengths.none": ("（未发现）", "(none observed)"),
    "notes": ("评估员记录", "Evaluator notes"),
    "notes.none": ("（无）", "(none)"),
    "target": ("对象", "Target"),
    "note": ("记录", "Note"),
    "critique.form": ("点评意见（由演练组织者填写）", "Critique (for the facilitator to fill in)"),
    "critic": ("点评人", "Facilitator"),
    "comments": ("点评意见", "Comments"),
    "person": ("姓名", "Name"),
    "role": ("角色", "Role"),
    "satisfaction": ("满意度（0-100）", "Satisfaction (0-100)"),
    "helped": ("收获与做得好的", "What helped / went well"),
    "improve": ("需要改进的", "What to improve"),
    "self.blank": ("演练后由参演人员填写。", "To be filled in by the participants after the exercise."),
    "no": ("编号", "No."),
    "observation": ("问题描述", "Observation"),
    "reference": ("依据", "Reference"),
    "analysis": ("分析", "Analysis"),
    "root_cause": ("根本原因", "Root cause"),
    "problems.none": ("未发现问题。", "No problems found."),
    "issue": ("问题", "Issue"),
    "action": ("纠正措施", "Corrective action"),
    "owner": ("责任人", "Owner"),
    "due": ("完成时限", "Due date"),
    "element": ("能力要素（POETE）", "Capability element (POETE)"),
    "org": ("主责单位", "Primary responsible organisation"),
    "start_date": ("开始日期", "Start date"),
    "end_date": ("完成日期", "Completion date"),
    "poete": (
        "能力要素：计划（P）、组织（O）、装备（E）、培训（T）、演练（E）。",
        "Capability elements: Planning, Organization, Equipment, Training, Exercise (POETE).",
    ),
    "matrix.overall": ("演练整体", "Exercise overall"),
    "matrix.unrated": ("（无评分细则：由评估员勾选）", "(no rubric: for the evaluator to mark)"),
    "legend": ("评级说明", "Ratings"),
    "group.general": ("未对应到具体目标的观察", "Observations not tied to an objective"),
    "group.whole": ("演练整体", "The exercise as a whole"),
    "areas": ("待改进之处", "Areas for improvement"),
    "areas.none": ("（无）", "(none)"),
    "hotwash": ("参演人员反馈（热身讲评）", "Participant feedback (hot wash)"),
    "entry": ("经过", "What happened"),
    "lane": ("类别", "Lane"),
    "none": ("—", "—"),
    "generated": ("由 drillsim {engine} 依据演练记录 {record} 生成", "Made by drillsim {engine} from record {record}"),
    "outcome.success": ("成功", "success"),
    "outcome.partial": ("部分完成", "partial"),
    "outcome.failure": ("失败", "failure"),
    "outcome.timeout": ("超出时限", "time limit"),
    "status.done": ("按时按序完成", "done on time and in order"),
    "status.out-of-order": ("完成但顺序不对", "done, but out of order"),
    "status.late": ("完成但超时", "done, but late"),
    "status.late-out-of-order": ("超时且顺序不对", "late and out of order"),
    "status.missed": ("未完成", "not done"),
    "rule.life-first": ("生命优先", "life first"),
    "rule.red-line": ("服务红线", "red line"),
    "rule.emotion-first": ("先处理情绪", "emotion first"),
    "rule.report-handle-feedback": ("上报-处置-反馈闭环", "report-handle-feedback loop"),
    "rule.deadline": ("时限", "deadline"),
    "breach.forbidden": ("禁止行为", "forbidden act"),
    "breach.order": ("顺序不对", "wrong order"),
    "breach.premature-close": ("过早结案", "closed too early"),
    "breach.open": ("闭环未完成", "loop left open"),
    "breach.missed": ("超时", "missed"),
    "base": ("基础分", "base"),
    "floor": ("保底", "floor"),
    "met": ("时限达成", "deadline met"),
    "met.text": ("{what}：{t} 达成（时限 {due}）", "{what}: met at {t} (due {due})"),
    "clean": ("全程未出现违规", "no rule breached"),
    "ended": ("结局：{what}", "ended: {what}"),
    "objective.met": ("目标达成：{what}（{score} 分，{rating}）", "Objective met: {what} ({score}, {rating})"),
    "task.score": ("得分 {score}/100，{rating}", "score {score}/100, {rating}"),
    "missed.timer": ("超时", "missed"),
    "minutes": ("{n} 分钟", "{n} min"),
    "lane.situation": ("态势", "Situation"),
    "lane.injects": ("注入信息", "Injects"),
    "lane.deadlines": ("时限（SLA）", "Deadlines (SLA)"),
    "lane.findings": ("发现问题", "Findings"),
}


def _w(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en


def _pick(text: Mapping[str, str] | None, lang: str) -> str:
    """A ``{"zh": ..., "en": ...}`` text in ``lang``, falling back to the other language."""
    if not text:
        return ""
    return text.get(lang) or text.get("en" if lang == "zh" else "zh") or ""


def _colon(head: str, tail: str, lang: str) -> str:
    return f"{head}：{tail}" if lang == "zh" else f"{head}: {tail}"


def _minute(t: float | None) -> str:
    return "" if t is None else f"{round(float(t), 2):g}′"


def _ids(events: Iterable[int]) -> str:
    return ", ".join(f"#{s}" for s in events)


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def _rating(code: str | None, lang: str) -> dict[str, str] | None:
    return None if code is None else {"code": code, "label": label(code, lang)}


# Building the content -----------------------------------------------------------------------------


def build(record: Record, lang: str, style: str) -> Content:
    """The report of a recorded drill, as plain data.

    Args:
        record: The drill's record (:func:`engine.runtime.record.read`).
        lang: ``zh`` or ``en``: the language of headings, fixed words and scenario texts.
        style: ``cn`` (评估报告) or ``hseep`` (AAR/IP).

    Returns:
        The content; see the module docstring. ``render(content, "json")`` dumps it unchanged.

    Raises:
        ReportError: Unknown language or style.
        RecordError: The record's scenarios have changed since the drill (see :func:`setup_from`).
        ContentError: A scenario of the record cannot be found or loaded.
    """
    if lang not in LANGS:
        raise ReportError(f"unknown report language {lang!r}; use {' or '.join(LANGS)}")
    if style not in STYLES:
        raise ReportError(f"unknown report style {style!r}; use {' or '.join(STYLES)}")
    scenarios = setup_from(record).scenarios()
    result = evaluate(record.events, scenarios)
    plan = _plan(record.header)
    facts = _Facts(record, scenarios, result, plan, lang)
    content: Content = {
        "format": FORMAT,
        "style": style,
        "lang": lang,
        "title": _w(f"title.{style}", lang),
        "overview": facts.overview(),
        "evaluation": facts.evaluation(),
        "breakdown": facts.breakdown(),
        "strengths": facts.strengths(),
        "areas": facts.areas(),
        "timeline": facts.timeline(),
        "evaluator_notes": facts.evaluator_notes(),
        "feedback": facts.feedback(),
    }
    content["improvement_plan"] = [
        {
            "area": a["id"],
            "issue": a["observation"],
            "corrective_action": "",
            "capability_element": "",
            "owner": "",
            "organisation": "",
            "point_of_contact": "",
            "start_date": "",
            "due_date": "",
        }
        for a in content["areas"]
    ]
    content["sections"] = (_cn_sections if style == "cn" else _hseep_sections)(content)
    return content


def _plan(header: Mapping[str, Any]) -> Plan | None:
    """The drill plan a record ran, when it can still be found unchanged (else its objectives are unknown)."""
    ref = header.get("plan")
    if not isinstance(ref, dict) or not ref.get("id"):
        return None
    for name in (str(header.get("source") or ""), str(ref["id"])):
        try:
            loaded = load_plan(find(name)) if name else None
        except ContentError:
            continue
        if loaded is not None and loaded.digest == ref.get("digest"):
            return loaded.model
    return None


class _Facts:
    """The facts of one report, computed once from a record and its evaluation."""

    def __init__(
        self,
        record: Record,
        scenarios: Sequence[CompiledScenario],
        result: Evaluation,
        plan: Plan | None,
        lang: str,
    ) -> None:
        self.record = record
        self.header = record.header
        self.events = record.events
        self.scenarios = scenarios
        self.result = result
        self.plan = plan
        self.lang = lang
        self.lines = Timeline(scenarios, lang)
        self.findings = [e for e in self.events if e.get("type") == "finding"]

    def _text(self, text: Any) -> str:
        """A model ``Text`` (or None) in the report's language."""
        return "" if text is None else str(text.get(self.lang))

    def _role(self, incident: int, role: str) -> str:
        found = self.scenarios[incident].model.roles.get(role)
        if found is None:
            found = next((s.model.roles[role] for s in self.scenarios if role in s.model.roles), None)
        return found.label.get(self.lang) if found else role

    def _action(self, incident: int, action: str) -> str:
        found = self.scenarios[incident].model.actions.get(action)
        return found.label.get(self.lang) if found else action

    def _source(self, incident: int, source: str | None) -> str:
        found = self.scenarios[incident].model.sources.get(source) if source else None
        return found.title if found else ""

    # Overview -------------------------------------------------------------------------------------

    def overview(self) -> dict[str, Any]:
        """What ran, when, with whom, in which mode, and what it was meant to test."""
        header, lang = self.header, self.lang
        models = [s.model for s in self.scenarios]
        scenarios = [
            {
                "id": m.id,
                "version": m.version,
                "title": m.title.get(lang),
                "summary": m.summary.get(lang),
                "category": m.category,
                "hazards": [h.label.get(lang) for h in m.hazards.values()],
                "start": float(i.get("start", 0.0)),
            }
            for m, i in zip(models, header.get("incidents", []), strict=False)
        ]
        plan = self.plan
        name = plan.title.get(lang) if plan else " / ".join(str(s["title"]) for s in scenarios)
        summaries = " ".join(str(s["summary"]) for s in scenarios)
        scope = plan.summary.get(lang) if plan and plan.summary else summaries
        objectives = [o.label.get(lang) for m in models if m.rubric for o in m.rubric.objectives.values()]
        origin: str | None = "rubric" if objectives else None
        if plan and plan.objectives:
            objectives, origin = [o.get(lang) for o in plan.objectives], "plan"
        wall = str(header.get("wall_start") or "")
        end = next((e for e in reversed(self.events) if e.get("type") == "drill_end"), None)
        team = header.get("team") or (dict(plan.team) if plan and plan.team else None)
        return {
            "name": name,
            "record": header.get("id"),
            "record_file": Path(self.record.path).name,
            "date": wall[:10],
            "wall_start": wall,
            "scope": scope,
            "scenarios": scenarios,
            "plan": None if plan is None else {"id": plan.id, "version": plan.version},
            "mode": header.get("mode"),
            "seed": header.get("seed"),
            "engine": header.get("engine"),
            "locale": header.get("locale"),
            "staffing": dict(header.get("staffing") or {}),
            "kind": header.get("kind") or (plan.kind if plan else None),
            "site": header.get("site"),
            "team": team,
            "participants": [self._person(p) for p in header.get("participants") or []],
            "objectives": objectives,
            "objectives_from": origin,
            "outcome": None if end is None else end.get("outcome"),
            "duration": max((float(e.get("t", 0.0)) for e in self.events), default=0.0),
            "complete": self.record.complete,
            "notes": list(self.record.notes),
        }

    def _person(self, person: Any) -> dict[str, str]:
        if not isinstance(person, dict):
            return {"name": str(person), "role": "", "role_label": ""}
        role = str(person.get("role") or "")
        return {"name": str(person.get("name") or ""), "role": role, "role_label": self._role(0, role) if role else ""}

    # Evaluation -----------------------------------------------------------------------------------

    def evaluation(self) -> dict[str, Any]:
        """Score, pass mark, verdict and ratings (automatic and evaluator's) down to each critical task."""
        lang, result = self.lang, self.result
        incidents = []
        for inc in result.incidents:
            model = self.scenarios[inc.index].model
            objective_labels = {o.id: _pick(o.label, lang) for o in inc.objectives}
            incidents.append(
                {
                    "index": inc.index,
                    "scenario": inc.scenario,
                    "title": model.title.get(lang),
                    "outcome": inc.outcome,
                    "score": inc.score,
                    "pass_mark": inc.pass_mark,
                    "passed": inc.passed,
                    "rating": _rating(inc.rating, lang),
                    "auto_rating": _rating(inc.auto_rating, lang),
                    "evaluator_rating": _rating(inc.evaluator_rating, lang),
                    "caps": [_pick(c, lang) for c in inc.caps],
                    "objectives": [
                        {
                            "id": o.id,
                            "label": _pick(o.label, lang),
                            "score": o.score,
                            "rating": _rating(o.rating, lang),
                            "tasks": list(o.tasks),
                        }
                        for o in inc.objectives
                    ],
                    "tasks": [
                        {
                            "id": t.id,
                            "objective": t.objective,
                            "objective_label": objective_labels.get(t.objective, t.objective),
                            "label": _pick(t.label, lang) or t.id,
                            "status": t.status,
                            "status_text": _w(f"status.{t.status}", lang),
                            "score": t.score,
                            "weight": t.weight,
                            "stage": t.stage,
                            "t": t.t,
                            "events": list(t.events),
                            "auto_rating": _rating(t.auto_rating, lang),
                            "evaluator_rating": _rating(t.evaluator_rating, lang),
                            "rating": _rating(t.rating, lang),
                            "notes": list(t.notes),
                            "source": self._source(inc.index, self._task_source(model, t.id)),
                        }
                        for t in inc.tasks
                    ],
                    "notes": list(inc.notes),
                }
            )
        return {
            "score": result.score,
            "pass_mark": result.pass_mark,
            "passed": result.passed,
            "rating": _rating(result.rating, lang),
            "incidents": incidents,
        }

    @staticmethod
    def _task_source(model: Any, task: str) -> str | None:
        if model.rubric is None:
            return None
        for objective in model.rubric.objectives.values():
            if task in objective.tasks:
                return objective.tasks[task].source  # type: ignore[no-any-return]
        return None

    def breakdown(self) -> list[dict[str, Any]]:
        """Every gain and loss of points, with its reason, sim minute and events: the answer to "why this score?"."""
        lang = self.lang
        rows = []
        for inc in self.result.incidents:
            for item in inc.breakdown:
                kind, _, name = item.what.partition(":")
                if kind == "task":
                    what = f"{_w('task', lang)} {name}"
                elif "/" in item.what:
                    rule, _, breach = item.what.partition("/")
                    what = f"{_w(f'rule.{rule}', lang)} · {_w(f'breach.{breach}', lang)}"
                else:
                    what = _w(item.what, lang) if item.what in _WORDS else item.what
                rows.append(
                    {
                        "incident": inc.index,
                        "what": item.what,
                        "what_text": what,
                        "points": item.points,
                        "max": item.max,
                        "reason": _pick(item.reason, lang),
                        "t": item.t,
                        "events": list(item.events),
                    }
                )
        return rows

    # Strengths and areas for improvement ---------------------------------------------------------

    def strengths(self) -> list[dict[str, Any]]:
        """Objectives met, tasks performed without challenges, deadlines met, incidents handled cleanly."""
        lang = self.lang
        found: list[dict[str, Any]] = []

        def add(
            kind: str, incident: int, objective: str | None, text: str, ref: str, t: Any, events: list[int]
        ) -> None:
            found.append(
                {"kind": kind, "incident": incident, "objective": objective, "text": text, "reference": ref}
                | {"t": t, "events": events}
            )

        for inc in self.result.incidents:
            for o in inc.objectives:
                if o.rating in ("P", "S"):
                    what, rating = _pick(o.label, lang), label(o.rating, lang)
                    text = _w("objective.met", lang).format(what=what, score=_num(o.score), rating=rating)
                    add("objective", inc.index, o.id, text, f"objective:{o.id}", None, [])
            for task in (t for t in inc.tasks if t.rating == "P"):
                text = _colon(_pick(task.label, lang) or task.id, _w(f"status.{task.status}", lang), lang)
                add("task", inc.index, task.objective, text, f"task:{task.id}", task.t, list(task.events))
        for clock in (c for c in self._timers() if c["status"] == "met"):
            text = _w("met.text", lang).format(what=clock["label"], t=_minute(clock["end"]), due=_minute(clock["due"]))
            objective = self._objective_of(clock["incident"], timer=clock["timer"])
            add("deadline", clock["incident"], objective, text, f"timer:{clock['timer']}", clock["end"], [clock["seq"]])
        for inc in self.result.incidents:
            if inc.outcome != "success" or any(f.get("incident") == inc.index for f in self.findings):
                continue
            end = next((e for e in self.events if e.get("type") == "end" and e.get("incident") == inc.index), {})
            what = self._situation(self.scenarios[inc.index].model, end) if end else ""
            text = _colon(_w("clean", lang), _w("ended", lang).format(what=what), lang)
            add(
                "incident", inc.index, None, text, f"scenario:{inc.scenario}", end.get("t"), [end["seq"]] if end else []
            )
        return found

    def _timers(self) -> list[dict[str, Any]]:
        """Each SLA clock that ran: when it started, when it was due, and how it ended."""
        clocks: list[dict[str, Any]] = []
        running: dict[tuple[int, str], dict[str, Any]] = {}
        for e in self.events:
            if e.get("type") != "timer":
                continue
            key = (int(e.get("incident", 0)), str(e["timer"]))
            if e["status"] == "started":
                spec = self.scenarios[key[0]].model.timers.get(key[1])
                clock = {
                    "incident": key[0],
                    "timer": key[1],
                    "label": self._text(spec.label) if spec else key[1],
                    "start": float(e["t"]),
                    "due": float(e.get("due", e["t"])),
                    "status": "running",
                    "end": None,
                    "seq": e["seq"],
                }
                running[key] = clock
                clocks.append(clock)
            elif key in running:
                running[key].update(status=e["status"], end=float(e["t"]), seq=e["seq"])
                del running[key]
        return clocks

    def _objective_of(self, incident: int, *, action: str | None = None, timer: str | None = None) -> str | None:
        """The rubric objective whose critical task an action or an SLA timer belongs to."""
        rubric = self.scenarios[incident].model.rubric
        if rubric is None:
            return None
        for oid, objective in rubric.objectives.items():
            for task in objective.tasks.values():
                if (action and action in task.actions) or (timer and task.timer == timer):
                    return oid
        return None

    def areas(self) -> list[dict[str, Any]]:
        """One area for improvement per finding and per task rated below P, in time order, numbered A1, A2..."""
        lang, zh = self.lang, self.lang == "zh"
        found: list[dict[str, Any]] = []
        for f in self.findings:
            incident = int(f.get("incident", 0))
            model = self.scenarios[incident].model
            detail = _pick(f.get("detail"), lang).rstrip("。. ")
            action = f.get("action")
            observation = detail
            analysis = ""
            if action:
                decision = next((e for e in self.events if e.get("seq") == f.get("cause")), {})
                who = self._role(incident, str(decision.get("role", model.actions[action].role)))
                what = self._action(incident, action)
                observation = f"{who}「{what}」：{detail}" if zh else f"{who}: “{what}” — {detail}"
                explain = model.actions[action].explain if action in model.actions else None
                analysis = self._text(explain)
            source = f.get("source")
            if source is None and f.get("timer") in model.timers:
                source = model.timers[str(f["timer"])].source
            rule, breach = str(f["rule"]), str(f["kind"])
            reference = f"{_w(f'rule.{rule}', lang)} · {_w(f'breach.{breach}', lang)} ({rule}/{breach})"
            if self._source(incident, source):
                reference += f"; {self._source(incident, source)}"
            found.append(
                {
                    "kind": "finding",
                    "incident": incident,
                    "rule": rule,
                    "breach": breach,
                    "objective": self._objective_of(incident, action=action, timer=f.get("timer")),
                    "observation": observation,
                    "reference": reference,
                    "analysis": analysis,
                    "root_cause": "",
                    "t": float(f["t"]),
                    "events": [s for s in (f.get("cause"), f["seq"]) if s is not None],
                }
            )
        for inc in self.result.incidents:
            for task in inc.tasks:
                if task.rating == "P":
                    continue
                name = _pick(task.label, lang) or task.id
                status = _w(f"status.{task.status}", lang)
                notes = "；".join(task.notes) if zh else "; ".join(task.notes)
                observation = (f"{name}：{status}" if zh else f"{name}: {status}") + (f" — {notes}" if notes else "")
                source = self._source(inc.index, self._task_source(self.scenarios[inc.index].model, task.id))
                found.append(
                    {
                        "kind": "task",
                        "incident": inc.index,
                        "rule": None,
                        "breach": None,
                        "objective": task.objective,
                        "observation": observation,
                        "reference": f"task:{task.id}" + (f"; {source}" if source else ""),
                        "analysis": _w("task.score", lang).format(
                            score=_num(task.score), rating=label(task.rating, lang)
                        ),
                        "root_cause": "",
                        "t": task.t,
                        "events": list(task.events),
                    }
                )
        found.sort(key=lambda a: (a["t"] is None, a["t"] or 0.0, a["events"][:1]))
        for number, area in enumerate(found, start=1):
            area["id"] = f"A{number}"
        return [{"id": a.pop("id"), **a} for a in found]

    # Timeline, notes, feedback -------------------------------------------------------------------

    def timeline(self) -> list[dict[str, Any]]:
        """Decisions (with when they began and ended), injects, findings, SLA clocks and the situation, by lane."""
        lang = self.lang
        entries: list[dict[str, Any]] = []
        actions_open: dict[tuple[int, str], list[dict[str, Any]]] = {}
        role_rank: dict[str, int] = {}
        for sc in self.scenarios:
            for role in sc.model.roles:
                role_rank.setdefault(role, len(role_rank))
        for e in self.events:
            kind, incident = e.get("type"), int(e.get("incident", 0))
            model: Any = self.scenarios[incident].model if incident < len(self.scenarios) else None
            entry: dict[str, Any] = {"t": float(e["t"]), "seq": e["seq"], "incident": incident, "kind": kind}
            if kind == "decision":
                role, action = str(e["role"]), str(e["action"])
                entry.update(
                    lane=f"role:{role}",
                    lane_label=self._role(incident, role),
                    lane_rank=10 + role_rank.get(role, 0),
                    label=self._action(incident, action),
                    role=role,
                    action=action,
                    status=e["status"],
                    begin=None,
                    done=None,
                    rules=sorted({str(f["rule"]) for f in self.findings if f.get("cause") == e["seq"]}),
                )
                if e["status"] == "accepted":
                    actions_open.setdefault((incident, action), []).append(entry)
            elif kind in ("begin", "done"):
                waiting = actions_open.get((incident, str(e["action"])), [])
                for open_entry in waiting:
                    if open_entry[kind] is None:
                        open_entry[kind] = float(e["t"])
                        if kind == "done":
                            waiting.remove(open_entry)
                        break
                continue
            elif kind == "inject" and model is not None:
                inject = model.injects.get(str(e["inject"]))
                entry.update(lane="injects", lane_label=_w("lane.injects", lang), lane_rank=1)
                entry.update(inject=e["inject"], label=self._text(inject.message) if inject else str(e["inject"]))
            elif kind == "finding":
                entry.update(lane="findings", lane_label=_w("lane.findings", lang), lane_rank=1000)
                entry.update(rule=e["rule"], breach=e["kind"], label=_w(f"rule.{e['rule']}", lang))
                entry.update(cause=e.get("cause"), events=[s for s in (e.get("cause"), e["seq"]) if s is not None])
            elif kind == "timer" and model is not None:
                spec = model.timers.get(str(e["timer"]))
                entry.update(lane="deadlines", lane_label=_w("lane.deadlines", lang), lane_rank=900)
                entry.update(timer=e["timer"], status=e["status"], label=self._text(spec.label) if spec else e["timer"])
                if e["status"] == "started":
                    entry["due"] = float(e["due"])
            elif kind in ("hazard", "state", "end") and model is not None:
                entry.update(lane="situation", lane_label=_w("lane.situation", lang), lane_rank=0)
                entry["label"] = self._situation(model, e)
                if kind == "hazard":
                    entry["active"] = bool(e["active"])
                elif kind == "end":
                    entry["outcome"] = e.get("outcome")
            else:
                continue
            line = self.lines.line(e)
            text = line.partition("′ ")[2] if line else f"✗ {_w('missed.timer', lang)}: {entry['label']}"
            entry["text"] = text.strip()
            entries.append(entry)
        return entries

    def _situation(self, model: Any, e: Mapping[str, Any]) -> str:
        """Short label of a hazard, state change or ending."""
        if e["type"] == "hazard":
            hazard = model.hazards.get(e["hazard"])
            name = self._text(hazard.label) if hazard else str(e["hazard"])
            return name if e["active"] else f"{name} ✓"
        place = e.get("to") if e["type"] == "state" else e.get("ending")
        found = model.states.get(place) or model.endings.get(place) if place else None
        if found is not None and found.label is not None:
            return self._text(found.label)
        if e["type"] == "end":
            return _w(f"outcome.{e.get('outcome')}", self.lang) if f"outcome.{e.get('outcome')}" in _WORDS else ""
        return str(place or "")

    def evaluator_notes(self) -> list[dict[str, Any]]:
        """The facilitator's notes (evaluation events that carry one), with what they were about."""
        notes = []
        for e in self.events:
            if e.get("type") != "evaluation" or not e.get("note"):
                continue
            incident = int(e.get("incident", 0))
            target = str(e["target"])
            kind, _, name = target.partition(":")
            model = self.scenarios[incident].model
            shown = _w("matrix.overall", self.lang) if kind == "drill" else target
            if kind == "task" and model.rubric:
                task = next((o.tasks[name] for o in model.rubric.objectives.values() if name in o.tasks), None)
                shown = self._text(task.label) if task else target
            elif kind == "inject" and name in model.injects:
                shown = self._text(model.injects[name].message)
            notes.append(
                {
                    "t": float(e["t"]),
                    "seq": e["seq"],
                    "incident": incident,
                    "target": target,
                    "target_text": shown,
                    "rating": _rating(e.get("rating"), self.lang),
                    "note": str(e["note"]),
                }
            )
        return notes

    def feedback(self) -> list[dict[str, Any]] | None:
        """Hot-wash feedback kept in the header: ``{name, role?, satisfaction 0-100, helped, improve}`` each."""
        raw = self.header.get("feedback")
        if not raw:
            return None
        roles = {
            p["name"]: p["role_label"] or p["role"] for p in map(self._person, self.header.get("participants") or [])
        }
        out = []
        for item in raw if isinstance(raw, list) else [raw]:
            given = item if isinstance(item, dict) else {"helped": str(item)}
            name = str(given.get("name") or "")
            role = str(given.get("role") or "")
            out.append(
                {
                    "name": name,
                    "role": self._role(0, role) if role else roles.get(name, ""),
                    "satisfaction": given.get("satisfaction"),
                    "helped": str(given.get("helped") or given.get("text") or given.get("note") or ""),
                    "improve": str(given.get("improve") or ""),
                }
            )
        return out


# Layouts ------------------------------------------------------------------------------------------


def _table(
    columns: list[str], rows: list[list[str]], variant: str = "data", widths: Sequence[int] = ()
) -> dict[str, Any]:
    """A table block; ``widths`` (percent per column) keep blank columns wide enough to write in on paper."""
    return {"type": "table", "variant": variant, "columns": columns, "rows": rows, "widths": list(widths)}


def _para(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "text": text}


def _sub(text: str) -> dict[str, Any]:
    return {"type": "subheading", "text": text}


def _list(items: list[str]) -> dict[str, Any]:
    return {"type": "list", "items": items}


def _section(key: str, lang: str, blocks: list[dict[str, Any]], *, appendix: bool = False) -> dict[str, Any]:
    return {"id": key, "heading": _w(key, lang), "appendix": appendix, "blocks": blocks}


def _overview_rows(c: Content, hseep: bool) -> list[list[str]]:
    o, lang = c["overview"], c["lang"]
    rows = [[_w("name", lang), o["name"]], [_w("date", lang), o["date"]]]
    if o["wall_start"]:
        rows.append([_w("started", lang), o["wall_start"].replace("T", " ").replace("+00:00", " UTC")])
    rows.append([_w("scope", lang), o["scope"]])
    if hseep:
        rows.append([_w("mission", lang), _w("mission.value", lang)])
        hazards = (
            "；".join(h for s in o["scenarios"] for h in s["hazards"])
            if lang == "zh"
            else "; ".join(h for s in o["scenarios"] for h in s["hazards"])
        )
        rows.append([_w("hazard", lang), hazards or _w("none", lang)])
    rows.append([_w("scenario", lang), "\n".join(f"{s['title']} ({s['id']} v{s['version']})" for s in o["scenarios"])])
    if o["kind"]:
        rows.append([_w("kind", lang), _w(f"kind.{o['kind']}", lang) if f"kind.{o['kind']}" in _WORDS else o["kind"]])
    if o["site"]:
        rows.append([_w("site", lang), str(o["site"])])
    if o["team"]:
        rows.append([_w("orgs" if hseep else "team", lang), _team_text(o["team"])])
    if o["participants"]:
        rows.append([_w("participants", lang), "、".join(_person_text(p) for p in o["participants"])])
    if hseep:
        rows += [[_w("sponsor", lang), ""], [_w("poc", lang), ""]]
    mode = f"mode.{o['mode']}"
    rows += [
        [_w("mode", lang), _w(mode, lang) if mode in _WORDS else str(o["mode"])],
        [_w("seed", lang), str(o["seed"])],
        [_w("engine", lang), str(o["engine"])],
        [_w("duration", lang), _w("minutes", lang).format(n=_num(o["duration"]))],
        [_w("outcome", lang), _w(f"outcome.{o['outcome']}", lang) if o["outcome"] else _w("none", lang)],
        [
            _w("record", lang),
            f"{o['record_file']} ({o['record']})" + ("" if o["complete"] else f" — {_w('record.cut', lang)}"),
        ],
    ]
    return rows


def _team_text(team: Any) -> str:
    if isinstance(team, dict):
        return "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in team.items())
    return str(team)


def _person_text(person: Mapping[str, str]) -> str:
    role = person.get("role_label") or person.get("role")
    return f"{person['name']}（{role}）" if role else person["name"]


def _objectives_block(c: Content) -> dict[str, Any]:
    items = c["overview"]["objectives"]
    return _list(items) if items else _para(_w("objectives.none", c["lang"]))


def _verdict(c: Content) -> dict[str, Any]:
    e, lang = c["evaluation"], c["lang"]
    return {
        "type": "verdict",
        "passed": e["passed"],
        "rows": [
            [_w("score", lang), _num(e["score"])],
            [_w("pass_mark", lang), _num(e["pass_mark"])],
            [_w("conclusion", lang), _w("passed" if e["passed"] else "failed", lang)],
            [_w("rating", lang), e["rating"]["label"]],
        ],
    }


def _incident_rows(c: Content) -> list[dict[str, Any]]:
    """Per incident: score, the automatic and the evaluator's rating, and the caps that applied."""
    lang, blocks = c["lang"], []
    many = len(c["evaluation"]["incidents"]) > 1
    for inc in c["evaluation"]["incidents"]:
        if many:
            blocks.append(_sub(f"{inc['title']}"))
        rows = (
            [[_w("score", lang), _num(inc["score"])], [_w("pass_mark", lang), _num(inc["pass_mark"])]] if many else []
        )
        rows += [
            [_w("auto", lang), inc["auto_rating"]["label"]],
            [_w("evaluator", lang), inc["evaluator_rating"]["label"] if inc["evaluator_rating"] else _w("none", lang)],
            [_w("final", lang), inc["rating"]["label"]],
            [_w("caps", lang), "\n".join(inc["caps"]) or _w("caps.none", lang)],
        ]
        blocks.append(_table([_w("item", lang), _w("details", lang)], rows, "fields"))
    return blocks


def _tasks_table(c: Content) -> dict[str, Any] | None:
    lang = c["lang"]
    rows = [
        [
            t["label"],
            t["objective_label"],
            t["status_text"],
            _minute(t["t"]),
            t["auto_rating"]["label"],
            t["evaluator_rating"]["label"] if t["evaluator_rating"] else _w("none", lang),
            t["rating"]["label"],
            _ids(t["events"]),
        ]
        for inc in c["evaluation"]["incidents"]
        for t in inc["tasks"]
    ]
    if not rows:
        return None
    columns = ["task", "objective", "status", "time", "auto", "evaluator", "final", "events"]
    return _table([_w(k, lang) for k in columns], rows, widths=(24, 18, 11, 7, 11, 10, 11, 8))


def _objectives_table(c: Content) -> dict[str, Any] | None:
    lang = c["lang"]
    rows = [
        [o["label"], _num(o["score"]), o["rating"]["label"]]
        for inc in c["evaluation"]["incidents"]
        for o in inc["objectives"]
    ]
    return _table([_w("objective", lang), _w("score", lang), _w("rating", lang)], rows) if rows else None


def _breakdown_table(c: Content) -> dict[str, Any]:
    lang = c["lang"]
    rows = [
        [
            f"{b['points']:+.1f}" + (f" / {b['max']:.1f}" if b["max"] is not None else ""),
            b["what_text"],
            b["reason"],
            _minute(b["t"]),
            _ids(b["events"]),
        ]
        for b in c["breakdown"]
    ]
    return _table(
        [_w(k, lang) for k in ("points", "what", "reason", "time", "events")], rows, widths=(11, 17, 52, 8, 12)
    )


def _timeline_table(c: Content) -> dict[str, Any]:
    lang = c["lang"]
    rows = [[_minute(e["t"]), f"#{e['seq']}", e["lane_label"], e["text"]] for e in c["timeline"]]
    return _table([_w(k, lang) for k in ("time", "events", "lane", "entry")], rows, widths=(8, 8, 20, 64))


def _chart(c: Content) -> dict[str, Any]:
    return {"type": "chart", "caption": _w("chart.caption", c["lang"]), "note": _w("chart.note", c["lang"])}


def _notes_block(c: Content) -> dict[str, Any]:
    lang = c["lang"]
    if not c["evaluator_notes"]:
        return _para(_w("notes.none", lang))
    rows = [
        [_minute(n["t"]), f"#{n['seq']}", n["target_text"], n["rating"]["label"] if n["rating"] else "", n["note"]]
        for n in c["evaluator_notes"]
    ]
    return _table(
        [_w(k, lang) for k in ("time", "events", "target", "rating", "note")], rows, widths=(8, 8, 28, 18, 38)
    )


def _strength_items(strengths: Sequence[Mapping[str, Any]]) -> list[str]:
    return [s["text"] + (f" [{_ids(s['events'])}]" if s["events"] else "") for s in strengths]


def _feedback_table(c: Content) -> dict[str, Any]:
    """Participants' feedback; without any, the same table as a blank form with their names."""
    lang = c["lang"]
    columns = [_w(k, lang) for k in ("person", "role", "satisfaction", "helped", "improve")]
    if c["feedback"]:
        rows = [
            [
                f["name"],
                f["role"],
                "" if f["satisfaction"] is None else str(f["satisfaction"]),
                f["helped"],
                f["improve"],
            ]
            for f in c["feedback"]
        ]
        return _table(columns, rows, widths=(14, 16, 12, 29, 29))
    people = c["overview"]["participants"]
    rows = [[p["name"], p["role_label"] or p["role"], "", "", ""] for p in people] or [[""] * 5 for _ in range(4)]
    return _table(columns, rows, "form", (14, 16, 12, 29, 29))


def _cn_sections(c: Content) -> list[dict[str, Any]]:
    lang = c["lang"]
    evaluation = [_verdict(c), *_incident_rows(c)]
    for heading, table in (("by_objective", _objectives_table(c)), ("tasks", _tasks_table(c))):
        if table is not None:
            evaluation += [_sub(_w(heading, lang)), table]
    evaluation += [_sub(_w("breakdown", lang)), _breakdown_table(c)]
    problems: list[dict[str, Any]] = [_para(_w("problems.none", lang))]
    if c["areas"]:
        problems = [
            _table(
                [_w(k, lang) for k in ("no", "observation", "reference", "time", "events")],
                [[a["id"], a["observation"], a["reference"], _minute(a["t"]), _ids(a["events"])] for a in c["areas"]],
                widths=(7, 48, 25, 8, 12),
            )
        ]
    corrective = _table(
        [_w(k, lang) for k in ("no", "issue", "action", "owner", "due")],
        [[r["area"], r["issue"], "", "", ""] for r in c["improvement_plan"]] or [["", "", "", "", ""]],
        "form",
        (7, 38, 27, 14, 14),
    )
    return [
        _section(
            "cn.overview",
            lang,
            [
                _table([_w("item", lang), _w("details", lang)], _overview_rows(c, False), "fields"),
                _sub(_w("objectives", lang)),
                _objectives_block(c),
                _sub(_w("course", lang)),
                _chart(c),
            ],
        ),
        _section("cn.evaluation", lang, evaluation),
        _section(
            "cn.critique",
            lang,
            [
                _sub(_w("strengths", lang)),
                _list(_strength_items(c["strengths"])) if c["strengths"] else _para(_w("strengths.none", lang)),
                _sub(_w("notes", lang)),
                _notes_block(c),
                _sub(_w("critique.form", lang)),
                _table([_w("critic", lang), _w("comments", lang)], [["", ""], ["", ""]], "form"),
            ],
        ),
        _section(
            "cn.self",
            lang,
            ([] if c["feedback"] else [_para(_w("self.blank", lang))]) + [_feedback_table(c)],
        ),
        _section("cn.problems", lang, problems),
        _section("cn.corrective", lang, [corrective]),
        _section("cn.appendix", lang, [_timeline_table(c)], appendix=True),
    ]


def _capability_matrix(c: Content) -> dict[str, Any]:
    lang = c["lang"]
    rows: list[list[str]] = []

    def mark(code: str | None) -> list[str]:
        return ["●" if code == x else "" for x in CODES]

    for inc in c["evaluation"]["incidents"]:
        for o in inc["objectives"]:
            rows.append([o["label"], _num(o["score"]), *mark(o["rating"]["code"])])
    if not rows:
        rows = [[f"{o} {_w('matrix.unrated', lang)}", "", *mark(None)] for o in c["overview"]["objectives"]]
    e = c["evaluation"]
    rows.append([_w("matrix.overall", lang), _num(e["score"]), *mark(e["rating"]["code"])])
    return _table([_w("objective", lang), _w("score", lang), *CODES], rows, "matrix")


def _areas_table(c: Content, areas: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    lang = c["lang"]
    rows = [
        [
            a["id"],
            a["observation"] + f"\n{_minute(a['t'])} {_ids(a['events'])}".rstrip(),
            a["reference"],
            a["analysis"],
            "",
        ]
        for a in areas
    ]
    columns = [_w(k, lang) for k in ("no", "observation", "reference", "analysis", "root_cause")]
    return _table(columns, rows, widths=(7, 33, 22, 20, 18))


def _hseep_objective_blocks(c: Content) -> list[dict[str, Any]]:
    lang = c["lang"]
    groups: list[tuple[str, str | None, int | None]] = [
        (o["label"], o["id"], inc["index"]) for inc in c["evaluation"]["incidents"] for o in inc["objectives"]
    ]
    blocks: list[dict[str, Any]] = []
    leftover_title = _w("group.general" if groups else "group.whole", lang)
    for number, (title, oid, incident) in enumerate([*groups, (leftover_title, None, None)], start=1):
        if oid is None:
            strengths = [s for s in c["strengths"] if s["objective"] is None]
            areas = [a for a in c["areas"] if a["objective"] is None]
            if groups and not strengths and not areas:
                continue
        else:
            strengths = [s for s in c["strengths"] if s["objective"] == oid and s["incident"] == incident]
            areas = [a for a in c["areas"] if a["objective"] == oid and a["incident"] == incident]
        blocks.append(_sub(f"3.{number} {title}"))
        blocks.append(_para(f"{_w('strengths', lang)}:" if lang == "en" else f"{_w('strengths', lang)}："))
        blocks.append(_list(_strength_items(strengths)) if strengths else _para(_w("strengths.none", lang)))
        blocks.append(_para(f"{_w('areas', lang)}:" if lang == "en" else f"{_w('areas', lang)}："))
        blocks.append(_areas_table(c, areas) if areas else _para(_w("areas.none", lang)))
    blocks += [_sub(_w("notes", lang)), _notes_block(c)]
    if c["feedback"]:
        blocks += [_sub(_w("hotwash", lang)), _feedback_table(c)]
    return blocks


def _hseep_sections(c: Content) -> list[dict[str, Any]]:
    lang = c["lang"]
    capabilities = [
        _verdict(c),
        _capability_matrix(c),
        _para(f"{_w('legend', lang)}: " + "; ".join(label(x, lang) for x in CODES)),
        *_incident_rows(c),
    ]
    tasks = _tasks_table(c)
    if tasks is not None:
        capabilities += [_sub(_w("tasks", lang)), tasks]
    capabilities += [_sub(_w("breakdown", lang)), _breakdown_table(c)]
    ip_columns = ["issue", "action", "element", "org", "poc", "start_date", "end_date"]
    ip_rows = [[f"{r['area']} {r['issue']}", "", "", "", "", "", ""] for r in c["improvement_plan"]]
    o = c["overview"]
    people = [[p["name"], p["role_label"] or p["role"]] for p in o["participants"]]
    participants: list[dict[str, Any]] = []
    if o["team"] or o["site"]:
        rows = [[_w("team", lang), _team_text(o["team"])]] if o["team"] else []
        rows += [[_w("site", lang), str(o["site"])]] if o["site"] else []
        participants.append(_table([_w("item", lang), _w("details", lang)], rows, "fields"))
    participants.append(
        _table(
            [_w("person", lang), _w("role", lang)], people or [["", ""] for _ in range(4)], "data" if people else "form"
        )
    )
    return [
        _section(
            "hseep.overview",
            lang,
            [
                _table([_w("item", lang), _w("details", lang)], _overview_rows(c, True), "fields"),
                _sub(_w("objectives", lang)),
                _objectives_block(c),
                _sub(_w("course", lang)),
                _chart(c),
            ],
        ),
        _section("hseep.capabilities", lang, capabilities),
        _section("hseep.objectives", lang, _hseep_objective_blocks(c)),
        _section(
            "hseep.ip",
            lang,
            [
                _para(_w("poete", lang)),
                _table([_w(k, lang) for k in ip_columns], ip_rows or [[""] * 7], "form", (29, 17, 11, 12, 11, 10, 10)),
            ],
            appendix=True,
        ),
        _section("hseep.participants", lang, participants, appendix=True),
        _section("hseep.timeline", lang, [_timeline_table(c)], appendix=True),
    ]


# Rendering ----------------------------------------------------------------------------------------


def render(content: Content, fmt: str) -> str:
    """The report as text.

    Args:
        content: What :func:`build` returned.
        fmt: ``md`` (GitHub Markdown), ``html`` (one self-contained, printable file) or ``json``.

    Raises:
        ReportError: Unknown format.
    """
    if fmt == "json":
        return json.dumps(content, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _markdown(content)
    if fmt == "html":
        return _html(content)
    raise ReportError(f"unknown report format {fmt!r}; use {', '.join(FORMATS)}")


def _footer(c: Content) -> str:
    o = c["overview"]
    return _w("generated", c["lang"]).format(engine=o["engine"], record=o["record_file"])


def _md_text(text: str) -> str:
    """Text safe inside Markdown (and its tables): no stray markup, no raw HTML, breaks as <br>."""
    out = text.replace("\\", "\\\\")
    for ch in "|*`":
        out = out.replace(ch, "\\" + ch)
    out = out.replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(line.strip() for line in out.splitlines()) if "\n" in out else out


def _markdown(c: Content) -> str:
    out = [f"# {_md_text(c['title'])}", "", f"**{_md_text(c['overview']['name'])}**", ""]
    for section in c["sections"]:
        out += [f"## {_md_text(section['heading'])}", ""]
        for block in section["blocks"]:
            out += _md_block(block)
    out += ["---", "", f"_{_md_text(_footer(c))}_", ""]
    return "\n".join(out)


def _md_block(block: Mapping[str, Any]) -> list[str]:
    kind = block["type"]
    if kind == "subheading":
        return [f"### {_md_text(block['text'])}", ""]
    if kind == "paragraph":
        return [_md_text(block["text"]), ""]
    if kind == "list":
        return [*(f"- {_md_text(item)}" for item in block["items"]), ""]
    if kind == "chart":
        return [f"_{_md_text(block['note'])}_", ""]
    if kind == "verdict":
        return [" · ".join(f"**{_md_text(k)}**: {_md_text(v)}" for k, v in block["rows"]), ""]
    columns, rows = block["columns"], block["rows"]
    lines = ["| " + " | ".join(_md_text(h) for h in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_text(cell) or " " for cell in row) + " |" for row in rows]
    return [*lines, ""]


_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
html { font-family: FONTS; font-size: 10pt; line-height: 1.5; color: #1b1b1b; }
body { margin: 0; background: #e9ecef; }
main { width: 210mm; max-width: 100%; margin: 0 auto; padding: 14mm; background: #fff; }
h1 { font-size: 18pt; margin: 0 0 2mm; color: #1f3a5f; }
.subtitle { font-size: 12pt; margin: 0 0 6mm; color: #444; }
h2 { font-size: 13.5pt; color: #1f3a5f; border-bottom: 1.5pt solid #1f3a5f; padding-bottom: 1mm; margin: 8mm 0 3mm;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
ul { margin: 1mm 0 2mm; padding-left: 6mm; }
li { margin: 0.5mm 0; break-inside: avoid; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm; font-size: 8.5pt; }
th, td { border: 0.6pt solid #9aa5b1; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #e8eef5; font-weight: 600; }
td.nw { white-space: nowrap; }
table.sized { table-layout: fixed; }
th { overflow-wrap: break-word; word-break: normal; hyphens: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.fields th, table.fields td:first-child { width: 28%; }
table.fields td:first-child { background: #f5f7fa; font-weight: 600; }
table.form td { height: 11mm; }
table.form th { font-size: 7.5pt; }
table.matrix td:nth-child(n+3), table.matrix th:nth-child(n+3) { width: 9%; text-align: center; }
table.matrix td:nth-child(2), table.matrix th:nth-child(2) { width: 10%; text-align: right; }
.verdict { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0 4mm; break-inside: avoid; }
.verdict div { border: 0.8pt solid #9aa5b1; border-radius: 2mm; padding: 2mm 4mm; min-width: 30mm; }
.verdict span { display: block; font-size: 8pt; color: #555; }
.verdict strong { font-size: 13pt; }
.verdict.passed .conclusion { border-color: #2e7d32; color: #2e7d32; }
.verdict.failed .conclusion { border-color: #c62828; color: #c62828; }
figure { margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: #555; margin-top: 1mm; }
section.appendix { break-before: page; page-break-before: always; }
footer { margin-top: 8mm; font-size: 8pt; color: #666; border-top: 0.5pt solid #ccc; padding-top: 2mm; }
@media print {
  body { background: none; }
  main { width: auto; padding: 0; margin: 0; }
}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_text(text: str) -> str:
    return "<br>".join(_e(line) for line in str(text).split("\n"))


def _html(c: Content) -> str:
    lang = "zh-CN" if c["lang"] == "zh" else "en"
    css = _CSS.replace("FONTS", fonts(c["lang"]))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(c['title'])} — {_e(c['overview']['name'])}</title>",
        f"<style>{css}</style></head>",
        "<body><main>",
        f"<h1>{_e(c['title'])}</h1>",
        f'<p class="subtitle">{_e(c["overview"]["name"])}</p>',
    ]
    for section in c["sections"]:
        cls = ' class="appendix"' if section["appendix"] else ""
        parts.append(f'<section id="{_e(section["id"])}"{cls}><h2>{_e(section["heading"])}</h2>')
        parts += [_html_block(c, block) for block in section["blocks"]]
        parts.append("</section>")
    parts += [f"<footer>{_e(_footer(c))}</footer>", "</main></body></html>", ""]
    return "\n".join(parts)


def _td(cell: str) -> str:
    """A table cell; ids and sim minutes stay on one line (a narrow column would break "A15" in two)."""
    if cell and len(cell) <= 8 and " " not in cell:
        return f'<td class="nw">{_e(cell)}</td>'
    return f"<td>{_html_text(cell)}</td>"


def _html_block(c: Content, block: Mapping[str, Any]) -> str:
    kind = block["type"]
    if kind == "subheading":
        return f"<h3>{_e(block['text'])}</h3>"
    if kind == "paragraph":
        return f"<p>{_html_text(block['text'])}</p>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{_html_text(item)}</li>" for item in block["items"]) + "</ul>"
    if kind == "chart":
        svg = timeline_svg(c, c["lang"])
        return f"<figure>{svg}<figcaption>{_e(block['caption'])}</figcaption></figure>"
    if kind == "verdict":
        cells = "".join(
            f'<div class="{"conclusion" if i == 2 else "figure"}"><span>{_e(k)}</span><strong>{_e(v)}</strong></div>'
            for i, (k, v) in enumerate(block["rows"])
        )
        return f'<div class="verdict {"passed" if block["passed"] else "failed"}">{cells}</div>'
    widths = block.get("widths") or []
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    opening = f'<table class="{_e(block["variant"])} sized"><colgroup>{cols}</colgroup>' if widths else ""
    opening = opening or f'<table class="{_e(block["variant"])}">'
    head = "".join(f"<th>{_e(h)}</th>" for h in block["columns"])
    body = "".join("<tr>" + "".join(_td(cell) for cell in row) + "</tr>" for row in block["rows"])
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
