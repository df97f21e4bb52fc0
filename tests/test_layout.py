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


def test_each_family_is_a_folder_with_its_check_entry():
    assert set(BACKENDS) == {"identity", "analysis", "graph", "calc"}
    for family, module_name in BACKENDS.items():
        module = importlib.import_module(module_name)
        assert Path(module.__file__).name == "check.py"
        assert Path(module.__file__).parent.parent == BACKEND_DIR
        assert callable(module.check), family
