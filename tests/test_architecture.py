"""The import rules of docs/ARCHITECTURE.md, read from the code itself with `ast`, so they
cannot rot: every `import` and `from … import` counts, wherever it is written (at the top,
inside a function, under `if TYPE_CHECKING:`), and so does `importlib.import_module("…")`
with a written-out name.

Each rule is one test; a failure lists every offending file:line and what it imports or
calls there."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "c4d"
PAGES = ROOT / "worksheets"

# A module longer than this must say in its docstring why it reads best whole.
MAX_LINES = 650
# The words that say so ("… one concept that reads best whole: …", "kept whole because …").
READS_BEST_WHOLE = re.compile(r"\b(reads? best (as one |in one piece|whole)|kept whole|stays whole)", re.IGNORECASE)

# Store methods that write, as a page would call them (db.save_ballot(...), store.set_setting(...)).
WRITE_PREFIXES = ("add_", "save_", "update_", "delete_", "set_", "create_", "cast_", "restore_")
# Names pages give the store (db = ui.store()); a name bound to ui.store() is added per page.
STORE_NAMES = {"db", "store"}

THIRD_PARTY_FOR_MODELS = {"pydantic", "pydantic_core"}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the full dotted name imported, e.g. "c4d.voting.model"

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(dotted: str) -> bool:
    """Whether a dotted name is a module or package of this repository."""
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


@cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def imports_of(path: Path) -> tuple[Import, ...]:
    """Every module a file imports, anywhere in it. `from a.b import c` counts as a.b.c when
    that is a module of ours (`from c4d import export`), else as a.b."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                full = f"{source}.{alias.name}"
                found.append(Import(path, node.lineno, full if is_module(full) else source))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (_dotted(node.func) in {"importlib.import_module", "import_module", "__import__"})):
            found.append(Import(path, node.lineno, node.args[0].value))
    return tuple(sorted(set(found), key=lambda i: (i.line, i.module)))


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def c4d_modules() -> list[Path]:
    return python_files(PACKAGE)


def is_under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def top(name: str) -> str:
    return name.split(".")[0]


def is_stdlib(name: str) -> bool:
    return top(name) in sys.stdlib_module_names or top(name) == "__future__"


def tool_model_modules() -> set[str]:
    """c4d.<tool>.model for every tool folder that has one."""
    return {module_name(p) for p in PACKAGE.glob("*/model.py")}


# The shared text helpers (numbers, dates, sizes, clipping) sit beside c4d.models at the bottom
# of the package and import only the standard library (test_text_helpers_import_only_the_standard_library),
# so a model file may word its messages with them without depending on anything else.
SHARED_TEXT = "c4d.text"


def is_vocabulary(name: str) -> bool:
    """The shared vocabulary: c4d.models, c4d.text and the tools' model files."""
    return name in {"c4d.models", SHARED_TEXT} or name in tool_model_modules() or (
        # `from c4d.voting.model import Ballot` is read as c4d.voting.model already; a name
        # under a model module (a class imported by its dotted path) counts too.
        any(is_under(name, m) for m in tool_model_modules()))


def report(offences: list[str], rule: str) -> str:
    return f"{rule}\n  " + "\n  ".join(offences)


# ---- (a) Streamlit ----------------------------------------------------------------------------

def test_only_ui_imports_streamlit():
    offences = [f"{i.where()} imports {i.module}"
                for path in c4d_modules() if path != PACKAGE / "ui.py"
                for i in imports_of(path) if top(i.module) == "streamlit"]
    assert not offences, report(offences, "Only c4d/ui.py may import streamlit inside c4d/ "
                                          "(pages and app.py use Streamlit; the domain does not):")


# ---- (b) model files ----------------------------------------------------------------------------

def model_files() -> list[Path]:
    return [PACKAGE / "models.py", *sorted(PACKAGE.glob("*/model.py"))]


def test_model_files_import_only_the_shared_vocabulary():
    offences = []
    for path in model_files():
        for i in imports_of(path):
            if is_stdlib(i.module) or top(i.module) in THIRD_PARTY_FOR_MODELS:
                continue
            if is_vocabulary(i.module) and i.module != module_name(path):
                continue
            offences.append(f"{i.where()} imports {i.module}")
    assert not offences, report(offences, "Model files (c4d/models.py, c4d/*/model.py) may import only "
                                          "c4d.models, c4d.text, other tools' model.py, the standard library "
                                          "and pydantic — also under TYPE_CHECKING and inside functions:")


def test_text_helpers_import_only_the_standard_library():
    offences = [f"{i.where()} imports {i.module}"
                for i in imports_of(PACKAGE / "text.py") if not is_stdlib(i.module)]
    assert not offences, report(offences, "c4d/text.py sits at the bottom of the package, under the model "
                                          "files: it may import only the standard library:")


# ---- (c) the database layer -----------------------------------------------------------------------

def test_db_imports_only_models_config_and_itself():
    offences = []
    for path in python_files(PACKAGE / "db"):
        for i in imports_of(path):
            if top(i.module) != "c4d":
                continue  # the standard library, SQLAlchemy, ...
            if i.module in {"c4d.models", "c4d.config"} or is_vocabulary(i.module) or is_under(i.module, "c4d.db"):
                continue
            offences.append(f"{i.where()} imports {i.module}")
    assert not offences, report(offences, "c4d/db/ may import only c4d.models, c4d.text, c4d.config, the "
                                          "tools' model.py files and c4d.db.*:")


# ---- (d) pages never write to the store ---------------------------------------------------------------

