"""SEC company facts: quarterly derivation, restatements, the polite client and the ``data sec`` command.

Everything runs against a local server on 127.0.0.1 (``sec_fixtures.py``); no network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sec_fixtures import CLSK_CIK, CLSK_REVENUE, RIOT_10Q, RIOT_CIK, clsk_document, path_of, riot_document, sec_server

from mineresearch.cli.main import _attach, cli
from mineresearch.dataset.load import load_dataset
from mineresearch.ingest.sec_client import SecClient, SecFetchError, SecNotFound, check_user_agent, retry_after_seconds
from mineresearch.ingest.sec_dataset import unmapped_extension_tags
from mineresearch.ingest.sec_tags import TAGS_FILE, load_tags
from mineresearch.ingest.xbrl import archive_url, convert
from mineresearch.metrics.margins import margin_bridge

AGENT = "Test Analyst analyst@example.com"


def _rows(facts: pd.DataFrame, period: str, metric: str) -> pd.DataFrame:
    return facts[(facts["period"] == period) & (facts["metric"] == metric)]


@pytest.fixture(scope="module")
def riot() -> tuple[pd.DataFrame, pd.DataFrame]:
    result = convert(riot_document(), "RIOT")
    return result.facts, result.superseded


@pytest.fixture(scope="module")
def clsk() -> pd.DataFrame:
    return convert(clsk_document(), "CLSK").facts


def test_archive_folder_address() -> None:
    assert archive_url(1167419, "0001104659-25-104466") == (
        "https://www.sec.gov/Archives/edgar/data/1167419/000110465925104466/")


def test_fiscal_q4_is_the_year_minus_nine_months(clsk: pd.DataFrame) -> None:
    q4 = _rows(clsk, "2025Q3", "revenue_total")
    year, nine = sum(CLSK_REVENUE.values()), sum(v for k, v in CLSK_REVENUE.items() if k != "2025Q3")
    assert q4["value"].tolist() == [year - nine] == [CLSK_REVENUE["2025Q3"]]
    row = q4.iloc[0]
    assert row["fiscal_period"] == "FY2025Q4"  # CleanSpark's year ends in September
    assert row["source_url"] == archive_url(CLSK_CIK, "0009999999-25-000014")  # the 10-K
    assert row["derived_from"] == (f"{archive_url(CLSK_CIK, '0009999999-25-000014')} minus "
                                   f"{archive_url(CLSK_CIK, '0009999999-25-000013')}")
    assert row["accession"] == "0009999999-25-000014"


def test_no_year_to_date_value_becomes_a_quarter(clsk: pd.DataFrame, riot: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    assert clsk.set_index("period")["value"].to_dict() == CLSK_REVENUE
    assert (clsk.loc[clsk["period"] != "2025Q3", "derived_from"] == "").all()
    facts, _ = riot
    wide = load_dataset().company_quarters("RIOT")
    for metric in ("revenue_total", "net_income", "sga"):
        got = facts[facts["metric"] == metric].set_index("period")["value"]
        assert got.to_dict() == wide.loc[["2025Q1", "2025Q2", "2025Q3"], metric].to_dict(), metric
        assert (facts.loc[facts["metric"] == metric, "derived_from"] == "").all()


def test_cash_flow_items_reported_year_to_date_are_derived(riot: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    facts, _ = riot
    sbc = facts[facts["metric"] == "stock_based_comp"].set_index("period")
    wide = load_dataset().company_quarters("RIOT")
    expected = wide.loc[["2025Q1", "2025Q2", "2025Q3"], "stock_based_comp"].to_dict()
    assert sbc["value"].to_dict() == pytest.approx(expected)
    assert sbc.loc["2025Q1", "derived_from"] == ""  # three months year to date is the quarter
    q3 = sbc.loc["2025Q3"]
    assert q3["derived_from"] == (f"{archive_url(RIOT_CIK, RIOT_10Q['2025Q3'][0])} minus "
                                  f"{archive_url(RIOT_CIK, RIOT_10Q['2025Q2'][0])}")


def test_restated_comparative_later_value_wins(riot: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    facts, superseded = riot
    row = _rows(facts, "2024Q3", "interest_income")
    assert row["value"].tolist() == [5_530_000.0] and row["restated"].tolist() == [True]
    assert row["source_url"].tolist() == [archive_url(RIOT_CIK, RIOT_10Q["2025Q3"][0])]
    old = _rows(superseded, "2024Q3", "interest_income")
    assert old["value"].tolist() == [5_175_000.0]
    assert old["superseded_by"].tolist() == [RIOT_10Q["2025Q3"][0]]


def test_amended_form_is_a_restatement(riot: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    facts, superseded = riot
    row = _rows(facts, "2024Q2", "interest_income").iloc[0]
    assert (row["value"], row["restated"], row["accession"]) == (8_466_000.0, True, "0009999999-24-000004")
    assert _rows(superseded, "2024Q2", "interest_income")["value"].tolist() == [8_152_000.0]


def test_repeated_fact_is_one_fact_and_instants_at_quarter_ends(riot: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    facts, _ = riot
    cash = _rows(facts, "2024Q4", "cash")
    assert cash["value"].tolist() == [277_900_000.0]  # printed by three 10-Qs, one fact
    assert cash["accession"].tolist() == [RIOT_10Q["2025Q1"][0]]  # cited to the first
    wide = load_dataset().company_quarters("RIOT")
    for period in ("2025Q1", "2025Q2", "2025Q3"):
        assert _rows(facts, period, "total_assets")["value"].tolist() == [wide.loc[period, "total_assets"]]
    shares = _rows(facts, "2025Q3", "shares_outstanding")  # cover page of the Q3 10-Q, dated in October
    assert shares["value"].tolist() == [wide.loc["2025Q3", "shares_outstanding"]]
    assert set(facts["source_type"]) == {"primary"} and set(facts["precision"]) == {1.0}


def test_company_extension_tag_is_a_table_row(tmp_path: Path) -> None:
    document = riot_document()
    assert _rows(convert(document, "RIOT").facts, "2025Q3", "btc_held").empty
    assert unmapped_extension_tags(document, "RIOT", load_tags()) == ("riot:FixtureBitcoinHeldCount",)
    table = tmp_path / "tags.csv"
    table.write_text(TAGS_FILE.read_text() + "btc_held,riot,FixtureBitcoinHeldCount,BTC,0,1,,RIOT\n")
    rows = load_tags(table)
    held = _rows(convert(document, "RIOT", rows).facts, "2025Q3", "btc_held")
    assert held["value"].tolist() == [load_dataset().company_quarters("RIOT").loc["2025Q3", "btc_held"]]
    assert convert(document, "MARA", rows).facts.query("metric == 'btc_held'").empty  # RIOT's row only
    assert unmapped_extension_tags(document, "RIOT", rows) == ()


def test_user_agent_rule() -> None:
    assert check_user_agent("  Jane Analyst jane@example.com ") == "Jane Analyst jane@example.com"
    for bad in (None, "", "python-urllib", "jane@example.com"):
        with pytest.raises(ValueError, match="User-Agent"):
            check_user_agent(bad)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Thu, 01 Jan 2099 00:00:00 GMT", now=4070908790.0) == pytest.approx(10.0)


def _client(tmp_path: Path, url: str, **kwargs: object) -> tuple[SecClient, list[float]]:
    waits: list[float] = []
    client = SecClient(AGENT, url, tmp_path / "cache", sleep=waits.append, **kwargs)  # type: ignore[arg-type]
    return client, waits


def test_429_waits_as_retry_after_says_then_succeeds(tmp_path: Path) -> None:
    with sec_server({RIOT_CIK: riot_document()}) as server:
        server.script[path_of(RIOT_CIK)] = [(429, {"Retry-After": "7"}), (503, {})]
        client, waits = _client(tmp_path, server.url, backoff=0.5)
        document = client.get_json(path_of(RIOT_CIK), "RIOT")
    assert document["cik"] == RIOT_CIK
    assert 7.0 in waits and 1.0 in waits  # Retry-After, then the second backoff step (0.5 x 2)
    assert [s for _, s in server.served] == [429, 503, 200]
    assert server.agents == [AGENT] * 3 and client.stats.retries == 2


def test_500_is_retried_then_named_error(tmp_path: Path) -> None:
    with sec_server({RIOT_CIK: riot_document()}) as server:
        server.script[path_of(RIOT_CIK)] = [(500, {})] * 3
        client, waits = _client(tmp_path, server.url, retries=2)
        with pytest.raises(SecFetchError, match=r"RIOT \(CIK 1167419\).*HTTP 500 after 3 attempts"):
            client.get_json(path_of(RIOT_CIK), "RIOT (CIK 1167419)")
    assert waits.count(1.0) == 1 and waits.count(2.0) == 1  # backoff doubles
    assert not list((tmp_path / "cache").rglob("CIK*"))  # nothing cached


@pytest.mark.parametrize("kind", ["truncated", "not-json", "timeout"])
def test_broken_responses_name_the_company(tmp_path: Path, kind: str) -> None:
    with sec_server({RIOT_CIK: riot_document()}) as server:
        if kind == "not-json":
            server.documents[path_of(RIOT_CIK)] = b"<html>maintenance</html>"
        else:
            server.script[path_of(RIOT_CIK)] = [("truncated" if kind == "truncated" else "slow", {"seconds": "1"})]
        client, _ = _client(tmp_path, server.url, retries=0, timeout=0.3)
        message = {"truncated": "truncated", "not-json": "not JSON", "timeout": "timed out"}[kind]
        with pytest.raises(SecFetchError, match=rf"^RIOT: .*{message}"):
            client.get_json(path_of(RIOT_CIK), "RIOT")
    assert not list((tmp_path / "cache").rglob("CIK*"))


def test_gzip_bodies_are_decoded_and_404_is_not_found(tmp_path: Path) -> None:
    with sec_server({RIOT_CIK: riot_document()}) as server:
        server.gzip = True
        client, _ = _client(tmp_path, server.url)
        assert client.get_json(path_of(RIOT_CIK), "RIOT")["cik"] == RIOT_CIK
        assert client.stats.bytes < len(server.documents[path_of(RIOT_CIK)])  # compressed on the wire
        with pytest.raises(SecNotFound, match="CLSK: .*HTTP 404"):
            client.get_json(path_of(CLSK_CIK), "CLSK")


def test_requests_are_spaced_to_ten_per_second(tmp_path: Path) -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with sec_server({RIOT_CIK: riot_document(), CLSK_CIK: clsk_document()}) as server:
        client = SecClient(AGENT, server.url, tmp_path / "c", sleep=sleep, clock=lambda: now[0])
        for cik in (RIOT_CIK, CLSK_CIK, RIOT_CIK):
            client.get_json(path_of(cik), "X")
    assert waits == pytest.approx([0.1, 0.1])


def _run(args: list[str], env: dict[str, str] | None = None) -> object:
    _attach()
    return CliRunner().invoke(cli, ["data", "sec", *args], env=env, catch_exceptions=False)


def test_missing_user_agent_fails_before_any_request(tmp_path: Path) -> None:
    with sec_server({RIOT_CIK: riot_document()}) as server:
        result = _run(["RIOT", "--into", str(tmp_path / "ds"), "--base-url", server.url],
                      env={"MINERESEARCH_SEC_USER_AGENT": ""})
    assert result.exit_code != 0  # type: ignore[attr-defined]
    assert "User-Agent" in result.output and "Traceback" not in result.output  # type: ignore[attr-defined]
    assert server.served == [] and not (tmp_path / "ds").exists()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The command run twice against the local server (the second time through the environment variables)."""
    root = tmp_path_factory.mktemp("sec")
    args = ["RIOT", "CLSK", "--into", str(root / "ds"), "--cache", str(root / "cache")]
    with sec_server({RIOT_CIK: riot_document(), CLSK_CIK: clsk_document()}) as server:
        first = _run([*args, "--user-agent", AGENT, "--base-url", server.url])
        sent = server.bodies_sent()
        second = _run(args, env={"MINERESEARCH_SEC_USER_AGENT": AGENT, "MINERESEARCH_SEC_BASE_URL": server.url})
        return {"root": root, "first": first, "second": second, "sent_first": sent,
                "sent_second": server.bodies_sent() - sent, "served": list(server.served)}


