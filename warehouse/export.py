"""Parquet export of every table, swapped into place atomically.

Layout under ``out_dir`` (default ``data/parquet``)::

    out_dir/
      _manifest.json                      tables, row counts, partitioning, export time
      runs/data_0.parquet                 tables without an nct_id column: one file
      studies/nct_shard=94/data_0.parquet study-keyed tables: hive-partitioned by nct_shard
      ...

``nct_shard`` is the last two digits of the NCT ID ('00' to '99'), the same sharding the
registry's bulk download uses, so one study's rows across tables sit in the same shard. Read
any table with, e.g.::

    SELECT * FROM read_parquet('data/parquet/studies/**/*.parquet', hive_partitioning = true)

Only what changed is rewritten: the manifest keeps a fingerprint of each table and of each
shard of a study-keyed table (row count and the sum of the rows' DuckDB ``hash``, with the
table's columns and DuckDB's version); the next export writes the tables and shards whose
fingerprint moved and hard-links the files of the others from the previous export. A watchlist
run that changed two trials rewrites two shards of a few tables. (A registry-wide daily sync
touches most of the 100 shards; there the gain is the unchanged tables.)

The export is written to a temporary directory beside ``out_dir`` and swapped in with
``renameat2(RENAME_EXCHANGE)`` (one atomic step on Linux), falling back to two renames where
that is unavailable; readers therefore see the previous export or the new one, never a mix.
What a killed export leaves behind (its staging copy) is removed by the next export.
An export reads only, so it works on a read-only connection while nobody writes.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.database import sql_path
from warehouse.errors import WarehouseError
from warehouse.processes import alive
from warehouse.transactions import transaction

SHARD_COLUMN = "nct_shard"
SHARD_KEY_COLUMN = "nct_id"
SHARD_EXPRESSION = f"right({SHARD_KEY_COLUMN}, 2)"
UNPARTITIONED_TABLES = frozenset({"rejected_records", "schema_migrations"})
"""Study-keyed tables that stay one file: small, and nct_id may be NULL."""

MANIFEST_NAME = "_manifest.json"
DATA_FILE_NAME = "data_0.parquet"

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

_EXPORTABLE_TABLES = """
SELECT t.table_name,
       bool_or(c.column_name = $key) AS has_key
FROM duckdb_tables() AS t
JOIN duckdb_columns() AS c
    ON c.database_name = t.database_name AND c.schema_name = t.schema_name
   AND c.table_name = t.table_name
