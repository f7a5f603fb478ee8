"""Specification of the hardened YAML reader (:mod:`engine.format.yamlsafe`).

The reader is the first thing hostile text meets, so these tests pin its promises one by one:
YAML 1.2 core scalars instead of PyYAML's 1.1 surprises, keys that are always text, duplicate keys
and explicit tags refused, alias bombs and absurd nesting stopped early with a plain message, one
document per file, and a 1-based position for every value and key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from engine.format import yamlsafe
from engine.format.yamlsafe import MAX_DEPTH, MAX_VALUES, YamlIssue, parse, resolve_plain

# Both parsers the reader may run on: libyaml's C parser (the default) and PyYAML's pure-Python
# fallback, used where PyYAML was built without libyaml. The limits must hold on either.
PARSERS = [
    pytest.param(getattr(yaml, "CSafeLoader", yaml.SafeLoader), id="c-parser"),
    pytest.param(yaml.SafeLoader, id="python-parser"),
]


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Run the test once on each PyYAML parser the reader can be built on."""
    loader: type = request.param
    monkeypatch.setattr(yamlsafe, "_Loader", loader)
    return loader


def issue_of(text: str) -> YamlIssue:
    """The YamlIssue that parsing ``text`` raises (the test fails if it parses)."""
    with pytest.raises(YamlIssue) as caught:
        parse(text)
    return caught.value


