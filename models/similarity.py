"""How alike two trials are, as a score made of named reasons a person can check.

Discovery ranks the studies its saved queries return against the trials already watched. A
score is a sum of evidence, each piece a :class:`Reason` with its weight, so ``ctgov discover``
can say *why* a candidate ranks where it does ("same target antigen CD123", "shared
condition acute myeloid leukemia") rather than print an opaque number. The evidence, strongest
first:

========================  ======  ==========================================================
evidence                  weight  from
========================  ======  ==========================================================
target antigen            4       ``CD123``, ``BCMA``… in titles, keywords, interventions, arms
modality                  1-3     CAR-NK / CAR-T (3), any CAR or NK cells (2), cell therapy (1)
condition                 3 (+1)  condition names, abbreviations and their expansions alike
MeSH term                 2       ``derivedSection.conditionBrowseModule.meshes``
lead sponsor              1.5     the same lead sponsor name
phase                     1       at least one phase in common
open to enrolment         0.5     the candidate recruits or will
========================  ======  ==========================================================

Pure functions over a record's raw JSON (a ``dict``), so any record works, valid or not, and
nothing here touches the network or the warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ANTIGEN_WEIGHT = 4.0
CONDITION_WEIGHT = 3.0
EXTRA_CONDITION_WEIGHT = 1.0
MESH_WEIGHT = 2.0
SPONSOR_WEIGHT = 1.5
PHASE_WEIGHT = 1.0
OPEN_WEIGHT = 0.5

OPEN_STATUSES = frozenset({"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"})

_ANTIGEN = re.compile(
    r"\b(CD\d{1,3}[A-Z]?|BCMA|HER2|GD2|GPC3|CLL-?1|CLEC12A|NKG2D|FLT3|EGFR|MUC1|MSLN|"
    r"MESOTHELIN|CLAUDIN\s?18\.2|PSMA|ROR1|GPRC5D|CD7)\b",
    re.IGNORECASE,
)
_CAR_NK = re.compile(r"\bCAR[\s-]?NK\b", re.IGNORECASE)
_CAR_T = re.compile(r"\bCAR[\s-]?T\b", re.IGNORECASE)
_CAR = re.compile(r"\bCARs?\b|chimeric antigen receptor", re.IGNORECASE)
_NK = re.compile(r"\bNK[\s-]?cells?\b|natural killer", re.IGNORECASE)
_T_CELLS = re.compile(r"\bT[\s-]cells?\b", re.IGNORECASE)
_CELL_THERAPY = re.compile(r"cell therapy|cell immunotherapy|adoptive|\bcells\b", re.IGNORECASE)
_PARENTHESIS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_WORD = re.compile(r"[a-z0-9]+")
_SPELLINGS = {"leukaemia": "leukemia", "tumour": "tumor", "haematologic": "hematologic"}

MODALITY_WEIGHTS: dict[str, tuple[float, str]] = {
    "CAR-NK": (3.0, "same modality: CAR-NK"),
    "CAR-T": (3.0, "same modality: CAR-T"),
    "CAR": (2.0, "both CAR cell therapies"),
    "NK cells": (2.0, "both NK-cell therapies"),
    "cell therapy": (1.0, "both cell therapies"),
}
"""Modalities from the most to the least specific; a pair scores its most specific shared one."""


@dataclass(frozen=True)
class Reason:
    """One piece of evidence and what it adds to the score."""

    weight: float
    text: str


@dataclass(frozen=True)
class Profile:
    """What similarity looks at in one study."""

    nct_id: str
    title: str
    antigens: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    conditions: frozenset[str] = frozenset()
    """Normalised condition names, with abbreviations and expansions (``aml``,
    ``acute myeloid leukemia``)."""
    condition_labels: Mapping[str, str] = field(default_factory=dict)
    """Normalised name → the wording the record uses, for reasons."""
    mesh: frozenset[str] = frozenset()
    sponsor: str | None = None
    phases: frozenset[str] = frozenset()
    status: str | None = None


@dataclass(frozen=True)
class Match:
    """A candidate's similarity to the closest watched trial, with the reasons."""

    nct_id: str
    title: str
    score: float
    closest: str | None
    """The watched trial it is most like (None when it is like none)."""
    reasons: tuple[Reason, ...]

    @property
    def why(self) -> str:
        return "; ".join(reason.text for reason in self.reasons)


def profile(record: Mapping[str, Any]) -> Profile:
    """The :class:`Profile` of a study record (raw API JSON)."""
    protocol = _get(record, "protocolSection")
    ident = _get(protocol, "identificationModule")
    title = str(ident.get("briefTitle") or ident.get("officialTitle") or "")
    text = " ".join(_texts(protocol))
    conditions = _get(protocol, "conditionsModule").get("conditions") or []
    labels: dict[str, str] = {}
    for condition in conditions:
        for name in condition_names(str(condition)):
            labels.setdefault(name, str(condition))
    browse = _get(_get(record, "derivedSection"), "conditionBrowseModule")
    sponsor = _get(_get(protocol, "sponsorCollaboratorsModule"), "leadSponsor").get("name")
    return Profile(
        nct_id=str(ident.get("nctId") or ""),
        title=title,
        antigens=frozenset(_antigen(m) for m in _ANTIGEN.findall(text)),
        modalities=modalities(text),
        conditions=frozenset(labels),
        condition_labels=labels,
        mesh=frozenset(
            str(m["term"])
            for m in browse.get("meshes") or []
            if isinstance(m, dict) and "term" in m
        ),
        sponsor=" ".join(str(sponsor).split()).casefold() if sponsor else None,
        phases=frozenset(
            p for p in _get(protocol, "designModule").get("phases") or [] if p != "NA"
        ),
        status=_get(protocol, "statusModule").get("overallStatus"),
    )


