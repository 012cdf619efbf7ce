"""The domain's unit tests run on the standard library alone: no Flask, no SQLAlchemy, no Prefect."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("flask", "sqlalchemy", "flask_sqlalchemy", "prefect", "marshmallow")
# every module of the unit tests imported as `make test` runs them (no conftest), then what got loaded
PROBE = f"""
import importlib.util, sys
from pathlib import Path
for path in sorted(Path({str(ROOT / "tests" / "unit")!r}).glob("test_*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}))
"""


def test_the_domain_tests_load_no_framework():
    found = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