def billion_laughs(levels: int = 9, fan: int = 10) -> str:
    """The classic alias bomb: each anchor repeats the previous one ``fan`` times."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * fan) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * fan)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def mapping_bomb(levels: int = 9, fan: int = 10) -> str:
    """An alias bomb built from mappings instead of lists."""
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: lol" for i in range(fan)) + "}"]
    for level in range(1, levels):
        refs = ", ".join(f"k{i}: *m{level - 1}" for i in range(fan))
        lines.append(f"m{level}: &m{level} {{{refs}}}")
    return "\n".join(lines) + "\n"


# YAML 1.2 core scalars ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("no", "no"),
        ("y", "y"),
        ("n", "n"),
        ("Yes", "Yes"),
        ("NO", "NO"),
        ("1:20", "1:20"),
        ("190:20:30", "190:20:30"),
        ("2024-01-01", "2024-01-01"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("tRUE", "tRUE"),
        ("010", 10),
        ("0010", 10),
        ("0x1f", 31),
        ("0o17", 15),
        ("-3", -3),
        ("+3", 3),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(plain: str, expected: object) -> None:
    """A plain scalar means what YAML 1.2 core says: no 1.1 booleans, sexagesimals, dates or octals."""
    got = parse(f"value: {plain}\n").data
    assert isinstance(got, dict)
    assert got == {"value": expected}
    assert type(got["value"]) is type(expected)


@pytest.mark.parametrize("plain", ["on", "1:20", "2024-01-01", "010", "0x1f", "true", "~"])
def test_resolve_plain_agrees_with_the_parser(plain: str) -> None:
    """The public resolver gives a plain scalar the same value as parsing a document does."""
    data = parse(f"v: {plain}").data
    assert isinstance(data, dict)
    assert resolve_plain(plain) == data["v"]


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("'1'", "1"),
        ('"1"', "1"),
        ("'true'", "true"),
        ("'~'", "~"),
        ('"010"', "010"),
        ("'0x1f'", "0x1f"),
        ("|\n  12\n", "12\n"),
        (">-\n  3.5\n", "3.5"),
    ],
)
def test_quoted_and_block_scalars_stay_text(scalar: str, expected: str) -> None:
    """Only plain scalars are resolved; a quoted or block scalar is always the text written."""
    assert parse(f"value: {scalar}").data == {"value": expected}


def test_a_yaml_1_1_directive_does_not_bring_back_1_1_booleans() -> None:
    """Declaring ``%YAML 1.1`` does not turn ``yes`` into true: the reader has one schema."""
    assert parse("%YAML 1.1\n---\nflag: yes\n").data == {"flag": "yes"}


@pytest.mark.parametrize(
    ("key", "expected"),
    [("1", "1"), ("1.5", "1.5"), ("true", "true"), ("null", "null"), ("~", "~"), ("on", "on"), ("'7'", "7")],
)
def test_mapping_keys_are_always_text(key: str, expected: str) -> None:
    """A key is the text written, even when it looks like a number, a boolean or null."""
    data = parse(f"{key}: x\n").data
    assert isinstance(data, dict)
    assert data == {expected: "x"}
    assert all(type(k) is str for k in data)


@pytest.mark.parametrize(
    ("text", "line", "col", "key"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "a"),
        ("{a: 1, a: 2}", 1, 8, "a"),
        ("outer:\n  x: 1\n  y: 2\n  x: 3\n", 4, 3, "x"),
        ("1: one\n'1': again\n", 2, 1, "1"),
    ],
)
def test_a_duplicate_key_is_an_error_at_its_second_occurrence(text: str, line: int, col: int, key: str) -> None:
    """A key given twice is refused, pointing at the repeat, never silently overwritten."""
    issue = issue_of(text)
    assert (issue.line, issue.col) == (line, col)
    assert issue.message == f"duplicate key '{key}'"


def test_the_same_key_in_sibling_mappings_is_not_a_duplicate() -> None:
    """Duplicate detection is per mapping: two siblings may both have a ``label``."""
    assert parse("a: {label: x}\nb: {label: y}\n").data == {"a": {"label": "x"}, "b": {"label": "y"}}


# Tags: nothing is ever constructed ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object/apply:os.system ['touch {marker}']", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("!!python/object/new:builtins.open ['{marker}', 'w']", "tag:yaml.org,2002:python/object/new:builtins.open"),
        (
            "!!python/object/apply:builtins.exec [\"open('{marker}', 'w')\"]",
            "tag:yaml.org,2002:python/object/apply:builtins.exec",
        ),
        ("!!python/name:os.system", "tag:yaml.org,2002:python/name:os.system"),
        ("!!python/module:os", "tag:yaml.org,2002:python/module:os"),
        ("!!binary aGVsbG8=", "tag:yaml.org,2002:binary"),
        ("!!set {a, b}", "tag:yaml.org,2002:set"),
        ("!!timestamp 2024-01-01", "tag:yaml.org,2002:timestamp"),
        ("!!str plain", "tag:yaml.org,2002:str"),
        ("!custom thing", "!custom"),
        ("!<tag:example.com,2000:app> thing", "tag:example.com,2000:app"),
    ],
)
def test_an_explicit_tag_is_an_error_and_nothing_is_constructed(value: str, tag: str, tmp_path: Path) -> None:
    """Any explicit tag is refused before anything is built, so no payload can run."""
    marker = tmp_path / "PWNED"
    text = "safe: 1\npayload: " + value.replace("{marker}", str(marker)) + "\n"
    issue = issue_of(text)
    assert (issue.line, issue.col) == (2, 10)
    assert issue.message == f"YAML tags such as '{tag}' are not allowed in drillsim files"
    assert not marker.exists()


def test_a_tagged_root_document_is_refused() -> None:
    """A tag on the whole document is refused like any other."""
    issue = issue_of("!!python/object:os.system {}\n")
    assert (issue.line, issue.col) == (1, 1)
    assert "not allowed" in issue.message


def test_the_non_specific_tag_is_plain_text() -> None:
    """The bare ``!`` tag only forbids resolution: the value is the text written."""
    assert parse("a: ! 12\n").data == {"a": "12"}


# Aliases --------------------------------------------------------------------------------------


def test_a_small_alias_repeats_its_anchor() -> None:
    """Anchors and aliases still work for honest reuse."""
    data = parse("base: &b [1, 2]\ncopy: *b\nmap: &m {x: 1}\nalso: *m\n").data
    assert data == {"base": [1, 2], "copy": [1, 2], "map": {"x": 1}, "also": {"x": 1}}


@pytest.mark.parametrize("bomb", [billion_laughs, mapping_bomb], ids=["lists", "mappings"])
def test_an_alias_bomb_fails_fast_with_a_clear_message(bomb: Callable[[], str]) -> None:
    """Expanding aliases is counted, so a billion laughs stops at the value limit, early in the file."""
    text = bomb()
    issue = issue_of(text)
    assert issue.message == f"document holds more than {MAX_VALUES} values (alias expansion counted)"
    assert 1 < issue.line < text.count("\n")  # stopped part-way, before the last and biggest anchor
    assert issue.col > 1


def test_an_alias_to_an_unknown_anchor_is_an_error() -> None:
    """An alias must follow its anchor; a forward or missing reference is refused with its place."""
    issue = issue_of("a: 1\nb: *nowhere\n")
    assert (issue.line, issue.col, issue.message) == (2, 4, "alias '*nowhere' refers to no anchor")


def test_an_alias_cannot_refer_to_its_own_collection() -> None:
    """A collection cannot contain itself: the anchor exists only once it is complete."""
    issue = issue_of("loop: &x [1, *x]\n")
    assert issue.message == "alias '*x' refers to no anchor"


def test_an_alias_cannot_be_a_mapping_key() -> None:
    """Keys are plain text, so an alias in key position is refused."""
    issue = issue_of("a: &k name\n*k : 2\n")
    assert (issue.line, issue.message) == (2, "an alias cannot be a mapping key")


@pytest.mark.parametrize("key", ["[a, b]", "{a: 1}"], ids=["list", "mapping"])
def test_a_collection_cannot_be_a_mapping_key(key: str) -> None:
    """A complex key is refused rather than turned into something unhashable."""
    issue = issue_of(f"? {key}\n: value\n")
    assert issue.message == "mapping keys must be plain text, not lists or mappings"
    assert issue.line == 1


# Nesting ---------------------------------------------------------------------------------------


DEEP = 20_000


@pytest.mark.parametrize(
    "text",
    [
        "[" * DEEP + "]" * DEEP,
        "a: " + "{a: " * DEEP + "1" + "}" * DEEP,
        "[" * DEEP,
        "- " * DEEP + "x",
    ],
    ids=["flow-lists", "flow-mappings", "unclosed-lists", "block-sequences"],
)
def test_twenty_thousand_levels_of_nesting_fail_fast_with_a_clear_message(text: str, parser: type) -> None:
    """Absurd nesting is refused on the first line with a message about nesting, on either parser."""
    issue = issue_of(text)
    assert "nesting" in issue.message
    assert issue.line == 1
    assert 1 < issue.col < 1100  # stopped near the limit, not after reading 20,000 levels


@pytest.mark.parametrize(
    ("depth", "ok"),
    [(MAX_DEPTH, True), (MAX_DEPTH + 1, False)],
    ids=["at-the-limit", "one-past"],
)
def test_nesting_is_allowed_up_to_the_limit_and_no_further(depth: int, ok: bool, parser: type) -> None:
    """``MAX_DEPTH`` levels are accepted, one more is refused with the limit named."""
    text = "[" * depth + "]" * depth
    if ok:
        data = parse(text).data
        for _ in range(depth - 1):
            assert isinstance(data, list) and len(data) == 1
            data = data[0]
        assert data == []
    else:
        issue = issue_of(text)
        assert (issue.line, issue.col) == (1, depth)
        assert issue.message == f"nesting is deeper than {MAX_DEPTH} levels"


def test_deep_block_indentation_is_refused_at_the_limit() -> None:
    """Indentation-nested mappings hit the same limit, at the line that goes one level too deep."""
    text = "\n".join("  " * i + "a:" for i in range(MAX_DEPTH + 10)) + " 1\n"
    issue = issue_of(text)
    assert issue.message == f"nesting is deeper than {MAX_DEPTH} levels"
    assert issue.line == MAX_DEPTH + 1


# Documents ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\n---\nb: 2\n", 2), ("---\na: 1\n---\nb: 2\n", 3), ("a: 1\n...\n---\nb: 2\n", 3)],
)
def test_a_file_holds_one_document(text: str, line: int) -> None:
    """A second ``---`` document is refused at the line where it starts."""
    issue = issue_of(text)
    assert issue.line == line
    assert issue.message == "a file holds one document; remove the extra '---'"


@pytest.mark.parametrize("text", ["---\na: 1\n", "a: 1\n...\n", "---\na: 1\n...\n"])
def test_one_explicit_document_is_fine(text: str) -> None:
    """Markers around a single document are allowed."""
    assert parse(text).data == {"a": 1}


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n"])
def test_an_empty_document_is_none(text: str) -> None:
    """Nothing (or only comments) parses to None, for the loader to report as empty."""
    assert parse(text).data is None


@pytest.mark.parametrize(
    ("text", "line", "col", "problem"),
    [
        ("a: [1, 2\n", 2, 1, "did not find expected ',' or ']'"),
        ('a: "open\n', 2, 1, "found unexpected end of stream"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, ""),
        ("x: - a\n", 1, 4, "block sequence entries are not allowed in this context"),
    ],
)
def test_malformed_yaml_is_reported_with_its_position(text: str, line: int, col: int, problem: str) -> None:
    """A syntax error becomes a YamlIssue with the parser's 1-based position and its wording."""
    issue = issue_of(text)
    assert (issue.line, issue.col) == (line, col)
    assert issue.message.startswith("YAML syntax: ")
    assert problem in issue.message