def test_command_writes_a_valid_dataset(written: dict[str, object]) -> None:
    first = written["first"]
    assert first.exit_code == 0, first.output  # type: ignore[attr-defined]
    assert "[1/2] RIOT CIK 1167419: downloaded" in first.output  # type: ignore[attr-defined]
    assert "[2/2] CLSK CIK 827876: downloaded" in first.output  # type: ignore[attr-defined]
    folder = Path(str(written["root"])) / "ds"
    names = {p.name for p in folder.iterdir()}
    assert {"companies.csv", "facts.csv", "network_quarterly.csv", "sec_manifest.json", "sec_superseded.csv",
            "curated_confirmed.csv"} <= names
    ds = load_dataset(folder)
    assert len(ds.companies) == len(load_dataset().companies)
    sec = ds.facts[ds.facts["accession"] != ""]
    assert set(sec["ticker"]) == {"RIOT", "CLSK"} and set(sec["source_type"]) == {"primary"}
    assert sec["source_url"].str.fullmatch(r"https://www\.sec\.gov/Archives/edgar/data/\d+/\d{18}/").all()
    manifest = json.loads((folder / "sec_manifest.json").read_text())
    assert manifest["companies"]["CLSK"]["derived"] == 1


def test_second_run_downloads_nothing(written: dict[str, object]) -> None:
    second = written["second"]
    assert second.exit_code == 0, second.output  # type: ignore[attr-defined]
    assert written["sent_first"] == 2 and written["sent_second"] == 0
    assert "unchanged (cached)" in second.output  # type: ignore[attr-defined]
    assert [s for _, s in written["served"]][-2:] == [304, 304]  # type: ignore[index]


