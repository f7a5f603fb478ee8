"""The author's tools: graph export and Monte Carlo simulation."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.format import load_scenario
from engine.runtime import prepare
from engine.tools import graph, simulate
from tests.conftest import ROOT

ELEVATOR = str(ROOT / "scenarios" / "elevator-entrapment.yaml")


def test_the_graph_has_every_declared_transition(mini_path: Path) -> None:
    """Action, inject, automatic and timer gotos all become edges; stages and life-safety are marked."""
    scenario = load_scenario(mini_path).model
    edges = graph.edges(scenario, "en")
    assert {(e.source, e.target, e.kind) for e in edges} >= {
        ("trapped", "fell", "forbidden"),
        ("trapped", "released", "life"),
        ("released", "closed", "action"),
        ("trapped", "panic", "auto"),
    }
    assert any(e.label.startswith("[F] ") for e in edges)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_chinese_graph_labels_name_moves_injects_and_timers_in_chinese_not_by_id(path: Path) -> None:
    """An automatic move is named by where it goes, an inject by its message, a missed timer by its label (自动, 注入, 超时)."""
    scenario = load_scenario(path).model
    ids = {*scenario.transitions, *scenario.injects, *scenario.timers}
    for edge in graph.edges(scenario, "zh"):
        if edge.kind in ("auto", "inject", "timer"):
            word, _, name = edge.label.partition("：")
            assert word in ("自动", "注入", "超时") and name, edge.label
            assert name not in ids and not re.fullmatch(r"[a-z0-9_]+", name), edge.label
    autos = {e.target: e.label for e in graph.edges(scenario, "zh") if e.kind == "auto"}
    for target, label in autos.items():
        spec = scenario.states.get(target) or scenario.endings.get(target)
        assert spec is not None and spec.label is not None and label.startswith("自动：" + (spec.label.zh or "")[:30])


def test_mermaid_output_is_a_flowchart_with_every_state(mini_path: Path) -> None:
    """Each state and ending appears as a node; endings are classed by outcome."""
    text = graph.mermaid(load_scenario(mini_path).model, "zh")
    assert text.startswith("flowchart LR\n")
    for node in ("trapped", "released", "closed", "fell", "panic"):
        assert f"    {node}" in text
    assert "class fell failure" in text and "==>" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (CI installs it)")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dot_output_renders_with_graphviz(lang: str, tmp_path: Path) -> None:
    """Graphviz accepts the DOT of a shipped scenario and draws it."""
    source = graph.dot(load_scenario(ELEVATOR).model, lang)
    out = tmp_path / "graph.svg"
    result = subprocess.run(["dot", "-Tsvg", "-o", str(out)], input=source, text=True, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_simulation_counts_every_run_and_covers_the_graph(mini_path: Path) -> None:
    """Outcomes add up to the runs; percentiles and coverage are reported."""
    aggregate = simulate.simulate(str(mini_path), runs=200, seed=1)
    result = simulate.report(aggregate, prepare(str(mini_path)))
    assert aggregate.runs == 200
    assert sum(v["runs"] for v in result["outcomes"].values()) == 200
    assert set(result["sim_minutes"]) == {"min", "p50", "p90", "p99", "max"}
    assert result["coverage"]["actions"].endswith("/10")
    assert result["runs_with_finding"]["life-first"] > 0


def test_the_result_for_a_seed_range_is_the_same_whatever_the_number_of_jobs(mini_path: Path) -> None:
    """Aggregates are exact counts merged in any order: jobs=1 and jobs=2 agree exactly."""
    one = simulate.report(simulate.simulate(str(mini_path), runs=300, seed=7, jobs=1), prepare(str(mini_path)))
    two = simulate.report(simulate.simulate(str(mini_path), runs=300, seed=7, jobs=2), prepare(str(mini_path)))
    assert one == two


def test_idle_policy_shows_what_happens_when_nobody_acts(mini_path: Path) -> None:
    """With no decisions, the mini lift always ends with the passengers forcing the door."""
    result = simulate.report(simulate.simulate(str(mini_path), runs=20, policy="idle"), prepare(str(mini_path)))
    assert result["endings"] == {"mini-lift.panic": 20}


def test_stalled_runs_are_counted_with_their_seeds(mini_path: Path) -> None:
    """A run that reaches the time limit is reported as stalled, with its seed."""
    text = mini_path.read_text(encoding="utf-8").replace("rate: 5,", "rate: 0,")
    quiet = mini_path.with_name("quiet.yaml")
    quiet.write_text(text, encoding="utf-8")
    aggregate = simulate.simulate(str(quiet), runs=5, seed=3, policy="idle")
    assert aggregate.stalled == 5 and aggregate.stalled_seeds == [3, 4, 5, 6, 7]


def test_simulate_command_prints_json(mini_path: Path) -> None:
    """drillsim simulate --json prints the report."""
    result = subprocess.run(
        [sys.executable, "-m", "engine.tools.cli", "simulate", str(mini_path), "--runs", "50", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["runs"] == 50 and "stalled" in data


def test_the_chinese_simulation_summary_names_states_and_actions_not_ids(capsys: pytest.CaptureFixture[str]) -> None:
    """The text summary in Chinese: the scenario's title, state and action labels, 最小/中位数 instead of min/p50."""
    from engine.tools.cli import main

    assert main(["simulate", ELEVATOR, "--runs", "20", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    scenario = load_scenario(ELEVATOR).model
    assert scenario.title.get("zh") in out
    assert "elevator-entrapment" not in out and not re.search(r"\b(min|max|p50)\b", out), out
    never = next(line for line in out.splitlines() if "从未采取的行动" in line)
    assert any(a.label.get("zh") in never for a in scenario.actions.values())
