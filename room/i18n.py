"""The room's words, in Chinese first and English.

Pages are read on phones by property staff, so every label, button and refusal has a Chinese text;
English is there for the mixed teams some sites have. Scenario content brings its own two texts
(:func:`pick` chooses); this table holds only the room's own. A page's language comes from
``?lang=``, then the ``lang`` cookie it sets, then Chinese.
"""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")
"""Languages a page can be shown in; the first is the default."""

_TEXTS: dict[str, tuple[str, str]] = {
    "app": ("演练室", "Drill room"),
    "lang.other": ("English", "中文"),
    "error.title": ("出错了", "Something went wrong"),
    "error.404": (
        "没有这个页面。链接可能已失效，请向导调索取新的链接或参演码。",
        "No such page. The link may have expired; ask the facilitator for a new link or join code.",
    ),
    "error.405": ("这个页面不能这样打开。", "This page cannot be opened that way."),
    "error.400": ("提交的内容不完整或格式不对。", "What was sent is incomplete or malformed."),
    "error.403": ("你没有权限做这件事。", "You are not allowed to do that."),
    "error.409": ("现在不能这样做：演练没有在进行。", "Not now: the drill is not running."),
    "error.413": ("提交的内容太长。", "What was sent is too long."),
    "error.429": ("操作太快了，请稍等几秒再试。", "Too many requests; wait a few seconds and try again."),
    "error.500": (
        "服务器出了问题，已记录。请重试，或告诉导调。",
        "The server had a problem. Try again, or tell the facilitator.",
    ),
    "error.closed": (
        "导调已关闭演练室。如需继续，请向导调索取新的链接或参演码。",
        "The facilitator closed the drill room. To go on, ask the facilitator for a new link or join code.",
    ),
    "error.back": ("返回", "Back"),
    "join.title": ("扫码参演", "Join the drill"),
    "join.code": ("参演码", "Join code"),
    "join.code_hint": ("导调屏幕上的 6 位参演码", "The 6-character code on the facilitator's screen"),
    "join.go": ("进入", "Enter"),
    "join.bad_code": ("参演码不对，或演练已经结束。", "That code is wrong, or the drill is over."),
    "join.name": ("你的姓名", "Your name"),
    "join.role": ("你的角色", "Your role"),
    "join.submit": ("加入演练", "Join"),
    "join.roster": ("名单中的人", "People on the roster"),
    "join.removed": ("导调已将你移出本次演练。", "The facilitator removed you from this drill."),
    "room.time": ("演练时间", "Drill time"),
    "room.minute": ("演练时间 {t}", "drill time {t}"),
    "room.paused": ("暂停中", "paused"),
    "room.running": ("进行中", "running"),
    "room.over": ("演练已结束", "drill over"),
    "room.you": ("你是", "You are"),
    "room.situation": ("现场态势", "Situation"),
    "room.actions": ("你现在可以做的", "What you can do now"),
    "room.no_actions": ("现在没有你这个角色可做的行动。", "Nothing open to your role right now."),
    "room.note": ("理由（可选）", "Why (optional)"),
    "room.feed": ("通报", "Messages"),
    "room.feed_empty": ("还没有消息。", "No messages yet."),
    "room.staff": ("人员", "Staff"),
    "room.idle": ("全员待命", "everyone free"),
    "room.waiting": ("等待人员", "waiting for"),
    "room.findings": ("发现的问题", "Findings"),
    "room.none": ("无", "none"),
    "room.pending": ("等待导调确认", "Waiting for the facilitator"),
    "room.leave": ("退出", "Leave"),
    "room.offline": ("连接中断，正在重连……", "Connection lost, reconnecting…"),
    "room.closed": (
        "导调已关闭演练室，本页不再更新。可以关闭此页面了。",
        "The facilitator closed the drill room; this page no longer updates. You can close it now.",
    ),
    "room.state_closed": ("演练室已关闭", "room closed"),
    "room.for_you": ("给你的", "for you"),
    "verdict.accepted": ("已执行：{what}", "Done: {what}"),
    "verdict.pending": ("已提交，等待导调确认：{what}", "Sent; waiting for the facilitator: {what}"),
    "verdict.refused": ("不能这样做：{what}。原因：{why}", "Refused: {what}. Why: {why}"),
    "verdict.unavailable": ("现在不能做：{what}（{why}）", "Not possible now: {what} ({why})"),
    "verdict.rejected": ("导调没有采纳：{what}", "The facilitator did not accept: {what}"),
    "note.who": ("{name}（{role}，设备 {device}）", "{name} ({role}, device {device})"),
    "note.joined": ("加入演练室：{who}", "Joined the drill room: {who}"),
    "note.rejected": ("未采纳 {who} 的提议：{what}", "Not accepted: {who} proposed {what}"),
    "why.ended": ("事件已结束", "the incident is over"),
    "why.not-started": ("事件尚未开始", "the incident has not begun"),
    "why.unknown-action": ("没有这个行动", "no such action"),
    "why.wrong-role": ("不是你这个角色的行动", "not your role's action"),
    "why.wrong-state": ("当前阶段不可用", "not in this phase"),
    "why.condition": ("条件还不满足", "not possible yet"),
    "why.already-started": ("已经做过了", "already done"),
    "eval.title": ("评估员", "Evaluator"),
    "eval.tasks": ("关键任务", "Critical tasks"),
    "eval.overall": ("整体", "Overall"),
    "eval.done": ("已完成（第 {t} 分钟）", "done (minute {t})"),
    "eval.not_yet": ("尚未完成", "not yet"),
    "eval.rating": ("评级", "Rating"),
    "eval.observation": ("观察记录", "Observation"),
    "eval.save": ("记录评估", "Record"),
    "eval.saved": ("已记录：{task}（{rating}）", "Recorded: {task} ({rating})"),
    "eval.saved_note": ("已记录观察：{task}", "Observation recorded: {task}"),
    "eval.yours": ("你的评级：{r}", "your rating: {r}"),
    "eval.latest": ("最新评级：{r}", "latest rating: {r}"),
    "eval.need": ("请选择评级或写下观察。", "Choose a rating or write an observation."),
    "rating.P": ("P 完全胜任", "P Performed without challenges"),
    "rating.S": ("S 基本胜任", "S Performed with some challenges"),
    "rating.M": ("M 勉强完成", "M Performed with major challenges"),
    "rating.U": ("U 未能完成", "U Unable to be performed"),
    "fac.title": ("导调台", "Facilitator"),
    "fac.open": ("开始一场演练", "Open a drill"),
    "fac.what": ("演练", "Drill"),
    "fac.mode": ("规则模式", "Rules"),
    "fac.mode.strict": ("严格（违规即拒绝）", "strict (refuse rule breaches)"),
    "fac.mode.observe": ("观察（记录问题）", "observe (record findings)"),
    "fac.approve": ("参演者的决策", "Participants' decisions"),
    "fac.approve.now": ("立即生效", "apply at once"),
    "fac.approve.wait": ("等导调确认", "wait for my accept/reject"),
    "fac.speed": ("时间倍速", "Speed"),
    "fac.team": ("班组", "Team"),
    "fac.site": ("项目", "Site"),
    "fac.rooms": ("进行中的演练", "Drills open"),
    "fac.start": ("开始 / 继续", "Start / resume"),
    "fac.pause": ("暂停", "Pause"),
    "fac.halt": ("结束演练", "End the drill"),
    "fac.people": ("在线人员", "Who is here"),
    "fac.connected": ("在线", "connected"),
    "fac.away": ("离线", "away"),
    "fac.remove": ("移出", "Remove"),
    "fac.pending": ("待确认的决策", "Decisions waiting"),
    "fac.accept": ("采纳", "Accept"),
    "fac.reject": ("不采纳", "Reject"),
    "fac.links": ("链接", "Links"),
    "fac.participant_link": ("参演链接", "Participant link"),
    "fac.evaluator_link": ("评估员链接（勿投屏）", "Evaluator link (not for the projector)"),
    "fac.record": ("记录文件", "Record"),
    "pr.title": ("角色扮演练习", "Role-play practice"),
    "pr.pick": ("选一个场景开始", "Pick a scenario to start"),
    "pr.name": ("你的姓名", "Your name"),
    "pr.persona": ("业主类型", "Owner"),
    "pr.persona.any": ("随机", "any"),
    "pr.start": ("开始通话", "Start the call"),
    "pr.owner": ("业主", "Owner"),
    "pr.you": ("你", "You"),
    "pr.anger": ("怒气", "Anger"),
    "pr.patience": ("耐心", "Patience"),
    "pr.replies": ("你的回复", "Your reply"),
    "pr.own": ("用自己的话说", "In your own words"),
    "pr.own_words": ("你要说的话", "What you say"),
    "pr.own_move": ("这句话最接近", "Closest to"),
    "pr.say": ("说", "Say"),
    "pr.wait": ("业主正在说话……", "The owner is speaking…"),
    "pr.lost": (
        "与服务器的连接断开了，正在重试。一直恢复不了的话，请告诉教练。",
        "Lost the connection to the server; trying again. If it does not come back, tell your coach.",
    ),
    "pr.call_over": ("通话结束", "Call over"),
    "pr.days_later": ("（{days} 天后回访）", "({days} days later, the follow-up call)"),
    "pr.result": ("练习结果", "Result"),
    "pr.score": ("得分", "Score"),
    "pr.steps": ("五个步骤", "The five steps"),
    "pr.step.missed": ("未做到", "missed"),
    "pr.step.done": ("做到了", "done"),
    "pr.step.late": ("晚了", "late"),
    "pr.step.out-of-order": ("顺序不对", "out of order"),
    "pr.hurts": ("让业主更生气的回复", "Replies that made it worse"),
    "pr.no_hurts": ("没有让业主更生气的回复。", "No reply made the owner angrier."),
    "pr.curve": ("怒气曲线", "Anger over the call"),
    "pr.trend": ("我的练习记录", "My practice"),
    "pr.again": ("再练一次", "Practise again"),
    "pr.saved": ("已存入培训台账。", "Saved to the training history."),
    "pr.not_saved": (
        "未能存入培训台账，请告诉教练（原因已记在服务器日志里）。",
        "Not saved to the training history; tell your coach (the reason is in the server's log).",
    ),
    "pr.saving": ("正在存入培训台账，稍后刷新本页即可看到。", "Saving to the training history; refresh in a moment."),
    "pr.trend.none": ("培训台账里还没有你这个练习的记录。", "No sessions of this role-play in the history yet."),
    "pr.judged": ("教练判定：{move}", "coach judged: {move}"),
    "pr.ending": ("结局", "Ending"),
    "coach.title": ("教练", "Coach"),
    "coach.sessions": ("练习记录", "Practice sessions"),
    "coach.none": ("还没有练习记录。", "No practice yet."),
    "coach.transcript": ("对话记录", "Transcript"),
    "coach.judge": ("判定这句自己的话", "Judge these own words"),
    "coach.move": ("实际属于", "It was really"),
    "coach.save": ("记录判定", "Record"),
    "coach.name": ("教练姓名", "Coach's name"),
    "coach.judged": (
        "已记录判定，培训台账中的得分已更新。",
        "Judgement recorded; the score in the training history is updated.",
    ),
    "coach.judged_unfiled": (
        "已记录判定，但培训台账中的得分未能更新（原因已记在服务器日志里）。",
        "Judgement recorded, but the score in the training history was not updated (the reason is in the log).",
    ),
    "coach.note": (
        "教练 {coach} 判定「{words}」（{t}，事件 {seq}）为：{move}",
        "Coach {coach} judged “{words}” ({t}, event {seq}) to be: {move}",
    ),
    "coach.trainee": ("学员", "Trainee"),
    "coach.when": ("时间", "When"),
    "coach.count": ("：{n} 句", ": {n}"),
}


def tr(key: str, lang: str, **values: Any) -> str:
    """The room's text for ``key`` in ``lang`` (``zh`` or ``en``), with ``values`` filled in."""
    pair = _TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def pick(text: Any, lang: str) -> str:
    """One language of a scenario text (a model ``Text``, a ``{"zh":..,"en":..}`` dict, or None)."""
    if text is None:
        return ""
    if isinstance(text, dict):
        zh, en = text.get("zh"), text.get("en")
    else:
        zh, en = getattr(text, "zh", None), getattr(text, "en", None)
    first, second = (en, zh) if lang == "en" else (zh, en)
    return str(first or second or "")


def words(lang: str) -> dict[str, str]:
    """Every room text in ``lang`` (handed to templates as ``t``)."""
    return {key: tr(key, lang) for key in _TEXTS}


def language(query: str | None, cookie: str | None) -> str:
    """A page's language: the query's, else the cookie's, else Chinese."""
    for choice in (query, cookie):
        if choice in LANGS:
            return str(choice)
    return LANGS[0]
