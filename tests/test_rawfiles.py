"""Encodings, line endings and names of raw files: detected and recorded, never guessed."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from conftest import NM_FILE, OLD_FILE, OLD_OCT_FILE
from seguridad.errors import FileRejected
from seguridad.intake import rawfiles


@pytest.mark.parametrize("path,encoding,line_ending,final_newline", [
    (NM_FILE, "latin-1", "CRLF", True),
    (OLD_FILE, "latin-1", "CRLF", True),  # its only non-ASCII byte, 0xD1, is the same in cp1252
    (OLD_OCT_FILE, "utf-8-sig", "CR", False),
])
def test_real_files_are_recognised(path, encoding, line_ending, final_newline):
    facts = rawfiles.inspect_text(path, path.name)
    assert (facts.encoding, facts.line_ending, facts.final_newline) == \
        (encoding, line_ending, final_newline)


def test_windows_1252_punctuation_is_detected(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("Año,Nota\r\n2015,“comillas” – guion\r\n".encode("cp1252"))
    facts = rawfiles.inspect_text(path, "x.csv")
    assert facts.encoding == "cp1252"
    out = rawfiles.normalize(path, facts, tmp_path / "out.csv")
    assert out.read_text(encoding="utf-8") == "Año,Nota\n2015,“comillas” – guion\n"


@pytest.mark.parametrize("data,words", [
    (b"A\xf1o,x\n" + "Michoacán".encode() + b"\n", "mixes encodings"),
    (b"a,b\n\x81,2\n", "byte 0x81 at offset 4"),
    ("a,b\n".encode("utf-16"), "UTF-16"),
    (b"PK\x03\x04rest", "ZIP archive"),
    (b"  <html><body>Service unavailable</body></html>", "HTML page"),
    (b"", "empty"),
])
def test_undecodable_or_wrong_files_are_rejected_with_the_reason(tmp_path, data, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(FileRejected) as err:
        rawfiles.inspect_text(path, "downloads/bad.csv")
    assert words in str(err.value) and str(err.value).startswith("downloads/bad.csv: rejected")


def test_cr_only_file_normalizes_to_the_same_rows_pandas_reads(tmp_path):
    facts = rawfiles.inspect_text(OLD_OCT_FILE, "oct")
    out = rawfiles.normalize(OLD_OCT_FILE, facts, tmp_path / "oct.csv")
    ours = pd.read_csv(out, dtype=str, keep_default_na=False)
    theirs = pd.read_csv(OLD_OCT_FILE, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert ours.shape == (44_352, 18)
    pd.testing.assert_frame_equal(ours, theirs)


@pytest.mark.parametrize("name,cut", [
    ("IDEFC_NM_nov24.csv", date(2024, 11, 1)),
    ("estatal_IDEFC_NM_2015-2024_nov2024.csv", date(2024, 11, 1)),
    ("IDVFC_NM_dic24.csv", date(2024, 12, 1)),
    ("Municipal-Delitos - Noviembre 2025 (2015-2025).csv", date(2025, 11, 1)),
    ("IncidenciaDelictiva_FueroComun_Estatal_1997-Diciembre2014.xlsx", date(2014, 12, 1)),
    ("Estatal-Delitos-2015-2021_feb2021.xlsx", date(2021, 2, 1)),
    ("IncidenciaDelictiva_FueroComun_Estatal_1997-2017.csv", None),
    ("x__utf8bom_cr_octcut.csv", None),
    ("mayoreo2020.csv", None),
])
def test_publication_cut_in_the_file_name(name, cut):
    assert rawfiles.cut_from_name(name) == cut


def test_landing_never_overwrites_a_different_file(tmp_path):
    raw = tmp_path / "raw"
    a, b = tmp_path / "a" / "IDEFC.csv", tmp_path / "b" / "IDEFC.csv"
    for p, content in ((a, b"first"), (b, b"second")):
        p.parent.mkdir()
        p.write_bytes(content)
    first = rawfiles.land(a, raw, rawfiles.sha256_of(a))
    second = rawfiles.land(b, raw, rawfiles.sha256_of(b))
    again = rawfiles.land(a, raw, rawfiles.sha256_of(a))
    assert first == again == raw / "IDEFC.csv" and first.read_bytes() == b"first"
    assert second != first and second.read_bytes() == b"second"
    assert second.name == f"IDEFC.{rawfiles.sha256_of(b)[:12]}.csv"
