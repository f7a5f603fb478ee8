"""The content format: what a scenario, a drill plan and a decision script are, and how they are read.

The loader (:func:`load`, :func:`load_scenario`...) is the only code that reads YAML; it gives frozen
pydantic models (:class:`Scenario`, :class:`Plan`, :class:`Script`) or a :class:`ContentError`
listing every problem with its ``file:line:col``. Conditions and effects are the small safe
expression language of :mod:`engine.format.expressions`; a scenario's dialogue expands into a
playable role-play in :mod:`engine.format.dialogue`; :func:`load_drill` loads and checks what one
drill runs as a whole.

This package never imports the runtime or the author's tools (a test holds it to that).
"""

from engine.format.checks import effect_expression, names_of
from engine.format.dialogue import (
    AFTER_CALL,
    CALL_BACK,
    FREE_PREFIX,
    MOVES,
    RESERVED,
    SEP,
    STEPS,
    base_id,
    expand,
    free_id,
    is_reply,
    persona_for,
    roleplay_id,
)
from engine.format.dialogue import problems as dialogue_problems
from engine.format.expressions import (
    ARITHMETIC,
    COMPARISONS,
    CONSTANT_NAMES,
    NOW,
    Context,
    Evaluator,
    Names,
    Value,
    compile_expression,
)
from engine.format.library import DrillContent, find, incident_names, load_drill, script_problems
from engine.format.loader import Loaded, load, load_plan, load_scenario, load_script, read_document, yaml_files
from engine.format.model import (
    Decision,
    Dialogue,
    Duration,
    Effects,
    Exponential,
    FindingPattern,
    Fixed,
    LifeTag,
    Normal,
    Plan,
    Scenario,
    ScenarioTest,
    Script,
    Stage,
    Task,
    Text,
    Triangular,
    Uniform,
)
from engine.format.yamlsafe import Document

__all__ = [
    "AFTER_CALL",
    "ARITHMETIC",
    "CALL_BACK",
    "COMPARISONS",
    "CONSTANT_NAMES",
    "FREE_PREFIX",
    "MOVES",
    "NOW",
    "RESERVED",
    "SEP",
    "STEPS",
    "Context",
    "Decision",
    "Dialogue",
    "Document",
    "DrillContent",
    "Duration",
    "Effects",
    "Evaluator",
    "Exponential",
    "FindingPattern",
    "Fixed",
    "LifeTag",
    "Loaded",
    "Names",
    "Normal",
    "Plan",
    "Scenario",
    "ScenarioTest",
    "Script",
    "Stage",
    "Task",
    "Text",
    "Triangular",
    "Uniform",
    "Value",
    "base_id",
    "compile_expression",
    "dialogue_problems",
    "effect_expression",
    "expand",
    "find",
    "free_id",
    "incident_names",
    "is_reply",
    "load",
    "load_drill",
    "load_plan",
    "load_scenario",
    "load_script",
    "names_of",
    "persona_for",
    "read_document",
    "roleplay_id",
    "script_problems",
    "yaml_files",
]
