"""The watchlist: which trials a run fetches when it is given no NCT IDs, and the saved
queries that find trials related to them (``ctgov discover``) or keep a search's results
current (the daily sync).

``[[trials]]`` entries are the seeds; ``[[queries]]`` entries are searches in the registry's
syntax (condition, intervention, term, sponsor, title, status) with a ``name``. A query with
``sync = true`` has every result stored, incrementally, by the ``sync-daily`` deployment; every
query with ``discover = true`` (the default) feeds discovery's candidates.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.errors import InputError
from models.nct import normalize_nct_id, normalize_nct_ids


class WatchlistError(InputError):
    """The watchlist file is missing or malformed; the message names the file and the entry."""


class WatchedTrial(BaseModel):
    nct_id: str
    title: str | None = None
    related_to: str | None = None

    @field_validator("nct_id", "related_to")
    @classmethod
    def _normalise(cls, value: str | None) -> str | None:
        return None if value is None else normalize_nct_id(value)


class SavedQuery(BaseModel):
    """A search kept in the watchlist, re-run by discovery and (``sync``) the daily sync."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    condition: str | None = None
    intervention: str | None = None
    term: str | None = None
    sponsor: str | None = None
    title: str | None = None
    status: list[str] = Field(default_factory=list)
    sync: bool = False
    discover: bool = True
    note: str | None = None

    @model_validator(mode="after")
    def _asks_something(self) -> SavedQuery:
        if not any((self.condition, self.intervention, self.term, self.sponsor, self.title)):
            raise ValueError(
                f"query {self.name!r} searches nothing: give condition, intervention, term, "
                "sponsor or title"
            )
        return self

    def search_fields(self) -> dict[str, Any]:
        """Keyword arguments of :func:`flows.sources.search_params`."""
        return {
            "condition": self.condition,
            "intervention": self.intervention,
            "query": self.term,
            "sponsor": self.sponsor,
            "title": self.title,
            "status": self.status,
        }


class Watchlist(BaseModel):
    trials: list[WatchedTrial]
    queries: list[SavedQuery] = Field(default_factory=list)

    def query(self, name: str) -> SavedQuery:
        for query in self.queries:
            if query.name == name:
                return query
        known = ", ".join(q.name for q in self.queries) or "none"
        raise WatchlistError(f"no saved query named {name!r} in the watchlist (saved: {known})")

    @property
    def nct_ids(self) -> list[str]:
        return list(dict.fromkeys(trial.nct_id for trial in self.trials))


def load_watchlist(path: Path) -> Watchlist:
    """Read ``path``; errors name the file and the first bad entry."""
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))  # a byte order mark is fine
    except FileNotFoundError:
        raise WatchlistError(
            f"watchlist {path} not found; pass NCT IDs or create it with [[trials]] entries"
        ) from None
    except IsADirectoryError:
        raise WatchlistError(
            f"watchlist {path} is a directory; pass the TOML file (--watchlist FILE)"
        ) from None
    except UnicodeDecodeError as exc:
        raise WatchlistError(f"watchlist {path} is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise WatchlistError(f"cannot read watchlist {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise WatchlistError(f"watchlist {path} is not valid TOML: {exc}") from None
    try:
        return Watchlist.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise WatchlistError(f"watchlist {path}: {where}: {message}") from None


def resolve_ids(nct_ids: Sequence[str] | None, watchlist: Path) -> list[str]:
    """The IDs a run fetches: those given (normalised), else the watchlist's."""
    if nct_ids:
        return normalize_nct_ids(nct_ids)
    return load_watchlist(watchlist).nct_ids
