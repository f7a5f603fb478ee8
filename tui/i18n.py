"""The console's own words, in Chinese and English.

Scenario text comes from the scenario (each text has ``zh`` and ``en``); this table holds only the
console's fixed words. :func:`tr` looks one up in the current language; a missing key shows itself,
which the tests catch (every key used must be here, in both languages).
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # App-wide
    "app.title": ("drillsim 演练控制台", "drillsim drill console"),
    "app.quit": ("退出", "Quit"),
    "app.help": ("帮助", "Help"),
    "app.lang": ("English", "中文"),
    "app.theme": ("明暗", "Theme"),
    "app.palette": ("命令", "Commands"),
    "app.palette.search": ("搜索命令…", "Search for commands…"),
    "app.back": ("返回", "Back"),
    "app.lang.help": ("切换界面语言（中文/English）", "Switch the console's language (Chinese/English)"),
    "app.theme.help": ("切换浅色/深色主题", "Switch between the light and dark themes"),
    "app.too_small": (
        "终端窗口太小（{w}×{h}）。\n请把窗口放大到至少 {need_w}×{need_h}，放大后自动继续。",
        "The terminal is too small ({w}×{h}).\nMake it at least {need_w}×{need_h}; the console goes on when it is.",
    ),
    "app.keymap.bad": ("按键配置 {path} 有误，已忽略：{why}", "Key map {path} ignored: {why}"),
    # Start
    "start.drills": ("演练方案与场景", "Drill plans and scenarios"),
    "start.records": ("最近的演练记录", "Recent drill records"),
    "start.none": ("没有找到演练记录", "No drill records yet"),
    "start.setup": ("设置演练", "Set up"),
    "start.open": ("打开记录", "Open record"),
    "start.resume": ("继续中断的演练", "Resume"),
    "start.switch": ("切换列表", "Switch list"),
    "start.kind.plan": ("方案", "plan"),
    "start.kind.scenario": ("场景", "scenario"),
    "start.col.title": ("名称", "Title"),
    "start.col.kind": ("类型", "Kind"),
    "start.col.min": ("时长", "Length"),
    "start.col.when": ("时间", "When"),
    "start.col.drill": ("演练", "Drill"),
    "start.col.status": ("状态", "Status"),
    "start.status.done": ("已完成", "finished"),
    "start.status.cut": ("中断，可继续", "cut short, can resume"),
    "start.status.bad": ("无法读取", "unreadable"),
    "start.roles": ("角色", "Roles"),
    "start.objectives": ("演练目标", "Objectives"),
    "start.incidents": ("事件", "Incidents"),
    "start.minutes": ("{n} 分钟", "{n} min"),
    "start.problems": ("有 {n} 个文件无法加载：{first}", "{n} file(s) could not be loaded: {first}"),
    "start.hint": (
        "↑↓ 选择 · Enter 设置演练 · Tab 切换到记录",
        "↑↓ choose · Enter set up · Tab to records",
    ),
    # Set-up
    "setup.title": ("演练设置", "Drill set-up"),
    "setup.team": ("参演人员（每个角色填姓名，逗号分隔）", "Team (names for each role, comma-separated)"),
    "setup.staffing": ("人员配置（每类人员在岗人数）", "Staffing (people on shift in each pool)"),
    "setup.mode": ("规则模式", "Rules mode"),
    "setup.mode.strict": (
        "严格：违规操作被拒绝并说明原因（新员工）",
        "Strict: rule-breaking actions refused, with the reason (novices)",
    ),
    "setup.mode.observe": (
        "观察：照常执行，记录为问题（真实推演）",
        "Observe: they happen and are recorded as findings (realistic)",
    ),
    "setup.kind": ("用途", "Purpose"),
    "setup.kind.practice": ("练习", "Practice"),
    "setup.kind.assessment": ("考核", "Assessment"),
    "setup.speed": ("时钟倍速（模拟分钟/实际分钟）", "Clock speed (sim minutes per minute)"),
    "setup.seed": ("随机种子（相同种子和决策得到相同结果）", "Seed (same seed and decisions, same drill)"),
    "setup.team_name": ("班组", "Team"),
    "setup.names": ("姓名，多人用逗号分隔", "names, comma-separated"),
    "setup.start": ("开始演练", "Start drill"),
    "setup.bad_number": ("“{field}”需要一个整数", "'{field}' needs a whole number"),
    # Live
    "live.paused": ("已暂停", "PAUSED"),
    "live.running": ("进行中", "RUNNING"),
    "live.over": ("已结束", "ENDED"),
    "live.deadlines": ("时限", "Deadlines"),
    "live.no_deadlines": ("暂无计时", "no clocks running"),
    "live.situation": ("现场态势", "Situation"),
    "live.staff": ("人员", "Staff"),
    "live.idle": ("全部空闲", "all free"),
    "live.waiting": ("等待人员", "waiting"),
    "live.feed": ("事件动态", "Feed"),
    "live.actions": ("可选行动", "Actions now"),
    "live.no_actions": ("此刻没有可选行动", "No actions open right now"),
    "live.findings": ("发现的问题", "Findings"),
    "live.no_findings": ("暂无", "none yet"),
    "live.score": ("得分", "Score"),
    "live.loop": ("闭环", "Loop"),
    "live.rubric": ("关键任务（按 1-4 评定）", "Critical tasks (rate with 1-4)"),
    "live.projector": ("投影视图", "Projector view"),
    "live.controller": ("导调视图", "Controller view"),
    "live.on_condition": ("条件触发", "on cue"),
    "live.upcoming": ("即将注入（仅导调可见）", "Upcoming injects (controller only)"),
    "live.pause": ("暂停/继续", "Pause/resume"),
    "live.faster": ("加速", "Faster"),
    "live.slower": ("减速", "Slower"),
    "live.skip": ("跳到下一事件", "Next event"),
    "live.inject": ("注入", "Inject"),
    "live.note": ("记录", "Note"),
    "live.bookmark": ("书签", "Bookmark"),
    "live.rate_p": ("评为 P", "Rate P"),
    "live.rate_s": ("评为 S", "Rate S"),
    "live.rate_m": ("评为 M", "Rate M"),
    "live.rate_u": ("评为 U", "Rate U"),
    "live.next_task": ("下一任务", "Next task"),
    "live.prev_task": ("上一任务", "Previous task"),
    "live.toggle_view": ("投影/导调", "Projector"),
    "live.end": ("结束演练", "End drill"),
    "live.withdraw": ("撤回决策", "Withdraw"),
    "live.withdraw_confirm": (
        "撤回 {t} 的决策“{who}：{what}”？该行动停止、人员释放，可重新选择；撤回会记入记录。",
        "Withdraw the decision of {t}, “{who}: {what}”? The action stops, its staff are freed and it can be"
        " chosen again; the withdrawal is recorded.",
    ),
    "live.withdrawn": ("已撤回：{what}", "Withdrawn: {what}"),
    "live.nothing_to_withdraw": (
        "没有可撤回的决策：已完成的行动不能撤回",
        "No decision to withdraw: an action that has finished cannot be withdrawn",
    ),
    "live.decide": ("执行所选行动", "Decide"),
    "live.accepted": ("已执行：{who} {what}", "Done: {who} {what}"),
    "live.refused": ("已拒绝：{what} — {why}", "Refused: {what} — {why}"),
    "live.unavailable": ("现在不可选：{what}", "Not available now: {what}"),
    "live.rated": ("已评定 {task}：{rating}", "Rated {task}: {rating}"),
    "live.bookmarked": ("已加书签（{t}）", "Bookmarked at {t}"),
    "live.noted": ("已记录", "Note recorded"),
    "live.end_confirm": (
        "现在结束演练？未完成的任务按未完成计。",
        "End the drill now? Tasks not done count as missed.",
    ),
    "live.no_task": ("这个演练没有评分细则", "This drill has no rubric"),
    "live.resumed": ("已从记录恢复，按空格继续", "Resumed from the record; press Space to go on"),
    "live.forked": ("从 {t} 的决策处分叉：请做出不同选择", "Forked at the decision of {t}: make another choice"),
    "live.broken": ("引擎已停止演练", "stopped by the engine"),
    "live.stopped": (
        "演练被引擎停止，无法继续：{why}。已发生的都已记入记录；按 E 查看讲评。",
        "The engine stopped the drill; it cannot go on: {why}. Everything so far is in the record; E for the debrief.",
    ),
    # Dialogs
    "dlg.ok": ("确定", "OK"),
    "dlg.cancel": ("取消", "Cancel"),
    "dlg.yes": ("是", "Yes"),
    "dlg.no": ("否", "No"),
    "dlg.note": ("导调记录（回车保存，Esc 取消）", "Facilitator's note (Enter saves, Esc cancels)"),
    "dlg.inject": ("注入：选择场景中的注入，或输入临时情况", "Inject: pick one of the scenario's, or type a new one"),
    "dlg.inject.free": ("临时情况（导调口头宣布）", "Spoken inject (announced by the facilitator)"),
    "dlg.inject.none": ("场景注入都已发出", "All of the scenario's injects are out"),
    # Role-play
    "start.kind.roleplay": ("角色扮演", "role-play"),
    "start.talk": ("对话", "talk"),
    "start.personas": ("可能遇到的业主", "Owners you may meet"),
    "rp.setup.title": ("客服角色扮演：{title}", "Customer-service role-play: {title}"),
    "rp.setup.name": ("练习人姓名（用于记录个人进步）", "Your name (to track your progress)"),
    "rp.setup.persona": ("业主（随机更接近真实情况）", "The owner (random is closer to the real thing)"),
    "rp.setup.random": ("随机遇到一位业主", "Meet an owner at random"),
    "rp.setup.strict": (
        "练习模式：说出禁语会被拦下并说明原因",
        "Practice: a red-line reply is stopped, with the reason",
    ),
    "rp.setup.observe": (
        "实战模式：说什么都会发生，事后点评",
        "For real: whatever you say happens; reviewed afterwards",
    ),
    "rp.setup.start": ("开始对话", "Start the conversation"),
    "rp.type": ("自己回答", "Own words"),
    "rp.coach": ("教练信息", "Coach view"),
    "rp.end": ("结束通话", "End the call"),
    "rp.again": ("同一业主再练", "Same owner again"),
    "rp.new": ("换一位业主", "Another owner"),
    "rp.you": ("你", "You"),
    "rp.anger": ("怒气", "Anger"),
    "rp.patience": ("耐心", "Patience"),
    "rp.mood.calm": ("平静", "calm"),
    "rp.mood.upset": ("不满", "upset"),
    "rp.mood.angry": ("愤怒", "angry"),
    "rp.mood.escalating": ("要投诉了", "escalating"),
    "rp.call_over": ("—— 通话结束 ——", "— the call is over —"),
    "rp.days_later": ("（{days} 天后）", "({days} days later)"),
    "rp.replies": ("你的回答", "Your reply"),
    "rp.type_prompt": (
        "用自己的话回答（回车提交，教练再按一个键判定）",
        "Say it in your own words (Enter; then the coach judges with one key)",
    ),
    "rp.judge": ("教练：这句话属于哪一类？按对应的键", "Coach: what did that reply do? Press its key"),
    "rp.judged": ("教练判定：{move}", "coach's call: {move}"),
    "rp.cares": ("业主在意", "What matters to them"),
    "rp.steps": ("五步法", "The five steps"),
    "rp.end_confirm": ("现在结束通话？没完成的步骤按未完成计。", "End the call now? Steps not done count as missed."),
    "rp.result": ("练习结果 · {title}", "Result · {title}"),
    "rp.hurts": ("让业主更生气的话", "What made the owner angrier"),
    "rp.no_hurts": ("没有，做得好", "None: well done"),
    "rp.red_line_tried": ("触碰红线（已被拦下）", "red line (stopped)"),
    "rp.curve": ("业主怒气变化", "The owner's anger over time"),
    "rp.trend": ("你的练习记录（{scenario}）", "Your practice record ({scenario})"),
    "rp.trend_none": ("这是第一次练习", "This is your first practice"),
    "rp.ending": ("结局：{ending}", "Ending: {ending}"),
    "status.done": ("按顺序做到", "done, in order"),
    "status.out-of-order": ("做到了，但顺序不对", "done, but out of order"),
    "status.late": ("做到了，但晚了", "done, but late"),
    "status.late-out-of-order": ("晚了且顺序不对", "late and out of order"),
    "status.missed": ("没有做到", "not done"),
    "rp.saved": ("已记入练习记录", "Saved to your practice record"),
    # Debrief
    "debrief.title": ("演练讲评", "Debrief"),
    "debrief.score": (
        "得分 {score} / 100 · 评级 {rating} · {verdict}",
        "Score {score} / 100 · rating {rating} · {verdict}",
    ),
    "debrief.pass": ("合格", "passed"),
    "debrief.fail": ("不合格", "not passed"),
    "debrief.breakdown": ("得分明细", "Score breakdown"),
    "debrief.findings": ("发现的问题", "Findings"),
    "debrief.timeline": ("时间线", "Timeline"),
    "debrief.tasks": ("关键任务", "Critical tasks"),
    "debrief.export": ("导出报告", "Export report"),
    "debrief.history": ("存入历史", "Save to history"),
    "debrief.replay": ("回放", "Replay"),
    "debrief.new": ("新演练", "New drill"),
    "debrief.exported": ("报告已保存：{path}", "Report saved: {path}"),
    "debrief.saved": ("已存入历史记录", "Saved to history"),
    "debrief.already": ("历史中已有这次演练", "This drill is already in history"),
    "debrief.caps": ("评级上限", "Rating caps"),
    "debrief.col.points": ("得分", "Points"),
    "debrief.col.when": ("时间", "When"),
    "debrief.col.status": ("完成情况", "Status"),
    "debrief.col.auto": ("自动评级", "Auto rating"),
    "debrief.col.rated": ("评估员评级", "Rated"),
    # Replay
    "replay.title": ("回放", "Replay"),
    "replay.position": ("第 {n}/{total} 条 · {t}", "event {n}/{total} · {t}"),
    "replay.back": ("上一条", "Back"),
    "replay.forward": ("下一条", "Forward"),
    "replay.back10": ("后退10条", "Back 10"),
    "replay.forward10": ("前进10条", "Forward 10"),
    "replay.start": ("开头", "Start"),
    "replay.end": ("结尾", "End"),
    "replay.next_finding": ("下一个问题", "Next finding"),
    "replay.prev_finding": ("上一个问题", "Previous finding"),
    "replay.next_bookmark": ("下一个书签", "Next bookmark"),
    "replay.next_decision": ("下一个决策", "Next decision"),
    "replay.fork": ("从此分叉", "Fork here"),
    "replay.fork_need": ("请把光标移到一个决策上再分叉", "Move to a decision to fork there"),
    "replay.nothing": ("后面没有了", "No more of those"),
    "replay.loading": ("正在读取记录…", "Reading the record…"),
    "replay.debrief": ("讲评", "Debrief"),
    # Help
    "help.title": ("按键", "Keys"),
    "help.intro": (
        "所有按键都可在 {path} 中重新设置（按编号）。",
        "Every key can be remapped in {path} (by id).",
    ),
    "help.col.key": ("按键", "Key"),
    "help.col.what": ("作用", "What it does"),
    "help.col.id": ("编号", "Id"),
}


def tr(key: str, lang: str, **fields: object) -> str:
    """The console's word for ``key`` in ``lang`` (``zh`` or ``en``), with ``fields`` filled in."""
    pair = WORDS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fields) if fields else text


def colon(lang: str) -> str:
    """The colon between a label and its value: full width in Chinese, ``": "`` in English (both two cells)."""
    return "\uff1a" if lang == "zh" else ": "


def pick(text: object, lang: str) -> str:
    """A scenario text (``Text`` with ``zh``/``en``, or a dict) in ``lang``, falling back to the other."""
    if text is None:
        return ""
    getter = getattr(text, "get", None)
    if callable(getter):
        value = getter(lang)
        if value:
            return str(value)
    if isinstance(text, dict):
        return str(text.get(lang) or next(iter(text.values()), ""))
    return str(text)
