"""What the model answers and the texts say: faithful to the sources, and free of the taboo phrases.

facts.md section 6: "您别激动" (calm down) is a taboo; "您别急 / 您别着急" tells the owner how to feel
just the same, so no good reply opens with it. Quiet hours are local (D3, D4), so a role-play, whose
lines cannot follow a locale, names no city's hours in its model answers. The 110号令 art. 42 fine is
2-3 times the renovation management *service* fee (D1), not "the management fee".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.format import MOVES, load_scenario
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
DIALOGUES = [p for p in SCENARIOS if load_scenario(p).model.dialogue is not None]
TABOO_OPENINGS = ("您别急", "您别着急", "您先别急", "您别激动", "您先别激动", "你冷静", "您冷静")


def _good_replies(path: Path) -> list[tuple[str, str]]:
    dialogue = load_scenario(path).model.dialogue
    assert dialogue is not None
    return [
        (f"{turn_id}__{reply_id}", reply.text.zh or "")
        for turn_id, turn in dialogue.turns.items()
        for reply_id, reply in turn.replies.items()
        if all(MOVES[move].good for move in reply.does)
    ]


@pytest.mark.parametrize("path", DIALOGUES, ids=lambda p: p.stem)
def test_no_good_reply_tells_the_owner_not_to_be_upset(path: Path) -> None:
    """A model answer names the feeling; it never says "don't worry / calm down" (您别急, 您别激动...)."""
    offending = [(rid, text) for rid, text in _good_replies(path) if any(t in text for t in TABOO_OPENINGS)]
    assert offending == []


def test_the_noise_role_plays_model_answers_name_no_citys_quiet_hours() -> None:
    """Quiet hours are local; a good reply refers to the estate's agreement, not to Beijing's clock."""
    beijing = ("北京", "十二点到两点", "六点到第二天", "12:00-14:00")
    offending = [
        (rid, text)
        for rid, text in _good_replies(ROOT / "scenarios" / "noise-complaint.yaml")
        if any(word in text for word in beijing)
    ]
    assert offending == []


def test_the_renovation_fine_is_on_the_renovation_management_service_fee() -> None:
    """Order 110 art. 42: warned and fined 2-3 times the 装饰装修管理服务费, as the dispute's texts say."""
    text = (ROOT / "scenarios" / "owner-worker-dispute.yaml").read_text(encoding="utf-8")
    assert "管理费2-3倍" not in text and "罚管理费" not in text
    assert "装饰装修管理服务费2至3倍" in text
