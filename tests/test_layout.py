"""The package layout the backends rely on: one folder per family under
prove/backends/, each with its `check.py` entry named in the registry, and
backends that take the typed claim from prove.claim, not from the elaborator."""

import ast
import importlib
from pathlib import Path

from prove.backends.base import BACKENDS

BACKEND_DIR = Path(__file__).resolve().parent.parent / "prove" / "backends"
ELABORATOR_USES: set = set()


def elaborator_imports(path: Path) -> set:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "prove.elaborate":
            out |= {(path.relative_to(BACKEND_DIR).as_posix(), a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "prove" \
                and any(a.name == "elaborate" for a in node.names):
            out.add((path.relative_to(BACKEND_DIR).as_posix(), "*"))
        elif isinstance(node, ast.Import) and any(a.name.startswith("prove.elaborate") for a in node.names):
            out.add((path.relative_to(BACKEND_DIR).as_posix(), "*"))
    return out


def test_backends_take_the_claim_not_the_elaborator():
    paths = sorted(BACKEND_DIR.rglob("*.py"))
    assert len(paths) > 10
    found = set().union(*(elaborator_imports(p) for p in paths))
    assert found == ELABORATOR_USES


FILE_READERS = {"open", "read_text", "read_bytes", "parse_file", "tasks_for_file", "tasks_for_text", "load_use"}
FRONT_END = ("prove.parser", "prove.runner", "prove.scope", "prove.elaborate", "prove.library")


def test_no_backend_reads_a_claim_file():
    """A backend gets everything from the claim: it neither opens a file nor
    reaches for the front end that would parse or elaborate one."""
    for path in sorted(BACKEND_DIR.rglob("*.py")) + sorted((BACKEND_DIR.parent / "audit").rglob("*.py")):
        tree = ast.parse(path.read_text())
        called = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)
                  for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert not called & FILE_READERS, (path, called & FILE_READERS)
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in imported if m and m.startswith(FRONT_END)}, path


def test_each_family_is_a_folder_with_its_check_entry():
    assert set(BACKENDS) == {"identity", "analysis", "graph", "calc"}
    for family, module_name in BACKENDS.items():
        module = importlib.import_module(module_name)
        assert Path(module.__file__).name == "check.py"
        assert Path(module.__file__).parent.parent == BACKEND_DIR
        assert callable(module.check), family


def test_no_two_classes_share_a_name():
    where: dict = {}
    for path in sorted((BACKEND_DIR.parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                where.setdefault(node.name, []).append(path.relative_to(BACKEND_DIR.parent).as_posix())
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}
