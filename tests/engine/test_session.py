"""Live sessions: a drill with its record on disk, resumed after a crash, forked at a decision."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.display import sim_time
from engine.errors import RecordError
from engine.format import (
    INPUTS,
    ActionBegun,
    AnyEvent,
    DecisionMade,
    DrillEnded,
    DrillHalted,
    Evaluated,
    Event,
    ForkRef,
    IncidentStarted,
    InjectDelivered,
    InjectFired,
    Input,
    NoteMade,
    TimerChanged,
)
from engine.runtime import (
    Origin,
    Session,
    Setup,
    Situation,
    Timeline,
    header_for,
    prepare,
    read,
    replay,
    same_event,
    setup_from,
    verify,
)
from tests.conftest import ROOT

SPEED = 60.0
"""Sim minutes per wall minute in these tests: one sim minute per wall second."""


class Wall:
    """A wall clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def setup() -> Setup:
    """The shipped elevator entrapment."""
    return prepare("elevator-entrapment")


@pytest.fixture
def wall() -> Wall:
    """A hand-driven wall clock."""
    return Wall()


@pytest.fixture
def opened() -> Iterator[Callable[[Session], Session]]:
    """Keep a session to be closed after the test, even a failed one (its open file would leak into the next)."""
    sessions: list[Session] = []

    def keep(session: Session) -> Session:
        sessions.append(session)
        return session

    yield keep
    for session in sessions:
        session.close()


@pytest.fixture
def begin(setup: Setup, tmp_path: Path, wall: Wall, opened: Callable[[Session], Session]) -> Callable[..., Session]:
    """Start a session of the elevator scenario, its record in tmp_path."""

    def make(name: str = "drill.jsonl", *, mode: str = "strict", seed: int = 1) -> Session:
        header = header_for(setup, seed=seed, mode=mode, source="console")
        return opened(Session.begin(setup, header, path=tmp_path / name, speed=SPEED, now=wall))

    return make


def run_to(session: Session, wall: Wall, minute: float) -> None:
    """Let the clock run until it says ``minute`` and tick, as the console's loop would."""
    session.clock.resume()
    wall.now += (minute - session.clock.target()) * 60.0 / session.clock.speed
    session.tick()


def events_of(path: Path) -> list[AnyEvent]:
    """The events of a record file (header left out)."""
    return read(path).events


def opening(session: Session, wall: Wall) -> None:
    """The first minutes of a good response: log, talk, guard the landing, call the contractor."""
    session.submit("control_room", "log_alarm")
    run_to(session, wall, 0.5)
    session.submit("control_room", "talk_to_passengers")
    session.submit("security", "go_to_site")
    run_to(session, wall, 1.5)
    session.submit("control_room", "notify_maintenance")


# A whole session -----------------------------------------------------------------------------------


def test_a_session_with_every_kind_of_input_leaves_a_record_that_verifies(
    begin: Callable[..., Session], wall: Wall
) -> None:
    """Decisions, a withdrawal, a rating, a note, a bookmark, a fired inject and the halt: a record that replays."""
    session = begin()
    opening(session, wall)
    assert session.rate("task:voice_contact", "P", note="calm and clear") > 0
    session.note("the operator read the ID code twice")
    session.note("", kind="bookmark")
    assert "technician_overdue" not in session.situation.incidents[0].delivered
    fired = session.fire(0, "technician_overdue")
    run_to(session, wall, 2.5)
    session.withdraw(session.submit("control_room", "report_to_leader").seq)  # mis-keyed, withdrawn at once
    session.submit("control_room", "report_to_leader")
    session.halt()
    session.close()
    assert session.finished and session.clock.paused
    events = events_of(session.path)
    kinds = {type(e) for e in events}
    assert {DecisionMade, Evaluated, NoteMade, InjectFired, DrillHalted, DrillEnded} <= kinds
    after_fire = events[[e.seq for e in events].index(fired) + 1]
    assert isinstance(after_fire, InjectDelivered) and after_fire.inject == "technician_overdue"
    inputs = [e for e in events if isinstance(e, Input)]
    assert {e.type for e in inputs} == INPUTS
    assert all(e.wall for e in inputs)
    result = verify(session.path)
    assert result.ok, result.message
    assert "complete" in result.message


def test_the_live_situation_is_the_fold_of_the_record(begin: Callable[..., Session], wall: Wall) -> None:
    """What the console shows live is exactly what a replay of the record shows at its end."""
    session = begin()
    opening(session, wall)
    session.note("", kind="bookmark")
    run_to(session, wall, 20.0)
    session.close()
    folded = Situation(session.scenarios)
    for event in events_of(session.path):
        folded.apply(event)
    assert session.situation == folded
    assert session.situation.bookmarks() and session.situation.findings


