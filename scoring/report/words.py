"""The report's vocabulary: every heading and fixed word in Chinese and English, and how a report
writes sim times, event ids, scores and ratings.

One table for both layouts and all three renderers, so that a word is translated once and the
Markdown, the HTML and the JSON never disagree. Keys are dotted by use (``cn.*`` and ``hseep.*`` the
section headings of each style, ``status.*`` a task's status, ``rule.*`` and ``breach.*`` a finding's
rule and kind); a value is a ``(zh, en)`` pair.

The Chinese is written as a Chinese evaluator would write it (AQ/T 9009 and GB/T 46792 say 整改措施,
not a translation of "corrective action"), and a Chinese report carries no English word and no
internal id: codes that belong to the doctrine (the ratings P/S/M/U) stay, and the record's
technical values (seed, engine version, file, event numbers) go to an appendix of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.display import sim_time
from scoring.ratings import label

WORDS: dict[str, tuple[str, str]] = {
    "title.cn": ("应急演练评估报告", "Drill evaluation report"),
    "title.hseep": ("演练总结报告与改进计划", "After-Action Report / Improvement Plan"),
    "title.cn.roleplay": ("客服情景演练评估报告", "Customer-service role-play evaluation report"),
    "title.hseep.roleplay": (
        "客服情景演练总结报告与改进计划",
        "Customer-service role-play: After-Action Report / Improvement Plan",
    ),
    "cn.overview": ("一、演练概况", "1. Exercise overview"),
    "cn.evaluation": ("二、评估（得分与结论）", "2. Evaluation (score and conclusion)"),
    "cn.critique": ("三、演练点评", "3. Facilitator's critique"),
    "cn.self": ("四、参演人员自评", "4. Participants' self-assessment"),
    "cn.problems": ("五、存在问题", "5. Problems found"),
    "cn.corrective": ("六、整改措施", "6. Corrective actions"),
    "cn.appendix": ("附录一 演练时间线", "Appendix 1: Exercise timeline"),
    "cn.technical": ("附录二 技术信息", "Appendix 2: Technical details"),
    "hseep.overview": ("1 演练概述", "1 Exercise Overview"),
    "hseep.capabilities": ("2 能力分析", "2 Analysis of Capabilities"),
    "hseep.objectives": ("3 各目标的优势与待改进之处", "3 Strengths and Areas for Improvement by Objective"),
    "hseep.ip": ("附录A 改进计划", "Appendix A: Improvement Plan"),
    "hseep.participants": ("附录B 参演人员", "Appendix B: Exercise Participants"),
    "hseep.timeline": ("附录C 演练时间线", "Appendix C: Exercise Timeline"),
    "hseep.technical": ("附录D 技术信息", "Appendix D: Technical Details"),
    "technical.note": (
        "以下信息用于核对和复现本次演练，阅读报告正文时不需要。",
        "For checking and replaying the drill; the report itself does not need them.",
    ),
    "technical.scenario": ("情景编号与版本", "Scenario id and version"),
    "technical.plan": ("演练方案编号与版本", "Plan id and version"),
    "technical.record_id": ("记录编号", "Record id"),
    "technical.started": ("开始时间（原始记录）", "Start time (as recorded)"),
    "technical.staffing": ("人员配置", "Staffing"),
    "technical.ids": ("问题与记录事件对照", "Observations and the recorded events behind them"),
    "technical.none": ("（无）", "(none)"),
    "item": ("项目", "Item"),
    "details": ("内容", "Details"),
    "name": ("演练名称", "Exercise name"),
    "date": ("演练日期", "Date"),
    "started": ("开始时间", "Started"),
    "scope": ("演练范围", "Scope"),
    "scenario": ("情景", "Scenario"),
    "hazard": ("突发事件类型", "Threat or hazard"),
    "mission": ("应急环节", "Mission area"),
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
    "locale.default": ("默认", "default"),
    "zone.beijing": ("北京时间", "Beijing time"),
    "record": ("演练记录", "Record"),
    "record.cut": ("记录不完整：演练中途中断", "incomplete: the drill was interrupted"),
    "site": ("地点（项目）", "Site"),
    "team": ("参演队伍", "Team"),
    "participants": ("参演人员", "Participants"),
    "duration": ("模拟时长", "Sim duration"),
    "outcome": ("结局", "Outcome"),
    "outcome.what": ("{word}（{what}）", "{word} ({what})"),
    "objectives": ("演练目标", "Objectives"),
    "objectives.none": ("（未设定目标）", "(no objectives set)"),
    "course": ("演练经过", "Course of the exercise"),
    "chart.note": (
        "时间线图见网页版报告；附录的演练时间线列出全部条目。",
        "The timeline chart is in the HTML report; the timeline appendix lists every entry.",
    ),
    "chart.caption": ("演练时间线（模拟时间，分:秒）", "Exercise timeline (sim time, mm:ss)"),
    "score": ("得分", "Score"),
    "pass_mark": ("合格线", "Pass mark"),
    "conclusion": ("结论", "Conclusion"),
    "passed": ("合格", "passed"),
    "failed": ("不合格", "not passed"),
    "rating": ("评级", "Rating"),
    "auto": ("自动评级", "Automatic rating"),
    "evaluator": ("评估员评级", "Evaluator's rating"),
    "evaluators": ("各评估员评级", "Each rater's rating"),
    "facilitator": ("导调", "Facilitator"),
    "observed": ("仅记录观察", "observation only"),
    "rater": ("评估人", "Rater"),
    "final": ("最终评级", "Final rating"),
    "caps": ("评级限制", "Rating caps"),
    "caps.none": ("无", "none"),
    "not_started": (
        "未发生：触发它的情况没有出现（例如前一事件处置得当），不计入得分。",
        "Did not happen: what would have triggered it never came (for instance, the incident before it"
        " was handled well); not scored.",
    ),
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
    "satisfaction": ("满意度（0～100分）", "Satisfaction (0\u2013100)"),
    "helped": ("做得好的方面与收获", "What helped / went well"),
    "improve": ("需要改进之处", "What to improve"),
    "self.blank": ("演练后由参演人员填写。", "To be filled in by the participants after the exercise."),
    "no": ("编号", "No."),
    "observation": ("问题描述", "Observation"),
    "reference": ("依据", "Reference"),
    "analysis": ("分析", "Analysis"),
    "root_cause": ("根本原因", "Root cause"),
    "problems.none": ("未发现问题。", "No problems found."),
    "issue": ("问题", "Issue"),
    "action": ("整改措施", "Corrective action"),
    "owner": ("责任人", "Owner"),
    "due": ("完成时限", "Due date"),
    "element": ("能力要素", "Capability element (POETE)"),
    "org": ("主责单位", "Primary responsible organisation"),
    "start_date": ("开始日期", "Start date"),
    "end_date": ("完成日期", "Completion date"),
    "poete": (
        "能力要素：计划、组织、装备、培训、演练。",
        "Capability elements: Planning, Organization, Equipment, Training, Exercise (POETE).",
    ),
    "matrix.overall": ("演练整体", "Exercise overall"),
    "matrix.unrated": ("（无评分细则：由评估员勾选）", "(no rubric: for the evaluator to mark)"),
    "legend": ("评级说明", "Ratings"),
    "group.general": ("其他（未对应具体目标）", "Observations not tied to an objective"),
    "group.whole": ("演练整体", "The exercise as a whole"),
    "areas": ("待改进之处", "Areas for improvement"),
    "areas.none": ("（无）", "(none)"),
    "hotwash": ("参演人员反馈（现场讲评）", "Participant feedback (hot wash)"),
    "entry": ("经过", "What happened"),
    "lane": ("类别", "Lane"),
    "none": ("—", "—"),
    "generated": (
        "本报告依据演练记录自动生成；用于核对的技术信息见附录。",
        "Made by drillsim from the drill's record; technical details are in the appendix.",
    ),
    "outcome.success": ("成功", "success"),
    "outcome.partial": ("部分完成", "partial"),
    "outcome.failure": ("失败", "failure"),
    "outcome.timeout": ("超时", "time limit"),
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
    "floor": ("得分下限", "floor"),
    "ref.rubric": ("评分细则中的关键任务", "a critical task of the rubric"),
    "met": ("时限达成", "deadline met"),
    "met.text": ("{what}：于 {t} 完成（时限 {due}）", "{what}: met at {t} (due {due})"),
    "clean": ("全程未出现违规", "no rule breached"),
    "ended": ("结局：{what}", "ended: {what}"),
    "ended.word": ("以“{word}”结束", "ended in {word}"),
    "objective.met": ("目标达成：{what}（{score} 分，{rating}）", "Objective met: {what} ({score}, {rating})"),
    "task.score": ("得分 {score}/100，{rating}", "score {score}/100, {rating}"),
    "missed.timer": ("超时", "missed"),
    "minutes": ("{n} 分钟", "{n} min"),
    "lane.situation": ("态势", "Situation"),
    "lane.injects": ("注入信息", "Injects"),
    "lane.deadlines": ("时限要求", "Deadlines (SLA)"),
    "lane.findings": ("发现问题", "Findings"),
}
"""Key -> (Chinese, English)."""


def word(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang``."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def pick(text: Mapping[str, str] | None, lang: str) -> str:
    """A ``{"zh": ..., "en": ...}`` text in ``lang``, falling back to the other language."""
    if not text:
        return ""
    return text.get(lang) or text.get("en" if lang == "zh" else "zh") or ""


def colon(head: str, tail: str, lang: str) -> str:
    """``head: tail``, with a full-width colon in Chinese."""
    return f"{head}：{tail}" if lang == "zh" else f"{head}: {tail}"


def minute(t: float | None) -> str:
    """A sim time as the console's clock writes it, ``mm:ss`` (empty for none)."""
    return sim_time(t)


def ids(events: Iterable[int]) -> str:
    """Event ids as ``#3, #7``."""
    return ", ".join(f"#{s}" for s in events)


def num(value: float) -> str:
    """A score to one decimal, without a trailing ``.0``."""
    return f"{round(value, 1):g}"


def rating(code: str | None, lang: str) -> dict[str, str] | None:
    """A rating as the content holds it: its code and its label in ``lang``."""
    return None if code is None else {"code": code, "label": label(code, lang)}
