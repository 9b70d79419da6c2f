"""ZIP archives as the SESNSP distributes them: unpacked safely, members ingested with their
own sha256 and the archive's; dangerous archives refused whole."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from conftest import RNID_2026_FILE, query
from flows.ingest import ingest_flow
from seguridad.errors import FileRejected
from seguridad.intake import archives


def make_zip(path: Path, members: dict[str, bytes], **info_attrs) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            for k, v in info_attrs.get(name, {}).items():
                setattr(info, k, v)
            z.writestr(info, data)
    return path


def test_archive_members_load_with_both_fingerprints(empty_workspace):
    member = RNID_2026_FILE.read_bytes()
    archive = make_zip(empty_workspace / "datos_abiertos.zip", {
        "Datos/estatal_RNID_2026_mar2026.csv": member, "Datos/Notas.pdf": b"%PDF-1.4",
        "__MACOSX/Datos/._estatal.csv": b"junk"})
    state = ingest_flow([str(archive)], return_state=True)
    assert state.is_completed(), state.message
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    archive_sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    rows = query(wh, "SELECT file_sha256, status, archive_sha256, landing_path, format "
                     "FROM ops.raw_files ORDER BY status")
    assert rows == [
        (hashlib.sha256(member).hexdigest(), "loaded", archive_sha,
         "datos_abiertos.zip!Datos/estatal_RNID_2026_mar2026.csv", "sesnsp_state_nm"),
        (archive_sha, "unpacked", None, "datos_abiertos.zip", "zip")]
    assert (empty_workspace / "raw" / "datos_abiertos.zip").read_bytes() == archive.read_bytes()
    assert not list((empty_workspace / "warehouse" / ".build").glob("zip-*"))  # scratch gone
    again = ingest_flow([str(archive)], return_state=True).result()
    assert [o.status for o in again.outcomes] == ["unchanged"]


@pytest.mark.parametrize("members,attrs,words", [
    ({"../../etc/evil.csv": b"a\n"}, {}, "leaves the archive's folder"),
    ({"/tmp/abs.csv": b"a\n"}, {}, "an absolute path"),
    ({"link.csv": b"/etc/passwd"}, {"link.csv": {"external_attr": 0o120777 << 16}},
     "symbolic link"),
    ({"inner.zip": b"PK\x03\x04"}, {}, "itself an archive"),
])
def test_unsafe_archives_are_refused_whole(tmp_path, members, attrs, words):
    archive = make_zip(tmp_path / "bad.zip", {"ok.csv": b"a,b\n1,2\n", **members}, **attrs)
    with pytest.raises(FileRejected) as err:
        archives.unpack(archive, "bad.zip", tmp_path / "out")
    assert words in str(err.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert not (tmp_path.parent / "etc").exists()


def test_zip_bombs_and_oversized_archives_are_refused(tmp_path, monkeypatch):
    zeros = make_zip(tmp_path / "zeros.zip", {"zeros.csv": b"0" * 5_000_000})
    monkeypatch.setattr(archives, "MAX_RATIO", 100)
    with pytest.raises(FileRejected, match="possible ZIP bomb"):
        archives.unpack(zeros, "zeros.zip", tmp_path / "out")
    monkeypatch.setattr(archives, "MAX_RATIO", 10_000)
    monkeypatch.setattr(archives, "MAX_TOTAL_BYTES", 1_000_000)
    with pytest.raises(FileRejected, match="would unpack to"):
        archives.unpack(zeros, "zeros.zip", tmp_path / "out")
    many = make_zip(tmp_path / "many.zip", {f"f{i}.csv": b"x" for i in range(5)})
    monkeypatch.setattr(archives, "MAX_MEMBERS", 4)
    with pytest.raises(FileRejected, match="5 members"):
        archives.unpack(many, "many.zip", tmp_path / "out")


def test_damaged_archive_is_rejected_and_kept(empty_workspace):
    archive = make_zip(empty_workspace / "IDEFC.zip",
                       {"estatal.csv": RNID_2026_FILE.read_bytes()})
    data = bytearray(archive.read_bytes())
    data[200] ^= 0xFF  # inside the compressed member
    archive.write_bytes(bytes(data))
    run = ingest_flow([str(archive)], return_state=True).result(raise_on_failure=False)
    (outcome,) = run.outcomes
    assert outcome.status == "rejected" and "damaged" in outcome.message
    assert (empty_workspace / "raw" / "IDEFC.zip").read_bytes() == bytes(data)