WHERE t.database_name = current_database() AND t.schema_name = 'main' AND NOT t.temporary
GROUP BY t.table_name
ORDER BY t.table_name
"""


Fingerprint = dict[str, object]
"""``{"columns", "duckdb", "sharded", "parts": {shard or "": [rows, hash sum]}}``."""


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_parquet` wrote."""

    out_dir: Path
    rows: dict[str, int]
    """Rows written per table."""
    partitioned: frozenset[str]
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    fingerprints: dict[str, Fingerprint] = field(default_factory=dict)
    written: int = 0
    """Files (a table's or a shard's) written by this export."""
    reused: int = 0
    """Files hard-linked, unchanged, from the previous export."""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def to_manifest(self) -> dict[str, object]:
        return {
            "exported_at": self.exported_at.isoformat(),
            "partition_column": SHARD_COLUMN,
            "tables": {
                name: {
                    "rows": count,
                    "partitioned": name in self.partitioned,
                    "fingerprint": self.fingerprints.get(name),
                }
                for name, count in self.rows.items()
            },
        }


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> ExportSummary:
    """Write every table of ``con`` to Parquet under ``out_dir``, replacing it atomically."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise WarehouseError(
            f"export target {out_dir} exists and is not a directory; pick --out DIR"
        )
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out_dir)
        staging = staging_dir(out_dir)
        staging.mkdir()
    except OSError as exc:
        raise WarehouseError(
            f"cannot write the export beside {out_dir}: {exc.strerror or exc}; pick a writable "
            "--out DIR (or CTGOV_PARQUET_DIR)"
        ) from None
    try:
        rows: dict[str, int] = {}
        partitioned: set[str] = set()
        fingerprints: dict[str, Fingerprint] = {}
        previous = _previous_fingerprints(out_dir)
        written = reused = 0
        with transaction(con):  # every table read from one snapshot
            tables = con.execute(_EXPORTABLE_TABLES, {"key": SHARD_KEY_COLUMN}).fetchall()
            for table, has_key in tables:
                shard = bool(has_key) and table not in UNPARTITIONED_TABLES
                fingerprint = _fingerprint(con, table, shard)
                old = previous.get(table)
                same = _unchanged_parts(fingerprint, old, out_dir / table, shard)
                count, was_partitioned, files = _export_table(
                    con, table, fingerprint, staging, same
                )
                reused += _link_parts(out_dir / table, staging / table, same)
                written += files
                rows[table] = count
                fingerprints[table] = fingerprint
                if was_partitioned:
                    partitioned.add(table)
        summary = ExportSummary(
            out_dir, rows, frozenset(partitioned), fingerprints=fingerprints,
            written=written, reused=reused,
        )  # fmt: skip
        (staging / MANIFEST_NAME).write_text(
            json.dumps(summary.to_manifest(), indent=2) + "\n", "utf-8"
        )
        swap_into_place(staging, out_dir)
    except duckdb.Error as exc:
        shutil.rmtree(staging, ignore_errors=True)
        first_line = str(exc).splitlines()[0]
        raise WarehouseError(
            f"export to {out_dir} failed: {first_line}; the previous export is untouched"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def _export_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    fingerprint: Fingerprint,
    staging: Path,
    same: set[str],
) -> tuple[int, bool, int]:
    """Copy one table but its unchanged parts ``same``; return its row count, whether it was
    partitioned and how many files were written."""
    parts = _parts(fingerprint)
    rows = sum(count for count, _ in parts.values())
    shard = fingerprint["sharded"] is True
    target = staging / table
    shard_column = f", {SHARD_EXPRESSION} AS {SHARD_COLUMN}" if shard else ""
    source = f'SELECT *{shard_column} FROM "{table}"'
    if shard and rows > 0:
        changed = _changed_shards(parts, same)
        if changed is None:  # a row without an NCT ID: the whole table, as one set
            same.clear()
        elif not changed:
            target.mkdir()
            return rows, True, 0
        where = (
            f" WHERE {SHARD_EXPRESSION} IN ({', '.join(repr(p) for p in changed)})"
            if same and changed
            else ""
        )
        con.execute(
            f"COPY ({source}{where}) TO '{sql_path(target)}' "
            f"(FORMAT PARQUET, PARTITION_BY ({SHARD_COLUMN}))"
        )
        return rows, True, sum(1 for _ in target.glob("*/*.parquet"))
    # An empty or small table is one file; an empty study-keyed table keeps nct_shard as a
    # plain column so readers see the same schema either way.
    target.mkdir()
    if WHOLE in same:
        return rows, False, 0
    con.execute(f"COPY ({source}) TO '{sql_path(target / DATA_FILE_NAME)}' (FORMAT PARQUET)")
    return rows, False, 1


WHOLE = ""
"""The part name of a table exported as one file."""


def _fingerprint(con: duckdb.DuckDBPyConnection, table: str, shard: bool) -> Fingerprint:
    columns = con.execute(
        "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) "
        "FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = $table",
        {"table": table},
    ).fetchall()
    part = f"{SHARD_EXPRESSION}" if shard else f"'{WHOLE}'"
    sums = con.execute(
        f'SELECT {part} AS _part, count(*), sum(hash(t))::VARCHAR FROM "{table}" AS t '
        "GROUP BY _part"
    ).fetchall()
    return {
        "columns": columns[0][0] if columns else "",
        "duckdb": duckdb.__version__,
        "sharded": shard,
        "parts": {str(name): [int(count), str(total)] for name, count, total in sums},
    }


def _previous_fingerprints(out_dir: Path) -> dict[str, Fingerprint]:
    """The fingerprints in the current export's manifest ({} when there is none to trust)."""
    try:
        manifest = json.loads((out_dir / MANIFEST_NAME).read_text("utf-8"))
        tables = manifest["tables"]
        return {
            name: entry["fingerprint"]
            for name, entry in tables.items()
            if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), dict)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _unchanged_parts(
    new: Fingerprint, old: Fingerprint | None, table_dir: Path, shard: bool
) -> set[str]:
    """Parts whose fingerprint equals the previous export's and whose files are there."""
    if old is None or old.get("columns") != new["columns"] or old.get("duckdb") != new["duckdb"]:
        return set()
    old_parts, new_parts = old.get("parts"), new["parts"]
    if not isinstance(old_parts, dict) or not isinstance(new_parts, dict):
        return set()
    if not shard or not new_parts:  # one file: a table without shards, or an empty one
        whole = table_dir / DATA_FILE_NAME
        return {WHOLE} if old_parts == new_parts and whole.is_file() else set()
    return {
        name
        for name, value in new_parts.items()
        if old_parts.get(name) == value and _part_dir(table_dir, name).is_dir()
    }