# Positions ------------------------------------------------------------------------------------


POSITIONED = """\
title: Drill
roles:
  guard:
    label: {en: Guard}
    pool: guards
steps:
  - first
  - name: second
    at: 5
"""


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ((), (1, 1)),
        (("title",), (1, 8)),
        (("roles",), (3, 3)),
        (("roles", "guard"), (4, 5)),
        (("roles", "guard", "label"), (4, 12)),
        (("roles", "guard", "label", "en"), (4, 17)),
        (("roles", "guard", "pool"), (5, 11)),
        (("steps",), (7, 3)),
        (("steps", 0), (7, 5)),
        (("steps", 1), (8, 5)),
        (("steps", 1, "at"), (9, 9)),
    ],
)
def test_every_value_has_its_one_based_line_and_column(path: tuple[str | int, ...], where: tuple[int, int]) -> None:
    """Each value's position is recorded by its path, 1-based, where the value starts."""
    assert parse(POSITIONED).positions[path] == where


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("title",), (1, 1)),
        (("roles",), (2, 1)),
        (("roles", "guard"), (3, 3)),
        (("roles", "guard", "label", "en"), (4, 13)),
        (("roles", "guard", "pool"), (5, 5)),
        (("steps", 1, "at"), (9, 5)),
    ],
)
def test_every_key_has_its_one_based_line_and_column(path: tuple[str | int, ...], where: tuple[int, int]) -> None:
    """Each mapping key's own position is kept too, so an unknown key can be pointed at."""
    assert parse(POSITIONED).key_positions[path] == where


