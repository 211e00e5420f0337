"""Number formatting for prose, tables and chart labels, one convention everywhere.

- USD with a scale: ``$45.8M``, ``$1.2B``; below a million in full: ``$27,324``. A table column (or a
  KPI row) of amounts keeps one readable scale (:func:`usd_column`): ``$0.04M`` under ``$29.7M``, not
  ``$41,105``; ``$238.5M`` beside ``$808.2M``, never ``$0.2B``.
- Changes come from :func:`mineresearch.metrics.changes.change` and read ``+13.8%``, ``-0.3 pp`` (for
  metrics in percent) or ``n.m.`` (:func:`change_text`).
- Negatives carry a leading minus before the currency sign: ``-$45.8M``.
- Missing values (None, NaN) read ``not disclosed``: the reports never guess a figure.
- Percent values are given in percent units (``35.4`` means 35.4%); shares in fractions go through
  :func:`share`.

Also the escaping of text for HTML and Markdown outputs (:func:`escape_html`, :func:`to_markdown`).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable

from mineresearch.metrics.changes import Change, change

NOT_DISCLOSED = "not disclosed"
NOT_MEANINGFUL = "n.m."

_MINUS = "-"


def is_missing(value: float | None) -> bool:
    """True for None and NaN (and for anything that is not a real number)."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _sign(value: float) -> str:
    return _MINUS if value < 0 else ""


def usd(value: float | None, *, decimals: int = 1) -> str:
    """US dollars with a scale: ``$1.2B``, ``$45.8M``, ``$27,324``, ``-$45.8M``.

    Args:
        value: Amount in USD.
        decimals: Decimals shown for millions and billions.

    Returns:
        The formatted amount, or ``not disclosed``.
    """
    if is_missing(value):
        return NOT_DISCLOSED
    v = float(value)  # type: ignore[arg-type]
    size = abs(v)
    if round(size / 1e6, decimals) >= 1000:
        body = f"{size / 1e9:,.{decimals}f}B"
    elif size >= 1e6:
        body = f"{size / 1e6:,.{decimals}f}M"
    elif round(size) == 0:
        return "$0"
    else:
        body = f"{size:,.0f}"
    return f"{_sign(v)}${body}"


def usd_column(values: Iterable[float | None], *, decimals: int = 1) -> Callable[[float | None], str]:
    """A formatter that writes a column (or a table row) of amounts in one readable scale.

    The scale: billions, with ``decimals + 1`` decimals (``$2.25B``), only when every amount present is
    at least $1B; otherwise millions as soon as one amount reaches $1M (``$238.5M``, ``$5,353.4M``,
    never ``$0.2B`` or ``$0.11B``); otherwise amounts in full, as
    :func:`usd` writes them. In millions or billions, an amount too small to show with the column's
    decimals gets up to two more (``$0.04M``, ``$0.003M``) rather than reading as zero; one smaller
    still is written in full, and an exact zero reads ``$0``. So ``$908,000`` among millions reads
    ``$0.9M``.

    Args:
        values: The column's amounts in USD (missing ones are ignored).
        decimals: Decimals shown in millions (billions get one more).

    Returns:
        A function from one amount to its text (``not disclosed`` when missing).
    """
    present = [abs(float(v)) for v in values if not is_missing(v)]  # type: ignore[arg-type]
    largest = max(present, default=0.0)
    billions = sum(round(v / 1e6, decimals) >= 1000 for v in present)
    if present and billions == len(present):
        scale, suffix, decimals = 1e9, "B", decimals + 1
    elif largest >= 1e6:
        scale, suffix = 1e6, "M"
    else:
        return lambda value: usd(value, decimals=decimals)

    def formatted(value: float | None) -> str:
        if is_missing(value):
            return NOT_DISCLOSED
        v = float(value)  # type: ignore[arg-type]
        if v == 0:
            return "$0"
        places = decimals
        while round(abs(v) / scale, places) == 0:
            if places == decimals + 2:
                return usd(v, decimals=decimals)
            places += 1
        return f"{_sign(v)}${abs(v) / scale:,.{places}f}{suffix}"

    return formatted


def usd_per_btc(value: float | None) -> str:
    """USD per bitcoin in full: ``$27,324 per BTC``."""
    if is_missing(value):
        return NOT_DISCLOSED
    v = float(value)  # type: ignore[arg-type]
    return f"{_sign(round(v))}${abs(v):,.0f} per BTC"


def usd_thousands(value: float | None) -> str:
    """A compact label in thousands of USD, for chart cells: ``$12k``, ``-$5k``, ``$0k``."""
    if is_missing(value):
        return "n/d"
    k = round(float(value) / 1e3)  # type: ignore[arg-type]
    return f"{_sign(k)}${abs(k):,}k"


def btc(value: float | None, *, decimals: int = 0) -> str:
    """A bitcoin amount: ``1,063 BTC``."""
    if is_missing(value):
        return NOT_DISCLOSED
    v = float(value)  # type: ignore[arg-type]
    text = f"{abs(v):,.{decimals}f}"
    sign = _MINUS if v < 0 and text.strip("0.,") else ""
    return f"{sign}{text} BTC"


