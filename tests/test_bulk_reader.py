"""The bulk source's zip reader and its read-ahead thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.hashing import payload_hash
from models.payload import RawStudy
from registry.bulk import BulkSource
from registry.listing import PackedNames
from registry.read_ahead import read_ahead

ROOT = Path(__file__).resolve().parent.parent
STUDIES = ROOT / "imitation" / "data" / "studies"


def _real_studies() -> list[Path]:
    return sorted(STUDIES.glob("NCT*.json"))[:6]


def _zip(path: Path, files: list[Path]) -> Path:
    """Some members deflated, some stored: the reader rebuilds both kinds of entry."""
    with zipfile.ZipFile(path, "w") as archive:
        for at, study in enumerate(files):
            method = zipfile.ZIP_DEFLATED if at % 2 else zipfile.ZIP_STORED
            archive.write(study, f"{study.stem[-2:]}/{study.name}", compress_type=method)
        archive.writestr("README.txt", "not a study")
    return path


def test_a_zip_reads_back_every_study_file_byte_for_byte(tmp_path: Path) -> None:
    files = _real_studies()
    source = BulkSource(_zip(tmp_path / "r.zip", files), batch_size=4)

    texts = {s.nct_id: s.text for batch in source.batches() for s in batch.studies}

    assert texts == {f.stem: f.read_bytes().decode("utf-8") for f in files}
    assert source.names() == sorted(f"{f.stem[-2:]}/{f.name}" for f in files)


def test_a_load_reads_the_zip_directory_once_and_closes_the_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting, then loading (what a run does) opens the zip once: its directory is the
    costly part at registry size. A second load opens it afresh."""
    opened: list[zipfile.ZipFile] = []
    real = zipfile.ZipFile

    def counting(*args: object, **kwargs: object) -> zipfile.ZipFile:
        archive = real(*args, **kwargs)  # type: ignore[arg-type]
        opened.append(archive)
        return archive

    source = BulkSource(_zip(tmp_path / "r.zip", _real_studies()), batch_size=4)
    monkeypatch.setattr("registry.bulk.zipfile.ZipFile", counting)
    assert source.total() == 6
    assert sum(len(batch.studies) for batch in source.batches()) == 6
    assert len(opened) == 1 and opened[0].fp is None, "read once, closed at the end"
    assert sum(len(batch.studies) for batch in source.batches(source.names()[2])) == 3
    assert len(opened) == 2 and opened[1].fp is None


def test_a_damaged_member_is_a_rejection_and_the_others_still_load(tmp_path: Path) -> None:
    files = _real_studies()[:3]
    path = _zip(tmp_path / "r.zip", files)
    data = bytearray(path.read_bytes())
    at = data.index(b'"nctId"')
    data[at + 1 : at + 2] = b"N"
    path.write_bytes(bytes(data))

    (batch,) = BulkSource(path).batches()

    assert sorted(s.nct_id for s in batch.studies) == [f.stem for f in files[1:]]
    (rejection,) = batch.rejections
    assert rejection.nct_id == files[0].stem
    assert "damaged in the zip" in rejection.error and "CRC" in rejection.error


def test_read_ahead_keeps_order_and_reads_on_another_thread() -> None:
    threads: list[str] = []

    def produced() -> Iterator[int]:
        for item in range(5):
            threads.append(threading.current_thread().name)
            yield item

    assert list(read_ahead(produced())) == [0, 1, 2, 3, 4]
    assert threads and all(name.startswith("read-ahead") for name in threads)


def test_read_ahead_raises_the_source_s_error_at_its_item() -> None:
    def produced() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("file 3 is damaged")

    got: list[int] = []
    with pytest.raises(ValueError, match="file 3 is damaged"):
        for item in read_ahead(produced()):
            got.append(item)
    assert got == [1, 2]


def test_read_ahead_closes_the_source_when_the_caller_stops() -> None:
    closed: list[bool] = []

    def produced() -> Iterator[int]:
        try:
            yield from range(100)
        finally:
            closed.append(True)

    items = read_ahead(produced())
    assert next(items) == 0
    items.close()
    assert closed == [True]


def test_each_study_comes_hashed_as_its_text_would_be(tmp_path: Path) -> None:
    """The reader hashes the bytes it decoded (off the writer's thread); the digest is the
    text's own, non-ASCII records included."""
    files = _real_studies()
    assert any(not f.read_bytes().isascii() for f in files), "a non-ASCII record is in the set"
    (batch,) = BulkSource(_zip(tmp_path / "r.zip", files)).batches()
    for study in batch.studies:
        given = study.payload_hash
        assert (
            given
            == payload_hash(study.text)
            == RawStudy(study.nct_id, None, study.text).payload_hash
        )


