"""The boundary between the apps: incidents imports nothing from spm, and no
setting names code of another app; what incidents reads from spm arrives
through incidents.signals, filled by SpmConfig.ready()."""

import ast
from pathlib import Path

from django.conf import settings

from incidents import signals

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_incidents_imports_nothing_from_spm():
    crossing = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m == "spm" or m.startswith("spm."))
        for path in (ROOT / "incidents").rglob("*.py")
    }
    assert {path: names for path, names in crossing.items() if names} == {}


def test_the_checker_sees_an_import_of_spm(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from spm.rollup import incident_changed\n")
    assert "spm.rollup" in imported_modules(module)


def test_no_setting_carries_spm_code_into_incidents():
    """incidents loads no code by a dotted path, and no setting names spm code
    (besides installing its apps)."""
    loaders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "incidents").rglob("*.py")
        if "import_string" in path.read_text() or "import_module" in path.read_text()
    ]
    assert loaders == []
    named = {
        name: value
        for name in dir(settings)
        if name.isupper() and name != "INSTALLED_APPS"
        for value in (
            getattr(settings, name) if isinstance(getattr(settings, name), list | tuple) else [getattr(settings, name)]
        )
        if isinstance(value, str) and value.startswith("spm.")
    }
    assert named == {}


def test_spm_fills_the_slots_and_receives_every_change():
    from spm import desk_counts, rollup, selectors

    assert signals.desk_status_counts.function is desk_counts.desk_status_counts
    assert signals.month_counts_by_category.function is selectors.month_counts_by_category
    receivers = [ref() for _key, ref, *_rest in signals.incident_changed.receivers]
    assert rollup.incident_changed in receivers
