"""The Parquet export on S3-compatible object storage, through pyarrow's S3 filesystem.

Object storage has no rename, so the local export's swap cannot be used. Instead each table is
uploaded under a prefix of its own export generation and a manifest, written last with one PUT
(atomic in S3), says which generation each table is::

    s3://bucket/prefix/_manifest.json            tables: rows, fingerprint, "path"
    s3://bucket/prefix/studies/<export id>/nct_shard=94/data_0.parquet
    s3://bucket/prefix/runs/<export id>/data_0.parquet

Readers open the manifest and read each table at its ``path`` (:func:`open_tables`, or any
engine given the listed prefix), so they see one whole export per table, never a table half
uploaded. A table whose fingerprint equals the previous manifest's keeps its generation (not
uploaded again). Generations named by neither the new manifest nor the previous one are
deleted: a reader that read the previous manifest a moment ago can still finish.

The tables are first exported to a local directory (:func:`warehouse.export.export_parquet`,
incremental by shard there), kept beside the database so the next export reuses it.

DuckDB 2.0's ``httpfs`` extension cannot be installed offline, so DuckDB reads the export back
through Arrow: ``con.register("studies", open_tables(url)["studies"])``.

Connection settings: ``CTGOV_S3_ENDPOINT`` (e.g. ``http://127.0.0.1:9000`` for MinIO or
moto), and the standard ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_REGION``.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from warehouse.errors import WarehouseError
from warehouse.export import MANIFEST_NAME, ExportSummary, export_parquet

S3_SCHEME = "s3"
ENDPOINT_ENV_VAR = "CTGOV_S3_ENDPOINT"
PREVIOUS_KEY = "previous_paths"


def is_object_url(target: str | Path) -> bool:
    return str(target).startswith(f"{S3_SCHEME}://")


@dataclass(frozen=True)
class ObjectExportSummary:
    url: str
    local: ExportSummary
    uploaded: tuple[str, ...]
    """Tables uploaded as a new generation; the others kept the previous one."""
    deleted: int
    """Objects of generations no manifest names any more."""

    @property
    def rows(self) -> dict[str, int]:
        return self.local.rows


def s3_filesystem() -> pafs.S3FileSystem:
    """pyarrow's S3 filesystem with ``CTGOV_S3_ENDPOINT`` (plain http when it says so)."""
    endpoint = os.environ.get(ENDPOINT_ENV_VAR) or os.environ.get("AWS_ENDPOINT_URL")
    options: dict[str, Any] = {"allow_bucket_creation": True}
    if endpoint:
        parsed = urlparse(endpoint)
        options["endpoint_override"] = parsed.netloc or parsed.path
        options["scheme"] = parsed.scheme or "https"
    if os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"):
        options["region"] = os.environ.get("AWS_REGION") or os.environ["AWS_DEFAULT_REGION"]
    return pafs.S3FileSystem(**options)


def split_url(url: str) -> str:
    """``s3://bucket/prefix`` → ``bucket/prefix`` (pyarrow's path form); refuses a bare bucket
    name's typos early."""
    parsed = urlparse(url)
    if parsed.scheme != S3_SCHEME or not parsed.netloc:
        raise WarehouseError(f"{url!r} is not an s3://bucket/prefix URL")
    return f"{parsed.netloc}/{parsed.path.strip('/')}".rstrip("/")


def export_to_object_store(
    con: duckdb.DuckDBPyConnection,
    url: str,
    local_dir: Path,
    *,
    filesystem: pafs.FileSystem | None = None,
) -> ObjectExportSummary:
    """Export every table to ``url`` (``s3://bucket/prefix``), staging in ``local_dir``."""
    fs = filesystem or s3_filesystem()
    root = split_url(url)
    local = export_parquet(con, local_dir)
    try:
        previous = _read_manifest(fs, root)
        old_tables = previous.get("tables", {}) if isinstance(previous, dict) else {}
        manifest = local.to_manifest()
        export_id = f"{local.exported_at.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
        uploaded = []
        for table, entry in manifest["tables"].items():  # type: ignore[attr-defined]
            old = old_tables.get(table) if isinstance(old_tables, dict) else None
            if isinstance(old, dict) and _same(old, entry):
                entry["path"] = old["path"]
                continue
            path = f"{table}/{export_id}"
            pafs.copy_files(
                str(local_dir / table),
                f"{root}/{path}",
                source_filesystem=pafs.LocalFileSystem(),
                destination_filesystem=fs,
            )
            entry["path"] = path
            uploaded.append(table)
        manifest[PREVIOUS_KEY] = sorted(
            {e["path"] for e in old_tables.values() if isinstance(e, dict) and "path" in e}
        )
        with fs.open_output_stream(f"{root}/{MANIFEST_NAME}") as out:
            out.write((json.dumps(manifest, indent=2) + "\n").encode())
        deleted = _delete_unreferenced(fs, root, manifest)
    except OSError as exc:
        raise WarehouseError(
            f"export to {url} failed: {exc}; the export readers use is unchanged "
            f"(check {ENDPOINT_ENV_VAR} and the AWS_* credentials)"
        ) from None
    return ObjectExportSummary(url, local, tuple(uploaded), deleted)


def open_tables(url: str, *, filesystem: pafs.FileSystem | None = None) -> dict[str, ds.Dataset]:
    """Every table of the export at ``url`` as a pyarrow dataset, as its manifest says."""
    fs = filesystem or s3_filesystem()
    root = split_url(url)
    manifest = _read_manifest(fs, root)
    if not manifest:
        raise WarehouseError(f"no export at {url} (no {MANIFEST_NAME})")
    return {
        table: ds.dataset(
            f"{root}/{entry['path']}", filesystem=fs, format="parquet", partitioning="hive"
        )
        for table, entry in manifest["tables"].items()
    }


def _read_manifest(fs: pafs.FileSystem, root: str) -> dict[str, Any]:
    try:
        with fs.open_input_stream(f"{root}/{MANIFEST_NAME}") as stream:
            data = json.loads(stream.read())
    except FileNotFoundError:
        return {}
    except ValueError:
        return {}  # a damaged manifest: upload everything again
    return data if isinstance(data, dict) else {}


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return (
        "path" in old
        and old.get("fingerprint") is not None
        and old.get("fingerprint") == new.get("fingerprint")
    )


def _delete_unreferenced(fs: pafs.FileSystem, root: str, manifest: dict[str, Any]) -> int:
    """Delete table generations named by neither this manifest nor the previous one."""
    keep = {entry["path"] for entry in manifest["tables"].values()} | set(manifest[PREVIOUS_KEY])
    deleted = 0
    for table in manifest["tables"]:
        listing = fs.get_file_info(pafs.FileSelector(f"{root}/{table}", allow_not_found=True))
        for info in listing:
            if info.type != pafs.FileType.Directory:
                continue
            generation = f"{table}/{info.base_name}"
            if generation in keep:
                continue
            files = fs.get_file_info(pafs.FileSelector(info.path, recursive=True))
            deleted += sum(1 for f in files if f.type == pafs.FileType.File)
            fs.delete_dir(info.path)
    return deleted
