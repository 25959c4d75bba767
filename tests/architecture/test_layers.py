"""The layers of docs/architecture.md, checked on the import statements of every module.

A module may import from its own layer and the layers below it, never from above; two packages on the same
layer never import each other (stages and the reading side of io are independent); the presentation layer
never imports Streamlit or the Excel writer. Imports under ``if TYPE_CHECKING:`` are annotations only and
are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "screening"

# (module prefix, layer); the longest matching prefix decides.
LAYERS: list[tuple[str, float]] = [
    ("screening.i18n", 0),
    ("screening.limits", 0.5),  # named limits and the bounded readers: below the model, above the text
    ("screening.model", 1),
    ("screening.vocab", 1),
    ("screening.resources", 1),
    ("screening.criteria", 2),
    ("screening.inference", 2.5),  # inference rules and kinds: read the criteria's text engine and negation
    ("screening.stages", 3),
    ("screening.io", 3),
    ("screening.pipeline", 4),
    ("screening.report", 5),
    ("screening.io.export", 6),
    ("screening.analysis", 6),
    ("screening.store", 6.5),  # the run store: re-runs the pipeline and reuses analysis.compare for its diff
    ("screening.present", 7),
    ("screening.cli", 8),
    ("screening", 9),  # the package's own __init__: the public API, above everything
]


def layer_of(module: str) -> tuple[str, float]:
    best = max(
        (p for p in LAYERS if module == p[0] or module.startswith(p[0] + ".")), key=lambda p: len(p[0])
    )
    return best


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(path: Path) -> list[str]:
    """Every screening module a file imports at run time (top level or inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    me = module_name(path)
    out: list[str] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = me.split(".")[
                    : len(me.split(".")) - node.level + (1 if path.name == "__init__.py" else 0)
                ]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            if mod.startswith("screening"):
                # "from screening.io import export" imports the module screening.io.export
                out.extend(
                    f"{mod}.{a.name}"
                    if (PACKAGE.parent / f"{mod}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                    or (PACKAGE.parent / f"{mod}.{a.name}".replace(".", "/")).is_dir()
                    else mod
                    for a in node.names
                )
        elif isinstance(node, ast.Import):
            out.extend(a.name for a in node.names if a.name.startswith("screening"))
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    for path in MODULES:
        assert layer_of(module_name(path)), path


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down(path: Path) -> None:
    me = module_name(path)
    my_prefix, my_layer = layer_of(me)
    for target in imports_of(path):
        prefix, layer = layer_of(target)
        assert layer <= my_layer, f"{me} (layer {my_layer}) imports {target} (layer {layer}): an upward arrow"
        if layer == my_layer and prefix != my_prefix:
            raise AssertionError(
                f"{me} imports {target}: two packages of layer {layer} must stay independent"
            )


def test_present_never_imports_streamlit_or_the_workbook_writer() -> None:
    for path in MODULES:
        me = module_name(path)
        text = path.read_text(encoding="utf-8")
        assert "import streamlit" not in text and "from streamlit" not in text, f"{me} imports Streamlit"
        if me.startswith("screening.present"):
            assert not any(t.startswith("screening.io.export") for t in imports_of(path)), me


def test_no_import_cycles_between_modules() -> None:
    graph = {module_name(p): {t for t in imports_of(p) if t != module_name(p)} for p in MODULES}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " → ".join([*trail, node, nxt]))
            if state.get(nxt) is None:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])


def test_the_layer_table_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself can fail: a stage importing the workbook writer is refused."""
    assert layer_of("screening.stages.score")[1] < layer_of("screening.io.export")[1]
    assert layer_of("screening.io.read") == ("screening.io", 3)
    assert layer_of("screening.io.export") == ("screening.io.export", 6)
