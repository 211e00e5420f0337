"""Finishing touches on a rendered report page: the contents box, and table classes for alignment and wrapping.

Pure HTML in, HTML out (BeautifulSoup): numeric columns are marked for right alignment, missing values
("not disclosed", dashes) for muted type, and long text cells so that they may wrap; pandas' index-name
row is folded into the header. The contents box links the page's section headings.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

_NUMBER = re.compile(
    r"^[(\s]*[+\-\u2212\u2013]?\s*(?:USD\s*|US\$|\$|\u20ac|\u00a3)?[+\-\u2212]?\d[\d,]*(?:\.\d+)?\s*"
    r"(?:%|pp|bp|x|k|m|bn|[KMBT])?\)?(?:\s?[A-Za-z$%]{1,5}(?:/[A-Za-z]{1,5}){0,2})?\s*$"
)
_NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*[.)]?\s")  # "1. Headline": the contents list adds no numbers
_LONG_TEXT = 32  # characters: longer text cells may wrap even on screen
_MISSING = {"", "-", "\u2013", "\u2014", "n/a", "na", "nan", "none", "not disclosed", "\u00a0"}


def _is_missing(text: str) -> bool:
    return text.strip().lower() in _MISSING


def _span(cell: Tag, name: str) -> int:
    try:
        return max(1, int(str(cell.get(name) or 1)))
    except ValueError:
        return 1


def _grid(rows: list[Tag]) -> list[list[tuple[int, Tag]]]:
    """Rows of ``(column position, cell)``, honouring col- and rowspans."""
    grid: list[list[tuple[int, Tag]]] = []
    covered: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in rows:
        row: list[tuple[int, Tag]] = []
        col = 0
        for cell in tr.find_all(["th", "td"], recursive=False):
            while covered.get(col, 0) > 0:
                col += 1
            width, height = _span(cell, "colspan"), _span(cell, "rowspan")
            if height > 1:
                covered.update({col + offset: height for offset in range(width)})
            row.append((col, cell))
            col += width
        covered = {c: n - 1 for c, n in covered.items() if n > 1}
        grid.append(row)
    return grid


def _rows(table: Tag, *, header: bool) -> list[Tag]:
    """The table's own rows, in its head (``header=True``) or anywhere else."""
    return [
        tr
        for tr in table.find_all("tr")
        if tr.find_parent("table") is table and (tr.parent is not None and tr.parent.name == "thead") == header
    ]


def _classes(cell: Tag) -> list[str]:
    current = cell.get("class")
    return list(current) if isinstance(current, list) else str(current or "").split()


def _add_class(cell: Tag, name: str) -> None:
    cell["class"] = " ".join([*_classes(cell), name])


def _merge_index_name_row(table: Tag) -> None:
    """Fold pandas' separate index-name header row into the blank corner cell above it."""
    rows = _rows(table, header=True)
    if len(rows) != 2:
        return
    first, second = (tr.find_all(["th", "td"], recursive=False) for tr in rows)
    named = [cell for cell in second if not _is_missing(cell.get_text())]
    if len(first) == len(second) and named == second[:1] and first and _is_missing(first[0].get_text()):
        first[0].string = named[0].get_text()
        first[0]["class"] = "index_name"
        _add_class(rows[1], "mr-empty-header")


def _polish_table(table: Tag) -> None:
    """Mark numeric columns (right-aligned, tabular figures) and missing values."""
    _merge_index_name_row(table)
    body = _grid(_rows(table, header=False))
    numeric: dict[int, bool] = {}
    for row in body:
        for col, cell in row:
            if cell.name != "td":
                continue
            text, marked = cell.get_text(), _classes(cell)
            if _is_missing(text) or "nd" in marked:
                _add_class(cell, "mr-missing")
            else:
                is_number = "num" in marked or bool(_NUMBER.match(text))
                numeric[col] = numeric.get(col, True) and is_number
    for row in body:
        for col, cell in row:
            if cell.name == "td":
                _add_class(cell, "mr-num" if numeric.get(col) else "mr-text")
            if not numeric.get(col) and len(cell.get_text().strip()) > _LONG_TEXT:
                _add_class(cell, "mr-long")
    for row in _grid(_rows(table, header=True)):
        for col, cell in row:
            if numeric.get(col) and _span(cell, "colspan") == 1:
                _add_class(cell, "mr-num")


def _build_toc(soup: BeautifulSoup) -> None:
    """Fill ``nav#contents`` with links to the body's h2 headings (giving ids where missing)."""
    nav = soup.find("nav", id="contents")
    if nav is None:
        return
    headings = _in_body(soup, "h2")
    if not headings:
        nav.decompose()
        return
    title = soup.new_tag("p", attrs={"class": "mr-toc-title"})
    title.string = "Contents"
    numbered = all(_NUMBERED_HEADING.match(h.get_text().strip()) for h in headings)
    listing = soup.new_tag("ol", attrs={"class": "mr-toc-numbered"} if numbered else {})
    for number, heading in enumerate(headings, start=1):
        anchor = heading.get("id") or f"section-{number}"
        heading["id"] = anchor
        link_text = "".join(
            str(s) for s in heading.find_all(string=True) if not (s.parent and s.parent.get("class") == ["anchor-link"])
        ).strip()
        item, link = soup.new_tag("li"), soup.new_tag("a", href=f"#{anchor}")
        link.string = link_text
        item.append(link)
        listing.append(item)
    nav.extend([title, listing])


def _in_body(soup: BeautifulSoup, name: str) -> list[Tag]:
    """The ``name`` elements inside ``main.mr-body``, in document order (as CSS ``main.mr-body NAME`` selects).

    bs4's ``find_all`` rather than ``select``: soupsieve compiles its CSS grammar on first use, about a
    tenth of a second of every cold report.
    """
    found: list[Tag] = []
    seen: set[int] = set()
    for main in soup.find_all("main", class_="mr-body"):
        for element in main.find_all(name):
            if id(element) not in seen:
                seen.add(id(element))
                found.append(element)
    return found


def polish_html(html: str) -> str:
    """Add the contents box and table classes to HTML rendered by the ``mineresearch`` template."""
    soup = BeautifulSoup(html, features="html.parser")
    _build_toc(soup)
    for table in _in_body(soup, "table"):
        _polish_table(table)
    return str(soup)
