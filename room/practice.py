"""Self-paced role-play practice: a trainee talks to an owner from a phone, and a coach reviews later.

Each conversation is a :class:`engine.runtime.Session` of the scenario's dialogue, exactly as the
console's role-play runs it (same speed, same "saying a reply takes its time, silence costs
patience"), so its record replays, verifies and scores like any other. When the call is over the
record goes to history as ``practice`` (on a worker thread: scoring reads the whole record).

Own words: with no coach at the phone, the trainee types what they would say and picks which kind
of reply it is closest to; it is played as that move (``free_<move>``) with the words as its note.
The coach's page lists the sessions, shows each transcript and judges those own words afterwards:
each judgement is an ``evaluation`` input appended to the finished record (the step's task rated,
the words and the judged move in the note, the coach's name as ``by``), so reports and the score see
it honestly; the server then brings the session's history row up to date (:meth:`History.rescore`).

Only the live conversations stay in memory; a finished one is read back from its record.
"""

from __future__ import annotations

import random
import secrets
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from engine.display import sim_time
from engine.errors import DrillError, EngineError
from engine.format import (
    AFTER_CALL,
    CALL_BACK,
    MOVES,
    STEPS,
    ActionDone,
    DecisionMade,
    DrillEnded,
    DrillHalted,
    Evaluated,
    Finding,
    IncidentStarted,
    InjectFired,
    StateChanged,
    VariableStepped,
)
from engine.paths import new_record_path
from engine.runtime import (
    RecordWriter,
    Session,
    first_broken_link,
    header_for,
    open_verified,
    prepare,
    read,
    setup_from,
)
from engine.runtime.record import apply_input
from engine.runtime.session import wall
from room.drillroom import RoomError
from room.i18n import pick, tr

if TYPE_CHECKING:
    from engine.format import AnyEvent, Dialogue
    from engine.runtime import CompiledScenario, Record, Setup
    from scoring.roleplay import RolePlayResult

SPEED = 2.0
"""Clock speed of a conversation (the console's): thinking time costs patience twice as fast."""

DONE_KEPT = 2000
"""Finished conversations remembered by id (their record path and trainee), newest kept."""


@dataclass
class Practice:
    """One live conversation.

    Attributes:
        id: The conversation's credential in its URL (unguessable).
        session: The running session.
        trainee: Who practises.
        dialogue: The scenario's dialogue (owner, trainee roles, thresholds).
    """

    id: str
    session: Session
    trainee: str
    dialogue: Dialogue
    touched: float = field(default_factory=time.monotonic)

    @property
    def scenario(self) -> CompiledScenario:
        """The expanded role-play scenario being played."""
        return self.session.scenarios[0]


@dataclass(frozen=True)
class Done:
    """A finished conversation: where its record is and whose it was."""

    path: Path
    trainee: str
    saved: str | None = None
    """What history said (None while saving, ``""`` when saved, else why not)."""


