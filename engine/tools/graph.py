"""The state graph of a scenario, as Mermaid or Graphviz DOT text.

Every transition is declared in data (action, inject, automatic and timer-miss gotos), so the graph
is exact. Edges carry the loop stage of the action that takes them ([上报/R], [处置/H], [反馈/F]) and
are drawn heavier and red when the action is life-safety; forbidden actions are dashed with a
warning sign; injects, timers and automatic moves have their own line styles. Endings are coloured
by outcome. The text is built by hand: both formats are small, and no library is needed to write them.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.format import Scenario, Text

_STAGE = {"report": ("R", "报"), "handle": ("H", "处"), "feedback": ("F", "馈")}
_OUTCOME_COLOUR = {"success": "#2e7d32", "partial": "#ef6c00", "failure": "#c62828"}


@dataclass(frozen=True)
class Edge:
    """One way from a state to another."""

    source: str
    target: str
    label: str
    kind: str  # action | life | forbidden | inject | auto | timer


def edges(scenario: Scenario, lang: str = "en") -> list[Edge]:
    """Every declared transition of ``scenario``, in file order."""
    states = list(scenario.states)
    found: list[Edge] = []
    for action in scenario.actions.values():
        if action.goto is None:
            continue
        marker = _STAGE[action.stage][1 if lang == "zh" else 0]
        kind = "forbidden" if action.forbidden else "life" if action.life == "life-safety" else "action"
        label = f"[{marker}] {'⚠ ' if action.forbidden else ''}{_short(action.label, lang)}"
        for source in action.in_ or states:
            found.append(Edge(source, action.goto, label, kind))
    inject_word, auto_word, missed_word = ("注入", "自动", "超时") if lang == "zh" else ("inject", "auto", "missed")
    colon = "：" if lang == "zh" else ": "
    # Injects, automatic moves and timers are named in the reader's language, never by their ids: an
    # inject by its message, a timer by its label, an automatic move (which has no label) by where it goes.
    for inject in scenario.injects.values():
        if inject.goto is not None:
            label = f"{inject_word}{colon}{_short(inject.message, lang)}"
            found += [Edge(s, inject.goto, label, "inject") for s in states]
    for trans in scenario.transitions.values():
        label = f"{auto_word}{colon}{_name(scenario, trans.goto, lang)}"
        found += [Edge(s, trans.goto, label, "auto") for s in (trans.in_ or states) if s != trans.goto]
    for timer in scenario.timers.values():
        if timer.missed is not None and timer.missed.goto is not None:
            target = timer.missed.goto
            label = f"{missed_word}{colon}{_short(timer.label, lang)}"
            found += [Edge(s, target, label, "timer") for s in states if s != target]
    return found


def _short(text: Text | None, lang: str, width: int = 40) -> str:
    value = text.get(lang) if text else ""
    return value if len(value) <= width else value[: width - 1] + "…"


def _name(scenario: Scenario, place: str, lang: str) -> str:
    spec = scenario.states.get(place) or scenario.endings.get(place)
    return _short(spec.label if spec and spec.label else None, lang) or place


def mermaid(scenario: Scenario, lang: str = "en") -> str:
    """A Mermaid flowchart (renders in git web views and many editors)."""

    def q(text: str) -> str:
        return text.replace('"', "#quot;")

    lines = ["flowchart LR"]
    for sid in scenario.states:
        shape = (
            f'(["{q(_name(scenario, sid, lang))}"])'
            if sid == scenario.initial
            else f'["{q(_name(scenario, sid, lang))}"]'
        )
        lines.append(f"    {sid}{shape}")
    for eid, ending in scenario.endings.items():
        lines.append(f'    {eid}{{{{"{q(_name(scenario, eid, lang))}"}}}}')
        lines.append(f"    class {eid} {ending.outcome}")
    arrows = {"action": "-->", "life": "==>", "forbidden": "-.->", "inject": "-.->", "auto": "-.->", "timer": "-.->"}
    link_styles = {"life": "stroke:#c62828,stroke-width:3px", "forbidden": "stroke:#c62828,stroke-dasharray:5 5"}
    styled: list[str] = []
    for index, edge in enumerate(edges(scenario, lang)):
        lines.append(f'    {edge.source} {arrows[edge.kind]}|"{q(edge.label)}"| {edge.target}')
        if edge.kind in link_styles:
            styled.append(f"    linkStyle {index} {link_styles[edge.kind]}")
    lines += styled
    for outcome, colour in _OUTCOME_COLOUR.items():
        lines.append(f"    classDef {outcome} fill:{colour},color:#ffffff")
    return "\n".join(lines) + "\n"


def dot(scenario: Scenario, lang: str = "en") -> str:
    """A Graphviz digraph (``dot -Tsvg``)."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        f"digraph {q(scenario.id)} {{",
        "    rankdir=LR;",
        '    node [fontname="Noto Sans CJK SC,Helvetica,sans-serif", shape=box, style=rounded];',
        '    edge [fontname="Noto Sans CJK SC,Helvetica,sans-serif", fontsize=10];',
        f"    label={q(scenario.title.get(lang))}; labelloc=t;",
    ]
    for sid in scenario.states:
        extra = ", penwidth=2" if sid == scenario.initial else ""
        lines.append(f"    {q(sid)} [label={q(_name(scenario, sid, lang))}{extra}];")
    for eid, ending in scenario.endings.items():
        colour = _OUTCOME_COLOUR[ending.outcome]
        lines.append(
            f"    {q(eid)} [label={q(_name(scenario, eid, lang))}, shape=doubleoctagon, style=filled, "
            f'fillcolor="{colour}", fontcolor=white];'
        )
    styles = {
        "action": "",
        "life": ', color="#c62828", penwidth=2',
        "forbidden": ', color="#c62828", style=dashed',
        "inject": ", style=dashed",
        "auto": ", style=dotted",
        "timer": ', style=dotted, color="#6a1b9a"',
    }
    for edge in edges(scenario, lang):
        lines.append(f"    {q(edge.source)} -> {q(edge.target)} [label={q(edge.label)}{styles[edge.kind]}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
