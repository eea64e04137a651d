"""The registry's bulk download as a source: a zip of one JSON file per study, or a directory
tree of the same shape.

The registry's ``/api/v2/studies/download?format=json.zip`` (API-NOTES §6: ~2.5 GB zipped,
~10 GB of JSON, ~600,000 entries) lays studies out in 100 folders by the last two digits of
the NCT ID: ``35/NCT02252835.json``. Each file has the shape of ``GET /studies/{nctId}``.

Files are read in name order, ``batch_size`` at a time, and passed on as their bytes exactly
as stored, checked to be UTF-8 (parsed only if the planner needs to: an unchanged study costs
its hash; never decoded to a ``str``, see :data:`models.payload.Payload`). The hash
is taken of the bytes as read, on the reading threads (a zip's batch is read by two, each a
run of its files: :attr:`_Reader.threads`), where ``hashlib`` and ``zlib`` let go of the GIL:
the writer's thread only compares it. A file
whose name is not an NCT ID, or whose text is not a JSON object naming that study, becomes a
rejection kept with its payload, never a stop; so does a member the zip cannot give back
(a damaged download). The cursor is the last file name of a batch.

>>> source = BulkSource(Path("ctg-studies.json.zip"), batch_size=1000)   # doctest: +SKIP
>>> next(source.batches()).studies[0].nct_id                               # doctest: +SKIP
'NCT00000102'
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson

from models.errors import InputError
from models.hashing import payload_hash
from models.nct import InvalidNctIdError, normalize_nct_id
from models.payload import Batch, RawStudy, Rejection
from registry.listing import PackedNames
from registry.read_ahead import read_ahead

DEFAULT_BULK_BATCH_SIZE = 2048
"""Files per batch (one transaction): each batch has a fixed cost of some 0.1 s of SQL
binding for its normalized tables, so a reload with few changes wants big batches. A
quarter of the warehouse's row group (``warehouse.database.ROW_GROUP_SIZE``): the writer
commits four first-load batches together, a row group of new versions, which DuckDB writes
straight to the file, past the write-ahead log."""
STUDY_FILE = re.compile(r"(?:^|/)(NCT\d{8})\.json$")
ID_IN_TEXT = re.compile(rb'"nctId"\s*:\s*"([^"\\]{1,40})"')
"""The record's own NCT ID, found without parsing the whole file."""


class BulkSourceError(InputError):
    """A bulk path that is neither a zip nor a directory of study files."""


@dataclass
class BulkSource:
    """Every study file under ``path`` (a ``.zip`` or a directory), in name order."""

    path: Path
    batch_size: int = DEFAULT_BULK_BATCH_SIZE
    kind: str = "bulk"

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        if not self.path.exists():
            raise BulkSourceError(f"bulk path {self.path} does not exist; pass the zip or folder")
        if self.path.is_file() and not zipfile.is_zipfile(self.path):
            raise BulkSourceError(
                f"{self.path} is not a zip file; pass the registry's ctg-studies.json.zip or "
                "a folder of NN/NCTxxxxxxxx.json files"
            )
        self._names: PackedNames | None = None
        self._reader: _Reader | None = None

    @property
    def key(self) -> str:
        return f"bulk:{self.path.resolve()}"

    @property
    def cursor_key(self) -> str:
        return self.key

    @property
    def description(self) -> str:
        return f"bulk {self.path}"

    def total(self) -> int | None:
        return len(self.names())

    def names(self) -> PackedNames:
        """The study files' names relative to the root, sorted.

        Listing a zip means reading its whole directory (~2.6 s and ~400 MB at registry size),
        so the reader that listed it stays open for the batches, which close it.
        """
        if self._names is None:
            self._names = self._open_reader().names()
        return self._names

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        """The batches from the first file after ``resume`` on, each read while the caller
        handles the one before."""
        return read_ahead(self._batches(resume))

    def _batches(self, resume: Any) -> Iterator[Batch]:
        names = self.names()
        start = names.after(resume) if isinstance(resume, str) and resume else 0
        reader = self._open_reader()
        try:
            with ThreadPoolExecutor(reader.threads, thread_name_prefix="bulk-read") as pool:
                for offset in range(start, len(names), self.batch_size):
                    places = range(offset, min(offset + self.batch_size, len(names)))
                    studies: list[RawStudy] = []
                    rejections: list[Rejection] = []
                    shares = _shares(places, reader.threads)
                    for read, rejected in pool.map(partial(_read_files, reader), shares):
                        studies.extend(read)
                        rejections.extend(rejected)
                    yield Batch(
                        studies=studies,
                        rejections=rejections,
                        requested=len(places),
                        cursor=names[places[-1]],
                    )
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the zip (the batches do when they end or are dropped)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _open_reader(self) -> _Reader:
        if self._reader is None:
            if self.path.is_dir():
                self._reader = _DirectoryReader(self.path)
            else:
                archive = zipfile.ZipFile(self.path)
                try:
                    self._reader = _ZipReader(archive)
                except BaseException:
                    archive.close()
                    raise
        return self._reader


