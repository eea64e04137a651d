"""The watchlist: which trials a run fetches when it is given no NCT IDs."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError, field_validator

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


class Watchlist(BaseModel):
    trials: list[WatchedTrial]

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
        raise WatchlistError(f"watchlist {path}: {where}: {first['msg']}") from None


def resolve_ids(nct_ids: Sequence[str] | None, watchlist: Path) -> list[str]:
    """The IDs a run fetches: those given (normalised), else the watchlist's."""
    if nct_ids:
        return normalize_nct_ids(nct_ids)
    return load_watchlist(watchlist).nct_ids
