"""The hostile corpus, file by file: every damaged copy of a real file is rejected with a
message that names it and says what is wrong, or loaded with a recorded warning; a rejection
changes nothing published and loses no byte. All rejected cases go through one `ingest` run
(each file is judged on its own), the loaded ones through another, each into a copy of the
small warehouse."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hostile_cases import LOADED, REJECTED

from conftest import ingest_into_copy, query


def fingerprint(wh: Path) -> tuple:
    """What an analyst could see change: core facts and the marts."""
    return query(wh, """
        SELECT (SELECT count(*) FROM core.crime_state_monthly),
               (SELECT md5(string_agg(r, ',' ORDER BY r)) FROM (
                    SELECT concat_ws('|', month, series, geo_code, indicator, value,
                                     rate_per_100k, file_sha256) AS r
                    FROM marts.indicator_monthly)),
               (SELECT md5(string_agg(r, ',' ORDER BY r)) FROM (
                    SELECT concat_ws('|', vintage, geo_code, sex, month, population) AS r
                    FROM core.population_monthly)),
               (SELECT count(*) FROM marts.spending_yearly)""")[0]


def _run(small_warehouse: Path, root: Path, cases) -> dict:
    incoming = root / "incoming"
    incoming.mkdir()
    paths = {c.name: c.make(incoming) for c in cases}
    before = fingerprint(small_warehouse)
    return {**ingest_into_copy(small_warehouse, root, list(paths.values())), "paths": paths,
            "before": before}


@pytest.fixture(scope="module")
def rejected_run(small_warehouse, tmp_path_factory):
    run = _run(small_warehouse, tmp_path_factory.mktemp("hostile-rejected"), REJECTED)
    # what the warehouse says of each file, read once (a connection each: ~3 s for the corpus)
    run["recorded"] = {sha: (status, reason, cases) for sha, status, reason, cases in query(
        run["wh"], """SELECT r.file_sha256, r.status, r.status_reason,
                             (SELECT count(*) FROM ops.quarantine AS q
                              WHERE q.file_sha256 = r.file_sha256)
                      FROM ops.raw_files AS r""")}
    return run


@pytest.fixture(scope="module")
def loaded_run(small_warehouse, tmp_path_factory):
    return _run(small_warehouse, tmp_path_factory.mktemp("hostile-loaded"), LOADED)


def test_the_corpus_is_large_and_covers_every_format():
    assert len(REJECTED) + len(LOADED) >= 60
    assert {c.group for c in REJECTED} >= {"state", "municipal", "victims", "old", "xlsx",
                                           "zip", "population", "spending"}


@pytest.mark.parametrize("case", REJECTED, ids=lambda c: c.name)
def test_rejected_whole_with_a_clear_message(rejected_run, case):
    path = rejected_run["paths"][case.name]
    outcomes = rejected_run["outcomes"][str(path)]
    rejected = [o for o in outcomes if o.status == "rejected"]
    assert rejected, [(o.status, o.message) for o in outcomes]
    message = rejected[0].message
    assert message.startswith(f"{path}"), message
    for words in case.words:
        assert words in message, message
    assert "Traceback" not in message
    status, reason, cases = rejected_run["recorded"][rejected[0].sha256]
    assert status == "rejected" and reason
    assert cases >= 1
    landed = rejected_run["raw"] / path.name
    assert hashlib.sha256(landed.read_bytes()).digest() == \
        hashlib.sha256(path.read_bytes()).digest()  # the bytes are kept


def _rejected(run: dict, name: str):
    (outcome,) = [o for o in run["outcomes"][str(run["paths"][name])] if o.status == "rejected"]
    return outcome


def test_a_rejected_file_keeps_what_was_found_out_about_it(rejected_run):
    outcome = _rejected(rejected_run, "decimal")
    assert query(rejected_run["wh"], "SELECT format, dataset, encoding, line_ending "
                                     "FROM ops.raw_files WHERE file_sha256 = ?",
                 [outcome.sha256]) == [("sesnsp_state_nm", "crime_state", "latin-1", "LF")]


def test_a_repeated_row_is_a_duplicate_not_a_truncation(rejected_run):
    outcome = _rejected(rejected_run, "repeated_row")
    assert "fewer crime rows" not in outcome.message, outcome.message


def test_a_wrong_header_is_reported_alone(rejected_run):
    """Not the thousands of failures that would only follow from it."""
    outcome = _rejected(rejected_run, "renamed_column")
    assert "2 problems" in outcome.message, outcome.message
    assert query(rejected_run["wh"], "SELECT count(*) FROM ops.quarantine "
                                     "WHERE file_sha256 = ?", [outcome.sha256]) == [(2,)]


def test_quarantine_names_row_column_check_and_value(rejected_run):
    outcome = _rejected(rejected_run, "text_count")
    assert query(rejected_run["wh"], "SELECT row_number, column_name, check_name, value "
                                     "FROM ops.quarantine WHERE file_sha256 = ?",
                 [outcome.sha256]) == [(3112, "Marzo", "is not a whole number", "12a")]


def test_rejections_change_nothing_published(rejected_run):
    assert rejected_run["state"].is_failed()
    assert fingerprint(rejected_run["wh"]) == rejected_run["before"]


def test_every_case_states_its_outcome():
    """Reject (damage) or warn (the publisher's quirk), as schemas/formats.toml declares."""
    assert {c.expect for c in REJECTED} == {"rejected"}
    assert {c.expect for c in LOADED} == {"warned", "loaded"}
    assert all(c.warning for c in LOADED if c.expect == "warned")
    assert {c.name for c in LOADED if c.expect == "warned"} >= {
        "negative", "municipal_negative", "municipal_codes_nowhere",
        "municipal_no_especificado"}


@pytest.mark.parametrize("case", LOADED, ids=lambda c: c.name)
def test_loaded_with_its_warnings(loaded_run, case):
    path = loaded_run["paths"][case.name]
    (outcome,) = loaded_run["outcomes"][str(path)]
    assert outcome.status == "loaded", outcome.message
    warned = query(loaded_run["wh"], "SELECT check_name, message FROM ops.data_warnings "
                                     "WHERE file_sha256 = ?", [outcome.sha256])
    if case.expect == "warned":
        assert any(case.warning in w for w, _ in warned), (warned, outcome.message)
        assert "see ops.data_warnings" in outcome.message
        for words in case.words:  # the warning names row, column and value
            assert any(words in m for w, m in warned if case.warning in w), (words, warned)
    (rows,), = query(loaded_run["wh"], "SELECT rows FROM ops.raw_files WHERE file_sha256 = ?",
                     [outcome.sha256])
    assert rows == (2_484 if case.group == "municipal" else 3_648)


def test_variants_of_the_same_file_give_the_same_totals(loaded_run):
    """Encodings, line ends and column order change bytes, not numbers."""
    same = ["moved_columns", "utf8", "utf8_bom", "crlf", "cr_only", "mixed_line_ends",
            "no_final_newline"]
    totals = set()
    for name in same:
        (outcome,) = loaded_run["outcomes"][str(loaded_run["paths"][name])]
        totals.add(query(loaded_run["wh"], "SELECT count(*), sum(value) FROM "
                                           "core.crime_state_monthly WHERE file_sha256 = ?",
                         [outcome.sha256])[0])
    assert len(totals) == 1


def test_the_quoted_thousands_separator_is_read_as_the_number(loaded_run):
    (outcome,) = loaded_run["outcomes"][str(loaded_run["paths"]["quoted_thousands"])]
    (row, column, value), = query(loaded_run["wh"], "SELECT row_number, column_name, value "
                                  "FROM ops.data_warnings WHERE file_sha256 = ? AND check_name "
                                  "LIKE '%thousands separator%'", [outcome.sha256])
    assert column == "Enero" and "," in value
    (stored,), = query(loaded_run["wh"], "SELECT sum(value) FROM core.crime_state_monthly "
                                         "WHERE file_sha256 = ? AND month = DATE '2026-01-01'",
                       [outcome.sha256])
    (original,), = query(loaded_run["wh"], "SELECT sum(value) FROM core.crime_state_monthly "
                                           "WHERE file_sha256 = (SELECT file_sha256 FROM "
                                           "ops.raw_files WHERE file_name LIKE "
                                           "'%estatal_RNID_2026_mar2026.csv') "
                                           "AND month = DATE '2026-01-01'")
    assert stored == original
