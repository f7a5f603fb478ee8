"""The words of ``drillsim history`` tables: column names, view titles and coded values, in Chinese and English.

The history's rows keep stable English keys (``started``, ``pass_rate``) and codes (``practice``,
``observe``), because CSV and JSON are read by programs and the keys are their contract. A table is
read by a person, so :func:`heading`, :func:`view_title` and :func:`value` give the words for the
language asked: a Chinese table carries no English header and no English code. A key not listed here
is shown as it is (a new column shows up, untranslated, rather than vanishing).
"""

from __future__ import annotations

COLUMNS: dict[str, tuple[str, str]] = {
    "drill": ("记录编号", "Record"),
    "drills": ("演练", "Drills"),
    "started": ("开始时间", "Started"),
    "day": ("日期", "Day"),
    "scenario": ("演练科目", "Drill"),
    "scenarios": ("演练科目", "Drills"),
    "title": ("演练科目", "Drill"),
    "kind": ("性质", "Kind"),
    "mode": ("规则模式", "Mode"),
    "team": ("班组", "Team"),
    "site": ("项目", "Site"),
    "people": ("参演人员", "People"),
    "person": ("姓名", "Name"),
    "name": ("姓名", "Name"),
    "score": ("得分", "Score"),
    "scores": ("最近成绩", "Last scores"),
    "rating": ("评级", "Rating"),
    "ratings": ("历次评级", "Ratings"),
    "passed": ("合格", "Passed"),
    "signed": ("已签名", "Signed"),
    "quarter": ("季度", "Quarter"),
    "assessments": ("考核场次", "Assessments"),
    "pass_rate": ("合格率（%）", "Pass rate (%)"),
    "mean_score": ("平均分", "Mean score"),
    "task": ("关键任务", "Critical task"),
    "streak": ("连续未达 P", "Streak below P"),
    "weak": ("未达 P 次数", "Below P"),
    "rated": ("评定次数", "Rated"),
    "last": ("最近一次", "Last"),
    "failed_since": ("首次不合格", "Failing since"),
    "responses": ("反馈份数", "Responses"),
    "satisfaction": ("满意度", "Satisfaction"),
    "rework": ("需改进", "Rework"),
    "helped": ("做得好的方面与收获", "What helped"),
    "improve": ("需要改进之处", "What to improve"),
    "requirement": ("计划要求", "Requirement"),
    "label": ("要求内容", "What"),
    "period": ("周期", "Period"),
    "due_by": ("截止日期", "Due by"),
    "needed": ("应完成", "Needed"),
    "held": ("已完成", "Held"),
    "status": ("状态", "Status"),
    "expected": ("应到", "Expected"),
    "present": ("实到", "Present"),
    "rate": ("出勤率（%）", "Attendance (%)"),
    "below_target": ("低于目标", "Below target"),
    "absent": ("缺席人员", "Absent"),
    "made_up": ("已补训", "Made up"),
    "owed": ("待补训", "Still owed"),
    "no": ("编号", "No."),
    "issue": ("存在问题", "Issue"),
    "action": ("整改措施", "Corrective action"),
    "owner": ("责任人", "Owner"),
    "due": ("完成期限", "Due"),
    "overdue": ("逾期", "Overdue"),
    "area": ("改进方面", "Area"),
    "verified_by": ("验证演练", "Verified by"),
    "proposed": ("建议验证演练", "Proposed verification"),
}
"""Each column's header. ``rate`` is only ever attendance (pass rates are ``pass_rate``)."""

VIEWS: dict[str, tuple[str, str]] = {
    "results": ("演练结果", "Results"),
    "pass-rates": ("合格率", "Pass rates"),
    "weak-tasks": ("薄弱关键任务", "Weak critical tasks"),
    "retraining": ("需复训人员", "Due for retraining"),
    "satisfaction": ("参演人员满意度", "Satisfaction"),
    "feedback": ("参演人员反馈", "Feedback"),
    "compliance": ("计划执行情况", "Compliance"),
    "attendance": ("出勤情况", "Attendance"),
    "absentees": ("缺勤明细", "Absentees"),
    "actions": ("整改措施", "Corrective actions"),
}
"""The heading over each view when ``--view all`` prints several."""

VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "kind": {"practice": ("练习", "practice"), "assessment": ("考核", "assessment")},
    "mode": {"strict": ("严格", "strict"), "observe": ("观察", "observe")},
    "signed": {"yes": ("是", "yes"), "no": ("否", "no"), "unknown": ("未知", "unknown")},
    "status": {
        "done": ("已完成", "done"),
        "due": ("待完成", "due"),
        "overdue": ("逾期未完成", "overdue"),
        "open": ("待整改", "open"),
        "in-progress": ("整改中", "in progress"),
        "verified": ("已验证", "verified"),
    },
}
"""Codes a column holds, by column: what each means in each language."""

YES_NO = {True: ("是", "yes"), False: ("否", "no")}
"""A flag (any column holding true or false)."""


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def heading(column: str, lang: str) -> str:
    """The header of ``column`` in ``lang`` (the key itself if it has none)."""
    pair = COLUMNS.get(column)
    return _pick(pair, lang) if pair else column


def view_title(view: str, lang: str) -> str:
    """The heading of a ``history`` view in ``lang``."""
    pair = VIEWS.get(view)
    return _pick(pair, lang) if pair else view


def value(column: str, raw: object, lang: str) -> str | None:
    """A coded value of ``column`` (or a flag) in words of ``lang``; None when it is no code (shown as it is)."""
    if isinstance(raw, bool):
        return _pick(YES_NO[raw], lang)
    if isinstance(raw, str):
        pair = VALUES.get(column, {}).get(raw)
        if pair:
            return _pick(pair, lang)
    return None
