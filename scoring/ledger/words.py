"""The ledger's vocabulary: headings, column names and fixed words in Chinese and English.

One table for the quarterly review, the spreadsheets and the command's output, so a word is
translated once. Chinese comes first: the training officer's files are read in Chinese; English is
there for the company's other readers.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # The quarterly review
    "review.title": ("季度演练复盘报告", "Quarterly drill review"),
    "review.company": ("全公司", "company-wide"),
    "review.overview": ("一、本季概况", "1. The quarter at a glance"),
    "review.programme": ("二、计划执行情况", "2. Drills held against the programme"),
    "review.results": ("三、考核结果与趋势", "3. Assessment results and trend"),
    "review.weak": ("四、薄弱环节", "4. Weak critical tasks"),
    "review.retraining": ("五、需复训人员", "5. People due for retraining"),
    "review.attendance": ("六、出勤情况", "6. Attendance"),
    "review.satisfaction": ("七、参演人员满意度", "7. Participant satisfaction"),
    "review.actions": ("八、整改措施跟踪", "8. Corrective actions"),
    "review.next": ("九、下季度工作计划", "9. Plan for next quarter"),
    "review.footer": (
        "由 drillsim {engine} 依据演练历史生成（截至 {as_of}）",
        "Made by drillsim {engine} from history (as of {as_of})",
    ),
    "review.no_programme": (
        "未提供培训计划（--programme），无法对照计划检查。",
        "No training programme given (--programme): nothing to check the drills against.",
    ),
    "review.none": ("无。", "None."),
    "review.retraining.rule": (
        "连续 {n} 次考核不合格者安排复训。",
        "{n} failed assessments in a row and a person is retrained.",
    ),
    "review.attendance.target": ("出勤率目标 {target}。", "Attendance target: {target}."),
    "review.all_done": ("本季计划要求均已完成。", "Every requirement of the quarter was met."),
    "review.next.overdue": ("补做逾期未完成的演练：{what}", "Hold the overdue drills first: {what}"),
    "review.next.due": ("{team}：{what}（{period}，截止 {due}）", "{team}: {what} ({period}, by {due})"),
    "review.next.weak": ("重点训练薄弱环节：{what}", "Train the weak tasks: {what}"),
    "review.next.retrain": ("安排复训：{who}", "Retrain: {who}"),
    "review.next.rework": ("课程满意度低于 80，需改进：{what}", "Rework the courses scored below 80: {what}"),
    "review.next.makeup": ("为缺席人员安排补训：{who}", "Make-up drills for: {who}"),
    "review.next.actions": ("跟进逾期整改措施：{what}", "Chase the overdue corrective actions: {what}"),
    "review.next.nothing": ("按计划继续开展演练。", "Carry on with the programme."),
    # Overview rows
    "item": ("项目", "Item"),
    "details": ("内容", "Details"),
    "site": ("项目（小区）", "Site"),
    "quarter": ("季度", "Quarter"),
    "programme": ("培训计划", "Programme"),
    "drills_held": ("演练场次", "Drills held"),
    "drills_held.value": ("{n} 场（考核 {a} 场，练习 {p} 场）", "{n} ({a} assessments, {p} practice)"),
    "people_times": ("参演人次", "Participations"),
    "pass_rate": ("考核合格率", "Assessment pass rate"),
    "pass_rate.value": ("{rate}%（{passed}/{total}）", "{rate}% ({passed} of {total})"),
    "open_actions": ("未关闭整改措施", "Open corrective actions"),
    "open_actions.value": ("{n} 项，其中逾期 {o} 项", "{n}, {o} of them overdue"),
    # Columns
    "team": ("班组", "Team"),
    "requirement": ("计划要求", "Requirement"),
    "period": ("周期", "Period"),
    "due_by": ("截止日期", "Due by"),
    "needed": ("应完成", "Needed"),
    "held": ("已完成", "Held"),
    "status": ("状态", "Status"),
    "satisfied_by": ("完成的演练", "Satisfied by"),
    "scenario": ("演练科目", "Drill"),
    "assessments": ("考核场次", "Assessments"),
    "passed": ("合格", "Passed"),
    "rate": ("合格率", "Pass rate"),
    "before": ("上季合格率", "Previous quarter"),
    "change": ("变化", "Change"),
    "task": ("关键任务", "Critical task"),
    "rated": ("评定次数", "Rated"),
    "weak": ("未达 P 次数", "Below P"),
    "person": ("姓名", "Name"),
    "failed_since": ("首次不合格", "Failing since"),
    "scores": ("最近成绩", "Last scores"),
    "expected": ("应到", "Expected"),
    "present": ("实到", "Present"),
    "attendance": ("出勤率", "Attendance"),
    "flag": ("低于目标", "Below target"),
    "made_up": ("已补训", "Made up"),
    "owed": ("待补训", "Still owed"),
    "responses": ("反馈份数", "Responses"),
    "satisfaction": ("平均满意度", "Mean satisfaction"),
    "rework": ("需改进", "Rework"),
    "no": ("编号", "No."),
    "issue": ("存在问题", "Issue"),
    "action": ("整改措施", "Corrective action"),
    "owner": ("责任人", "Owner"),
    "due": ("完成期限", "Due"),
    "overdue": ("逾期", "Overdue"),
    "proposed": ("建议验证演练", "Proposed verification"),
    "verified_by": ("验证演练", "Verified by"),
    "yes": ("是", "yes"),
    "no_": ("否", "no"),
    # Statuses of a requirement
    "status.done": ("已完成", "done"),
    "status.due": ("待完成", "due"),
    "status.overdue": ("逾期未完成", "overdue"),
    # The spreadsheets
    "sheet.ledger": ("演练台账", "Drill ledger"),
    "sheet.compliance": ("计划执行", "Programme"),
    "sheet.attendance": ("出勤", "Attendance"),
    "sheet.rolls": ("缺勤明细", "Absentees"),
    "sheet.actions": ("整改措施", "Corrective actions"),
    "sheet.record": ("个人培训档案", "Training record"),
    "sheet.tasks": ("关键任务", "Critical tasks"),
    "ledger.title": ("应急演练台账", "Drill ledger"),
    "record.title": ("个人培训档案：{name}", "Training record: {name}"),
    "seq": ("序号", "No."),
    "date": ("日期", "Date"),
    "drill": ("演练名称", "Drill"),
    "key": ("记录编号", "Record key"),
    "kind": ("性质", "Kind"),
    "kind.practice": ("练习", "practice"),
    "kind.assessment": ("考核", "assessment"),
    "absent": ("缺席人员", "Absent"),
    "makes_up": ("补训对象", "Makes up for"),
    "score": ("得分", "Score"),
    "rating": ("评级", "Rating"),
    "result": ("结论", "Result"),
    "result.pass": ("合格", "pass"),
    "result.fail": ("不合格", "fail"),
    "people": ("参演人员", "Participants"),
    "actions_open": ("整改项（未关闭/总数）", "Corrective actions (open/all)"),
    "source": ("记录文件", "Record file"),
    "role": ("角色", "Role"),
    "weak_tasks": ("未达 P 的关键任务", "Tasks below P"),
    "summary": ("小结", "Summary"),
    "summary.value": (
        "共参加 {n} 场，考核 {a} 场，合格 {p} 场",
        "{n} drills, {a} assessments, {p} passed",
    ),
}


def word(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang`` (``zh`` or ``en``)."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def yes_no(value: object, lang: str) -> str:
    """A flag as 是/否 or yes/no."""
    return word("yes" if value else "no_", lang)