class Hall:
    """Every practice conversation of a site.

    Args:
        folder: Where practice records are written (and where the coach finds them).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.live: dict[str, Practice] = {}
        self.done: OrderedDict[str, Done] = OrderedDict()
        self._setups: dict[tuple[str, str | None, int], Setup] = {}

    # Starting and talking ------------------------------------------------------------------------

    def start(self, path: str, trainee: str, persona: str | None = None, seed: int | None = None) -> Practice:
        """A new conversation with the role-play of the scenario at ``path``.

        Raises:
            RoomError: The scenario cannot be loaded or has no such role-play (400).
        """
        trainee = " ".join(trainee.split())[:40]
        if not trainee:
            raise RoomError("practice needs the trainee's name", 400, "error.400")
        try:
            setup = self._setup(path, persona or None)
            seed = seed if seed is not None else random.randrange(1, 1_000_000)
            dialogue = setup.sources[0].model.dialogue
            if dialogue is None:
                raise RoomError(f"{path} has no dialogue", 400, "error.400")
            people = [{"name": trainee, "role": dialogue.trainee}]
            header = header_for(setup, seed=seed, mode="strict", source="room", participants=people, kind="practice")
            record = new_record_path(setup.title_id, seed, self.folder)
            session = Session.begin(setup.for_seed(seed), header, path=record, speed=SPEED)
        except DrillError as exc:
            raise RoomError(str(exc).splitlines()[0], 400, "error.400") from exc
        session.clock.resume()  # the owner is already talking: silence costs patience from now
        practice = Practice(secrets.token_urlsafe(16), session, trainee, dialogue)
        self.live[practice.id] = practice
        return practice

    def _setup(self, path: str, persona: str | None) -> Setup:
        """The role-play's set-up, loaded once per file version (every conversation shares its models)."""
        stamp = Path(path).stat().st_mtime_ns if Path(path).is_file() else 0
        key = (path, persona, stamp)
        found = self._setups.get(key)
        if found is None:
            found = self._setups[key] = prepare(path, persona=persona, roleplay=True)
        return found

    def say(self, practice: Practice, action: str, note: str | None = None) -> None:
        """The trainee says a reply now (a listed one, or own words played as ``free_<move>``).

        Raises:
            RoomError: The conversation is over (409) or the reply is not open now (400).
        """
        session = practice.session
        practice.touched = time.monotonic()
        session.tick()
        if session.finished:
            raise RoomError("the call is over", 409, "error.409")
        if action not in {o.action for o in session.drill.options()}:
            raise RoomError(f"{action!r} is not a reply open now", 400, "error.400")
        verdict = session.drill.submit(
            _submission(practice.dialogue.trainee, action, note, practice.trainee, practice.id[:8])
        )
        if verdict.accepted and action == CALL_BACK:
            session.run_to_end()  # days pass; nothing can be decided meanwhile
        elif verdict.accepted:
            # Saying it takes its minutes of sim time, but nobody waits for them: straight to the
            # owner's answer (as the console does).
            session.jump_to(session.now + 0.001)
            ends = [w.until for w in session.situation.busy() if w.until is not None]
            if ends:
                session.jump_to(max(ends) + 0.001)

    def tick(self) -> list[Practice]:
        """Move every live conversation's clock; the ones that ended are returned (and let go)."""
        ended = []
        for practice in list(self.live.values()):
            if not practice.session.finished:
                practice.session.tick()
            if practice.session.finished:
                ended.append(self.finish(practice))
        return ended

    def finish(self, practice: Practice) -> Practice:
        """Close a finished conversation's record and remember where it is."""
        practice.session.close()
        self.live.pop(practice.id, None)
        self.done[practice.id] = Done(practice.session.path, practice.trainee)
        while len(self.done) > DONE_KEPT:
            self.done.popitem(last=False)
        return practice

    def saved(self, practice_id: str, message: str) -> None:
        """Note what history said about a finished conversation."""
        found = self.done.get(practice_id)
        if found is not None:
            self.done[practice_id] = Done(found.path, found.trainee, message)

    # Reading --------------------------------------------------------------------------------------

    def records(self, limit: int = 200) -> list[Path]:
        """Practice records in the folder, newest first."""
        files = sorted(self.folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
        return files[:limit]


def _submission(role: str, action: str, note: str | None, by: str, device: str) -> Any:
    from engine.runtime import Submission

    return Submission(role, action, 0, "room", note or None, wall(), by=by, device=device)


def reply_options(practice: Practice, lang: str) -> list[dict[str, str]]:
    """The replies open now, shuffled per turn by the seed (as the console does; display order only)."""
    session = practice.session
    if session.finished or session.situation.work:
        return []
    options = [o.action for o in session.drill.options() if not o.coach_judged]
    order = list(options)
    random.Random(f"{session.header.seed}:{session.situation.incidents[0].state}").shuffle(order)
    model = practice.scenario.model
    return [{"value": a, "label": pick(model.actions[a].label, lang)} for a in order]


def own_moves(practice: Practice, lang: str) -> list[dict[str, str]]:
    """The kinds of reply own words can be played as now."""
    session = practice.session
    if session.finished or session.situation.work:
        return []
    actions = practice.scenario.actions
    open_now = {actions[o.action].spoken.judged_as for o in session.drill.options() if o.coach_judged}  # type: ignore[union-attr]
    return [{"value": m, "label": pick(spec.label, lang)} for m, spec in MOVES.items() if m in open_now]


def meters(practice: Practice) -> dict[str, float]:
    """The owner's anger and patience now."""
    values = practice.session.situation.incidents[0].values
    return {"anger": float(values.get("mood", 0)), "patience": float(values.get("patience", 0))}


def transcript(
    events: Sequence[AnyEvent], scenario: CompiledScenario, dialogue: Dialogue, lang: str
) -> list[dict[str, Any]]:
    """The conversation as chat bubbles: who (``owner``, ``you``, ``narration``, ``note``), text, minute."""
    model = scenario.model
    out: list[dict[str, Any]] = []
    mood = float(scenario.initial_values.get("mood", 0))
    for event in events:
        t = float(event.t)
        if isinstance(event, IncidentStarted) or (
            isinstance(event, StateChanged) and event.to in model.states and event.to != AFTER_CALL
        ):
            state_id = event.state if isinstance(event, IncidentStarted) else event.to
            state = model.states[state_id]
            who = "owner" if state_id in dialogue.turns else "narration"
            out.append({"who": who, "text": pick(state.narration, lang), "t": t})
        elif isinstance(event, StateChanged) and event.to == AFTER_CALL:
            out.append({"who": "narration", "text": tr("pr.call_over", lang), "t": t})
        elif isinstance(event, StateChanged) and event.to in model.endings:
            out.append({"who": "narration", "text": pick(model.endings[event.to].narration, lang), "t": t})
        elif isinstance(event, DecisionMade):
            act = model.actions.get(event.action)
            said = event.note or (pick(act.label, lang) if act else event.action)
            extra = ""
            move = judged_as(scenario, event.action)
            if move is not None:
                spec = MOVES.get(move)
                extra = f"{tr('pr.own_move', lang)}：{pick(spec.label, lang) if spec else move}"
            out.append(
                {
                    "who": "you",
                    "text": said,
                    "t": t,
                    "extra": extra,
                    "struck": event.status != "accepted",
                    "seq": event.seq,
                    "own": move is not None,
                }
            )
            if event.status == "refused":
                why = "；".join(pick(r.detail, lang) for r in event.reasons or [])
                out.append({"who": "warn", "text": "✗ " + why, "t": t})
            if event.action == CALL_BACK and event.status == "accepted":
                days = f"{dialogue.follow_up_after / 1440:g}"
                out.append({"who": "narration", "text": tr("pr.days_later", lang, days=days), "t": t})
        elif isinstance(event, ActionDone) and "mood" in event.changes:
            new = float(event.changes["mood"])
            delta, mood = new - mood, new
            if delta:
                out.append(
                    {
                        "who": "delta",
                        "text": f"{tr('pr.anger', lang)} {delta:+.0f} → {new:.0f}",
                        "t": t,
                        "up": delta > 0,
                    }
                )
        elif isinstance(event, VariableStepped) and event.var == "mood":
            mood = float(event.value)
        elif isinstance(event, Finding):
            out.append({"who": "warn", "text": "⚠ " + pick(event.detail, lang), "t": t})
        elif isinstance(event, Evaluated) and event.note:
            out.append({"who": "coach", "text": event.note, "t": t})
    return out


def anger_chart(curve: Sequence[tuple[float, float]], *, calm_below: float, width: int = 320, height: int = 140) -> str:
    """The anger curve as an inline SVG (a step line over sim minutes, 0-100, the calm line dashed).

    Built from numbers only (no text from a record or a user goes into it), so it is safe inline.
    """
    pad = 24
    t_max = max([t for t, _ in curve] + [1.0])
    if t_max > 120:  # the follow-up call days later would squash the conversation to a sliver
        inside = [t for t, _ in curve if t <= 120]
        t_max = max([*inside, 1.0])

    def x(t: float) -> float:
        return pad + (width - pad - 6) * min(t, t_max) / t_max

    def y(v: float) -> float:
        return 6 + (height - pad - 6) * (1 - max(0.0, min(100.0, v)) / 100)

    points: list[str] = []
    last: float | None = None
    for t, v in curve:
        if last is not None:
            points.append(f"{x(t):.1f},{y(last):.1f}")
        points.append(f"{x(t):.1f},{y(v):.1f}")
        last = v
    if last is not None:
        points.append(f"{x(t_max):.1f},{y(last):.1f}")
    calm = y(calm_below)
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="curve-title">'
        f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - 6}" y2="{height - pad}"/>'
        f'<line class="axis" x1="{pad}" y1="6" x2="{pad}" y2="{height - pad}"/>'
        f'<line class="calm" x1="{pad}" y1="{calm:.1f}" x2="{width - 6}" y2="{calm:.1f}"/>'
        f'<text class="tick" x="2" y="12">100</text><text class="tick" x="8" y="{height - pad}">0</text>'
        f'<text class="tick" x="{width - 40}" y="{height - 6}">{t_max:.0f}′</text>'
        f'<polyline class="curve" points="{" ".join(points)}"/></svg>'
    )


