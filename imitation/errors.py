"""Errors of the imitation registry, each with a one-line message naming the data.

ImitationError (a models.errors.CtgovError)
 ├── TimelineError    a recorded timeline (imitation/data/timeline/*.json) cannot be built
 ├── UnknownStudyError an NCT ID that the catalog does not hold (also a KeyError)
 ├── FaultSpecError   a fault rule or CLI ``--fault`` spec is malformed
 └── ApiError         a request the imitated API answers with a text/plain error body
"""

from __future__ import annotations

from models.errors import CtgovError


class ImitationError(CtgovError):
    """Base of every error raised by the imitation package."""


class TimelineError(ImitationError):
    """A timeline file or one of its edits does not fit the record it is applied to."""

    def __init__(self, source: str, detail: str) -> None:
        self.source = source
        self.detail = detail
        super().__init__(f"{source}: {detail}; fix the timeline file and reload")


class UnknownStudyError(ImitationError, KeyError):
    """An NCT ID that is not in the imitation's catalog."""

    def __init__(self, nct_id: str, known: list[str]) -> None:
        self.nct_id = nct_id
        super().__init__(
            f"{nct_id} is not in the imitation catalog; known studies: {', '.join(known)}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class FaultSpecError(ImitationError):
    """A fault rule that cannot be applied as written."""

    def __init__(self, spec: str, detail: str) -> None:
        self.spec = spec
        self.detail = detail
        super().__init__(
            f"fault spec {spec!r}: {detail}; "
            "write KIND[:first=N|:p=P][:path=/prefix][:delay=S][:retry_after=S]"
        )


class ApiError(ImitationError):
    """An error response of the imitated API: status code and the plain-text body."""

    def __init__(self, status: int, body: str) -> None:
        self.status = status
        self.body = body
        super().__init__(f"{status} {body}")
