"""The two base classes every generated study model builds on (see ``models/codegen.py``).

They carry what makes the models lossless:

* :class:`RecordModel` keeps fields the spec does not know (``extra="allow"``) so a dump gives
  them back. It reads the registry's camelCase keys, and the snake_case names when code builds
  a model (``populate_by_name``); ``parse_study`` reads registry keys only.
* :class:`OpenStrEnum` keeps an enum value the spec does not list as a *pseudo-member* of its
  enum instead of failing, so ``overall_status`` stays typed as ``Status`` and still round-trips.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict


class RecordModel(BaseModel):
    """Base of every generated model of the study record."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class OpenStrEnum(StrEnum):
    """A string enum that accepts values outside its members.

    >>> class Colour(OpenStrEnum):
    ...     RED = "RED"
    >>> Colour("MAUVE").is_known, Colour("MAUVE") == "MAUVE", Colour("RED") is Colour.RED
    (False, True, True)
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        return pseudo

    @property
    def is_known(self) -> bool:
        """True for a member the spec lists, False for a value kept as schema drift."""
        return type(self)._value2member_map_.get(self._value_) is self

    def __repr__(self) -> str:
        known = "" if self.is_known else " (unknown)"
        return f"<{type(self).__name__}.{self._name_}: {self._value_!r}{known}>"
