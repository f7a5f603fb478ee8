"""The role-play's result: a red line tried and refused leaves a trace; said lines that hurt are listed apart."""

from __future__ import annotations

import pytest

from engine.runtime import Submission, prepare
from scoring.roleplay import RolePlayResult, summarise

BRUSH_OFF = "opening__not_ours"
"""楼上漏下来的水不归我们物业管，您自己找楼上协商吧。: a red line (buck-passing)."""

HEAR_OUT = "opening__hear_out"
"""您好，我是客服值班员小林。您慢慢说，我都听着。"""


def _played(mode: str, *replies: str) -> RolePlayResult:
    """The leak complaint's role-play with the elderly owner, the given replies tried in turn, then run out."""
    setup = prepare("leak-complaint", persona="elderly")
    drill = setup.drill(seed=1, mode=mode)
    drill.start()
    for reply in replies:
        drill.submit(Submission(role="customer_service", action=reply, source="script"))
        drill.advance_to(drill.now + 0.5)
    drill.advance_to(drill.now + 30)
    return summarise(drill.events, setup.scenarios()[0])


def test_a_red_line_refused_in_strict_mode_is_on_the_result() -> None:
    """The brush-off was never said (no finding, the owner no angrier for it) but the result lists it,
    with the rule and the reason, so the result never says there was no red line."""
    result = _played("strict", BRUSH_OFF, HEAR_OUT)
    assert not [f for f in result.findings if f.rule == "red-line"]
    assert [r.action for r in result.red_lines] == [BRUSH_OFF]
    refusal = result.red_lines[0]
    assert refusal.rules[0] == "red-line" and refusal.t == 0.0
    assert "楼上" in refusal.label["zh"] and refusal.reasons[0]["zh"]
    assert BRUSH_OFF not in {h.action for h in result.hurts}


@pytest.mark.parametrize("mode", ["strict", "observe"])
def test_a_conversation_without_a_red_line_lists_no_refusal(mode: str) -> None:
    """Hearing the owner out refuses nothing."""
    result = _played(mode, HEAR_OUT)
    assert result.refused == () and result.red_lines == ()


def test_in_observe_mode_the_red_line_is_said_and_is_a_finding_not_a_refusal() -> None:
    """Observe mode lets it through: it is a finding, and nothing was refused."""
    result = _played("observe", BRUSH_OFF)
    assert [f.rule for f in result.findings if f.action == BRUSH_OFF] == ["red-line"]
    assert result.refused == ()
