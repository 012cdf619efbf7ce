"""The dependency rules of the house, checked on the source itself."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT / "coordinator" / "domain"


def _imports(path: Path) -> set[str]:
    """Top-level module names a file imports (relative imports are reported as '.')."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." if node.level else node.module.split(".")[0])
    return names


def test_domain_imports_only_the_standard_library_and_itself():
    offenders = {}
    for path in DOMAIN.rglob("*.py"):
        foreign = {n for n in _imports(path) if n != "." and n not in sys.stdlib_module_names}
        if foreign:
            offenders[path.name] = sorted(foreign)
    assert offenders == {}


def test_domain_relative_imports_stay_inside_the_domain():
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1, f"{path.name} reaches outside the domain"


def test_every_module_has_a_docstring():
    missing = [
        str(p.relative_to(ROOT)) for folder in ("coordinator", "flows")
        for p in (ROOT / folder).rglob("*.py") if ast.get_docstring(ast.parse(p.read_text())) is None
    ]
    assert missing == []
