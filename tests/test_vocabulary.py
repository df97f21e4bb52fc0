"""The vocabulary table against the code and the docs that read it."""

import re
from pathlib import Path

import pytest
import sympy as sp

from prove import vocabulary as V
from prove.backends.identity import sympy_translate

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text()

def test_every_name_has_one_row():
    names = [b.name for b in V.VOCABULARY]
    assert len(names) == len(set(names))
    assert all(b.doc and b.signature for b in V.VOCABULARY)


@pytest.mark.parametrize("name", sorted(V.SCALAR_FUNCTIONS))
def test_every_scalar_function_has_a_sympy_meaning(name):
    x = sp.Symbol("x", real=True)
    assert name in sympy_translate.SCALAR, f"{name} has no SymPy translation"
    value = sympy_translate.SCALAR[name](x)
    assert isinstance(value, sp.Expr) and value.free_symbols == {x}


@pytest.mark.parametrize("name", [b.name for b in V.VOCABULARY])
def test_every_name_is_documented(name):
    # as code: inside backticks, as a whole word
    pattern = r"`[^`\n]*(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])[^`\n]*`"
    assert re.search(pattern, DOCS), f"{name} is not in docs/language.md"


def documented_names(docs: str) -> list[str]:
    """The names of the table in the docs' "Built-in names" section, in order."""
    match = re.search(r"^## Built-in names\n(.*?)(?=^## |\Z)", docs, re.S | re.M)
    if match is None:
        return []
    return re.findall(r"^\| `([^`]+)` \|", match.group(1), re.M)


def table_disagreement(docs: str) -> list[str]:
    """What keeps the docs' table of built-in names from being the vocabulary,
    one line each (empty when they agree)."""
    listed = documented_names(docs)
    known = [b.name for b in V.VOCABULARY]
    problems = [f"{name}: no row in docs/language.md, Built-in names" for name in known if name not in listed]
    problems += [f"{name}: a row in docs/language.md that no vocabulary entry has"
                 for name in dict.fromkeys(listed) if name not in V.BY_NAME]
    problems += [f"{name}: {listed.count(name)} rows in docs/language.md"
                 for name in dict.fromkeys(listed) if listed.count(name) > 1]
    return problems


def docs_row(b: V.Builtin) -> str:
    cell = lambda text: text.replace("|", "\\|")  # noqa: E731
    return f"| `{b.name}` | {b.kind.value} | {cell(b.signature)} | {cell(b.doc)} |"


def documented_rows(docs: str) -> dict[str, str]:
    match = re.search(r"^## Built-in names\n(.*?)(?=^## |\Z)", docs, re.S | re.M)
    rows = re.findall(r"^(\| `([^`]+)` \|.*\|)$", match.group(1) if match else "", re.M)
    return {name: row for row, name in rows}


@pytest.mark.parametrize("name", [b.name for b in V.VOCABULARY])
def test_each_docs_row_says_what_the_vocabulary_says(name):
    assert documented_rows(DOCS).get(name) == docs_row(V.BY_NAME[name])


def test_the_docs_table_lists_every_vocabulary_name_once():
    problems = table_disagreement(DOCS)
    missing = [b for b in V.VOCABULARY if b.name not in documented_names(DOCS)]
    assert not problems, "\n".join(problems + ["rows to add, from the vocabulary:"]
                                   + [docs_row(b) for b in missing])


def without_row(docs: str, name: str) -> str:
    row = re.compile(r"^\| `" + re.escape(name) + r"` \|.*\n", re.M)
    assert len(row.findall(docs)) == 1
    return row.sub("", docs)


def added_problems(docs: str) -> list[str]:
    """What `docs` reports beyond what the committed docs report (so that these
    tests stay about the comparison when a vocabulary row is being added)."""
    before = table_disagreement(DOCS)
    return [p for p in table_disagreement(docs) if p not in before]


@pytest.mark.parametrize("name", ["sigmoid", "convex", "I", "orders"])
def test_a_row_removed_from_the_docs_is_reported(name):
    assert added_problems(without_row(DOCS, name)) == [f"{name}: no row in docs/language.md, Built-in names"]


def test_a_docs_row_with_no_vocabulary_entry_is_reported():
    docs = DOCS.replace("| `sigmoid` |", "| `swish` | scalar function | one number | x * sigmoid(x) |\n| `sigmoid` |", 1)
    assert added_problems(docs) == ["swish: a row in docs/language.md that no vocabulary entry has"]


def test_a_name_twice_in_the_docs_table_is_reported():
    docs = DOCS.replace("| `sigmoid` |", "| `gelu` | scalar function | one number | again |\n| `sigmoid` |", 1)
    assert added_problems(docs) == ["gelu: 2 rows in docs/language.md"]


def test_a_row_outside_the_built_in_names_section_does_not_count():
    table = re.search(r"^## Built-in names\n.*?(?=^## )", DOCS, re.S | re.M).group(0)
    moved = DOCS.replace(table, "") + "\n" + table.replace("## Built-in names", "### Built-in names", 1)
    assert documented_names(moved) == []
    assert len(table_disagreement(moved)) == len(V.VOCABULARY)