def trend_chart(scores: Sequence[float], *, width: int = 320, height: int = 80) -> str:
    """Scores of one's last practices as bars (numbers only, safe inline)."""
    if not scores:
        return ""
    gap = 4
    bar = min(24.0, max(4.0, (width - gap * (len(scores) + 1)) / len(scores)))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="trend-title">']
    parts.append(
        f'<line class="calm" x1="0" y1="{height - height * 0.8:.1f}" x2="{width}" y2="{height - height * 0.8:.1f}"/>'
    )
    for i, score in enumerate(scores):
        h = max(2.0, height * max(0.0, min(100.0, score)) / 100)
        cls = "bar pass" if score >= 80 else "bar"
        parts.append(
            f'<rect class="{cls}" x="{gap + i * (bar + gap):.1f}" y="{height - h:.1f}"'
            f' width="{bar:.1f}" height="{h:.1f}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def step_of(move: str) -> str | None:
    """Which of the five steps a move performs (None for a move outside them)."""
    for sid, _label, moves in STEPS:
        if move in moves:
            return sid
    return None


def judge(path: Path, seq: int, move: str, rating: str | None, coach: str, lang: str = "zh") -> int:
    """Append a coach's judgement of the own-words reply ``seq`` to a finished practice record.

    The drill is rebuilt from the record (its inputs re-executed, as replay does), the judgement is
    made on it as an ``evaluation`` of the step the judged move performs (or of the whole call for a
    move outside the five steps), and that one event is appended, chained to the record's last line.
    It carries the coach's name (``by``); its note, in ``lang`` (the coach's page language), says
    which words were judged to be which move.

    Returns:
        The new event's sequence number.

    Raises:
        RoomError: The record is altered or unfinished, ``seq`` is not an own-words reply, or the
            move or rating is unknown (400).
    """
    coach = " ".join(coach.split())[:40]
    if move not in MOVES or rating not in (None, "P", "S", "M", "U") or not coach:
        raise RoomError("unknown move or rating, or no coach name", 400, "error.400")
    try:
        record = read(path)
        if first_broken_link(record) is not None or record.damage is not None or not record.complete:
            raise RoomError(f"{path}: altered or unfinished", 400, "error.400")
        setup = setup_from(record)
        scenario = setup.scenarios(record.header.seed)[0]
        said = next(
            (
                e
                for e in record.events
                if isinstance(e, DecisionMade) and e.seq == seq and judged_as(scenario, e.action) is not None
            ),
            None,
        )
        if said is None:
            raise RoomError(f"event {seq} is not an own-words reply", 400, "error.400")
        drill = setup.drill(seed=record.header.seed, mode=record.header.mode)
        drill.start()
        ended = False
        for event in record.events:  # as engine.runtime.replay does
            ended = ended or isinstance(event, DrillEnded)
            if event.input:
                if drill.finished and isinstance(event, DecisionMade | InjectFired | DrillHalted):
                    continue
                if ended:
                    drill.run_to_end()
                drill.advance_to(float(event.t))
                apply_input(drill, event)
        drill.run_to_end()
        if drill.seq != len(record.events):
            raise RoomError(f"{path}: the record does not replay the same", 400, "error.400")
        step = step_of(move)
        spec = MOVES[move]
        note = tr(
            "coach.note",
            lang,
            coach=coach,
            words=said.note or "",
            t=sim_time(float(said.t)),
            seq=seq,
            move=pick(spec.label, lang),
        )
        writer = RecordWriter.append(path, record.last_chk, record.header)
        try:
            drill.subscribe(writer.write)
            new_seq = drill.evaluate(
                f"task:{step}" if step else "drill", incident=0, rating=rating, note=note, wall=wall(), by=coach
            )
        finally:
            writer.close()
    except (DrillError, EngineError) as exc:
        if isinstance(exc, RoomError):
            raise
        raise RoomError(str(exc).splitlines()[0], 400, "error.400") from exc
    return new_seq


@dataclass(frozen=True)
class Summary:
    """A finished (or stopped) conversation read back from its record."""

    record: Record
    scenario: CompiledScenario
    """The expanded role-play scenario it played."""
    dialogue: Dialogue
    """The scenario's dialogue (its thresholds and roles)."""
    result: RolePlayResult


def summary(path: Path) -> Summary:
    """A conversation's record, scenario, dialogue and role-play result (scoring's summary).

    The record is verified first (its chain, and its replay on the scenario it carries); one that
    was cut short is shown as far as it goes, one that was altered is refused.

    Raises:
        RoomError: The record cannot be read, does not verify, or is no role-play (404).
    """
    from scoring.roleplay import summarise

    try:
        opened = open_verified(path, partial=True)
        record, setup = opened.record, opened.setup
    except DrillError as exc:
        raise RoomError(str(exc).splitlines()[0], 404, "error.404") from exc
    dialogue = setup.sources[0].model.dialogue
    if dialogue is None or not record.header.roleplay:
        raise RoomError(f"{path} is not a role-play", 404, "error.404")
    scenario = setup.scenarios(record.header.seed)[0]
    # scoring reads events through their dict-style bridge until it is converted; the objects are typed events
    result = summarise(cast(Any, record.events), scenario)
    return Summary(record, scenario, dialogue, result)


def judged_as(scenario: CompiledScenario, action: str) -> str | None:
    """For an own-words reply (declared by the dialogue expansion): the move a coach judged it to be."""
    found = scenario.actions.get(action)
    return found.spoken.judged_as if found is not None and found.spoken is not None else None


def free_action(scenario: CompiledScenario, move: str) -> str:
    """The own-words action that stands for ``move`` (declared by the dialogue expansion)."""
    for action_id, found in scenario.actions.items():
        if found.spoken is not None and found.spoken.judged_as == move:
            return action_id
    raise LookupError(f"the role-play has no own-words reply judged as {move!r}")
