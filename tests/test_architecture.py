"""Structural rules the design relies on."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Apps depend one way (../shared/STYLE.md): classroom <- game <- facilitator, with game/engine a pure leaf
# that anyone may import; config is wiring and imports the apps, never the reverse. Each rule: the files
# it covers (migrations left out), the modules they must not import, and the ones allowed among those.
DIRECTION = {
    "classroom": (["classroom"], ["game", "facilitator", "config"], ["game.engine"]),
    "game": (["game"], ["facilitator", "config"], []),
    "engine": (["game/engine"], ["classroom", "game", "facilitator", "config"], ["game.engine"]),
    "facilitator": (["facilitator"], ["config"], []),
}


def imported_modules(path: Path, root: Path = ROOT):
    """(line, module) for every import in a file wherever it stands (inside a function too), relative
    imports resolved, and modules named to importlib.import_module or __import__ as a literal string."""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:  # `from game import dashboards` imports game.dashboards
                yield node.lineno, f"{module}.{alias.name}" if module else alias.name
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def _within(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def back_imports(folders, forbidden, allowed, root: Path = ROOT) -> list[str]:
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            for line, module in sorted(imported_modules(path, root)):
                if _within(module, forbidden) and not _within(module, allowed):
                    found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("rule", DIRECTION)
def test_apps_depend_one_way(rule):
    found = back_imports(*DIRECTION[rule])
    assert not found, (f"{rule} must not import {', '.join(DIRECTION[rule][1])}"
                       f"{' (except ' + ', '.join(DIRECTION[rule][2]) + ')' if DIRECTION[rule][2] else ''}: "
                       "move the rule to the app that owns it, or let the higher app call the lower one "
                       "(a signal or a registration in its AppConfig.ready):\n" + "\n".join(found))


def test_the_direction_check_sees_every_kind_of_import(tmp_path):
    (tmp_path / "classroom").mkdir()
    (tmp_path / "classroom" / "views.py").write_text(
        "from game import engine\n"
        "from game.engine.scenario import load_scenario\n"
        "def room():\n"
        "    from game import dashboards\n"
        "    import facilitator.views\n"
        "    from .. import game\n"
        "    return importlib.import_module('game.selectors')\n")
    found = back_imports(["classroom"], ["game", "facilitator"], ["game.engine"], root=tmp_path)
    assert found == ["classroom/views.py:4 imports game.dashboards", "classroom/views.py:5 imports facilitator.views",
                     "classroom/views.py:6 imports game", "classroom/views.py:7 imports game.selectors"]


def test_engine_imports_nothing_from_django():
    code = ("import sys, game.engine, game.engine.mistakes, game.engine.preview; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'channels', 'celery', 'rest_framework'}); "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"game.engine pulled in: {result.stdout} {result.stderr}"


def test_consumers_views_and_tasks_hold_no_orm_queries():
    thin = ["game/consumers.py", "facilitator/consumers.py", "game/tasks.py", "facilitator/views.py", "game/api.py",
            "facilitator/projector_views.py", "classroom/report_views.py", "classroom/api.py",
            "classroom/views.py", "classroom/consumer_base.py", "game/views.py"]
    for path in thin:
        text = (ROOT / path).read_text()
        assert ".objects." not in text, f"{path} queries the ORM directly; call a service or selector"