def test_where_falls_back_to_the_nearest_known_ancestor() -> None:
    """A path with no position (a missing field) is located at its closest recorded parent."""
    doc = parse(POSITIONED)
    assert doc.where(("roles", "guard", "kind")) == (4, 5)
    assert doc.where(("steps", 1, "at", "deeper")) == (9, 9)
    assert doc.where(("roles", "guard", "pool"), key=True) == (5, 5)
    assert doc.where(("nowhere", "at", "all")) == (1, 1)


def test_positions_count_from_a_leading_document_marker() -> None:
    """Lines are counted in the file, so a ``---`` line shifts every position by one."""
    doc = parse("---\nname: x\n")
    assert doc.positions[("name",)] == (2, 7)
    assert doc.key_positions[("name",)] == (2, 1)


# Known defects ----------------------------------------------------------------------------------


def test_a_number_too_long_to_convert_stays_text_instead_of_crashing() -> None:
    """A plain scalar of thousands of digits is kept as text; validation then refuses it where a number is due."""
    doc = parse("limit: " + "9" * 5000 + "\n")
    assert doc.data == {"limit": "9" * 5000}


def test_a_control_character_is_reported_at_its_line_and_column() -> None:
    """An unprintable character is located like any other syntax problem, in a one-line message."""
    issue = issue_of("name: ok\nid: a\x01b\n")
    assert (issue.line, issue.col) == (2, 6)
    assert "\n" not in issue.message


@pytest.mark.parametrize(
    "loader",
    [
        pytest.param(
            getattr(yaml, "CSafeLoader", yaml.SafeLoader),
            id="c-parser",
        ),
        pytest.param(yaml.SafeLoader, id="python-parser"),
    ],
)
def test_an_error_at_the_end_of_an_unterminated_last_line_points_at_that_line(
    loader: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file cut short mid-line is reported on its last line, never on a line past the end."""
    monkeypatch.setattr(yamlsafe, "_Loader", loader)
    issue = issue_of("schema: scenario/1\nl")
    assert issue.line == 2