def _part_dir(table_dir: Path, part: str) -> Path:
    return table_dir / f"{SHARD_COLUMN}={part}" if part != WHOLE else table_dir


def _parts(fingerprint: Fingerprint) -> dict[str, tuple[int, str]]:
    parts = fingerprint["parts"]
    assert isinstance(parts, dict)
    return {name: (int(value[0]), str(value[1])) for name, value in parts.items()}


def _changed_shards(parts: dict[str, tuple[int, str]], same: set[str]) -> list[str] | None:
    """The shards to write (those not in ``same``); None when a row has no NCT ID, so the
    whole table is written as before."""
    if not all(shard.isdigit() for shard in parts):
        return None
    return sorted(shard for shard in parts if shard not in same)


def _link_parts(old_table: Path, new_table: Path, same: set[str]) -> int:
    """Hard-link the files of the unchanged parts into the new export; returns files linked."""
    linked = 0
    for part in sorted(same):
        source, target = _part_dir(old_table, part), _part_dir(new_table, part)
        target.mkdir(parents=True, exist_ok=True)
        for file in source.glob("*.parquet"):
            os.link(file, target / file.name)
            linked += 1
    return linked


def staging_dir(out_dir: Path) -> Path:
    """A fresh staging directory's path beside ``out_dir``, named so that
    :func:`remove_stale_staging` finds it once its process is gone."""
    return out_dir.parent / f".{out_dir.name}.export-{os.getpid()}-{uuid.uuid4().hex[:12]}"


def remove_stale_staging(out_dir: Path) -> list[Path]:
    """Remove what killed exports left beside ``out_dir`` (``.<name>.export-<pid>-…`` and
    ``.<name>.retired-<pid>-…`` whose process is gone); returns what was removed.

    A staging directory of an export still running (its PID alive) is left alone.
    """
    removed: list[Path] = []
    for kind in ("export", "retired"):
        for path in out_dir.parent.glob(f".{out_dir.name}.{kind}-*"):
            owner = path.name.removeprefix(f".{out_dir.name}.{kind}-").split("-", 1)[0]
            if owner.isdigit() and alive(int(owner)):
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Make ``staging`` become ``out_dir`` (one atomic exchange where Linux allows); the
    previous directory, if any, is removed after. The static site uses it too."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)
        return
    retired = out_dir.parent / f".{out_dir.name}.retired-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    os.rename(out_dir, retired)
    os.rename(staging, out_dir)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with Linux renameat2; False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return bool(result == 0)
