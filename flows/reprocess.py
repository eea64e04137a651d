"""Re-run quarantined payloads after a code fix: ``ctgov reprocess``.

Every unresolved payload in ``rejected_records`` goes through the same planner and writer as
any source; those stored as versions are then marked resolved. Nothing reaches the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows import pipeline
from flows.settings import Settings
from warehouse.database import connect
from warehouse.rejections import QuarantineSource, mark_resolved, quarantined
from warehouse.session import WarehouseSession


@dataclass(frozen=True)
class ReprocessReport:
    tried: int
    resolved: int
    still_quarantined: int
    unnamed: int
    """Payloads that still name no study (never tried)."""
    run: pipeline.RunReport | None


def reprocess(settings: Settings) -> ReprocessReport:
    """Try every unresolved quarantined payload again; returns what became of them."""
    with connect(settings.db, read_only=True) as con:
        items = quarantined(con)
    if not items:
        return ReprocessReport(0, 0, 0, 0, None)
    source = QuarantineSource(items)
    report = pipeline.run_source(settings, source, history="off")
    unnamed = {id(item) for item in source.unnamed}
    tried = [item for item in items if id(item) not in unnamed]
    with (
        WarehouseSession(settings.db, lock_wait_s=settings.lock_wait_s) as session,
        session.connection() as con,
    ):
        resolved, again = mark_resolved(con, report.run_id, tried)
    return ReprocessReport(len(tried), resolved, again, len(source.unnamed), report)
