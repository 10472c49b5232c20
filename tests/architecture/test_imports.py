"""The house rules of docs/architecture.md, checked on every run: the layer contract of
``.importlinter`` (import-linter), no import loop between two files, no module over 600 lines.

Function-level ("lazy") imports count: a loop hidden inside a function is still a loop a
reader has to untangle, and import-linter's graph (grimp) sees them too.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter import api as importlinter_api

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
MAX_LINES = 600


def _root_packages() -> list[str]:
    return importlinter_api.read_configuration(config_filename=str(CONFIG))["session_options"][
        "root_packages"
    ]


def test_layer_contracts_are_kept():
    """``lint-imports``, import-linter's own command, over ``.importlinter``."""
    command = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - our own venv's tool, fixed arguments
        [str(command), "--config", str(CONFIG), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _module_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_no_import_loop_between_files():
    graph = grimp.build_graph(*_root_packages(), cache_dir=None)
    cycles = _module_cycles(graph)
    assert not cycles, "import loops:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def _python_files():
    for package in [*_root_packages(), "tests", "bench", "deploy"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and ".node" not in path.parts:
                yield path


@pytest.mark.parametrize("limit", [MAX_LINES])
def test_no_module_over_the_limit(limit):
    too_long = []
    for path in _python_files():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > limit:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not too_long, f"modules over {limit} lines:\n" + "\n".join(too_long)


def test_the_cycle_finder_finds_a_loop(tmp_path, monkeypatch):
    """The checker itself: a two-file loop in a throwaway package is reported."""
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from loopy import b\n")
    (package / "b.py").write_text("from loopy import a\n")
    (package / "c.py").write_text("from loopy import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("loopy", cache_dir=None)
    assert _module_cycles(graph) == [["loopy.a", "loopy.b"]]


def test_every_root_package_is_in_the_layers():
    """A new top-level app must be placed in a layer, or the contract would not see it."""
    text = CONFIG.read_text()
    layers_block = text.split("layers =", 1)[1]
    layered = {
        name.strip()
        for line in layers_block.splitlines()
        for name in line.split("|")
        if name.strip() and not name.strip().startswith(("[", ";"))
    }
    assert set(_root_packages()) <= layered
    apps_on_disk = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if ast.parse(path.read_text()).body  # an AppConfig module
    }
    assert apps_on_disk <= set(_root_packages()), apps_on_disk - set(_root_packages())