def test_exact_sec_value_wins_over_agreeing_curated(written: dict[str, object]) -> None:
    folder = Path(str(written["root"])) / "ds"
    ds = load_dataset(folder)
    assert ds.company_quarters("CLSK").loc["2024Q4", "revenue_total"] == 162_306_000.0
    chosen = ds.sources("CLSK", "2024Q4").set_index("metric").loc["revenue_total"]
    assert chosen["source_url"].startswith("https://www.sec.gov/Archives/edgar/data/827876/")
    confirmed = pd.read_csv(folder / "curated_confirmed.csv", dtype=str)
    assert {"162300000.0", "162306000.0"} <= set(confirmed.loc[confirmed["ticker"] == "CLSK", "value"])


def test_bridge_complete_from_sec_figures(written: dict[str, object]) -> None:
    ds = load_dataset(Path(str(written["root"])) / "ds")
    row = ds.company_quarters("RIOT").loc["2025Q3"]
    bridge = margin_bridge(row)
    assert bridge.missing == ()
    assert abs(bridge.reconciling_usd) < 0.001 * row["revenue_total"]
    sources = ds.sources("RIOT", "2025Q3").set_index("metric")
    assert sources.loc["net_income", "source_url"] == archive_url(RIOT_CIK, RIOT_10Q["2025Q3"][0])


