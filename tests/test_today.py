"""One «today» per municipality: product code asks `accounts.models.local_today` (or
`accounts.scoping.user_today`, which asks it), never the clock for a date itself.

An AST check over the product's packages: `date.today()`, `datetime.today()`,
`timezone.localdate()`, `<clock>.now().date()` and `timezone.localtime().date()` are found
anywhere but inside `local_today`.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = (
    "accounts",
    "jobs",
    "roadmaps",
    "mentorship",
    "monitoring",
    "notifications",
    "participants",
    "bench",
    "config",
)
ALLOWED = {("accounts/models.py", "local_today")}


def _dotted(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression node
        return ""


def _is_clock_date(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "localdate"  # from django.utils.timezone import localdate
    if not isinstance(func, ast.Attribute):
        return False
    owner = _dotted(func.value)
    if func.attr == "today" and owner.split(".")[-1] in {"date", "datetime"}:
        return True  # date.today(), dt.date.today(), datetime.datetime.today()
    if func.attr == "localdate":
        return True  # timezone.localdate(...)
    if func.attr == "date" and not call.args and isinstance(func.value, ast.Call):
        inner = func.value
        inner_name = inner.func.attr if isinstance(inner.func, ast.Attribute) else getattr(inner.func, "id", "")
        # timezone.now().date(), datetime.now().date(), timezone.localtime().date() (no moment given)
        return inner_name == "now" or (inner_name == "localtime" and not inner.args)
    return False


def clock_dates(source: str, name: str) -> list[str]:
    """Where `source` asks the clock for a date, outside the allowed functions."""
    tree = ast.parse(source)
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inside = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call) and _is_clock_date(child) and (name, function) not in ALLOWED:
                found.append(f"{name}:{child.lineno} {ast.unparse(child)}")
            visit(child, inside)

    visit(tree, "")
    return found


def test_product_code_asks_local_today_for_the_date():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += clock_dates(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, (
        "ask accounts.models.local_today(municipality) or accounts.scoping.user_today(user):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "code",
    [
        "import datetime\nx = datetime.date.today()",
        "import datetime as dt\nx = dt.date.today()",
        "from datetime import date\nx = date.today()",
        "from datetime import datetime\nx = datetime.today()",
        "from django.utils import timezone\nx = timezone.localdate()",
        "from django.utils import timezone\nx = timezone.localdate(timezone=tz)",
        "from django.utils.timezone import localdate\nx = localdate()",
        "from django.utils import timezone\nx = timezone.now().date()",
        "import datetime as dt\nx = dt.datetime.now().date()",
        "from django.utils import timezone\nx = timezone.localtime().date()",
        "def f():\n    return dt.date.today()",
    ],
)
def test_the_check_finds_the_clock(code):
    assert clock_dates(code, "x.py")


@pytest.mark.parametrize(
    "code",
    [
        "x = local_today(municipality)",
        "x = scoping.user_today(user)",
        "x = timezone.localtime(obj.created_at).date()",
        "x = timezone.now()",
        "x = row.date()",
    ],
)
def test_the_check_lets_dates_of_stored_moments_pass(code):
    assert not clock_dates(code, "x.py")


def test_local_today_is_the_allowed_place():
    source = (ROOT / "accounts" / "models.py").read_text(encoding="utf-8")
    assert "def local_today" in source
    assert not clock_dates(source, "accounts/models.py")
