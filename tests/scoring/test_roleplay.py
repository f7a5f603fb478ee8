"""How a role-play went, for every role-play and every owner: the good path calms, the worst escalates.

Each role-play (the sample and every shipped one) is played against each of its personas as the
console plays it (:class:`tui.screens.roleplay.RolePlayScreen`): a session whose wall clock stands
still, so the owner's patience moves only with the replies; each reply said jumps sim time past its
speaking time, and the follow-up call plays out the days after it. The conversation is then summed
up from its record, as the result screen does. Twice per persona: the good path of its script, to a
calm and resolved owner with a high score, and the reply that angers most at every turn, to an
escalation with a low one. The console's own tests drive one of each through the keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.format import find, load_script
from engine.format.dialogue import CALL_BACK, ESCALATED, LEFT, RESOLVED
from engine.runtime import Session, header_for, prepare, read, setup_from
from scoring.roleplay import RolePlayResult, summarise
from tests.engine.test_dialogue import ROLEPLAYS, SAMPLE

SEED = 11
"""The seed every conversation here is played with (the console's tests use it too)."""

TRAINEE = "王敏"
"""Who practises."""


def good_path(path: Path) -> list[str]:
    """The scripted good trainee's replies for a role-play, in order."""
    if path == SAMPLE:
        return ["opening__listen", "feelings__empathise", "plan__plan_and_time", CALL_BACK]
    script = load_script(find(f"scripts/{path.stem}.roleplay.yaml")).model
    return [d.action for d in sorted(script.decisions, key=lambda d: d.t)]


def personas(path: Path) -> list[str]:
    """The owners a role-play can put on the line."""
    dialogue = prepare(str(path), roleplay=True).sources[0].model.dialogue
    assert dialogue is not None
    return sorted(dialogue.personas)


CASES = [(path, persona) for path in ROLEPLAYS for persona in personas(path)]
"""Every (role-play, persona) pair."""

IDS = [f"{path.stem}-{persona}" for path, persona in CASES]


def begin(path: Path, persona: str, record: Path) -> Session:
    """A practice conversation recorded at ``record``, its wall clock standing still."""
    setup = prepare(str(path), persona=persona, roleplay=True)
    dialogue = setup.sources[0].model.dialogue
    assert dialogue is not None
    people = [{"name": TRAINEE, "role": dialogue.trainee}]
    header = header_for(setup, seed=SEED, mode="observe", source="test", participants=people, kind="practice")
    return Session.begin(setup.for_seed(SEED), header, path=record, speed=2.0, now=lambda: 0.0)


def offered(session: Session) -> list[str]:
    """The replies the trainee can pick now (none while one is being said, or once it is over)."""
    if session.finished or session.situation.work:
        return []
    return [o.action for o in session.drill.options() if not o.coach_judged]


def say(session: Session, action: str) -> None:
    """Say ``action`` now and wait for the owner's answer, as the console does."""
    assert action in offered(session), f"{action} is not offered; offered: {offered(session)}"
    dialogue = session.setup.sources[0].model.dialogue
    assert dialogue is not None
    verdict = session.submit(dialogue.trainee, action)
    assert verdict.accepted, verdict
    if action == CALL_BACK:
        session.run_to_end()  # days pass; nothing can be decided meanwhile
        return
    session.jump_to(session.now + 0.001)  # the reply begins
    ends = [w.until for w in session.situation.busy() if w.until is not None]
    if ends:
        session.jump_to(max(ends) + 0.001)


def result_of(session: Session) -> RolePlayResult:
    """The conversation summed up from its record, with the scenario the record names."""
    session.close()
    record = read(session.path)
    assert record.complete
    assert record.header.kind == "practice"
    assert record.header.participants[0]["name"] == TRAINEE
    return summarise(record.events, setup_from(record).scenarios()[0])


def anger(effect: object) -> float:
    """How much a reply raises anger (its mood effect reads ``mood + N`` or ``mood - N``)."""
    text = str(effect).replace(" ", "")
    if text.startswith("mood+"):
        return float(text[5:])
    if text.startswith("mood-"):
        return -float(text[5:])
    return 0.0


def worst(session: Session) -> Callable[[list[str]], str]:
    """Of the replies offered, the one that angers the owner most."""
    actions = session.scenarios[0].model.actions
    return lambda replies: max(replies, key=lambda a: anger(actions[a].effects.get("mood", "")))


@pytest.mark.parametrize(("path", "persona"), CASES, ids=IDS)
def test_the_good_path_calms_the_owner_and_ticks_all_five_steps(path: Path, persona: str, tmp_path: Path) -> None:
    """The script's replies: resolved, at least 90, every step done in order, anger lower at the end."""
    session = begin(path, persona, tmp_path / "talk.jsonl")
    for action in good_path(path):
        say(session, action)
    assert session.finished
    assert session.drill.incidents[0].loop_closed
    result = result_of(session)
    assert result.ending == RESOLVED
    assert result.evaluation.score >= 90 and result.evaluation.passed
    assert [s.status for s in result.steps] == ["done"] * 5
    times = [s.t for s in result.steps]
    assert all(t is not None for t in times) and times == sorted(times)  # type: ignore[type-var]
    assert result.curve[-1][1] < result.curve[0][1]
    assert result.hurts == () or max(h.rise for h in result.hurts) < 15


@pytest.mark.parametrize(("path", "persona"), CASES, ids=IDS)
def test_the_worst_reply_every_time_escalates_and_scores_low(path: Path, persona: str, tmp_path: Path) -> None:
    """Always the reply that angers most: the owner escalates or hangs up within 12 replies, the steps are missed."""
    session = begin(path, persona, tmp_path / "talk.jsonl")
    pick = worst(session)
    for _ in range(12):
        replies = offered(session)
        if not replies:
            break
        say(session, pick(replies))
    assert session.finished
    result = result_of(session)
    assert result.ending in (ESCALATED, LEFT)
    assert result.evaluation.score < 50 and not result.evaluation.passed
    assert [s.status for s in result.steps] == ["missed"] * 5
    assert result.curve[-1][1] > result.curve[0][1]
    assert result.hurts and result.hurts[0].rise > 0
    assert any(f.rule == "red-line" for f in result.findings)
