"""The layer rules of shared/ are checked, not just written (README, "Architecture").

import-linter's contracts live in pyproject.toml; these tests also keep modules and
functions small enough to read, and find import cycles among the project's modules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "shared"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_catch_a_core_module_importing_the_cloud(tmp_path: Path) -> None:
    """The check can fail: a copy of the tree whose core imports google.cloud breaks it."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(SHARED, copy / "shared", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "shared" / "core" / "leak.py").write_text("from google.cloud import firestore\n")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "shared.core.leak" in result.stdout


def _imports(path: Path) -> set[str]:
    """Project modules a module imports (at any depth: lazy imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_cycles_among_shared_modules() -> None:
    modules = {_module_name(p): p for p in SHARED.rglob("*.py")}
    graph = {
        name: {
            m for m in _imports(path) if m in modules and m != name and not name.startswith(m + ".")
        }
        for name, path in modules.items()
    }
    # A package's __init__ importing its own submodules is not a cycle worth flagging.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


@pytest.mark.parametrize(
    "path", sorted(SHARED.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_modules_and_functions_stay_small(path: Path) -> None:
    lines = path.read_text().count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines (at most {MAX_MODULE_LINES})"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, (
                f"{path.name}:{node.lineno} {node.name}() has {length} lines "
                f"(at most {MAX_FUNCTION_LINES})"
            )


def test_the_core_imports_no_heavy_library_at_run_time() -> None:
    code = (
        "import sys, shared.core.jobs, shared.core.schema, shared.core.validation, "
        "shared.core.events, shared.core.messages, shared.core.settings, shared.core.errors, "
        "shared.core.ports, shared.core.contract, shared.core.measurements, shared.core.video;"
        "bad = [m for m in ('google.cloud.firestore', 'google.cloud.storage', 'google.genai', "
        "'google.auth', 'flask', 'functions_framework', 'av', 'cv2', "
        "'faster_whisper', 'numpy') if m in sys.modules]; print(','.join(bad))"
        # (the bare `google` namespace is imported by site-packages' .pth files)
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"the core pulled in {out}"


@pytest.mark.parametrize(
    "folder", ["shared", "functions", "devstack", "bench", "reels_cli", "tools"]
)
def test_nothing_outside_the_tests_imports_them(folder: str) -> None:
    for path in (ROOT / folder).rglob("*.py"):
        if "node_modules" in path.parts:
            continue
        imported = _imports(path)
        assert not any(m == "tests" or m.startswith("tests.") for m in imported), path
