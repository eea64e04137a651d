"""Sources: where a run's studies come from, one :class:`~models.payload.Batch` at a time.

Every source yields batches and nothing else holds a run's studies, so memory stays flat
whatever the run's size. Each batch carries a ``cursor`` (where the source stands once the
batch is written); given that cursor back, a source resumes after it, so an interrupted run
continues instead of starting over.

=============================  ==============================================================
:class:`IdsSource`             given NCT IDs, ``filter.ids`` pages (watchlists, ad-hoc IDs)
:class:`QuerySource`           a search in the registry's query syntax, paged 1,000 at a time
:func:`incremental`            a query (or the whole registry) since a date: only the studies
                               whose ``LastUpdatePostDate`` is on or after it
:class:`HistorySource`         the registry's own version history of given studies
:class:`SweepSource`           the IDs the registry still has (``fields=NCTId``, cheap pages),
                               so studies it no longer returns can be recorded as removed
``registry.bulk.BulkSource``   the bulk download (a zip or a directory of one file per study)
=============================  ==============================================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlencode

from models.nct import normalize_nct_ids
from models.payload import Batch, IndexEntry, RawStudy
from registry.client import RegistryClient
from registry.errors import BadRequestError, RegistryResponseError, StudyNotFoundError

logger = logging.getLogger("registry")

NCT_ID_FIELD = "NCTId"
LAST_UPDATE_AREA = "LastUpdatePostDate"
ADVANCED_FILTER = "filter.advanced"
QUERY_PREFIXES = ("query.", "filter.", "postFilter.", "aggFilters", "geoDecay", "sort")
"""Parameters a query source passes to `GET /studies` (the registry's query syntax)."""

HeldVersions = Callable[[str], set[int]]
"""The registry version numbers the warehouse already holds of a study."""


class Source(Protocol):
    """What the pipeline runs: a key (for progress and resuming), and batches.

    ``cursor_key`` names the source whose last success ``--since-last-run`` starts from: an
    incremental run of a query shares its query's.
    """

    @property
    def key(self) -> str: ...

    @property
    def cursor_key(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def description(self) -> str: ...

    def total(self) -> int | None: ...

    def batches(self, resume: Any = None) -> Iterator[Batch]: ...


@dataclass
class IdsSource:
    """Given NCT IDs, fetched ``ids_per_request`` at a time (one batch per request).

    An ID no page answered is asked for on its own: only a 404 makes it missing, and an
    alias is answered by its study. The cursor is the number of IDs done.
    """

    client: RegistryClient
    nct_ids: Sequence[str]
    kind: str = "ingest"

    def __post_init__(self) -> None:
        self.nct_ids = normalize_nct_ids(self.nct_ids)

    @property
    def key(self) -> str:
        return "ids"

    @property
    def cursor_key(self) -> str:
        return self.key

    @property
    def description(self) -> str:
        shown = ", ".join(self.nct_ids[:5])
        more = f" and {len(self.nct_ids) - 5} more" if len(self.nct_ids) > 5 else ""
        return f"{len(self.nct_ids)} ID(s): {shown}{more}"

    def total(self) -> int | None:
        return len(self.nct_ids)

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        done = int(resume or 0)
        step = self.client.config.ids_per_request
        for start in range(done, len(self.nct_ids), step):
            chunk = list(self.nct_ids[start : start + step])
            result = self.client.fetch_studies(chunk)
            yield Batch(
                studies=result.studies,
                missing=result.missing,
                requested=len(chunk),
                aliases=result.aliases,
                cursor=start + len(chunk),
            )


@dataclass
class QuerySource:
    """A search (``query.cond``, ``query.intr``, ``query.term``, ``filter.overallStatus``,
    ``filter.advanced`` with ``AREA[…]``, ...) paged through to the end, 1,000 per page.

    The cursor is the next page token. A token the registry no longer accepts (its data
    refreshed meanwhile) restarts the query: studies already stored are unchanged and cost a
    hash each.
    """

    client: RegistryClient
    params: Mapping[str, str]
    kind: str = "query"
    base: Mapping[str, str] | None = None
    """For an incremental run, the query without its date window (whose cursor it moves)."""
    counted: int | None = field(default=None, init=False)

    @property
    def key(self) -> str:
        return f"query:{canonical_query(self.params)}"

    @property
    def cursor_key(self) -> str:
        return f"query:{canonical_query(self.base if self.base is not None else self.params)}"

    @property
    def description(self) -> str:
        return canonical_query(self.params) or "the whole registry"

    def total(self) -> int | None:
        return self.counted

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        params = {**self.params, "countTotal": "true"}
        token = resume if isinstance(resume, str) and resume else None
        restarted = False
        while True:
            pages = self.client.iter_study_pages(
                params if token is None else {**params, "pageToken": token}
            )
            try:
                for page in pages:
                    if page.total_count is not None:
                        self.counted = page.total_count
                    token = page.next_page_token
                    yield Batch(
                        studies=page.studies,
                        requested=len(page.studies),
                        cursor=page.next_page_token or "",
                    )
                return
            except BadRequestError as refused:
                if token is None or restarted:
                    raise
                logger.warning(
                    "the registry no longer accepts page token %s (%s); starting the query "
                    "over (studies already stored cost a hash each)",
                    token,
                    refused.body[:120],
                )
                token, restarted = None, True


def incremental(
    client: RegistryClient, params: Mapping[str, str], since: date, *, kind: str = "sync"
) -> QuerySource:
    """The studies of a query (the whole registry for ``{}``) updated on or after ``since``:
    requests = pages, never one per study. ``AREA[LastUpdatePostDate]RANGE[since,MAX]`` is
    ANDed with the query's own ``filter.advanced``."""
    window = f"AREA[{LAST_UPDATE_AREA}]RANGE[{since.isoformat()},MAX]"
    existing = params.get(ADVANCED_FILTER)
    advanced = f"({existing}) AND {window}" if existing else window
    return QuerySource(client, {**params, ADVANCED_FILTER: advanced}, kind=kind, base=params)


def canonical_query(params: Mapping[str, str]) -> str:
    """The query as a stable string (sorted parameters), its identity for cursors."""
    return urlencode(sorted((k, v) for k, v in params.items() if k not in ("pageToken",)))


@dataclass
class HistorySource:
    """The registry's version history of each study: its index, then each version the
    warehouse does not hold (``/api/int/studies/{id}/history/{v}``), one batch per study.

    ``modules`` (e.g. ``{"Outcome Measures", "Eligibility"}``) fetches only the versions whose
    ``moduleLabels`` touch them (and version 0, the baseline); the whole index is kept, with
    the reason each skipped version was skipped. A study with no history, or one the
    registry does not know, is reported in ``notes`` and does not stop the others. The cursor
    is the number of studies done.
    """

    client: RegistryClient
    nct_ids: Sequence[str]
    held: HeldVersions
    modules: frozenset[str] = frozenset()
    kind: str = "backfill"
    notes: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.nct_ids = normalize_nct_ids(self.nct_ids)

    @property
    def key(self) -> str:
        scope = f":{','.join(sorted(self.modules))}" if self.modules else ""
        return f"history{scope}"

    @property
    def cursor_key(self) -> str:
        return self.key

    @property
    def description(self) -> str:
        modules = f" ({', '.join(sorted(self.modules))})" if self.modules else ""
        studies = "study" if len(self.nct_ids) == 1 else "studies"
        return f"history of {len(self.nct_ids)} {studies}{modules}"

    def total(self) -> int | None:
        return len(self.nct_ids)

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        done = int(resume or 0)
        for position in range(done, len(self.nct_ids)):
            nct_id = self.nct_ids[position]
            yield self.study_batch(nct_id, held=self.held(nct_id), cursor=position + 1)

    def study_batch(self, nct_id: str, *, held: set[int], cursor: Any = None) -> Batch:
        """One study's index and the versions not in ``held`` (registry version numbers the
        warehouse holds), as one batch."""
        try:
            changes = self.client.fetch_history_index(nct_id)
        except StudyNotFoundError:
            self.notes[nct_id] = "the registry has no history for this ID (404)"
            return Batch(cursor=cursor, requested=1)
        if not changes:
            self.notes[nct_id] = "the registry keeps no history for this study (empty index)"
            return Batch(cursor=cursor, requested=1)
        entries = [index_entry(nct_id, change, self.modules) for change in changes]
        gaps = _gaps([entry.registry_version for entry in entries])
        if gaps:
            self.notes[nct_id] = f"the history index skips version(s) {gaps}; fetched the rest"
        studies: list[RawStudy] = []
        for entry in entries:
            if entry.skipped is not None or entry.registry_version in held:
                continue
            try:
                studies.append(self.client.fetch_history_version(nct_id, entry.registry_version))
            except StudyNotFoundError:
                self.notes[nct_id] = (
                    f"version {entry.registry_version} is in the index but answered 404"
                )
        return Batch(studies=studies, index=entries, cursor=cursor, requested=1)


def index_entry(nct_id: str, change: dict[str, Any], modules: frozenset[str]) -> IndexEntry:
    """One ``changes[i]`` of the history index; outside ``modules`` it is marked skipped."""
    version = change.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RegistryResponseError(
            f"history index of {nct_id}", f"entry without an integer version: {change!r:.120}"
        )
    labels = tuple(str(label) for label in change.get("moduleLabels") or [])
    skipped = None
    if modules and version != 0 and not modules & set(labels):
        skipped = f"outside --modules ({', '.join(labels) or 'no module labels'})"
    raw_date = change.get("date")
    try:
        index_date = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        index_date = None
    status = change.get("status")
    return IndexEntry(
        nct_id=nct_id,
        registry_version=version,
        index_date=index_date,
        overall_status=status if isinstance(status, str) else None,
        module_labels=labels,
        entry=change,
        skipped=skipped,
    )


def _gaps(versions: Sequence[int]) -> list[int]:
    present = set(versions)
    return [v for v in range(max(present, default=-1) + 1) if v not in present]


@dataclass
class SweepSource:
    """The NCT IDs the registry returns for a query (all of it for ``{}``), cheap pages of
    ``fields=NCTId``; ``tracked`` minus those, each confirmed by a 404 on its own, is what the
    registry no longer has: one batch of ``missing`` at the end."""

    client: RegistryClient
    tracked: Sequence[str]
    params: Mapping[str, str] = field(default_factory=dict)
    kind: str = "sweep"

    @property
    def key(self) -> str:
        return f"sweep:{canonical_query(self.params)}"

    @property
    def cursor_key(self) -> str:
        return self.key

    @property
    def description(self) -> str:
        return f"ID sweep of {canonical_query(self.params) or 'the whole registry'}"

    def total(self) -> int | None:
        return len(self.tracked)

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        present: set[str] = set()
        params = {**self.params, "fields": NCT_ID_FIELD}
        for page in self.client.iter_study_pages(params):
            present.update(study.nct_id for study in page.studies)
        gone: list[str] = []
        for nct_id in self.tracked:
            if nct_id in present:
                continue
            try:
                self.client.fetch_study(nct_id)
            except StudyNotFoundError:
                gone.append(nct_id)
                continue
            logger.warning("%s was not in the sweep's pages but GET answered it; kept", nct_id)
        yield Batch(missing=gone, requested=len(self.tracked), cursor="done")
