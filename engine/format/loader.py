"""The only code that reads content files: scenarios, drill plans and decision scripts.

A file goes through four gates, and every problem found is reported at once, each as
``path:line:col: field.path: message``:

1. the bytes: size cap, strict UTF-8 (a bad byte is located), then the hardened YAML reader
   (:mod:`engine.format.yamlsafe`: no tags, depth and alias limits, YAML 1.2 scalars, duplicate keys);
2. the kind: the ``schema`` key says whether it is a scenario, a plan, a script or a training programme;
3. the shape: pydantic validates against :mod:`engine.format.model`; its errors are translated into the
   author's terms, with did-you-mean for unknown keys and the list of allowed ones;
4. the meaning: :mod:`engine.format.checks` verifies cross references and compiles every expression.

Nothing a file says is executed, and no input may raise anything but :class:`ContentError`.
"""

from __future__ import annotations

import hashlib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from engine.errors import ContentError, Problem
from engine.format.checks import check_scenario
from engine.format.expressions import did_you_mean
from engine.format.model import FORMAT_PLAN, FORMAT_SCENARIO, FORMAT_SCRIPT, Plan, Scenario, Script
from engine.format.programme import FORMAT_PROGRAMME, Programme, check_programme
from engine.format.yamlsafe import MAX_BYTES, Data, Document, YamlIssue, parse
from engine.format.yamlsafe import Path as DocPath

M = TypeVar("M", Scenario, Plan, Script, Programme)

KINDS: dict[str, type[BaseModel]] = {
    FORMAT_SCENARIO: Scenario,
    FORMAT_PLAN: Plan,
    FORMAT_SCRIPT: Script,
    FORMAT_PROGRAMME: Programme,
}
"""Schema name -> model class."""


@dataclass(frozen=True, slots=True)
class Loaded(Generic[M]):
    """A content file that passed every gate.

    Attributes:
        path: The file as named by the user.
        model: The validated, frozen model.
        digest: SHA-256 of the file's bytes; records carry it so a replay notices edited content.
        document: Positions of every value, for tools that report on the file (lint, tests).
        text: The file's text exactly as read (its UTF-8 encoding is the bytes the digest is of):
            what a record embeds, so that it can be replayed without the file.
    """

    path: str
    model: M
    digest: str
    document: Document
    text: str = ""


