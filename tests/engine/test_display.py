"""Wrapping bilingual text by terminal cells: the rule the linter measures with and the console draws with."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.display import break_points, cells, sim_time, with_unit, wrap

MIXED = st.text(alphabet=st.sampled_from(list("ab cd xyz  中文字，。（）·")), max_size=80)


def pieces(text: str, width: int) -> list[str]:
    points = break_points(text, width)
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


@given(MIXED, st.integers(min_value=2, max_value=40))
def test_break_points_cut_a_line_into_pieces_that_each_fit(text: str, width: int) -> None:
    """The pieces put back together are the text, and each fits the width once trailing spaces go."""
    parts = pieces(text, width)
    assert "".join(parts) == text
    assert all(cells(part.rstrip()) <= width for part in parts)


@given(MIXED, st.integers(min_value=2, max_value=40))
def test_wrap_keeps_every_character_and_fits_the_width(text: str, width: int) -> None:
    """The linter's wrap is the console's rule: nothing but spaces is lost, and every line fits."""
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cells(line) <= width for line in lines)


def test_closing_punctuation_does_not_start_a_line() -> None:
    """A full stop that would open a line takes the character before it along (Chinese typesetting)."""
    assert pieces("给您添麻烦了。", 12) == ["给您添麻烦", "了。"]


def test_chinese_breaks_between_characters_and_keeps_a_short_prefix_on_its_line() -> None:
    """A prefix before a Chinese sentence is not left alone on its line, as word-based wrapping would."""
    assert pieces("0.1′ ⚠ 录音不能代替真人安抚。", 12) == ["0.1′ ⚠ 录音", "不能代替真人", "安抚。"]


def test_a_latin_word_moves_whole_to_the_next_line() -> None:
    """English wraps at spaces."""
    assert pieces("Call the contractor now", 12) == ["Call the ", "contractor ", "now"]


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "00:00"), (4.08, "04:05"), (9.2, "09:12"), (0.5, "00:30"), (59.999, "1:00:00"), (75.5, "1:15:30"), (None, "")],
)
def test_sim_time_is_written_as_the_console_clock_writes_it(minutes: float | None, shown: str) -> None:
    """Minutes and seconds (hours past the hour), seconds rounded, the same in both languages."""
    assert sim_time(minutes, "zh") == sim_time(minutes, "en") == shown


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [
        ("min", "10 分钟", "10 min"),
        ("cm", "10 厘米", "10 cm"),
        ("mm/h", "10 毫米/小时", "10 mm/h"),
        ("percent", "10%", "10%"),
        ("%", "10%", "10%"),
        ("count", "10", "10"),
        ("人", "10 人", "10 people"),
        ("辆", "10 辆", "10"),
        ("盏", "10 盏", "10 盏"),
        (None, "10", "10"),
    ],
)
def test_a_figure_is_written_with_its_unit_in_the_screens_language(unit: str | None, zh: str, en: str) -> None:
    """Known units are translated (a percent sign sits on the number, a bare count has none); others stay as written."""
    assert (with_unit("10", unit, "zh"), with_unit("10", unit, "en")) == (zh, en)