def store_names(tree: ast.Module) -> set[str]:
    """The names a page gives the store: db and store, any name assigned `ui.store()`, and
    any parameter annotated `Store`."""
    names = set(STORE_NAMES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and _dotted(node.value.func).split(".")[-1] == "store":
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.arg) and node.annotation is not None \
                and "Store" in ast.unparse(node.annotation):
            names.add(node.arg)
    return names


def is_store(node: ast.AST, names: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in names
    # ui.store().save_ballot(...)
    return isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "store"


def test_pages_never_call_store_writes():
    offences = []
    pages = [*python_files(PAGES), ROOT / "app.py"]
    for path in pages:
        tree = parse(path)
        names = store_names(tree)
        for node in sorted(ast.walk(tree), key=lambda n: getattr(n, "lineno", 0)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr.startswith(WRITE_PREFIXES) and is_store(node.func.value, names):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} calls "
                                f"{ast.unparse(node.func)}(...)")
    assert not offences, report(offences, "Pages (worksheets/*.py, app.py) write only through a tool's "
                                          "commands, never by calling a store write:")


# ---- (e) exports reach tools through the worksheet interface ------------------------------------------

def test_export_never_imports_a_tools_worksheet_module():
    offences = [f"{i.where()} imports {i.module}"
                for path in python_files(PACKAGE / "export") for i in imports_of(path)
                if re.fullmatch(r"c4d\.[a-z_]+\.worksheet(\..+)?", i.module)]
    assert not offences, report(offences, "c4d/export/ reaches a tool through c4d.worksheet (the report "
                                          "section) and the tool's public functions, never by importing "
                                          "the tool's worksheet module:")


# ---- (f) module size ----------------------------------------------------------------------------------

def test_no_module_is_over_the_size_limit_without_saying_why():
    offences = []
    for path in c4d_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines <= MAX_LINES:
            continue
        docstring = ast.get_docstring(parse(path)) or ""
        if not READS_BEST_WHOLE.search(docstring):
            offences.append(f"{path.relative_to(ROOT)}:1 has {lines} lines")
    assert not offences, report(offences, f"Modules in c4d/ over {MAX_LINES} lines must be split by concept, "
                                          "or say in their docstring why they read best whole "
                                          "(e.g. 'one concept that reads best whole: ...'):")


# ---- (g) tools sit below the exports --------------------------------------------------------------------

# The command line sits above the exports (as the pages and app.py do): it runs them.
ABOVE_EXPORT = {PACKAGE / "cli.py"}


def test_no_tool_imports_the_exports():
    offences = [f"{i.where()} imports {i.module}"
                for path in c4d_modules()
                if PACKAGE / "export" not in path.parents and path not in ABOVE_EXPORT
                for i in imports_of(path) if is_under(i.module, "c4d.export")]
    assert not offences, report(offences, "Tools and shared modules sit below c4d/export/ and never import "
                                          "it (the exports compose the tools' report sections):")


# ---- one home for the text helpers ----------------------------------------------------------------

# Names (and the old names) of c4d.text's helpers: a function of that name anywhere else is a copy
# that will drift ('20000' on one page, '20,000' on the next; '200 MB' here, '200.0 MB' there).
TEXT_HELPER_NAMES = {
    "number", "number_text", "format_number", "_num", "percent", "pct", "_pct", "share_of", "plural", "_plural",
    "listed", "and_join", "_join", "long_date", "_long_date", "day_label", "weekday_date", "short_date",
    "when_label", "day_month", "size_label", "_size_text", "clip", "_short",
}


def test_text_helpers_are_written_once_in_c4d_text():
    offences = []
    for path in [*c4d_modules(), *python_files(PAGES)]:
        if path == PACKAGE / "text.py":
            continue
        # Module-level functions only: a method (a route's `_join`) or a function's own local
        # helper (a form's `number` parser) is not a copy of a text helper.
        for node in parse(path).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in TEXT_HELPER_NAMES:
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} defines {node.name}()")
    assert not offences, report(offences, "Numbers, dates, sizes, plurals and clipping are written by c4d.text; "
                                          "import its helper instead of defining another:")


# ---- the reader itself ------------------------------------------------------------------------------------

def test_the_reader_sees_every_kind_of_import(tmp_path, monkeypatch):
    """The rules above are only as good as the reader: it must see imports in functions, under
    TYPE_CHECKING, relative ones, `from c4d import export` and importlib with a name."""
    package = tmp_path / "c4d" / "tool"
    package.mkdir(parents=True)
    (tmp_path / "c4d" / "__init__.py").write_text("")
    (tmp_path / "c4d" / "export").mkdir()
    (tmp_path / "c4d" / "export" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "worksheet.py").write_text("")
    source = package / "model.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from c4d.db.store import Store\n"
        "def f():\n"
        "    import streamlit as st\n"
        "from . import worksheet\n"
        "from c4d import export\n"
        "import importlib\n"
        "importlib.import_module('c4d.export.results')\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    seen = {(i.line, i.module) for i in imports_of(source)}
    assert {(3, "c4d.db.store"), (5, "streamlit"), (6, "c4d.tool.worksheet"), (7, "c4d.export"),
            (9, "c4d.export.results")} <= seen


def test_the_page_reader_sees_store_writes():
    tree = ast.parse("db = ui.store()\nmine = ui.store()\ndb.save_ballot(b)\nmine.set_setting('k', 'v')\n"
                     "ui.store().delete_session(s)\ndb.ballots(c)\n"
                     "def helper(repo: Store):\n    repo.add_decision(d)\n")
    names = store_names(tree)
    calls = [ast.unparse(n.func) for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr.startswith(WRITE_PREFIXES) and is_store(n.func.value, names)]
    assert sorted(calls) == ["db.save_ballot", "mine.set_setting", "repo.add_decision", "ui.store().delete_session"]