def condition_names(condition: str) -> set[str]:
    """A condition and the other names it goes by in the same string: ``AML (Acute Myeloid
    Leukemia)`` → ``aml``, ``acute myeloid leukemia``; an expansion of three words or more also
    gives its initials (``acute myeloid leukemia`` → ``aml``), and registry-style inversions
    read in order (``Leukemia, Myeloid, Acute`` → ``acute myeloid leukemia``)."""
    parts = [condition]
    match = _PARENTHESIS.match(condition)
    if match:
        parts = [match.group(1), match.group(2)]
    names: set[str] = set()
    for part in parts:
        if "," in part:
            part = " ".join(reversed([p.strip() for p in part.split(",")]))
        words = [_SPELLINGS.get(w, w) for w in _WORD.findall(part.casefold())]
        if not words:
            continue
        names.add(" ".join(words))
        if len(words) >= 3:
            names.add("".join(w[0] for w in words))
    return names


def modalities(text: str) -> frozenset[str]:
    """Modalities named in ``text``; a specific one implies the general ones (CAR-NK is a CAR,
    an NK-cell and a cell therapy)."""
    found: set[str] = set()
    if _CAR_NK.search(text):
        found |= {"CAR-NK", "CAR", "NK cells", "cell therapy"}
    if _CAR_T.search(text):
        found |= {"CAR-T", "CAR", "cell therapy"}
    if _CAR.search(text):
        found |= {"CAR", "cell therapy"}
        if _T_CELLS.search(text):
            found.add("CAR-T")
    if _NK.search(text):
        found |= {"NK cells", "cell therapy"}
    if _CELL_THERAPY.search(text) and found:
        found.add("cell therapy")
    return frozenset(found)


def reasons(candidate: Profile, watched: Profile) -> list[Reason]:
    """The evidence that ``candidate`` is like ``watched``, strongest first."""
    found: list[Reason] = []
    for antigen in sorted(candidate.antigens & watched.antigens):
        found.append(Reason(ANTIGEN_WEIGHT, f"same target antigen {antigen}"))
    for modality, (weight, text) in MODALITY_WEIGHTS.items():
        if modality in candidate.modalities and modality in watched.modalities:
            found.append(Reason(weight, text))
            break
    shared = _distinct_conditions(candidate, watched)
    for i, label in enumerate(shared):
        weight = CONDITION_WEIGHT if i == 0 else EXTRA_CONDITION_WEIGHT
        found.append(Reason(weight, f"shared condition {label}"))
    for term in sorted(candidate.mesh & watched.mesh):
        found.append(Reason(MESH_WEIGHT, f"shared MeSH term {term}"))
    if candidate.sponsor and candidate.sponsor == watched.sponsor:
        found.append(Reason(SPONSOR_WEIGHT, "same lead sponsor"))
    phases = sorted(candidate.phases & watched.phases)
    if phases:
        found.append(Reason(PHASE_WEIGHT, f"same phase ({', '.join(_phase(p) for p in phases)})"))
    if found and candidate.status in OPEN_STATUSES:
        found.append(Reason(OPEN_WEIGHT, f"open to enrolment ({candidate.status})"))
    return sorted(found, key=lambda r: -r.weight)


def score(candidate: Profile, watched: Profile) -> float:
    return sum(r.weight for r in reasons(candidate, watched))


def rank(candidates: Iterable[Profile], watched: Sequence[Profile]) -> list[Match]:
    """Each candidate scored against the watched trial it is most like, best first (ties by
    NCT ID); watched trials themselves are left out."""
    watched_ids = {w.nct_id for w in watched}
    matches = []
    for candidate in candidates:
        if candidate.nct_id in watched_ids:
            continue
        best: tuple[float, str | None, list[Reason]] = (0.0, None, [])
        for seed in watched:
            found = reasons(candidate, seed)
            total = sum(r.weight for r in found)
            if total > best[0]:
                best = (total, seed.nct_id, found)
        matches.append(Match(candidate.nct_id, candidate.title, best[0], best[1], tuple(best[2])))
    return sorted(matches, key=lambda m: (-m.score, m.nct_id))


def _distinct_conditions(candidate: Profile, watched: Profile) -> list[str]:
    """Shared conditions, one label per condition of the candidate (``AML`` and
    ``Acute Myeloid Leukemia`` are one)."""
    labels: dict[str, None] = {}
    for name in sorted(candidate.conditions & watched.conditions, key=len, reverse=True):
        labels.setdefault(candidate.condition_labels[name], None)
    return list(labels)


def _phase(phase: str) -> str:
    return phase.replace("PHASE", "phase ").replace("EARLY_", "early ").lower()


def _antigen(found: str) -> str:
    upper = re.sub(r"\s+", "", found.upper())
    return {"CLL1": "CLL-1", "MESOTHELIN": "MSLN"}.get(upper, upper)


def _get(node: Any, key: str) -> dict[str, Any]:
    value = node.get(key) if isinstance(node, Mapping) else None
    return value if isinstance(value, dict) else {}


def _texts(protocol: Mapping[str, Any]) -> Iterable[str]:
    """The texts that name antigens and modalities: titles, keywords, interventions, arms."""
    ident = _get(protocol, "identificationModule")
    yield from (str(ident.get(k) or "") for k in ("briefTitle", "officialTitle", "acronym"))
    yield from (str(k) for k in _get(protocol, "conditionsModule").get("keywords") or [])
    arms = _get(protocol, "armsInterventionsModule")
    for item in [*(arms.get("interventions") or []), *(arms.get("armGroups") or [])]:
        if isinstance(item, dict):
            yield from (str(item.get(k) or "") for k in ("name", "label", "description"))
            yield from (str(n) for n in item.get("otherNames") or [])
