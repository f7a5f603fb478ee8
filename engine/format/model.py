"""The scenario format, version 1, as frozen pydantic models.

This module *is* the format: the loader validates YAML against these classes, ``drillsim schema``
exports them as JSON Schema for editors, and ``docs/scenario-format.md`` explains them with
examples. Nothing past the loader sees YAML; everything past it sees these objects.

Shape, in one breath: a scenario describes one incident. It declares who acts (``roles``), what can
be known about the situation (typed, bounded ``variables``), the staff it competes for (``staff``
pools, which become SimPy resources), where the incident can be (``states``) and how it can end
(``endings``), and what people can do (``actions``, each tagged with its loop stage and life tag).
Around those: ``hazards`` (life hazards the life-first rule watches), ``injects`` (MSEL rows),
``dynamics`` (variables that drift over sim time), ``transitions`` (automatic moves when a
condition holds), ``timers`` (SLA deadlines) and ``parameters`` (the SLA numbers, per locale, in
one place).

Growing the format: every file names its ``schema`` (``scenario/1``). Later features (a rubric,
dialogue turns, links between the incidents of a cascade) arrive as new *optional* sections, so a v1 file stays
valid; a change that would break v1 files gets a new schema name and a converter. Mappings keyed by
id are used wherever things are referred to, so ids are unique by construction and YAML order is
kept (it is the order a console lists them in).

All times are sim minutes.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import InitErrorDetails

FORMAT_SCENARIO = "scenario/1"
"""Schema name of a v1 scenario file."""

FORMAT_PLAN = "plan/1"
"""Schema name of a v1 drill plan file."""

FORMAT_SCRIPT = "script/1"
"""Schema name of a v1 decision script file."""

EXPANDING = "drillsim.expanding-dialogue"
"""Validation context key the role-play expansion sets: only then may an action be ``spoken``."""

MIN_STEP = 0.1
"""Smallest step of a dynamic, in sim minutes (6 seconds): the engine's own clock re-checks conditions
on ``now`` at this step, and a finer one only floods the record (``every: 0.000001`` made a drill of
an hour sixty million steps) without changing anything a player can see."""

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
"""An id that expressions can name: lower case, digits and underscores, starting with a letter."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,63}$")]
"""A scenario or plan id: lower case words joined by hyphens."""

Version = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$")]
"""A content version: ``1``, ``1.2`` or ``1.2.0``."""


def _version_text(value: object) -> object:
    """Accept ``version: 2`` as "2"; refuse ``version: 1.0`` with the fix (YAML reads it as a number)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(f'put the version in quotes, e.g. version: "{value}" (unquoted, YAML reads it as a number)')
    return value


def _not_bool(value: object) -> object:
    """YAML's true/false must not pass for 1/0 where a figure is expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


Real = Annotated[float, BeforeValidator(_not_bool)]
"""A finite number (true/false, .inf and .nan refused)."""

Number = Real | Ident
"""A figure written directly, or the name of a parameter (so SLA numbers live in one place)."""

Stage = Literal["report", "handle", "feedback"]
"""The loop stage an action belongs to: 上报 (report), 处置 (handle), 反馈 (feedback)."""

LifeTag = Literal["life-safety", "support", "property", "admin"]
"""What an action protects. ``life-safety`` saves people; ``support`` is neutral (communication,
securing a scene); ``property`` protects things; ``admin`` is paperwork. While a life hazard is
active, ``property`` and ``admin`` actions wait for the hazard's required life-safety actions."""

Channel = Literal["phone", "radio", "intercom", "in-person", "alarm-panel", "cctv", "pa", "app", "sms", "email"]
"""How an inject reaches its recipient (the MSEL's delivery method)."""


class Frozen(BaseModel):
    """Base of every format object: immutable, and unknown keys are errors."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


class Text(Frozen):
    """A piece of user-facing text in Chinese (zh-CN) and English. At least one is required; the
    shipped library gives both (its tests check), and the console falls back to the other one."""

    zh: str | None = None
    """Simplified Chinese."""
    en: str | None = None
    """English."""

    @model_validator(mode="after")
    def _one_language_at_least(self) -> Text:
        if not (self.zh or self.en):
            raise ValueError("give the text in zh, en or both")
        return self

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"zh"`` or ``"en"``), falling back to the other language."""
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or second or ""


class Source(Frozen):
    """Where a rule or figure comes from, so a reviewer can check it."""

    title: str
    """The document (standard, regulation, SOP) as its readers know it."""
    url: str | None = None
    """A link, when there is a public one."""
    note: str | None = None
    """What exactly it supports, or how reliable it is."""