def pct(value_pct: float | None, *, decimals: int = 1, signed: bool = False) -> str:
    """A percentage given in percent units: ``35.4%``, or ``+35.4%`` when ``signed``."""
    if is_missing(value_pct):
        return NOT_DISCLOSED
    v = round(float(value_pct), decimals)  # type: ignore[arg-type]
    plus = "+" if signed and v > 0 else ""
    sign = _MINUS if v < 0 else ""
    return f"{plus}{sign}{abs(v):,.{decimals}f}%"


def share(fraction: float | None, *, decimals: int = 1) -> str:
    """A fraction shown as a percentage: ``0.354`` -> ``35.4%``."""
    if is_missing(fraction):
        return NOT_DISCLOSED
    return pct(float(fraction) * 100.0, decimals=decimals)  # type: ignore[arg-type]


def pp(value_pp: float | None, *, decimals: int = 1) -> str:
    """A change in percentage points, signed unless zero: ``-2.1 pp``, ``+0.4 pp``, ``0.0 pp``."""
    if is_missing(value_pp):
        return NOT_DISCLOSED
    return pct(value_pp, decimals=decimals, signed=True)[:-1] + " pp"


def ehs(value: float | None, *, decimals: int = 1) -> str:
    """Hashrate in exahashes per second: ``831.4 EH/s``."""
    if is_missing(value):
        return NOT_DISCLOSED
    v = float(value)  # type: ignore[arg-type]
    return f"{_sign(v)}{abs(v):,.{decimals}f} EH/s"


def usd_per_ph_day(value: float | None, *, decimals: int = 2) -> str:
    """Hashprice in USD per petahash per second per day: ``$52.31/PH/day``."""
    if is_missing(value):
        return NOT_DISCLOSED
    v = float(value)  # type: ignore[arg-type]
    return f"{_sign(round(v, decimals))}${abs(v):,.{decimals}f}/PH/day"


def change_text(value: Change, *, decimals: int = 1) -> str:
    """A :class:`~mineresearch.metrics.changes.Change` as table text: ``+13.8%``, ``-0.3 pp``, ``n.m.``."""
    if value.not_meaningful:
        return NOT_MEANINGFUL
    if not value.ok:
        return NOT_DISCLOSED
    if value.unit == "pp":
        return pp(value.value, decimals=decimals)
    return pct(value.value, decimals=decimals, signed=True)


def change_phrase(current: float | None, previous: float | None, previous_label: str, unit: str = "") -> str:
    """``"up 12.3% from 2025Q1"``, ``"down 0.3 pp from 2025Q1"``, ``"unchanged from 2025Q1"``.

    The change comes from :func:`mineresearch.metrics.changes.change`. When a percent change is not
    meaningful (tiny base) the phrase keeps the direction only (``"up from 2025Q1"``); across a sign
    flip, or with a value missing, it is ``""``.
    """
    moved = change(current, previous, unit)
    if moved.not_meaningful:
        cur, old = float(current), float(previous)  # type: ignore[arg-type]
        if cur * old > 0:
            return f"{'up' if cur > old else 'down'} from {previous_label}"
        return ""
    if not moved.ok:
        return ""
    if round(moved.value, 1) == 0:
        return f"unchanged from {previous_label}"
    size = pp(abs(moved.value))[1:] if moved.unit == "pp" else pct(abs(moved.value))
    return f"{'up' if moved.value > 0 else 'down'} {size} from {previous_label}"


def join_words(items: list[str]) -> str:
    """``["a"]`` -> ``"a"``; ``["a", "b", "c"]`` -> ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def lower_first(label: str) -> str:
    """Lower-case a label's first letter for use mid-sentence, unless it starts an acronym (``SG&A``)."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def net_result(value: float | None) -> str:
    """The bottom line in words: ``a net loss of $45.8M``, ``net income of $12.0M``."""
    if is_missing(value):
        return f"net income {NOT_DISCLOSED}"
    v = float(value)  # type: ignore[arg-type]
    if round(v) == 0:
        return "a break-even net result"
    if v < 0:
        return f"a net loss of {usd(-v)}"
    return f"net income of {usd(v)}"


def escape_html(text: object) -> str:
    """Escape text for HTML: ``A&B <Mining>`` -> ``A&amp;B &lt;Mining&gt;``."""
    return html.escape(str(text), quote=True)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$>-])")


def to_markdown(text: object) -> str:
    """Make plain text safe to emit as Markdown (e.g. ``IPython.display.Markdown``).

    HTML-escapes it (Markdown passes raw HTML through), then backslash-escapes Markdown punctuation,
    including ``$``, which notebook front ends would otherwise typeset as mathematics.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escape_html(text))


def to_html(text: object, *, tag: str = "p") -> str:
    """Wrap escaped plain text in an HTML element: ``<p>...</p>``."""
    return f"<{tag}>{escape_html(text)}</{tag}>"
