"""Fail when a module is over 300 lines or a function over 60 (issue 17).

Walks the project's own Python files (not the virtualenv, bench/, tests/ or migrations/: a
benchmark is one long script by nature and migrations are generated). A function's length is
`end_lineno - lineno + 1`, decorators aside, nested functions counted on their own as well.
`python .ci/code_sizes.py` prints each offender and exits 1, or prints nothing.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "bench", "tests", "migrations", ".git", "node_modules"}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def project_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED.intersection(parts):
            yield path


def offences(path: Path) -> Iterator[str]:
    source = path.read_text()
    where = path.relative_to(ROOT)
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        yield f"{where}: {lines} lines (at most {MAX_MODULE_LINES})"
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield (
                    f"{where}:{node.lineno}: {node.name} is {length} lines "
                    f"(at most {MAX_FUNCTION_LINES})"
                )


def main() -> int:
    found = [offence for path in project_files() for offence in offences(path)]
    for offence in found:
        print(offence)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