def test_failed_fetch_writes_no_dataset(tmp_path: Path) -> None:
    with sec_server({RIOT_CIK: riot_document(), CLSK_CIK: clsk_document()}) as server:
        server.script[path_of(CLSK_CIK)] = [("truncated", {})]
        result = _run(["RIOT", "CLSK", "--user-agent", AGENT, "--into", str(tmp_path / "ds"), "--base-url", server.url,
                       "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "CLSK (CIK 827876)" in result.output and "truncated" in result.output  # type: ignore[attr-defined]
    assert "no dataset written" in result.output and "Traceback" not in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "ds").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".ds")]


def test_company_without_company_facts_is_left_out(tmp_path: Path) -> None:
    with sec_server({RIOT_CIK: riot_document()}) as server:  # no document for CLSK: 404
        args = ["--user-agent", AGENT, "--into", str(tmp_path / "ds"), "--base-url", server.url,
                "--cache", str(tmp_path / "cache")]
        result = _run(["CLSK", "RIOT", *args])
        alone = _run(["CLSK", *args[:2], "--into", str(tmp_path / "ds2"), *args[4:]])
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "CLSK CIK 827876: no XBRL company facts at the SEC (HTTP 404); left out" in result.output  # type: ignore[attr-defined]
    assert set(json.loads((tmp_path / "ds" / "sec_manifest.json").read_text())["companies"]) == {"RIOT"}
    assert alone.exit_code == 1 and "no company facts were fetched" in alone.output  # type: ignore[attr-defined]
    assert not (tmp_path / "ds2").exists()


def test_unknown_ticker_and_missing_cik(tmp_path: Path) -> None:
    result = _run(["NOPE", "--user-agent", AGENT, "--into", str(tmp_path / "ds")])
    assert result.exit_code == 1 and "unknown ticker NOPE" in result.output  # type: ignore[attr-defined]
    result = _run(["GRYP", "--user-agent", AGENT, "--into", str(tmp_path / "ds")])
    assert result.exit_code == 1 and "GRYP has no CIK" in result.output  # type: ignore[attr-defined]


@pytest.mark.slow
def test_report_renders_a_note_from_the_folder(written: dict[str, object], tmp_path: Path) -> None:
    folder = Path(str(written["root"])) / "ds"
    _attach()
    result = CliRunner().invoke(cli, ["report", "RIOT", "2025Q3", "--data", str(folder), "--format", "html",
                                       "--output", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "2025Q3" / "RIOT" / "RIOT-2025Q3.html").read_text(encoding="utf-8")
    assert "Revenue to net income" in html
    assert "Not disclosed for the quarter" not in html  # every bridge line is on file
    assert "edgar/data/1167419/000110465925104466/" in html  # figures cite the 10-Q's archive folder