def _shares(places: range, count: int) -> list[range]:
    """``places`` cut into ``count`` runs of consecutive files, in order."""
    step = -(-len(places) // count)
    return [places[index : index + step] for index in range(0, len(places), step)]


def _read_files(reader: _Reader, places: range) -> tuple[list[RawStudy], list[Rejection]]:
    """The studies and rejections of the files at ``places``, in order."""
    names = reader.names()
    studies: list[RawStudy] = []
    rejections: list[Rejection] = []
    for at in places:
        name = names[at]
        try:
            data = reader.read_at(at)
        except (zipfile.BadZipFile, zlib.error) as exc:
            rejections.append(damaged(name, exc))
            continue
        study, rejection = read_study(name, data)
        if study is not None:
            studies.append(study)
        if rejection is not None:
            rejections.append(rejection)
    return studies, rejections


def damaged(name: str, error: Exception) -> Rejection:
    """A zip member that cannot be read back (its CRC or its deflate stream is wrong)."""
    matched = STUDY_FILE.search(name)
    return Rejection(
        matched.group(1) if matched else None,
        "parse",
        f"{name}: damaged in the zip ({error}); download the bulk file again",
        None,
    )


def read_study(name: str, data: bytes) -> tuple[RawStudy | None, Rejection | None]:
    """One file as a study, or as a rejection naming the file and what is wrong with it."""
    matched = STUDY_FILE.search(name)
    if matched is None:
        return None, Rejection(None, "parse", f"{name}: not a study file (NCTxxxxxxxx.json)", None)
    nct_id = matched.group(1)
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, Rejection(nct_id, "parse", f"{name}: not UTF-8 ({exc})", None)
    found = ID_IN_TEXT.search(data)
    try:
        named = normalize_nct_id(found.group(1).decode()) if found else None
    except InvalidNctIdError:
        named = None
    if named != nct_id:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            return None, Rejection(
                nct_id, "parse", f"{name}: not valid JSON ({exc})", data.decode("utf-8")
            )
        return None, Rejection(
            nct_id,
            "parse",
            f"{name}: the record names {named or 'no NCT ID'}, not {nct_id}"
            if isinstance(parsed, dict)
            else f"{name}: not a JSON object",
            data.decode("utf-8"),
        )
    return RawStudy(nct_id, None, data, payload_hash=payload_hash(data)), None


ZIP_FIELDS = {
    "header_offset": "q",
    "compress_size": "q",
    "file_size": "q",
    "CRC": "I",
    "flag_bits": "H",
    "compress_type": "H",
}
"""What reading one zip member needs of its ``ZipInfo``, with each array's type code."""


LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
"""A zip member's local header (APPNOTE 4.3.7), before its name and extra field, whose
lengths end it."""
LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"


def _inflate(raw: bytes, size: int) -> bytes:
    return zlib.decompress(raw, -zlib.MAX_WBITS, max(size, 1))


class _Reader:
    threads = 1
    """Threads that read a batch's files, each a run of them.

    A zip's reader takes two: reading, inflating, checking the CRC and hashing a member let
    go of the GIL for long enough to run beside another. A directory's files are short reads
    whose GIL handoffs cost more than they overlap. Measured 2026-12-07 on 100,000 files,
    reading alone: the zip 10.0 s on one thread, 7.2 s on two, 7.7 s on three; the directory
    4.4-4.7 s on one, 5.7-6.0 s on two. An unchanged re-load plans nothing and waits on this.
    """

    def names(self) -> PackedNames:
        """The study files' names, sorted."""
        raise NotImplementedError

    def read_at(self, at: int) -> bytes:
        """The bytes of the file at ``at`` in :meth:`names`."""
        raise NotImplementedError

    def close(self) -> None:
        return None


class _ZipReader(_Reader):
    """A zip's study files, each found by its place in the sorted listing; read by two
    threads (:attr:`_Reader.threads`).

    ``zipfile`` keeps a ``ZipInfo`` per entry, ~670 bytes each (measured: 67 MB for 100,000
    entries, 400 MB for the registry's 600,000, held for the whole load). This keeps the
    sorted names packed (:class:`registry.listing.PackedNames`) and the six numbers a read
    needs in arrays (~50 bytes an entry in all), drops the archive's own list, and rebuilds
    a ``ZipInfo`` only for a file ``zipfile`` must read.

    No string of a ``ZipInfo`` may outlive the listing: each was allocated among its
    ``ZipInfo``'s attributes, and keeping the names alive kept nearly every block of Python's
    heap that the directory had filled (the writer held 395 MB more after listing 600,000
    entries; 82 MB more with the names as new strings; 2026-12-06).
    """

    threads = 2

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        infos = sorted(
            (i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".json")),
            key=attrgetter("filename"),
        )
        self._names = PackedNames([info.filename for info in infos])
        self._numbers = {
            field: array(code, (getattr(info, field) for info in infos))
            for field, code in ZIP_FIELDS.items()
        }
        del infos
        archive.filelist.clear()
        archive.NameToInfo.clear()

    def names(self) -> PackedNames:
        return self._names

    def read_at(self, at: int) -> bytes:
        """A member's bytes: stored or deflated ones read with two ``pread`` calls and one
        ``zlib.decompress``, which all let go of the GIL (``zipfile``'s own reader holds it for
        a Python loop per 4 KB, competing with the writer on the main thread); anything else
        (another compression, encryption) through ``zipfile``."""
        name = self._names[at]
        number = {field: numbers[at] for field, numbers in self._numbers.items()}
        method = number["compress_type"]
        if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or number["flag_bits"] & 1:
            return self._read_with_zipfile(name, number)
        fd = self.archive.fp.fileno() if self.archive.fp is not None else -1
        header = os.pread(fd, LOCAL_HEADER.size, number["header_offset"])
        if len(header) != LOCAL_HEADER.size or header[:4] != LOCAL_HEADER_SIGNATURE:
            raise zipfile.BadZipFile(f"{name}: no local file header where the directory says")
        fields = LOCAL_HEADER.unpack(header)
        start = number["header_offset"] + LOCAL_HEADER.size + fields[-2] + fields[-1]
        raw = os.pread(fd, number["compress_size"], start)
        if len(raw) != number["compress_size"]:
            raise zipfile.BadZipFile(f"{name}: the zip ends inside this file")
        data = raw if method == zipfile.ZIP_STORED else _inflate(raw, number["file_size"])
        if len(data) != number["file_size"] or zlib.crc32(data) != number["CRC"]:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
        return data

    def _read_with_zipfile(self, name: str, number: dict[str, int]) -> bytes:
        info = zipfile.ZipInfo(name)
        for field, value in number.items():
            setattr(info, field, value)
        with self.archive.open(info) as member:
            return member.read()

    def close(self) -> None:
        self.archive.close()


class _DirectoryReader(_Reader):
    def __init__(self, root: Path) -> None:
        self.root = root
        self._names: PackedNames | None = None

    def names(self) -> PackedNames:
        if self._names is None:
            self._names = PackedNames(
                sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.json"))
            )
        return self._names

    def read_at(self, at: int) -> bytes:
        with open(os.path.join(self.root, self.names()[at]), "rb") as file:
            return file.read()