class Parameter(Frozen):
    """A named figure, usually an SLA, with values per locale (they vary by city)."""

    value: Real
    """The default value."""
    unit: Literal["min", "count", "cm", "mm", "percent", "m"] = "min"
    """What the figure measures; durations and deadlines are in minutes."""
    label: Text | None = None
    """What the figure means, for the console and reports."""
    source: Ident | None = None
    """Id of the entry in ``sources`` that sets this figure."""
    locales: dict[Ident, Real] = Field(default_factory=dict)
    """Values that replace ``value`` in a given locale (for example ``county: 60``)."""


class Role(Frozen):
    """Someone who acts or speaks in the incident."""

    kind: Literal["staff", "external"]
    """``staff`` are the property company's people; ``external`` are 119, 110, 120, 96333, the
    maintenance contractor, owners, neighbours..."""
    label: Text
    """Name shown to players."""
    pool: Ident | None = None
    """Staff pool an action by this role draws one person from, unless the action says otherwise."""


class Variable(Frozen):
    """A typed, bounded fact about the situation. Numbers are clamped to their bounds."""

    type: Literal["bool", "int", "float", "enum"]
    """``bool``, whole number, decimal number, or one of ``values``."""
    initial: bool | int | float | str
    """Value when the drill starts."""
    min: Real | None = None
    """Lower bound (required for numbers)."""
    max: Real | None = None
    """Upper bound (required for numbers)."""
    values: list[Ident] = Field(default_factory=list)
    """The choices of an ``enum``."""
    labels: dict[Ident, Text] = Field(default_factory=dict)
    """How each choice of an ``enum`` is shown (default: the choice itself)."""
    label: Text | None = None
    """Name shown on the console."""
    unit: str | None = None
    """Unit shown beside the value."""
    show: Literal["meter", "value", "hidden"] = "value"
    """``meter`` draws a gauge between the bounds; ``hidden`` is for the controller only."""
    measure: Literal["final", "peak", "low"] | bool | None = None
    """A key measure of how the incident went, something to keep low (time trapped, water depth, the
    owner's anger), which what-if analyses and stress tests report: ``true`` or ``final`` takes its
    value when the incident ends, ``peak`` its highest and ``low`` its lowest value during the
    incident (numbers only; a bool counts as 1 or 0, so its mean is the share of drills it ends true in)."""

    @field_validator("measure", mode="before")
    @classmethod
    def _measure_flag(cls, value: object) -> object:
        if value is True:
            return "final"
        if value is False:
            return None
        return value

    @model_validator(mode="after")
    def _typed_and_bounded(self) -> Variable:
        value = self.initial
        if self.type == "bool":
            if not isinstance(value, bool):
                raise ValueError("initial must be true or false for a bool variable")
        elif self.type == "enum":
            if not self.values:
                raise ValueError("an enum variable needs its values")
            if value not in self.values:
                raise ValueError(f"initial {value!r} is not one of values {self.values}")
            stray = [k for k in self.labels if k not in self.values]
            if stray:
                raise ValueError(f"labels name {stray}, which are not among values {self.values}")
        else:
            if self.min is None or self.max is None:
                raise ValueError(f"a {self.type} variable needs min and max")
            if self.min > self.max:
                raise ValueError(f"min {self.min} is greater than max {self.max}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"initial must be a number for a {self.type} variable")
            if self.type == "int" and not float(value).is_integer():
                raise ValueError(f"initial {value} is not a whole number")
            if not self.min <= value <= self.max:
                raise ValueError(f"initial {value} is outside [{self.min}, {self.max}]")
        if self.measure and self.type == "enum":
            raise ValueError("measure needs a number or a bool variable, not an enum")
        if self.measure in ("peak", "low") and self.type not in ("int", "float"):
            raise ValueError(f"measure: {self.measure} needs a number variable; use measure: true for a {self.type}")
        return self


class StaffPool(Frozen):
    """People of one kind on shift: a SimPy resource. Two guards means the third task waits."""

    capacity: Annotated[int, Field(ge=1, le=1000)] | Ident
    """How many are on shift (or the name of a parameter that says so); a drill plan may change it."""
    label: Text
    """Name shown on the staff board."""


class Fixed(Frozen):
    """A duration that is always the same."""

    dist: Literal["fixed"]
    """Always ``fixed``."""
    value: Number
    """Minutes."""


class Uniform(Frozen):
    """A duration drawn evenly between two bounds."""

    dist: Literal["uniform"]
    """Always ``uniform``."""
    low: Number
    """Shortest, minutes."""
    high: Number
    """Longest, minutes."""


class Triangular(Frozen):
    """A duration with a most likely value: good for travel and arrival times."""

    dist: Literal["triangular"]
    """Always ``triangular``."""
    low: Number
    """Shortest, minutes."""
    mode: Number
    """Most likely, minutes."""
    high: Number
    """Longest, minutes."""


class Normal(Frozen):
    """A bell-curve duration, cut to ``[low, high]`` (never negative)."""

    dist: Literal["normal"]
    """Always ``normal``."""
    mean: Number
    """Average, minutes."""
    sd: Number
    """Standard deviation, minutes."""
    low: Number = 0.0
    """Cut below, minutes."""
    high: Number | None = None
    """Cut above, minutes (none: no cut)."""


class Exponential(Frozen):
    """A memoryless duration: good for 'some time later' with a known average."""

    dist: Literal["exponential"]
    """Always ``exponential``."""
    mean: Number
    """Average, minutes."""
    high: Number | None = None
    """Cut above, minutes."""


Distribution = Annotated[Fixed | Uniform | Triangular | Normal | Exponential, Field(discriminator="dist")]
"""A random duration, drawn from the drill's seeded generator."""

Duration = Number | Distribution
"""Minutes: a figure, a parameter name, or a distribution."""

Effects = dict[Ident, bool | int | float | str]
"""Variable -> new value. A number or true/false is taken as is; text is an expression
(``distress - 20``), except that a choice of an enum variable is taken as that choice."""


class Forbid(Frozen):
    """A condition under which an action must never be done."""

    when: str
    """Condition; while it holds, the action is forbidden."""
    rule: Literal["life-first", "red-line", "emotion-first"] = "life-first"
    """``life-first`` for acts that endanger people (prying a door between floors); ``red-line`` for
    conduct a company forbids its staff (passing the buck, promising what cannot be kept, giving out
    an owner's number); ``emotion-first`` for a solution offered to an upset owner before their
    feelings were acknowledged (先处理情绪再处理问题). All are refused in strict mode and findings in
    observe mode."""
    reason: Text
    """Why, shown when strict mode refuses it and in the finding."""
    source: Ident | None = None
    """Id of the source that forbids it."""


class State(Frozen):
    """A phase the incident can be in."""

    narration: Text
    """What the players are told on entering it."""
    label: Text | None = None
    """Short name for the console."""


class Ending(Frozen):
    """A final state: the incident is over, with an outcome."""

    outcome: Literal["success", "partial", "failure"]
    """How it went, before any scoring."""
    narration: Text
    """What the players are told."""
    label: Text | None = None
    """Short name for the console."""


Move = Literal[
    "listen",
    "empathise",
    "apologise",
    "restate",
    "ask",
    "safety",
    "act",
    "follow_up",
    "interrupt",
    "argue",
    "blame",
    "deflect",
    "forbidden",
    "overpromise",
    "stall",
]
"""What a reply does. The good moves follow the five steps of complaint handling (倾听 listen;
共情 empathise; 致歉/确认 apologise for the impact without conceding fault, restate the facts;
方案 act: a concrete action with a time that can be kept; 跟进 follow_up), plus ``ask`` (collect
facts) and ``safety`` (safety questions first). The bad ones: ``interrupt``, ``argue``, ``blame``,
``deflect`` (buck-passing), ``forbidden`` (a phrase on the company's red-line list), ``overpromise``
(a promise that cannot be kept), ``stall`` ("let me check", with no time)."""


class Spoken(Frozen):
    """What makes an action a line the trainee says in a customer-service role-play.

    The role-play expansion (:func:`engine.format.dialogue.expand`) declares it on every reply it
    makes, written or free; a scenario file cannot (the loader refuses it, and the JSON Schema
    leaves it out). The engine and the console read it to treat replies as speech: a reply's
    words are on its decision line, and a free reply is a coach's judgement, not a choice on the
    screen (a random trainee never picks one).
    """

    turn: Ident | None = None
    """For a written reply: the dialogue turn it answers."""
    reply: Ident | None = None
    """For a written reply: its id among that turn's replies."""
    judged_as: Move | None = None
    """For a free reply (the trainee's own words, judged by a coach with one key): the move the
    coach judged it to be. Unset for a written reply."""

    @property
    def coach_judged(self) -> bool:
        """Whether it is a free reply: the trainee's own words, judged by a coach."""
        return self.judged_as is not None


class Action(Frozen):
    """Something a role can decide to do."""

    made_not_written: ClassVar[frozenset[str]] = frozenset({"spoken"})
    """Fields the engine makes and a file cannot set (left out of the allowed keys and the schema)."""

    role: Ident
    """Who does it (a key of ``roles``)."""
    label: Text
    """What the players see as the choice."""
    stage: Stage
    """Its place in the report -> handle -> feedback loop."""
    life: LifeTag
    """What it protects; drives the life-first rule."""
    in_: list[Ident] | None = Field(default=None, alias="in")
    """States in which it can be chosen (default: every state)."""
    when: str | None = None
    """Extra condition for it to be offered."""
    duration: Duration = 0.0
    """How long it takes once staff are free; effects apply at the end."""
    staff: dict[Ident, Annotated[int, Field(ge=0, le=100)]] | None = None
    """People needed from each pool while it runs (default: one from the role's pool)."""
    effects: Effects = Field(default_factory=dict)
    """Changes applied when it completes."""
    goto: Ident | None = None
    """State or ending the incident moves to when it completes."""
    repeatable: bool = False
    """Whether it can be chosen again after it has started once."""
    forbidden: list[Forbid] = Field(default_factory=list)
    """Conditions under which doing it breaks the life-first rule outright."""
    auto: bool = False
    """Taken by the drill itself as soon as it is offered, not decided by anyone: an outside party
    acting on its own once called (the contractor setting off, the ambulance arriving). Only for
    external roles; not repeatable, never forbidden, and not a decision of the players, so the two
    rules do not judge it."""
    explain: Text | None = None
    """Debrief note: why this choice is right or wrong."""
    sources: list[Ident] = Field(default_factory=list)
    """Ids of the sources behind it."""
    spoken: SkipJsonSchema[Spoken | None] = None
    """Set by a dialogue's role-play expansion, never in a file: the action is a line the trainee
    says (see :class:`Spoken`). Read it, never the action's id, to tell a reply from other actions."""

    @field_validator("spoken")
    @classmethod
    def _only_from_the_expansion(cls, value: Spoken | None, info: ValidationInfo) -> Spoken | None:
        if value is not None and not (info.context or {}).get(EXPANDING):
            raise ValueError("'spoken' is made by the role-play expansion of a dialogue; a scenario file cannot set it")
        return value


class Hazard(Frozen):
    """A threat to life that the life-first rule watches."""

    label: Text
    """What the danger is."""
    active: str
    """Condition under which people are at risk."""
    requires: list[Ident] = Field(min_length=1)
    """Life-safety actions that must have started before property or admin work is acceptable."""
    source: Ident | None = None
    """Id of the source."""


class Inject(Frozen):
    """A scripted event delivered to players: a row of the MSEL."""

    at: Number | None = None
    """Sim minute to deliver it (or use ``when``)."""
    when: str | None = None
    """Condition that delivers it the first time it holds (or use ``at``)."""
    from_: Ident = Field(alias="from")
    """Role who sends it."""
    to: Ident
    """Role who receives it."""
    channel: Channel
    """Delivery method."""
    message: Text
    """What is said or shown."""
    expect: list[Ident] = Field(default_factory=list)
    """Actions the players are expected to take in response."""
    effects: Effects = Field(default_factory=dict)
    """Changes applied on delivery."""
    goto: Ident | None = None
    """State or ending the incident moves to on delivery."""
    controller_note: Text | None = None
    """For the facilitator only; never shown on the projector."""

    @model_validator(mode="after")
    def _at_or_when(self) -> Inject:
        if (self.at is None) == (self.when is None):
            raise ValueError("give exactly one of 'at' (a sim minute) or 'when' (a condition)")
        return self


class Dynamic(Frozen):
    """A variable that changes by itself over sim time while a condition holds."""

    var: Ident
    """The number variable that changes."""
    rate: Real | str
    """Change per sim minute (a number or an expression)."""
    while_: str = Field(default="true", alias="while")
    """Condition under which it changes."""
    every: float = Field(default=1.0, ge=MIN_STEP, le=1440)
    """Step in sim minutes between updates (at least 0.1, at most 1440)."""

    @field_validator("every", mode="before")
    @classmethod
    def _not_too_fine(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool) and value < MIN_STEP:
            raise ValueError(
                f"{value:g} is below the smallest step, {MIN_STEP:g} minutes (6 seconds of sim time);"
                " a finer step floods the record without changing what the players see"
            )
        return value


class Transition(Frozen):
    """An automatic move taken as soon as its condition holds."""

    when: str
    """Condition."""
    in_: list[Ident] | None = Field(default=None, alias="in")
    """States it applies in (default: every state)."""
    goto: Ident
    """State or ending to move to."""
    effects: Effects = Field(default_factory=dict)
    """Changes applied when it fires."""


class Miss(Frozen):
    """What happens when a timer's deadline passes unmet."""

    effects: Effects = Field(default_factory=dict)
    """Changes applied."""
    goto: Ident | None = None
    """State or ending to move to."""


class Timer(Frozen):
    """A deadline: an SLA such as 'voice contact within 3 minutes'."""

    label: Text
    """What must happen in time."""
    start: str | None = None
    """Condition that starts the clock (default: when the drill starts)."""
    deadline: Number
    """Minutes from the start; usually a parameter name."""
    met: str
    """Condition that satisfies it. Met exactly at the deadline counts as on time."""
    missed: Miss | None = None
    """Consequences of missing it (a finding is always recorded)."""
    source: Ident | None = None
    """Id of the source of the deadline."""


class After(Frozen):
    """Something a scripted decision waits for: an inject delivered, or an action finished."""

    inject: Ident | None = None
    """An inject of the decision's incident, delivered."""
    done: Ident | None = None
    """An action of the decision's incident, finished."""

    @model_validator(mode="after")
    def _one_thing(self) -> After:
        if (self.inject is None) == (self.done is None):
            raise ValueError("give exactly one of 'inject' or 'done'")
        return self


class Decision(Frozen):
    """One choice in a script: at minute ``t`` (or once what it waits for holds), ``role`` does ``action``."""

    t: float = Field(ge=0)
    """Sim minute; with ``when`` or ``after``, the earliest minute."""
    role: Ident
    """Who decides."""
    action: Ident
    """What they do."""
    incident: Annotated[int, Field(ge=0)] = 0
    """Which incident of a plan (0 for a lone scenario)."""
    note: str | None = None
    """Why, for the decision log."""
    when: str | None = None
    """A condition over the incident's variables, states and actions (as in the scenario): the
    decision waits, from ``t`` on, until it holds, and is made a moment after it does."""
    after: After | None = None
    """An inject or a finished action the decision waits for, from ``t`` on (as ``when``)."""

    @property
    def waits(self) -> bool:
        """Whether the decision waits for something rather than being made exactly at ``t``."""
        return self.when is not None or self.after is not None


class FindingPattern(Frozen):
    """Describes findings a scenario test expects (or forbids): every field given must match."""

    rule: Literal["life-first", "red-line", "emotion-first", "report-handle-feedback", "deadline"]
    """Rule id."""
    kind: Literal["forbidden", "order", "premature-close", "open", "missed"] | None = None
    """Kind of breach."""
    action: Ident | None = None
    """Action that caused it."""
    timer: Ident | None = None
    """Timer that was missed."""


class Checkpoint(Frozen):
    """What must hold at a given sim minute of a scenario test."""

    t: Real = Field(ge=0)
    """Sim minute (checked before anything else due at that minute)."""
    state: Ident | None = None
    """State the incident must be in."""
    values: dict[Ident, bool | int | float | str] = Field(default_factory=dict)
    """Variable -> value it must have."""


class Expectation(Frozen):
    """What a scenario test checks at the end of its drill. Every field given is checked."""

    outcome: Literal["success", "partial", "failure", "timeout"] | None = None
    """Outcome of the incident."""
    ending: Ident | None = None
    """Ending reached."""
    clean: bool | None = None
    """``true``: no finding at all; ``false``: at least one."""
    findings: list[FindingPattern] = Field(default_factory=list)
    """Each must match at least one finding."""
    absent: list[FindingPattern] = Field(default_factory=list)
    """None may match any finding."""
    refused: list[Ident] = Field(default_factory=list)
    """Actions that must have been refused (strict mode) at least once."""
    values: dict[Ident, bool | int | float | str] = Field(default_factory=dict)
    """Variable -> value at the end."""
    checkpoints: list[Checkpoint] = Field(default_factory=list)
    """States and values at given minutes."""
    score_min: Annotated[float, Field(ge=0, le=100)] | None = None
    """The drill's score must be at least this (needs the rubric)."""
    score_max: Annotated[float, Field(ge=0, le=100)] | None = None
    """The drill's score must be at most this."""
    rating: Literal["P", "S", "M", "U"] | None = None
    """The drill's HSEEP rating."""
    passed: bool | None = None
    """Whether the drill passes."""
    breakdown: list[str] = Field(default_factory=list)
    """Entries the score breakdown must name, such as ``task:voice_contact`` or ``red-line/forbidden``
    (a task entry must have lost points)."""


class ScenarioTest(Frozen):
    """A timed set of decisions and what must come of them: a test that lives beside the scenario."""

    about: Text | None = None
    """What the test shows (the correct sequence, a classic mistake...)."""
    mode: Literal["strict", "observe"] = "strict"
    """Rules mode of the drill."""
    seed: int = 1
    """Seed of the drill."""
    locale: Ident | None = None
    """Per-locale parameter values to use."""
    persona: Ident | None = None
    """Play the scenario's role-play (its ``dialogue``) with this owner persona."""
    script: str | None = None
    """A decision script file, relative to the scenario file (instead of ``decisions``)."""
    decisions: list[Decision] = Field(default_factory=list)
    """The decisions, when written here."""
    expect: Expectation
    """What must come of them."""

    @model_validator(mode="after")
    def _script_or_decisions(self) -> ScenarioTest:
        if self.script is not None and self.decisions:
            raise ValueError("give either 'script' or 'decisions', not both")
        return self


class Task(Frozen):
    """A critical task: what the team is expected to do, by when, and how much it counts."""

    label: Text
    """What the task is, as the evaluator and the report name it."""
    actions: list[Ident] = Field(min_length=1)
    """Actions that perform it (any one of them, once accepted, counts)."""
    timer: Ident | None = None
    """The scenario timer (SLA) that says whether it was done in time."""
    within: Number | None = None
    """Otherwise: minutes from the incident's start to do it in (or a parameter name)."""
    after: list[Ident] = Field(default_factory=list)
    """Actions that should come first; doing this task before them is out of order."""
    after_any: list[Ident] = Field(default_factory=list)
    """Actions at least one of which should come first (several ways to do the step before)."""
    weight: Annotated[float, Field(gt=0, le=100)] = 10.0
    """Share of the score (relative to the other tasks' weights)."""
    stage: Stage | None = None
    """Loop stage it belongs to (default: that of its first action)."""
    source: Ident | None = None
    """Id of the source that requires it."""

    @model_validator(mode="after")
    def _one_time_target(self) -> Task:
        if self.timer is not None and self.within is not None:
            raise ValueError("give a time target as 'timer' or 'within', not both")
        return self


class Objective(Frozen):
    """An exercise objective (capability target) and its critical tasks."""

    label: Text
    """What the objective is."""
    tasks: dict[Ident, Task] = Field(min_length=1)
    """Critical tasks, by id."""


class Rubric(Frozen):
    """How a drill of this scenario is scored: objectives, critical tasks and penalties."""

    pass_mark: Annotated[float, Field(ge=0, le=100)] = 80.0
    """Score needed to pass (the training plan's 80 by default)."""
    objectives: dict[Ident, Objective] = Field(min_length=1)
    """Objectives, by id."""
    penalties: dict[str, Annotated[float, Field(ge=0, le=100)]] = Field(default_factory=dict)
    """Points lost per finding, by ``rule/kind`` (for example ``red-line/forbidden: 15``); replaces
    the default for that rule and kind."""


class Reply(Frozen):
    """One thing the trainee can say at a turn of the conversation."""

    text: Text
    """What the trainee says."""
    does: list[Move] = Field(min_length=1)
    """What saying it does (its moves); scoring and the owner's reaction follow from them."""
    mood: Real | None = None
    """Change to the owner's anger (0 calm .. 100 furious); default: the sum of its moves' usual effect."""
    patience: Real | None = None
    """Change to the owner's patience (0 .. 100); default: the sum of its moves' usual effect."""
    next: Ident | None = None
    """The turn (or ending: ``resolved``, ``escalated``, ``left``...) the conversation goes to; default: stays."""
    minutes: Annotated[float, Field(ge=0, le=60)] = 0.5
    """How long saying it takes (sim minutes); the owner's patience keeps draining meanwhile."""
    why: Text | None = None
    """For the debrief: why this reply helps or hurts."""


class Turn(Frozen):
    """A moment of the conversation: what the owner says, and what the trainee may answer."""

    owner: Text
    """What the owner says (the default line)."""
    personas: dict[Ident, Text] = Field(default_factory=dict)
    """The same moment in another persona's words, by persona id."""
    label: Text | None = None
    """Short name of the moment (for the console and the graph)."""
    replies: dict[Ident, Reply] = Field(min_length=1)
    """The trainee's options, by id: several good, several plausible but wrong, one or two awful."""


class Persona(Frozen):
    """An owner the trainee may face. Several per scenario, so that practice does not become memory."""

    label: Text
    """Who they are, in a few words."""
    about: Text
    """Their situation and manner, for the trainee's briefing."""
    cares: list[Text] = Field(default_factory=list)
    """What matters to them (shown to the coach)."""
    mood: Annotated[int, Field(ge=0, le=100)] = 40
    """Anger at the start (0 calm, 100 furious)."""
    patience: Annotated[int, Field(ge=1, le=100)] = 60
    """Patience at the start (at 0 they hang up or walk out)."""
    touchy: Annotated[float, Field(gt=0, le=5)] = 1.0
    """How strongly bad replies anger them (a multiplier on mood increases)."""
    wait: Annotated[float, Field(ge=0, le=50)] = 3.0
    """Patience lost per minute of the conversation (silence and "let me check" cost more)."""


class Dialogue(Frozen):
    """A customer-service role-play on this incident: the owner's turns, the trainee's replies, personas.

    The console and ``drillsim run --persona`` play it as its own drill: turns become states,
    replies become the trainee's actions, mood and patience become meters driven by the replies and
    by time, and the five steps become the rubric.
    """

    trainee: Ident
    """The role the trainee plays (a staff role of the scenario)."""
    owner: Ident
    """The role of the owner (an external role of the scenario)."""
    start: Ident
    """The first turn."""
    briefing: Text | None = None
    """What a trainee is told before the call: the setting, not the answers (the scenario's
    ``summary`` says what the exercise trains, for the trainer). Practice pages show only this."""
    personas: dict[Ident, Persona] = Field(min_length=1)
    """The owners the trainee may face, by id."""
    turns: dict[Ident, Turn] = Field(min_length=1)
    """The conversation's moments, by id."""
    follow_up_after: Annotated[float, Field(ge=1, le=20160)] = 2880.0
    """Sim minutes from the end of the call to the follow-up call that closes the loop (2 days)."""
    calm_below: Annotated[int, Field(ge=1, le=99)] = 45
    """Anger below which the owner accepts a resolution calmly (above: resolved, but unhappy)."""
    escalate_at: Annotated[int, Field(ge=2, le=100)] = 90
    """Anger at which the owner escalates (a complaint to the 12345 hotline)."""
    safety_first: bool = False
    """Whether asking about danger (``safety`` replies) is a scored task of its own, beside the five
    steps: for calls where people may be at risk (water near electrics, gas, someone hurt)."""


class Scenario(Frozen):
    """One incident, as a branching, timed model."""

    schema_: Literal["scenario/1"] = Field(alias="schema")
    """Format name and version: ``scenario/1``."""
    id: Slug
    """Stable id, used in records and history."""
    version: Version
    """Content version (``"1"``, ``"1.2"``, ``"1.2.0"``, in quotes); bump it when the content changes."""

    _version = field_validator("version", mode="before")(_version_text)
    category: Literal[
        "elevator", "fire", "water", "gas", "dispute", "weather", "security", "service", "complaint", "other"
    ]
    """Kind of incident."""
    title: Text
    """Name of the scenario."""
    summary: Text
    """What happens and what it trains, in two or three sentences."""
    sources: dict[Ident, Source] = Field(default_factory=dict)
    """Documents behind the rules and figures, by id."""
    parameters: dict[Ident, Parameter] = Field(default_factory=dict)
    """Named figures (SLAs), with per-locale values."""
    limit: Number = 120.0
    """The drill stops after this many sim minutes if no ending is reached."""
    roles: dict[Ident, Role]
    """Who acts, by id."""
    variables: dict[Ident, Variable] = Field(default_factory=dict)
    """Facts about the situation, by name."""
    staff: dict[Ident, StaffPool] = Field(default_factory=dict)
    """Staff pools, by id."""
    initial: Ident | None = None
    """State the incident starts in (a role-play-only scenario has none)."""
    states: dict[Ident, State] = Field(default_factory=dict)
    """Phases, by id."""
    endings: dict[Ident, Ending] = Field(default_factory=dict)
    """Final states, by id."""
    actions: dict[Ident, Action] = Field(default_factory=dict)
    """Choices, by id."""
    hazards: dict[Ident, Hazard] = Field(default_factory=dict)
    """Life hazards, by id."""
    injects: dict[Ident, Inject] = Field(default_factory=dict)
    """Scripted events, by id."""
    dynamics: dict[Ident, Dynamic] = Field(default_factory=dict)
    """Variables that drift, by id."""
    transitions: dict[Ident, Transition] = Field(default_factory=dict)
    """Automatic moves, by id."""
    timers: dict[Ident, Timer] = Field(default_factory=dict)
    """Deadlines, by id."""
    tests: dict[Ident, ScenarioTest] = Field(default_factory=dict)
    """Scenario tests, by name: run by ``drillsim test`` and the project's test suite."""
    rubric: Rubric | None = None
    """How drills of this scenario are scored (objectives, critical tasks, penalties)."""
    dialogue: Dialogue | None = None
    """A customer-service role-play on this incident (played with ``--persona`` or from the console)."""

    @model_validator(mode="before")
    @classmethod
    def _playable(cls, data: Any) -> Any:
        """Without a dialogue, a scenario must have its states, endings, actions and initial state."""
        if isinstance(data, dict) and data.get("dialogue") is None:
            missing = [key for key in ("initial", "states", "endings", "actions") if key not in data]
            if missing:
                raise ValidationError.from_exception_data(
                    "Scenario", [InitErrorDetails(type="missing", loc=(key,), input=data) for key in missing]
                )
        return data

    @model_validator(mode="after")
    def _initial_with_states(self) -> Scenario:
        if (self.initial is None) != (not self.states):
            raise ValueError("give 'initial' and 'states' together (a role-play-only scenario has neither)")
        return self

    @property
    def roleplay_only(self) -> bool:
        """Whether the scenario is a role-play and nothing else (no tabletop states of its own)."""
        return self.dialogue is not None and self.initial is None


class Trigger(Frozen):
    """Starts an incident of a plan when a condition first holds in another one (a cascade)."""

    incident: Ident
    """Name of the other incident (its ``name`` in the plan)."""
    when: str
    """Condition over the other incident's scenario (its variables, states and actions)."""


class PlanIncident(Frozen):
    """One scenario inside a drill plan."""

    scenario: str
    """Scenario id (a shipped one or one beside the plan) or a path relative to the plan."""
    name: Ident | None = None
    """Name other incidents use to refer to this one (default: the scenario id with '_' for '-')."""
    start: Real = Field(default=0.0, ge=0)
    """Sim minute at which this incident begins (with ``after``: the earliest it may begin)."""
    after: Trigger | None = None
    """Begin when a condition first holds in another incident, instead of at a fixed minute."""


class Plan(Frozen):
    """A drill plan: what to run, with whom, and how."""

    schema_: Literal["plan/1"] = Field(alias="schema")
    """Format name and version: ``plan/1``."""
    id: Slug
    """Stable id."""
    version: Version
    """Content version, in quotes."""

    _version = field_validator("version", mode="before")(_version_text)
    title: Text
    """Name of the exercise."""
    summary: Text | None = None
    """What it exercises."""
    incidents: list[PlanIncident] = Field(min_length=1)
    """Scenarios to run; several share the plan's staff."""
    staffing: dict[Ident, Annotated[int, Field(ge=0, le=1000)]] = Field(default_factory=dict)
    """Pool capacities for this exercise (a night shift has fewer guards)."""
    team: dict[Ident, list[str]] = Field(default_factory=dict)
    """Role -> names of the people who play it (may be filled in at set-up instead)."""
    mode: Literal["strict", "observe"] = "observe"
    """How the two rules act: refuse (strict) or record (observe)."""
    kind: Literal["practice", "assessment"] = "practice"
    """Practice runs are kept out of statistics."""
    speed: float = Field(default=1.0, gt=0, le=3600)
    """Time compression: sim minutes per wall minute."""
    locale: Ident | None = None
    """Which per-locale parameter values to use."""
    objectives: list[Text] = Field(default_factory=list)
    """What the exercise is meant to test."""


class Script(Frozen):
    """A list of timed decisions, for headless runs and scenario tests."""

    schema_: Literal["script/1"] = Field(alias="schema")
    """Format name and version: ``script/1``."""
    scenario: Slug | None = None
    """Scenario id the script is written for (checked when given)."""
    title: str | None = None
    """What the script plays."""
    decisions: list[Decision]
    """The decisions, in any order; they are played sorted by time, ties kept in file order."""
