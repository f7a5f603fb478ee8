"""A hardened YAML reader: plain data out, every value's position kept, nothing ever constructed.

PyYAML's *event* parser (the libyaml C parser when available) tokenises the text; this module builds
the data itself from the event stream, iteratively, so that:

- nothing is constructed from a tag: any explicit tag (``!!python/object``, ``!custom``) is an error,
  so no input can run code or create an object other than dict, list, str, int, float, bool, None;
- nesting depth and the total number of values (aliases expanded) are capped before they cost
  memory or recursion, so alias bombs and 20,000-deep nesting fail fast with a clear message;
- plain scalars follow the YAML 1.2 core schema, not 1.1: ``on``/``off``/``yes``/``no`` stay text,
  ``1:20`` is not sexagesimal, ``2024-01-01`` is not a date, ``010`` is ten; mapping keys are
  always text; duplicate keys are errors;
- every value's line and column are remembered by its path, so later checks (pydantic, cross
  references, expressions) can point at the exact spot in the file.

Only :mod:`engine.format.loader` calls this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

MAX_BYTES = 2 * 1024 * 1024
"""Largest file accepted. Real scenarios are tens of kilobytes."""

MAX_DEPTH = 64
"""Deepest nesting accepted."""

MAX_VALUES = 200_000
"""Most values a document may hold, counting every alias expansion."""

Path = tuple[str | int, ...]
"""Where a value sits in the document: mapping keys and list indexes from the root."""

Data = dict[str, "Data"] | list["Data"] | str | int | float | bool | None
"""What a document becomes."""

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

try:  # the C parser is much faster; fall back to the pure-Python one where libyaml is absent
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class YamlIssue(Exception):
    """The text is not acceptable YAML (or breaks a limit); ``line``/``col`` are 1-based, 0 if unknown."""

    line: int
    col: int
    message: str


@dataclass(slots=True)
class Document:
    """A parsed document: its data, and the position of every value and mapping key."""

    data: Data
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Best known (line, col) for ``path``: its key or value, else the nearest ancestor.

        With ``key``, a path that is not in the file (a missing field) is placed at the key of the
        nearest ancestor that is, which is where the author has to add it.
        """
        table = self.key_positions if key else self.positions
        probe = path
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.positions and (not key or isinstance(probe[-1], int)):
                return self.positions[probe]  # list items have no key: their own position it is
            probe = probe[:-1]
        return self.positions.get((), (1, 1))


def resolve_plain(text: str) -> str | int | float | bool | None:
    """Turn a plain (unquoted) scalar into a value, by the YAML 1.2 core schema."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        if len(text) > 40:
            return text  # no figure in a drill has forty digits; Python also refuses huge decimal strings
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


@dataclass(slots=True)
class _Frame:
    """A mapping or sequence being built: where it sits, and the key awaiting its value."""

    container: dict[str, Data] | list[Data]
    path: Path
    key: str | None
    anchor: str | None
    start: int


class _Builder:
    """Consumes events and builds data; an explicit stack instead of recursion."""

    def __init__(self) -> None:
        self.doc = Document(data=None)
        self.anchors: dict[str, tuple[Data, int]] = {}
        self.count = 0

    def build(self, events: Iterable[yaml.Event]) -> Document:
        stack: list[_Frame] = []
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlIssue(*_mark(event), "a file holds one document; remove the extra '---'")
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frame = stack.pop()
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.container, self.count - frame.start + 1)
                self._place(stack, frame.container)
                continue
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                raise YamlIssue(*_mark(event), f"YAML tags such as '{tag}' are not allowed in drillsim files")
            if isinstance(event, yaml.AliasEvent):
                self._alias(stack, event)
                continue
            self._count(event, 1)
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise YamlIssue(*_mark(event), f"nesting is deeper than {MAX_DEPTH} levels")
                path = self._child_path(stack, event)
                self.doc.positions[path] = _mark(event)
                container: dict[str, Data] | list[Data] = {} if isinstance(event, yaml.MappingStartEvent) else []
                stack.append(_Frame(container, path, None, anchor, self.count))
                continue
            assert isinstance(event, yaml.ScalarEvent)
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                self._key(stack[-1], event)
                continue
            # Plain style (C parser: "", Python parser: None) and no '!' tag, which makes a scalar text.
            plain = tag is None and event.implicit[0] and not event.style
            value = resolve_plain(event.value) if plain else event.value
            path = self._child_path(stack, event)
            self.doc.positions[path] = _mark(event)
            if anchor:
                self.anchors[anchor] = (value, 1)
            self._place(stack, value)
        return self.doc

    def _count(self, event: yaml.Event, n: int) -> None:
        self.count += n
        if self.count > MAX_VALUES:
            raise YamlIssue(*_mark(event), f"document holds more than {MAX_VALUES} values (alias expansion counted)")

    def _key(self, frame: _Frame, event: yaml.ScalarEvent) -> None:
        assert isinstance(frame.container, dict)
        key = str(event.value)
        if key in frame.container:
            raise YamlIssue(*_mark(event), f"duplicate key '{key}'")
        frame.key = key
        self.doc.key_positions[(*frame.path, key)] = _mark(event)

    def _child_path(self, stack: list[_Frame], event: yaml.Event) -> Path:
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame.container, dict):
            if frame.key is None:
                raise YamlIssue(*_mark(event), "mapping keys must be plain text, not lists or mappings")
            return (*frame.path, frame.key)
        return (*frame.path, len(frame.container))

    def _place(self, stack: list[_Frame], value: Data) -> None:
        if not stack:
            self.doc.data = value
            return
        frame = stack[-1]
        if isinstance(frame.container, dict):
            assert frame.key is not None
            frame.container[frame.key] = value
            frame.key = None
        else:
            frame.container.append(value)

    def _alias(self, stack: list[_Frame], event: yaml.AliasEvent) -> None:
        if event.anchor not in self.anchors:
            raise YamlIssue(*_mark(event), f"alias '*{event.anchor}' refers to no anchor")
        value, size = self.anchors[event.anchor]
        # The same object is shared, not copied, but it is counted as if expanded: the data will
        # be walked by validation, and that walk is what an alias bomb attacks.
        self._count(event, size)
        if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
            raise YamlIssue(*_mark(event), "an alias cannot be a mapping key")
        path = self._child_path(stack, event)
        self.doc.positions[path] = _mark(event)
        self._place(stack, value)


def parse(text: str) -> Document:
    """Parse one YAML document into plain data with positions.

    Raises:
        YamlIssue: Malformed YAML, a tag, a duplicate key, or a broken limit.
    """
    try:
        return _Builder().build(yaml.parse(text, Loader=_Loader))
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character
        code = char if isinstance(char, int) else ord(char)
        raise YamlIssue(line, col, f"control character U+{code:04X} is not allowed in YAML") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        last = text.count("\n") + 1
        if line > last:  # libyaml may place an end-of-file problem on a line past the end
            line, col = last, len(text.rsplit("\n", 1)[-1]) + 1
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlIssue(line, col, f"YAML syntax: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlIssue(0, 0, f"YAML syntax: {exc}") from exc
    except RecursionError as exc:  # pragma: no cover - the builder does not recurse; belt and braces
        raise YamlIssue(0, 0, "nesting is too deep") from exc