def test_other_compressions_read_through_zipfile_and_a_broken_stream_is_a_rejection(
    tmp_path: Path,
) -> None:
    files = _real_studies()[:3]
    path = tmp_path / "r.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for study, method in zip(
            files, (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_DEFLATED), strict=True
        ):
            archive.write(study, f"{study.stem[-2:]}/{study.name}", compress_type=method)
    (batch,) = BulkSource(path).batches()
    assert {s.nct_id: s.text for s in batch.studies} == {
        f.stem: f.read_text("utf-8") for f in files
    }

    with zipfile.ZipFile(path) as archive:
        deflated = archive.getinfo(f"{files[2].stem[-2:]}/{files[2].name}")
        start = deflated.header_offset + 30 + len(deflated.filename.encode()) + len(deflated.extra)
    data = bytearray(path.read_bytes())
    data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    (batch,) = BulkSource(path).batches()
    assert sorted(s.nct_id for s in batch.studies) == sorted(f.stem for f in files[:2])
    (rejection,) = batch.rejections
    assert rejection.nct_id == files[2].stem and "damaged in the zip" in rejection.error


LISTING_PROBE = """
import sys
from pathlib import Path
from registry.bulk import BulkSource
from registry.listing import PackedNames
def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmRSS"))
source = BulkSource(Path(sys.argv[1]))
before = rss_mb()
names = source.names()
print(len(names), rss_mb() - before)
"""


def test_listing_a_big_zip_keeps_little_of_its_directory(tmp_path: Path) -> None:
    """What the listing holds for the load is the names and a few numbers an entry, not the
    heap ``zipfile``'s ``ZipInfo`` objects filled: the names used to pin it (57 MB for
    100,000 entries; 17 MB as new strings; 10 MB packed, 2026-12-06)."""
    entries = 100_000
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(entries):
            archive.writestr(f"{number % 100:02d}/NCT{number:08d}.json", "{}")
    probe = subprocess.run(
        [sys.executable, "-c", LISTING_PROBE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    listed, grew_mb = probe.stdout.split()
    assert int(listed) == entries
    assert float(grew_mb) < 14, f"listing {entries:,} entries added {grew_mb} MB"


def test_packed_names_are_a_sorted_sequence_found_by_bisection() -> None:
    listed = ["00/NCT00000100.json", "00/NCT0000010é.json", "01/NCT00000101.json", "zz.json"]
    names = PackedNames(listed)
    assert list(names) == listed and len(names) == 4
    assert names[1] == listed[1] and names[-1] == "zz.json" and names[1:3] == listed[1:3]
    assert [names.index(name) for name in listed] == [0, 1, 2, 3]
    assert "01/NCT00000102.json" not in names and "zz.json" in names
    assert names.after("00/NCT0000010é.json") == 2 and names.after("") == 0
    assert names.after("zzz") == 4
    with pytest.raises(IndexError):
        names[4]
    with pytest.raises(ValueError, match="sorted"):
        PackedNames(list(reversed(listed)))
    assert len(PackedNames([])) == 0


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_threads_read_a_batch_in_name_order_and_reject_bad_files_where_they_are(
    tmp_path: Path,
) -> None:
    """A zip's batch is read by two threads, each a run of its files; a directory's by one.
    Either way the studies come in name order, and a file that is not UTF-8, not JSON, or
    names another study is a rejection naming it, whichever run it fell in."""
    real = sorted(STUDIES.glob("NCT*.json"))
    files = {f"{f.stem[-2:]}/{f.name}": f.read_bytes() for f in real}
    bad = {
        "00/NCT99999900.json": b'{"protocolSection": {"identificationModule": '
        b'{"nctId": "NCT99999900", "briefTitle": "caf\xe9"}}}',
        "01/NCT99999901.json": b'{"protocolSection": ',
        "02/NCT99999902.json": real[0].read_bytes(),
    }
    files.update(bad)
    archive = tmp_path / "r.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in files.items():
            zipped.writestr(name, data)
    folder = _tree(tmp_path / "tree", files)
    expected = sorted(name for name in files if name not in bad)
    for path in (archive, folder):
        batches = list(BulkSource(path, batch_size=7).batches())
        assert [len(b.studies) + len(b.rejections) for b in batches] == [7, 7, len(files) - 14]
        read = [s.nct_id for b in batches for s in b.studies]
        assert read == [name.split("/")[1][:-5] for name in expected], path
        errors = [r.error for b in batches for r in b.rejections]
        assert [e.split(":")[0] for e in errors] == sorted(bad), path
        assert "not UTF-8" in errors[0]
        assert "not valid JSON" in errors[1]
        assert f"names {real[0].stem}, not NCT99999902" in errors[2]
