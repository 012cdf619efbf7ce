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


def _imports_of(path: Path, with_names: bool) -> set[str]:
    """Dotted module names a file imports, relative ones resolved against its package; with `with_names`, the
    'module.name' of each name imported from a module instead of the module."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.update({f"{module}.{a.name}" for a in node.names} if with_names else {module})
    return names


def _full_imports(path: Path) -> set[str]:
    """Dotted module names a file imports."""
    return _imports_of(path, with_names=False)


def test_flows_decide_no_rule_they_only_call_services():
    # a flow that imported the domain could re-decide what is due; it must ask the services
    offenders = {p.name: sorted(n for n in _full_imports(p) if n.startswith("coordinator.domain"))
                 for p in (ROOT / "flows").rglob("*.py")}
    assert {name: found for name, found in offenders.items() if found} == {}


def _imported_names(path: Path) -> set[str]:
    """'module.name' for each name a file imports from a module, and each module it imports whole."""
    return _imports_of(path, with_names=True)


SQL_ERRORS = ("sqlalchemy.exc.", "sqlalchemy.orm.exc.")   # mapping a database error to an answer is the views' job


def test_the_api_and_the_portals_read_through_the_read_side():
    # no model, no session, no SQL: every read goes through coordinator/services/queries (the actor's view)
    offenders = {}
    for folder in ("api", "portals"):
        for path in (ROOT / "coordinator" / folder).rglob("*.py"):
            bad = {name for name in _imported_names(path)
                   if name.startswith(("coordinator.models", "sqlalchemy")) and not name.startswith(SQL_ERRORS)
                   or name == "coordinator.extensions.db"}
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_reads_are_audited_by_the_read_side_not_the_policy():
    policy = (ROOT / "coordinator" / "policy.py").read_text()
    assert "import append" not in policy and "audit_append" not in policy and "def read_case" not in policy


def test_the_portals_share_the_schemas_not_the_api():
    # the input schemas both validate with live in coordinator/schemas; a portal never imports the API
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in _imported_names(p) if n.startswith("coordinator.api"))
                 for p in (ROOT / "coordinator" / "portals").rglob("*.py")}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_api_helpers_import_no_resource_module():
    # If-Match, ETag and paging live in api/commands.py, which the resources import, never the other way
    assert not {n for n in _imported_names(ROOT / "coordinator" / "api" / "commands.py")
                if n.startswith(("coordinator.api.cases", "coordinator.api.clinical", "coordinator.api.workflow"))}


def test_the_app_never_imports_the_flows():
    # the flows call the services and register their own CLI (an entry point): the dependency points one way
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in _full_imports(p) if n.split(".")[0] == "flows")
                 for p in (ROOT / "coordinator").rglob("*.py")}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_tests_do_not_import_the_bench():
    # the bench measures; what the tests and the bench share (the bulk copier) lives in the package
    offenders = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")
                 if any(n.split(".")[0] == "bench" for n in _full_imports(p))}
    assert offenders == set()


def test_a_command_s_switches_are_passed_not_hidden():
    # If-Match, dry run and the commit hook travel as an explicit Options argument, never as context variables
    assert "ContextVar" not in (ROOT / "coordinator" / "services" / "unit_of_work.py").read_text()