def test_a_replay_re_executes_notes_fired_injects_evaluations_and_the_halt(
    setup: Setup, begin: Callable[..., Session], wall: Wall
) -> None:
    """Every input of the facilitator comes out of a replay as it was recorded."""
    session = begin(mode="observe")
    opening(session, wall)
    session.note("spoken inject: a resident shouts", kind="inject", incident=0)
    session.rate("drill", None, note="good start")
    session.fire(0, "passenger_unwell_call")
    session.halt()
    session.close()
    record = read(session.path)
    produced = replay(record, setup_from(record))
    wanted = (NoteMade, Evaluated, InjectFired, DrillHalted)
    recorded = [e for e in record.events if isinstance(e, wanted)]
    again = [e for e in produced if isinstance(e, wanted)]
    assert len(recorded) == 4
    assert len(again) == len(recorded) and all(same_event(r, p) for r, p in zip(recorded, again, strict=True))


def test_a_decision_breaking_a_rule_is_refused_in_strict_mode_and_recorded(begin: Callable[..., Session]) -> None:
    """An unlicensed reset with people inside is refused, and the record still verifies."""
    session = begin(mode="strict")
    verdict = session.submit("engineering", "reset_elevator")
    session.close()
    assert verdict.status == "refused" and verdict.breaches
    decision = next(e for e in events_of(session.path) if isinstance(e, DecisionMade))
    assert (decision.status, decision.action) == ("refused", "reset_elevator")
    assert session.situation.refusals[-1].seq == verdict.seq
    assert verify(session.path).ok


def test_halting_once_the_clock_has_passed_the_end_does_not_fail(begin: Callable[..., Session], wall: Wall) -> None:
    """If the drill ended on the clock before anyone ticked, halt simply leaves it ended."""
    session = begin()
    session.clock.resume()
    wall.now += 3 * 3600  # three hours: past the 120-minute limit
    session.halt()
    session.close()
    assert session.finished and session.clock.paused
    assert not [e for e in events_of(session.path) if isinstance(e, DrillHalted)]
    assert verify(session.path).ok


@pytest.mark.parametrize("skips", [1, 2, 5])
def test_skip_goes_just_past_the_next_event_and_a_decision_after_it_verifies(
    begin: Callable[..., Session], skips: int
) -> None:
    """The drill stops at the next hundredth after the event, the clock follows, and a decision there replays."""
    session = begin()
    session.submit("control_room", "log_alarm")
    for _ in range(skips):
        due = session.drill.next_event_time()
        assert due is not None
        landed = session.skip()
        assert landed is not None and due < landed <= due + 0.01
        assert round(landed, 2) == landed
        assert session.clock.target() == landed == session.now
        upcoming = session.drill.next_event_time()
        assert upcoming is None or upcoming > landed  # nothing of this scenario falls on a hundredth just after
    verdict = session.submit("control_room", "talk_to_passengers")
    session.close()
    decision = next(e for e in events_of(session.path) if e.seq == verdict.seq)
    assert decision.t == landed
    result = verify(session.path)
    assert result.ok, result.message


def test_skips_from_the_start_land_just_after_each_scheduled_event_in_turn(begin: Callable[..., Session]) -> None:
    """With no decisions, the lift's events fall at 0 (alarm), then each minute (dynamics, then the 3-minute deadlines)."""
    session = begin()
    assert [session.skip() for _ in range(4)] == [0.01, 1.01, 2.01, 3.01]
    assert [e.rule for e in session.situation.findings] == ["deadline", "deadline"]  # both 3-minute deadlines missed


@pytest.mark.parametrize("minute", [0.5, 0.01, 1.5, 2.999])
def test_the_next_event_after_advancing_is_a_real_one_not_where_the_drill_stopped(
    begin: Callable[..., Session], minute: float
) -> None:
    """Advancing to a minute leaves nothing behind at that minute: the next event is the next thing scheduled."""
    session = begin()
    session.drill.advance_to(minute)
    assert session.drill.next_event_time() == math.ceil(minute)


def test_skip_on_an_ended_drill_says_there_is_nothing_next(begin: Callable[..., Session]) -> None:
    """Once the drill is over, skip returns None."""
    session = begin()
    session.halt()
    session.close()
    assert session.skip() is None


