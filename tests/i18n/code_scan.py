"""What the i18n tests read from the code: every string literal, the catalogue keys it asks for, and the
literal text handed to Streamlit. AST-based (a comment or a docstring never counts as a use)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The code that speaks to users: the library, the app and its pages.
CODE = sorted([*(ROOT / "screening").rglob("*.py"), ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")])

# The functions that take a catalogue key first: i18n.t / text (also present.t, common.t), and join's separator.
KEY_FUNCTIONS = {"t", "text"}

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _prefix(node: ast.expr) -> str | None:
    """The literal start of an f-string or a ``"lit" + x`` sum (a family of keys), else None."""
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        first = node.values[0].value
        return first if isinstance(first, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
        return node.left.value if isinstance(node.left.value, str) else None
    return None


@dataclass(frozen=True)
class Use:
    path: Path
    line: int
    key: str  # the key, or the literal start of a key family
    family: bool  # True: an f-string or a sum, so ``key`` is a prefix


def literals(paths: list[Path] = CODE) -> set[str]:
    """Every string constant in the code (outside docstrings, which are expression statements)."""
    found: set[str] = set()
    for path in paths:
        tree = _tree(path)
        docstrings = {
            id(n.value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found.add(node.value)
    return found


def key_families(paths: list[Path] = CODE) -> set[str]:
    """Literal starts of keys built in code (``f"page_{key}"``, ``"stage_" + s``): only key-like starts."""
    out: set[str] = set()
    for path in paths:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.JoinedStr | ast.BinOp):
                start = _prefix(node)
                if start and start.endswith("_") and KEY_PATTERN.match(start):
                    out.add(start)
    return out


def key_uses(paths: list[Path] = CODE) -> Iterator[Use]:
    """Every catalogue key the code asks for by literal: ``t("key", …)``, ``text("key")``, ``join(…, "sep")``."""
    for path in paths:
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            args: list[ast.expr] = []
            if name in KEY_FUNCTIONS and node.args:
                args = [node.args[0]]
            elif name == "join" and len(node.args) >= 2:
                args = [node.args[1]]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield Use(path, node.lineno, arg.value, False)
                elif (start := _prefix(arg)) is not None and start:
                    yield Use(path, node.lineno, start, True)


# Streamlit calls that put text on the page (their first argument, or these keywords, is what the user reads).
ST_TEXT_CALLS = {
    "title",
    "header",
    "subheader",
    "caption",
    "write",
    "markdown",
    "text",
    "button",
    "download_button",
    "link_button",
    "page_link",
    "info",
    "success",
    "warning",
    "error",
    "exception",
    "toast",
    "metric",
    "expander",
    "tabs",
    "radio",
    "selectbox",
    "multiselect",
    "checkbox",
    "toggle",
    "number_input",
    "slider",
    "select_slider",
    "text_input",
    "text_area",
    "date_input",
    "time_input",
    "file_uploader",
    "color_picker",
    "spinner",
    "status",
    "popover",
    "form_submit_button",
    "chat_input",
    "progress",
    "TextColumn",
    "NumberColumn",
    "ProgressColumn",
    "CheckboxColumn",
    "SelectboxColumn",
    "LinkColumn",
}
ST_KEYWORD_ONLY = {"Page", "set_page_config"}  # their first argument is a path; the title is a keyword
LOGGERS = {"LOG", "log", "logger", "logging"}  # log lines are for the operator, not the page
ST_TEXT_KEYWORDS = {"label", "body", "help", "text", "placeholder", "title", "caption", "page_title"}
WORDS = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")
ICONS = re.compile(r":material/[a-z0-9_]+:")  # Streamlit's icon short codes are not words


def _literal_words(node: ast.expr) -> str | None:
    """The user-visible words of a literal argument (a str constant, or the fixed parts of an f-string)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if WORDS.search(ICONS.sub("", node.value)) else None
    if isinstance(node, ast.JoinedStr):
        fixed = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return fixed if WORDS.search(ICONS.sub("", fixed)) else None
    return None


def _streamlit_receiver(node: ast.expr) -> bool:
    """``st.x(...)``, ``st.sidebar.x(...)``, ``col.x(...)``: any attribute call but a logger's; the method
    name decides."""
    if not isinstance(node, ast.Attribute):
        return False
    owner = node.value
    return not (
        (isinstance(owner, ast.Name) and owner.id in LOGGERS)
        or (isinstance(owner, ast.Attribute) and owner.attr in LOGGERS)
    )


def streamlit_literals(source: str, filename: str = "<planted>") -> list[tuple[int, str, str]]:
    """(line, call, text) for every Streamlit text call given literal words instead of catalogue text."""
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not (isinstance(node, ast.Call) and _streamlit_receiver(node.func)):
            continue
        name = _name(node.func)
        if name not in ST_TEXT_CALLS | ST_KEYWORD_ONLY:
            continue
        first = [] if name in ST_KEYWORD_ONLY else node.args[:1]
        candidates = first + [k.value for k in node.keywords if k.arg in ST_TEXT_KEYWORDS]
        for arg in candidates:
            words = _literal_words(arg)
            if words is not None:
                found.append((node.lineno, str(name), words))
    return found
