"""Keep the source notebooks clean: no outputs, no execution counts (``python -m mineresearch.cli.notebook_check``).

Outputs belong to a run (``reports/``), never to the notebooks in the repository: a saved output would be a
stale report, and would make every diff noisy. ``--fix`` strips them in place (nbstripout-style).
"""

from __future__ import annotations

import sys
from pathlib import Path


def dirty_cells(path: Path) -> list[str]:
    """Where a notebook carries outputs or execution counts (``[]`` when clean)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path.name}: cell {i} has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"{path.name}: cell {i} has an execution count")
    return problems


def strip(path: Path) -> None:
    """Remove outputs and execution counts from a notebook, in place."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    from mineresearch.paths import notebooks_dir

    args = list(sys.argv[1:] if argv is None else argv)
    fix = "--fix" in args
    paths = [Path(a) for a in args if a != "--fix"] or sorted(notebooks_dir().glob("*.ipynb"))
    problems = [p for path in paths for p in dirty_cells(path)]
    if problems and fix:
        for path in paths:
            strip(path)
        print(f"stripped outputs from {len(paths)} notebook(s)")
        return 0
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run `python -m mineresearch.cli.notebook_check --fix` to strip them", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