def test_a_session_started_without_a_path_files_its_record_under_drillsim_records(
    setup: Setup, tmp_path: Path, wall: Wall, monkeypatch: pytest.MonkeyPatch, opened: Callable[[Session], Session]
) -> None:
    """DRILLSIM_RECORDS names the folder; two drills begun in the same second get two files."""
    folder = tmp_path / "records"
    monkeypatch.setenv("DRILLSIM_RECORDS", str(folder))
    header = header_for(setup, seed=7, mode="observe", source="console")
    first = opened(Session.begin(setup, header, now=wall))
    second = opened(Session.begin(setup, header, now=wall))
    first.close()
    second.close()
    assert first.path.parent == second.path.parent == folder
    assert first.path != second.path
    assert all(p.name.startswith("elevator-entrapment-") and "-s7" in p.name for p in (first.path, second.path))
    assert sorted(folder.iterdir()) == sorted([first.path, second.path])


# Resume ------------------------------------------------------------------------------------------


@pytest.fixture
def unfinished(begin: Callable[..., Session], wall: Wall) -> Path:
    """A record of a drill whose console stopped after a few minutes."""
    session = begin()
    opening(session, wall)
    session.note("before the crash")
    run_to(session, wall, 4.0)
    session.close()
    return session.path


def go_on(session: Session, wall: Wall) -> None:
    """A few more minutes of drill after a resume, then the end."""
    run_to(session, wall, session.now + 1.0)
    session.submit("control_room", "report_to_leader")
    session.submit("supervisor", "supervisor_to_site")
    run_to(session, wall, session.now + 10.0)
    session.halt()
    session.close()


@pytest.mark.parametrize("keep", [None, 2, 7, 9, 12, -3])
def test_a_record_cut_short_resumes_into_the_same_file_and_the_whole_file_verifies(
    unfinished: Path, wall: Wall, keep: int | None, opened: Callable[[Session], Session]
) -> None:
    """The lines on disk stay as they were, the lost tail is re-created, and a resumed note marks the gap."""
    lines = unfinished.read_bytes().splitlines(keepends=True)[:keep]
    unfinished.write_bytes(b"".join(lines))
    last_t = json.loads(lines[-1]).get("t", 0.0)
    session = opened(Session.resume(unfinished, now=wall))
    assert session.path == unfinished
    assert session.clock.paused and last_t < session.now < last_t + 1e-9
    go_on(session, wall)
    assert unfinished.read_bytes().startswith(b"".join(lines))
    events = events_of(unfinished)
    resumed = [e for e in events if isinstance(e, NoteMade) and e.kind == "resumed"]
    assert len(resumed) == 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    result = verify(unfinished)
    assert result.ok, result.message
    assert "complete" in result.message


@pytest.mark.parametrize(
    ("damage", "last_line_kept"),
    [
        (lambda data: data + b'{"seq":99,"t":4.0,"type":"var","inc', True),
        (lambda data: data[:-25], False),
        (lambda data: data[:-1], True),
    ],
    ids=["partial line after the last", "last line torn", "last line lost only its newline"],
)
def test_a_torn_last_line_is_mended_before_the_drill_goes_on(
    unfinished: Path,
    wall: Wall,
    damage: Callable[[bytes], bytes],
    last_line_kept: bool,
    opened: Callable[[Session], Session],
) -> None:
    """A crash mid-write leaves a partial line: it is cut (or a whole one ended) so every line is whole."""
    intact = unfinished.read_bytes()
    last = json.loads(intact.splitlines()[-1])
    unfinished.write_bytes(damage(intact))
    session = opened(Session.resume(unfinished, now=wall))
    go_on(session, wall)
    text = unfinished.read_text(encoding="utf-8")
    assert text.endswith("\n")
    for line in text.splitlines():
        json.loads(line)
    record = read(unfinished)  # the header, the scenario's text, then one line per event
    if last_line_kept:
        assert record.lines[record.line_of(last["seq"] - 1) - 1]["chk"] == last["chk"]
    assert verify(unfinished).ok


def test_a_finished_record_cannot_be_resumed(begin: Callable[..., Session]) -> None:
    """A drill that reached its end is opened in replay, not resumed."""
    session = begin()
    session.halt()
    session.close()
    with pytest.raises(RecordError, match="already ended"):
        Session.resume(session.path)


def _edit_a_value(lines: list[str]) -> list[str]:
    event = json.loads(lines[8])
    event["t"] = float(event["t"]) + 0.25
    return [*lines[:8], json.dumps(event, ensure_ascii=False, separators=(",", ":")), *lines[9:]]


