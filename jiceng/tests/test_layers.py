"""The floors of docs/ARCHITECTURE.md "Where code goes", checked on the source itself.

Every module under jiceng/ except migrations and tests is parsed with `ast`; every
import in it counts, at module level and inside functions alike (a late import is
still a dependency). Each module belongs to a node: the app or top-level module it
sits in (`jiceng/bank/services/claims.py` → `bank`, `jiceng/transparency.py` →
`transparency`). `core` and `regions` form the ground floor together (the region
tree is what every scope is made of), so they are one node, `core+regions`.
"""

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1]  # jiceng/
ROOT = PACKAGE.parent
# The composition root wires every app together and is no floor of its own.
COMPOSITION_ROOT = {"settings", "urls", "wsgi", "cli", "__init__"}
GROUND = {"core": "core+regions", "regions": "core+regions"}


def _is_source(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return not (
        "migrations" in parts
        or "tests" in parts
        or path.name.startswith("test_")
        or path.name == "conftest.py"
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "jiceng":  # `from jiceng import bank` names the module in the alias
                found += [(node.lineno, f"jiceng.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def _node(module: str) -> str | None:
    """The floor node of a jiceng module, or None outside jiceng or in the composition root."""
    parts = module.split(".")
    if parts[0] != "jiceng" or len(parts) < 2 or parts[1] in COMPOSITION_ROOT:
        return None
    if not ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file()):
        return None  # an attribute of the package, not a module
    return GROUND.get(parts[1], parts[1])


def _app_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _edges() -> dict[tuple[str, str], list[str]]:
    """(from node, to node) → the imports that make the edge, as "file:line imports module"."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if not _is_source(path):
            continue
        source = _node(_module_name(path))
        if source is None:
            continue
        for line, target in _imports(path):
            dest = _node(target)
            if dest is not None and dest != source:
                why = f"{path.relative_to(ROOT)}:{line} imports {target}"
                if why not in edges[source, dest]:
                    edges[source, dest].append(why)
    return edges


def _feature_apps() -> set[str]:
    return {p.parent.name for p in PACKAGE.glob("*/apps.py")} - set(GROUND)


def test_the_walk_sees_the_apps_and_late_imports():
    edges = _edges()
    # portal composes the homes from bank and cockpit; bank registers its demo loaders in ready()
    assert ("portal", "bank") in edges and ("portal", "cockpit") in edges
    assert any("apps.py" in why for why in edges["bank", "demo"])
    assert {"bank", "portal", "demo", "cockpit"} <= _feature_apps()


def test_core_imports_no_feature_app():
    """Nor does `regions`, which shares the ground floor with it."""
    features = _feature_apps()
    offending = []
    for path in sorted([*(PACKAGE / "core").rglob("*.py"), *(PACKAGE / "regions").rglob("*.py")]):
        if not _is_source(path):
            continue
        for line, target in _imports(path):
            parts = target.split(".")
            if parts[0] == "jiceng" and len(parts) > 1 and parts[1] in features:
                offending.append(f"  {path.relative_to(ROOT)}:{line} imports {target}")
    assert not offending, (
        "core (with regions) is the ground floor and imports no feature app; move this code to the app that "
        "composes it (portal, cockpit, demo) or ask for it through a registry:\n" + "\n".join(offending)
    )


def test_demo_imports_only_the_ground_floor():
    """Every app registers its loader with `demo`, so `demo` reaching into an app would close a cycle."""
    above = {
        dest: why for (source, dest), why in _edges().items() if source == "demo" and dest != "core+regions"
    }
    assert not above, "demo imports an app that registers with it:\n" + "\n".join(
        f"  {why}" for whys in above.values() for why in whys
    )


def test_the_app_graph_has_no_cycle():
    edges = _edges()
    graph = nx.DiGraph(list(edges))
    try:
        nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    lines = []
    for cycle in sorted(nx.simple_cycles(graph), key=len):
        lines.append(" → ".join([*cycle, cycle[0]]))
        for source, dest in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            lines += [f"    {source} → {dest}: {why}" for why in edges[source, dest]]
    pytest.fail("apps import each other in a cycle; break each at one of these imports:\n" + "\n".join(lines))
