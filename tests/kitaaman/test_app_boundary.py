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


APPS = ("incidents", "spm", "kitaaman")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_project_module(name: str) -> bool:
    where = ROOT / Path(*name.split("."))
    return name.split(".")[0] in APPS and (where.with_suffix(".py").exists() or (where / "__init__.py").exists())


def project_imports(path: Path, *, top_level_only=False) -> set[str]:
    """The project's modules that `path` imports (inside functions too unless
    `top_level_only`), relative imports resolved; `from package import module`
    names the module."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            candidates = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in candidates if is_project_module(name))
    return found


def source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def subpackage(module: str) -> str | None:
    """The package directly inside an app that holds `module` (None for the
    app's own top-level modules, which every package may use)."""
    parts = module.split(".")
    if len(parts) < 2 or not (ROOT / parts[0] / parts[1]).is_dir():
        return None
    return ".".join(parts[:2])


def test_no_two_packages_inside_an_app_import_each_other():
    edges: dict[tuple[str, str], set[str]] = {}
    for path in source_files():
        source = subpackage(module_name(path))
        for name in project_imports(path):
            target = subpackage(name)
            if source and target and source != target and source.split(".")[0] == target.split(".")[0]:
                edges.setdefault((source, target), set()).add(module_name(path))
    mutual = {f"{a} <-> {b}": sorted(edges[(a, b)] | edges[(b, a)]) for (a, b) in edges if (b, a) in edges and a < b}
    assert mutual == {}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of more than one module that import each other in a loop (Tarjan)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycles_between_modules():
    """Imports at the top of modules, the ones that run when a module loads."""
    graph = {
        module_name(path): project_imports(path, top_level_only=True) - {module_name(path)} for path in source_files()
    }
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []
