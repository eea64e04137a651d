"""An offline imitation of the ClinicalTrials.gov registry API (v2 and the internal history API).

A real HTTP server on loopback serves recorded study records along a dated timeline of
versions, with reproducible faults. See ``imitation/README.md`` for what is and is not imitated.
"""

from imitation.catalog import Absence, Catalog, ExpectedChange, TimelineVersion
from imitation.errors import (
    ApiError,
    FaultSpecError,
    ImitationError,
    TimelineError,
    UnknownStudyError,
)
from imitation.faults import FaultKind, FaultPlan, FaultRule, parse_fault_spec
from imitation.markup import markdown_to_html
from imitation.server import ImitationServer, RequestRecord
from imitation.timeline import EVENT_KINDS

__all__ = [
    "EVENT_KINDS",
    "Absence",
    "ApiError",
    "Catalog",
    "ExpectedChange",
    "FaultKind",
    "FaultPlan",
    "FaultRule",
    "FaultSpecError",
    "ImitationError",
    "ImitationServer",
    "RequestRecord",
    "TimelineError",
    "TimelineVersion",
    "UnknownStudyError",
    "markdown_to_html",
    "parse_fault_spec",
]
