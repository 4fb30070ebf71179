"""The layering of docs/ARCHITECTURE.md, checked on the source (AST, no import needed).

- `accounts` (the ground) imports no domain app; `roadmaps` and `mentorship` import neither
  `monitoring` nor `notifications` (nor each other); the allowed imports between apps are
  ALLOWED below, the same table as the document.
- No view writes a model: a function in a `views.py` never calls `.save()`, `.create()`,
  `.update()`, `.delete()`, `get_or_create`, `update_or_create` or `bulk_*` (views call services);
  `form.save(commit=False)` builds an unsaved object and is allowed.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOMAIN = ("roadmaps", "mentorship", "monitoring", "notifications", "participants")
APPS = ("accounts", "jobs", *DOMAIN)

#: app -> the other project apps it may import (config, the project package, is open to all)
ALLOWED: dict[str, set[str]] = {
    "accounts": set(),
    "jobs": {"accounts"},
    "roadmaps": {"accounts", "jobs"},
    "mentorship": {"accounts", "jobs"},
    "monitoring": {"accounts", "jobs", "roadmaps", "mentorship"},
    "notifications": {"accounts", "jobs", "roadmaps", "mentorship"},
    "participants": {"accounts", "mentorship", "monitoring", "notifications"},
}

WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "add",
    "remove",
    "set",
    "clear",
}


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported_apps(path: pathlib.Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            if top in APPS:
                found.add((top, node.lineno))
    return found


def import_violations(root: pathlib.Path = ROOT) -> list[str]:
    violations = []
    for app in APPS:
        for path in _sources(app):
            for imported, line in _imported_apps(path):
                if imported != app and imported not in ALLOWED[app]:
                    violations.append(f"{path.relative_to(root)}:{line} imports {imported}")
    return violations


def view_writes(source: str, name: str = "views.py") -> list[str]:
    """Model writes called inside the functions of a views module."""
    tree = ast.parse(source)
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            attr = node.func.attr
            if attr not in WRITES and not attr.startswith("bulk_"):
                continue
            if any(k.arg == "commit" for k in node.keywords):
                continue  # form.save(commit=False) builds an object, writes nothing
            found.append(f"{name}:{node.lineno} {function.name}() calls {ast.unparse(node.func)}()")
    return found


def test_apps_import_only_what_the_architecture_allows():
    assert set(ALLOWED) == set(APPS)
    violations = import_violations()
    assert not violations, "imports against docs/ARCHITECTURE.md:\n" + "\n".join(violations)


def test_the_architecture_document_states_the_same_table():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for app, allowed in ALLOWED.items():
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| `{app}` |")), None)
        assert line is not None, f"docs/ARCHITECTURE.md has no row for {app}"
        assert {a for a in APPS if f"`{a}`" in line.split("|")[2]} == allowed, line


def test_no_view_writes_a_model():
    found = []
    for app in APPS:
        for path in _sources(app):
            if path.name.endswith("views.py") or path.parent.name == "views":
                found += view_writes(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "views write models themselves (call a service):\n" + "\n".join(found)


# The checks themselves catch what they are meant to catch ---------------------------------------
@pytest.mark.parametrize(
    "code",
    [
        "def v(request):\n    obj.save()",
        "def v(request):\n    Model.objects.create(a=1)",
        "def v(request):\n    Model.objects.filter(pk=1).update(a=1)",
        "def v(request):\n    obj.delete()",
        "def v(request):\n    Model.objects.get_or_create(a=1)",
        "def v(request):\n    Model.objects.bulk_create([])",
        "def v(request):\n    form.save()",
        "def v(request):\n    community.members.add(p)",
    ],
)
def test_view_write_check_finds_writes(code):
    assert view_writes(code)


def test_view_write_check_allows_reads_and_unsaved_objects():
    assert not view_writes("def v(request):\n    x = form.save(commit=False)\n    return services.x_create(x=x)")


def test_import_check_finds_a_forbidden_import(tmp_path):
    (tmp_path / "accounts").mkdir()
    bad = tmp_path / "accounts" / "x.py"
    bad.write_text("def f():\n    from mentorship.models import Person\n", encoding="utf-8")
    assert _imported_apps(bad) == {("mentorship", 2)}
    assert "mentorship" not in ALLOWED["accounts"]


# Run with every landing (the protocol runs this file): product code asks one «today»
# (tests/test_today.py) and every registered reminder kind's lookups name real fields.
from tests.test_today import test_product_code_asks_local_today_for_the_date  # noqa: E402,F401


def test_registered_reminder_lookups_name_real_fields():
    from accounts.reminders import check_registered_reminders

    assert check_registered_reminders() == []
