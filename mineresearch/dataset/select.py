"""Which value a quarter's metric takes when several sources give one, and the wide per-quarter view.

The rule, applied to the rows of one (ticker, period, metric, line_item):

1. source type: ``primary`` over ``secondary`` over ``low``;
2. a row marked ``restated`` over one that is not;
3. the later source: a source's date is the latest period end it reports for that company (a figure
   quoted as a comparative in a later release or filing reflects any later revision);
4. the more precise figure (the smaller ``precision``, the place value of the last printed digit:
   35,215 thousand over 35.2 million);
5. the source address in alphabetical order, only to make the choice repeatable.

Then precision refines the pick: where a lower-ranked row agrees with the ranked first within the rounding of
the coarser of the two, the most precise of the agreeing rows is used (Cipher's 2024Q2 net loss: the
release's "$15 million" and an article's exact -$15,291 thousand agree, so -$15,291 thousand is used). A row
that disagrees never displaces the ranked first.

Line items: when a metric is printed over several lines (``line_item`` set), the chosen value of each
line is summed. A row without a line item is the metric's total as printed; when one exists it is
used, and the sum of lines only fills quarters without a total. Values agree when they differ by no
more than half a unit in the last printed digit of the less precise one.
"""

from __future__ import annotations

import pandas as pd

from mineresearch.dataset.vocabulary import METRICS

TYPE_RANK: dict[str, int] = {"primary": 0, "secondary": 1, "low": 2}
GROUP: list[str] = ["ticker", "period", "metric", "line_item"]
CONFLICT_COLUMNS: list[str] = [
    "ticker", "period", "metric", "line_item", "chosen_value", "chosen_source_type", "chosen_source_url",
    "other_value", "other_source_type", "other_source_url", "difference_pct",
]


def agree(a: float, b: float, step_a: float, step_b: float) -> bool:
    """True when two figures are equal up to the rounding of the less precise one.

    ``step_a``/``step_b`` are the place values of each figure's last printed digit (``precision``):
    35.2 million (step 100,000) and 35,215 thousand agree; $50 million (step 1 million) and $54 million
    do not.
    """
    return abs(a - b) <= max(step_a, step_b) / 2


def ranked(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts sorted best-first within each (ticker, period, metric, line_item) by the rule above."""
    frame = facts.assign(
        _type=facts["source_type"].map(TYPE_RANK),
        _as_of=facts.groupby(["ticker", "source_url"])["period_end"].transform("max"),
    )
    return frame.sort_values(
        [*GROUP, "_type", "restated", "_as_of", "precision", "source_url"],
        ascending=[True, True, True, True, True, False, False, True, True],
        kind="stable",
    )


def chosen(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per (ticker, period, metric, line_item): the chosen one (columns as ``facts``)."""
    order = ranked(facts).reset_index(drop=True)
    order["_rank"] = range(len(order))
    keys = [order[c] for c in GROUP]
    first_value = order.groupby(keys, sort=False)["value"].transform("first")
    first_step = order.groupby(keys, sort=False)["precision"].transform("first")
    agrees = (order["value"] - first_value).abs() <= order["precision"].combine(first_step, max) / 2
    candidates = order[agrees].sort_values([*GROUP, "precision", "_rank"], kind="stable")
    best = candidates.drop_duplicates(GROUP, keep="first").sort_values("_rank", kind="stable")
    return best[list(facts.columns)].reset_index(drop=True)


def quarter_values(picked: pd.DataFrame) -> pd.DataFrame:
    """Long (ticker, period, metric, value): the total where printed, else the sum of chosen lines."""
    totals = picked[picked["line_item"] == ""][["ticker", "period", "metric", "value"]]
    lines = picked[picked["line_item"] != ""]
    sums = lines.groupby(["ticker", "period", "metric"], as_index=False)["value"].sum()
    both = pd.concat([totals, sums], ignore_index=True)
    return both.drop_duplicates(["ticker", "period", "metric"], keep="first")


def wide(values: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """Index = sorted periods, columns = every vocabulary metric, NaN where not disclosed."""
    rows = values[values["ticker"] == ticker]
    table = rows.pivot(index="period", columns="metric", values="value")
    table = table.reindex(columns=list(METRICS)).sort_index()
    table.index.name = "period"
    table.columns.name = None
    return table.astype(float)


def _conflict(best: pd.Series, other: pd.Series, line_item: str) -> dict[str, object]:
    base = best["value"]
    diff = None if base == 0 else round(100 * (other["value"] - base) / abs(base), 2)
    return {
        "ticker": best["ticker"], "period": best["period"], "metric": best["metric"], "line_item": line_item,
        "chosen_value": base, "chosen_source_type": best["source_type"], "chosen_source_url": best["source_url"],
        "other_value": other["value"], "other_source_type": other["source_type"],
        "other_source_url": other["source_url"], "difference_pct": diff,
    }


def conflicts(facts: pd.DataFrame) -> pd.DataFrame:
    """Disagreements beyond rounding: between sources of one line, and between a total and its lines."""
    records: list[dict[str, object]] = []
    ordered = ranked(facts)
    several = ordered[ordered.duplicated(GROUP, keep=False)]
    for _, group in several.groupby(GROUP, sort=True):
        best = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            if not agree(best["value"], other["value"], best["precision"], other["precision"]):
                records.append(_conflict(best, other, best["line_item"]))
    records += _total_vs_lines(chosen(facts))
    return pd.DataFrame(records, columns=CONFLICT_COLUMNS)


def _total_vs_lines(picked: pd.DataFrame) -> list[dict[str, object]]:
    lines = picked[picked["line_item"] != ""]
    totals = picked[picked["line_item"] == ""].set_index(["ticker", "period", "metric"])
    records: list[dict[str, object]] = []
    for key, group in lines.groupby(["ticker", "period", "metric"], sort=True):
        if key not in totals.index:
            continue
        total = totals.loc[key]
        summed = group.iloc[0].copy()
        summed["value"] = group["value"].sum()
        summed["precision"] = group["precision"].max()
        summed["source_type"] = "/".join(sorted(set(group["source_type"])))
        summed["source_url"] = " + ".join(sorted(set(group["source_url"])))
        best = pd.Series({**total.to_dict(), "ticker": key[0], "period": key[1], "metric": key[2]})
        if not agree(best["value"], summed["value"], best["precision"], summed["precision"]):
            records.append(_conflict(best, summed, "(sum of lines)"))
    return records