@pytest.mark.parametrize(
    "alter",
    [_edit_a_value, lambda lines: lines[:5] + lines[6:], lambda lines: [*lines[:6], lines[7], lines[6], *lines[8:]]],
    ids=["edited", "line removed", "lines swapped"],
)
def test_an_altered_record_cannot_be_resumed(unfinished: Path, alter: Callable[[list[str]], list[str]]) -> None:
    """A broken checksum chain is refused, and the file is left untouched."""
    lines = unfinished.read_text(encoding="utf-8").splitlines()
    unfinished.write_text("\n".join(alter(lines)) + "\n", encoding="utf-8")
    before = unfinished.read_bytes()
    with pytest.raises(RecordError, match="cannot resume"):
        Session.resume(unfinished)
    assert unfinished.read_bytes() == before


CHILD = """\
import os, signal
from engine.runtime.setup import prepare
from engine.runtime.record import header_for
from engine.runtime.session import Session
setup = prepare("elevator-entrapment")
session = Session.begin(setup, header_for(setup, seed=4, mode="strict", source="console"), now=lambda: 0.0)
session.submit("control_room", "log_alarm")
session.clock.jump(0.5)
session.submit("control_room", "talk_to_passengers")
session.submit("security", "go_to_site")
session.note("about to be killed")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_console_killed_with_sigkill_resumes_from_its_record(
    tmp_path: Path, wall: Wall, opened: Callable[[Session], Session]
) -> None:
    """kill -9 in the middle of a drill: the record on disk resumes, goes on, and verifies."""
    env = {**os.environ, "DRILLSIM_RECORDS": str(tmp_path)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    (path,) = tmp_path.glob("elevator-entrapment-*-s4.jsonl")
    assert not read(path).complete
    session = opened(Session.resume(path, now=wall))
    assert session.situation.incidents[0].decided == {"log_alarm", "talk_to_passengers", "go_to_site"}
    go_on(session, wall)
    result = verify(path)
    assert result.ok, result.message
    assert [e.kind for e in events_of(path) if isinstance(e, NoteMade)] == ["note", "resumed"]


# Fork --------------------------------------------------------------------------------------------


@pytest.fixture
def finished(begin: Callable[..., Session], wall: Wall) -> Path:
    """A complete record with several decisions, a note and a rating."""
    session = begin()
    opening(session, wall)
    session.note("contractor called")
    session.rate("task:notify_contractor", "S")
    run_to(session, wall, 2.5)
    session.submit("control_room", "report_to_leader")
    run_to(session, wall, 30.0)
    session.halt()
    session.close()
    return session.path


def test_a_fork_at_a_decision_replays_what_came_before_and_takes_another_choice(
    finished: Path, tmp_path: Path, wall: Wall, opened: Callable[[Session], Session]
) -> None:
    """The what-if starts where the decision was, with everything before it, and records a different choice."""
    original = read(finished)
    target = next(e for e in original.events if isinstance(e, DecisionMade) and e.action == "notify_maintenance")
    before = finished.read_bytes()
    fork = opened(Session.fork(finished, target.seq, record_path=tmp_path / "fork.jsonl", now=wall))
    assert fork.now == target.t == 1.5
    assert fork.clock.paused and fork.clock.target() == 1.5
    assert fork.header.fork == ForkRef(record=str(finished), seq=target.seq, t=1.5, digest=original.lines[0]["chk"])
    assert fork.origin == Origin(str(finished), target.seq, 1.5)
    replayed = fork.drill.events
    assert len(replayed) == target.seq - 1
    assert all(same_event(r, p) for r, p in zip(original.events, replayed, strict=False))
    verdict = fork.submit("control_room", "call_96333_no_code")
    assert verdict.seq == target.seq and verdict.status == "accepted"
    run_to(fork, wall, 10.0)
    fork.halt()
    fork.close()
    assert finished.read_bytes() == before
    result = verify(tmp_path / "fork.jsonl")
    assert result.ok, result.message
    forked = read(tmp_path / "fork.jsonl")
    assert forked.header.fork is not None and forked.header.fork.seq == target.seq
    assert [e.action for e in forked.events if isinstance(e, DecisionMade)][:4] == [
        "log_alarm",
        "talk_to_passengers",
        "go_to_site",
        "call_96333_no_code",
    ]


@pytest.mark.parametrize("kind", [NoteMade, Evaluated], ids=["note", "evaluation"])
def test_a_fork_can_also_branch_at_a_facilitator_input(
    finished: Path, tmp_path: Path, wall: Wall, kind: type[Event], opened: Callable[[Session], Session]
) -> None:
    """Any input is a branch point: the fork stands at its minute with the events before it."""
    target = next(e for e in read(finished).events if isinstance(e, kind))
    fork = opened(Session.fork(finished, target.seq, record_path=tmp_path / "fork.jsonl", now=wall))
    fork.close()
    assert fork.now == target.t and len(fork.drill.events) == target.seq - 1
    assert verify(tmp_path / "fork.jsonl").ok


@pytest.mark.parametrize(
    "which",
    [IncidentStarted, TimerChanged, ActionBegun, DrillEnded, None],
    ids=["start", "timer", "begin", "drill_end", "missing"],
)
def test_a_fork_at_an_event_that_is_not_an_input_is_refused(
    finished: Path, tmp_path: Path, which: type[Event] | None
) -> None:
    """Only decisions and other inputs can be taken back; anything else raises RecordError and writes nothing."""
    events = read(finished).events
    seq = 10**6 if which is None else next(e.seq for e in events if isinstance(e, which))
    with pytest.raises(RecordError, match="fork at an input"):
        Session.fork(finished, seq, record_path=tmp_path / "fork.jsonl")
    assert not (tmp_path / "fork.jsonl").exists()


def test_an_altered_record_cannot_be_forked(finished: Path, tmp_path: Path) -> None:
    """A fork starts from a record whose chain is intact."""
    lines = finished.read_text(encoding="utf-8").splitlines()
    finished.write_text("\n".join(_edit_a_value(lines)) + "\n", encoding="utf-8")
    decision = next(e for e in read(finished).events if isinstance(e, DecisionMade))
    with pytest.raises(RecordError, match="cannot fork"):
        Session.fork(finished, decision.seq, record_path=tmp_path / "fork.jsonl")


# Timeline lines for facilitator inputs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(setup: Setup, tmp_path_factory: pytest.TempPathFactory) -> dict[str, AnyEvent]:
    """One recorded event of each facilitator input, by name."""
    wall = Wall()
    header = header_for(setup, seed=1, mode="observe", source="console")
    session = Session.begin(setup, header, path=tmp_path_factory.mktemp("timeline") / "t.jsonl", now=wall)
    run_to(session, wall, 0.5)
    seqs = {
        "note": session.note("calm voice"),
        "bookmark": session.note("", kind="bookmark"),
        "spoken inject": session.note("smoke in the lobby", kind="inject"),
        "resumed": session.note("", kind="resumed"),
        "task rating": session.rate("task:voice_contact", "P"),
        "drill note": session.rate("drill", None, note="good start"),
        "inject rating": session.rate("inject:alarm", "M"),
        "fire": session.fire(0, "technician_overdue"),
    }
    session.halt()
    session.close()
    by_seq = {e.seq: e for e in session.drill.events}
    named = {name: by_seq[seq] for name, seq in seqs.items()}
    named["halt"] = next(e for e in session.drill.events if isinstance(e, DrillHalted))
    return named


@pytest.mark.parametrize(
    ("name", "zh", "en"),
    [
        ("note", "✎ 记录：calm voice", "✎ note: calm voice"),
        ("bookmark", "✎ 书签", "✎ bookmark"),
        ("spoken inject", "✎ 临时注入：smoke in the lobby", "✎ inject (facilitator): smoke in the lobby"),
        ("resumed", "✎ 演练中断后继续", "✎ resumed after an interruption"),
        ("task rating", "★ 评估 [3分钟内真人对讲安抚", "★ evaluation [A human voice within 3 min"),
        ("drill note", "★ 评估 [整体] — good start", "★ evaluation [overall] — good start"),
        (
            "inject rating",
            "★ 评估 [注入：3栋2号梯警铃：「电梯卡住了，门打不开…] M",
            "★ evaluation [inject: Alarm, building 3 l…] M",
        ),
        ("fire", "导调提前注入", "facilitator delivers"),
        ("halt", "导调结束演练", "facilitator ends the drill"),
    ],
)
def test_the_timeline_has_a_line_for_every_facilitator_input_in_both_languages(
    setup: Setup, inputs: dict[str, AnyEvent], name: str, zh: str, en: str
) -> None:
    """Notes, bookmarks, ratings, fired injects and the halt read in Chinese and in English, at their minute."""
    event = inputs[name]
    for lang, wanted in (("zh", zh), ("en", en)):
        line = Timeline(setup.scenarios(), lang).line(event)
        assert line is not None and line.startswith(f"{sim_time(event.t):>7} ")
        assert wanted in line, (lang, line)
    task_line = Timeline(setup.scenarios(), "en").line(inputs["task rating"])
    assert task_line is not None and task_line.endswith(" P")