def yaml_files(paths: list[str]) -> Iterator[Path]:
    """Every ``.yaml``/``.yml`` file named or inside a named folder, in a stable order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            yield path


def read_document(path: str | Path) -> tuple[bytes, Document]:
    """Read and parse one file; the first two gates.

    Raises:
        ContentError: The file is missing, too large, not UTF-8, or not acceptable YAML.
    """
    name = str(path)

    def fail(message: str) -> ContentError:
        return ContentError([Problem(name, 0, 0, "", message)])

    try:
        size = Path(path).stat().st_size
        if Path(path).is_dir():
            raise fail("is a folder; name a file, or use a command that takes folders")
        if size > MAX_BYTES:
            raise fail(f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.1f} MB")
        raw = Path(path).read_bytes()[: MAX_BYTES + 1]
    except FileNotFoundError as exc:
        raise fail("no such file") from exc
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from exc
    return raw, parse_bytes(name, raw)


def parse_bytes(name: str, raw: bytes) -> Document:
    """The gates after reading: size cap, strict UTF-8, then the hardened YAML reader.

    Args:
        name: What messages call the content (a path, or a virtual one such as ``r.jsonl#fire.yaml``).
        raw: The content's bytes.

    Raises:
        ContentError: Too large, not UTF-8, or not acceptable YAML.
    """

    def fail(message: str, line: int = 0, col: int = 0) -> ContentError:
        return ContentError([Problem(name, line, col, "", message)])

    if len(raw) > MAX_BYTES:
        raise fail(f"content is {len(raw) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.1f} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", line, col) from exc
    if "\x00" in text:
        raise fail("contains a NUL character; this is not a text file")
    try:
        return parse(text)
    except YamlIssue as exc:
        raise fail(exc.message, exc.line, exc.col) from exc


def load(path: str | Path) -> Loaded[Any]:
    """Load a scenario, plan or script, whichever the file's ``schema`` says it is."""
    raw, doc = read_document(path)
    kind = _kind_of(str(path), doc)
    return _validate(str(path), raw, doc, KINDS[kind])


def load_scenario(path: str | Path) -> Loaded[Scenario]:
    """Load a scenario file (and refuse any other kind)."""
    return _load_as(path, FORMAT_SCENARIO)


def load_plan(path: str | Path) -> Loaded[Plan]:
    """Load a drill plan file (and refuse any other kind)."""
    return _load_as(path, FORMAT_PLAN)


def load_text(text: str, name: str, kind: Literal["scenario", "plan"]) -> Loaded[Any]:
    """Load a scenario or plan from its text, as if from a file called ``name`` (a virtual path).

    Used for the sources a record carries: the same gates as a file (size, YAML safety, the
    model, the checks), and the same digest (SHA-256 of the text's UTF-8 bytes, which are the
    file's bytes when the text was read from one).

    Args:
        text: The content.
        name: What the loaded content's ``path`` and every message call it.
        kind: ``scenario`` or ``plan``: content of any other kind is refused.

    Raises:
        ContentError: The text is not acceptable content of that kind.
    """
    raw = text.encode("utf-8", "surrogatepass")
    doc = parse_bytes(name, raw)
    schema = FORMAT_SCENARIO if kind == "scenario" else FORMAT_PLAN
    _expect_kind(name, doc, schema)
    return _validate(name, raw, doc, KINDS[schema])


def load_script(path: str | Path) -> Loaded[Script]:
    """Load a decision script. A bare YAML list of decisions is accepted as a script too."""
    raw, doc = read_document(path)
    if isinstance(doc.data, list):
        doc = _wrap_list(doc)
    else:
        _expect_kind(str(path), doc, FORMAT_SCRIPT)
    return _validate(str(path), raw, doc, Script)


def load_programme(path: str | Path) -> Loaded[Programme]:
    """Load a training programme file (and refuse any other kind)."""
    return _load_as(path, FORMAT_PROGRAMME)


def _load_as(path: str | Path, kind: str) -> Loaded[Any]:
    raw, doc = read_document(path)
    _expect_kind(str(path), doc, kind)
    return _validate(str(path), raw, doc, KINDS[kind])


def _wrap_list(doc: Document) -> Document:
    shifted = {("decisions", *p): pos for p, pos in doc.positions.items()}
    keys = {("decisions", *p): pos for p, pos in doc.key_positions.items()}
    wrapped: Data = {"schema": FORMAT_SCRIPT, "decisions": doc.data}
    return Document(data=wrapped, positions=shifted, key_positions=keys)


def _kind_of(name: str, doc: Document) -> str:
    data = doc.data
    if not isinstance(data, dict):
        got = "empty" if data is None else type(data).__name__.replace("dict", "mapping")
        raise ContentError([Problem(name, 1, 1, "", f"expected a mapping with a 'schema' key, got {got}")])
    schema = data.get("schema")
    if isinstance(schema, str) and schema in KINDS:
        return str(schema)
    line, col = doc.where(("schema",)) if "schema" in data else (1, 1)
    allowed = ", ".join(KINDS)
    if schema is None:
        message = f"missing 'schema' key; start the file with one of: {allowed}"
    else:
        message = f"unknown schema {schema!r}{did_you_mean(str(schema), KINDS)}; drillsim reads {allowed}"
    raise ContentError([Problem(name, line, col, "schema", message)])


def _expect_kind(name: str, doc: Document, kind: str) -> None:
    found = _kind_of(name, doc)
    if found != kind:
        line, col = doc.where(("schema",))
        raise ContentError(
            [Problem(name, line, col, "schema", f"this is a {found} file; a {kind} file is needed here")]
        )


def _validate(name: str, raw: bytes, doc: Document, cls: type[BaseModel]) -> Loaded[Any]:
    try:
        model = cls.model_validate(doc.data)
    except ValidationError as exc:
        raise ContentError(_translate(name, doc, cls, exc)) from exc
    except (RecursionError, MemoryError) as exc:  # pragma: no cover - yamlsafe limits make this unreachable
        raise ContentError([Problem(name, 0, 0, "", "document is too large or too deep")]) from exc
    found: list[tuple[DocPath, str]] = []
    if isinstance(model, Scenario):
        found = check_scenario(model)
    elif isinstance(model, Programme):
        found = check_programme(model)
    if found:
        problems = []
        for path, message in found:
            line, col = doc.where(path)
            problems.append(Problem(name, line, col, _dotted(path), message))
        problems.sort(key=lambda p: (p.line, p.col))
        raise ContentError(problems)
    digest = hashlib.sha256(raw).hexdigest()
    return Loaded(path=name, model=model, digest=digest, document=doc, text=raw.decode("utf-8"))


# Translating pydantic's errors into the author's terms -----------------------------------------


def _translate(name: str, doc: Document, cls: type[BaseModel], exc: ValidationError) -> list[Problem]:
    """One problem per offending place, in file order; union branches folded into one message."""
    grouped: dict[DocPath, list[str]] = {}
    keys: set[DocPath] = set()
    errors = exc.errors(include_url=False)
    # Drop errors of union branches meant for another shape of value (a number where a mapping
    # was given, or the reverse), unless that would leave nothing to say.
    errors = [e for e in errors if _branch_fits(doc.data, tuple(e["loc"]))] or errors
    for error in errors:
        loc = tuple(error["loc"])
        path = _data_path(cls, doc.data, loc)
        kind = error["type"]
        if "[key]" in loc:
            keys.add(path)  # the key itself is wrong: point at it, not at its value
        if kind == "missing":
            message = f"missing required field '{loc[-1]}'"
            keys.add(path)
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(cls, loc[:-1])
            hint = did_you_mean(key, allowed)
            message = f"unknown key '{key}'{hint}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
            keys.add(path)
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            tags = ", ".join(str(t) for t in _DISTS)
            got = error.get("ctx", {}).get("tag")
            message = (
                f"unknown dist '{got}'{did_you_mean(str(got), _DISTS)}; use one of: {tags}"
                if kind == "union_tag_invalid"
                else f"a distribution needs 'dist': one of {tags}"
            )
        else:
            message = _message(error)
        bucket = grouped.setdefault(path, [])
        if message not in bucket:
            bucket.append(message)
    problems = []
    for path, messages in grouped.items():
        line, col = doc.where(path, key=path in keys)
        text = messages[0] if len(messages) == 1 else _folded(path, messages)
        problems.append(Problem(name, line, col, _dotted(path), text))
    problems.sort(key=lambda p: (p.line, p.col))
    return problems


_SCALAR_BRANCHES = {"float", "int", "str", "bool", "constrained-str", "function-after[_not_bool(), float]"}
_DISTS = ("fixed", "uniform", "triangular", "normal", "exponential")


def _branch_fits(data: Data, loc: tuple[Any, ...]) -> bool:
    """False for an error from a union branch that does not match the value's shape."""
    node: Any = data
    for part in loc:
        if isinstance(part, str) and part.startswith("tagged-union["):
            return isinstance(node, dict)
        if isinstance(part, str) and (part in _SCALAR_BRANCHES or part.startswith("function-")):
            return not isinstance(node, dict)
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
    return True


def _message(error: Any) -> str:
    kind, value = error["type"], error.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__.replace("dict", "a mapping")
    if kind == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        if "a-z0-9_" in pattern:
            return f"{shown} is not a valid id: use lower-case letters, digits and '_', starting with a letter"
        if "a-z0-9-" in pattern:
            return f"{shown} is not a valid id: use lower-case words joined by '-'"
        return f"{shown} does not have the expected form (for example 1.0.0)"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind in ("literal_error", "union_tag_invalid", "enum"):
        return f"{error['msg']}; got {shown}"
    return f"{error['msg']}; got {shown}"


_FOLDED = {
    "duration": "expected minutes (a number), a parameter name, or a distribution such as"
    " {dist: triangular, low: 5, mode: 10, high: 20}",
    "rate": "expected a number per minute or an expression",
    "capacity": "expected a whole number of people (1 to 1000) or a parameter name",
}
_NUMBER_FIELDS = {"at", "deadline", "limit", "value", "low", "high", "mode", "mean", "sd"}


def _folded(path: DocPath, messages: list[str]) -> str:
    """One message for a value that fits none of a union's branches."""
    names = [p for p in path if isinstance(p, str)]
    field = names[-1] if names else ""
    in_duration = "duration" in names
    if in_duration and field != "duration" and field in _NUMBER_FIELDS:
        return "expected minutes (a number) or a parameter name"
    if field in _FOLDED or in_duration:
        return _FOLDED["duration" if in_duration else field]
    if field in _NUMBER_FIELDS:
        return "expected a number or a parameter name"
    return "expected " + " or ".join(_short(m) for m in messages)


def _short(message: str) -> str:
    return message.split("; got ")[0].removeprefix("Input should be ").lower()


def _data_path(cls: type[BaseModel], data: Data, loc: tuple[Any, ...]) -> DocPath:
    """Follow pydantic's location through the data, dropping the union branch names it adds."""
    path: list[str | int] = []
    node: Data = data
    for index, part in enumerate(loc):
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and part in _allowed_keys(cls, loc[:index]):
            path.append(part)  # a missing field: name it, its position falls back to the parent
            node = None
    return tuple(path)


def _allowed_keys(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed at ``loc`` (a model's fields by their YAML names), or [] when unknown."""
    target: Any = cls
    for part in loc:
        target = _step(target, part)
        if target is None:
            return []
    target = _unwrap_model(target)
    if isinstance(target, type) and issubclass(target, BaseModel):
        made: frozenset[str] = getattr(target, "made_not_written", frozenset())  # a role-play's spoken: not for files
        return [f.alias or n for n, f in target.model_fields.items() if n not in made]
    return []


def _step(target: Any, part: Any) -> Any:
    if isinstance(part, str) and part.startswith("tagged-union["):
        return target  # pydantic names the union it entered; the next part names the branch
    target = _unwrap_model(target) if not isinstance(part, int) else target
    if isinstance(target, type) and issubclass(target, BaseModel):
        for fname, field in target.model_fields.items():
            if part in (fname, field.alias):
                return field.annotation
        return None
    origin = typing.get_origin(target)
    args = typing.get_args(target)
    if origin is typing.Annotated:
        return _step(args[0], part)
    if origin is dict:
        return args[1]
    if origin is list:
        return args[0]
    for arg in args:  # a union: pick the branch whose tag or name is ``part``
        inner = _unwrap_model(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            if part == inner.__name__:
                return inner  # pydantic names the model branch of a smart union (a name or a mapping)
            tag = inner.model_fields.get("dist")
            if tag is not None and part in typing.get_args(tag.annotation):
                return inner
    for arg in args:
        found = _step(arg, part)
        if found is not None:
            return found
    return None


def _unwrap_model(target: Any) -> Any:
    while typing.get_origin(target) is typing.Annotated:
        target = typing.get_args(target)[0]
    args = [a for a in typing.get_args(target) if a is not type(None)]
    if typing.get_origin(target) in (typing.Union, types.UnionType) and len(args) == 1:
        return _unwrap_model(args[0])
    return target


def _dotted(path: DocPath) -> str:
    return ".".join(str(p) for p in path)
