"""The catalogue scores records, never attention: no page views, likes, log-ins or time spent."""

import ast
import re
from pathlib import Path

from jiceng.assessment.catalogue import CATALOGUE

CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "catalogue"
TESTS_DIR = Path(__file__).resolve().parent
# Field and table names of attention metrics, and Django's own login records.
FORBIDDEN = re.compile(
    r"page_?views?|view_count|views_count|likes?(?![a-z])|like_count|thumbs|last_login|login|logon|sign_?in"
    r"|session|AuditLog|visit|dwell|time_spent|online_minutes|clicks?",
    re.IGNORECASE,
)


def _code_words(path: Path):
    """Every name, attribute, keyword, import and non-docstring string in a module: what the code touches."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and ast.get_docstring(node) is not None
        ):
            docstrings.add(id(node.body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute):
            yield node.lineno, node.attr
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.value.lineno, node.arg
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, f"{node.module} {' '.join(a.name for a in node.names)}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_indicator_reads_views_likes_or_logins():
    found = [
        f"{path.name}:{n}: {word}"
        for path in sorted(CATALOGUE_DIR.glob("*.py"))
        for n, word in _code_words(path)
        if FORBIDDEN.search(word)
    ]
    assert found == []


def test_the_source_check_sees_a_query_on_a_login_field(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""Counts page views."""\nUser.objects.filter(last_login__gte=lo)\n', encoding="utf-8")
    assert [w for _n, w in _code_words(bad) if FORBIDDEN.search(w)] == ["last_login__gte"]


def test_the_check_would_catch_such_a_field():
    assert FORBIDDEN.search("User.objects.filter(last_login__gte=lo)")
    assert FORBIDDEN.search("Notice.objects.aggregate(Sum('page_views'))")
    assert FORBIDDEN.search("likes_count")


def test_every_computation_says_what_it_counts_and_has_a_test():
    tests = "".join(p.read_text(encoding="utf-8") for p in TESTS_DIR.glob("test_catalogue_*.py"))
    assert len(CATALOGUE) >= 13
    for code, comp in CATALOGUE.items():
        assert comp.name and comp.description and comp.unit and comp.period, code
        assert comp.suggest, code
        assert f'"{code}"' in tests, f"{code} has no test"
