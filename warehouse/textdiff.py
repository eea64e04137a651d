"""Word-level diffs of long text values, with the unchanged parts elided.

A change inside a 4 KB eligibility text is one word; showing both texts hides it. Here the two
texts are split into words and the whitespace between them (so the text is rebuilt exactly),
compared with :class:`difflib.SequenceMatcher`, and grouped into hunks: each hunk is the changed
words with a few unchanged words of context on each side.

>>> old = "Exclusion: live attenuated vaccines within 4 weeks before the first infusion."
>>> new = "Exclusion: live attenuated vaccines within 6 weeks before the first infusion."
>>> [render_plain(h) for h in word_hunks(old, new, context=2)]
['…vaccines within [-4-]{+6+} weeks before…']

``render_plain`` uses git's ``--word-diff=plain`` markers, for output that is not a terminal;
the CLI colours the same segments on a terminal; ``--format json`` gives the segments as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

SegmentOp = Literal["equal", "removed", "added"]

DEFAULT_CONTEXT_WORDS = 6
"""Unchanged words shown on each side of a change."""
LONG_TEXT_CHARS = 80
"""Values at least this long (either side) are shown as word diffs rather than old → new."""
ELLIPSIS = "…"

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: SegmentOp
    text: str

    def as_json(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass(frozen=True)
class Hunk:
    """One group of changed words with their context.

    ``leading`` / ``trailing`` say whether text was elided before / after the hunk.
    ``old_offset`` and ``new_offset`` are character offsets of the hunk's start in each text.
    """

    segments: tuple[Segment, ...]
    old_offset: int
    new_offset: int
    leading: bool
    trailing: bool

    def as_json(self) -> dict[str, object]:
        return {
            "old_offset": self.old_offset,
            "new_offset": self.new_offset,
            "elided_before": self.leading,
            "elided_after": self.trailing,
            "segments": [segment.as_json() for segment in self.segments],
        }


def is_long_text(old: object, new: object) -> bool:
    """True when both sides are text and at least one is long enough to need a word diff."""
    return (
        isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) >= LONG_TEXT_CHARS
    )


def tokens(text: str) -> list[str]:
    """Words and the whitespace runs between them; ``"".join(tokens(t)) == t``."""
    return _TOKENS.findall(text)


def word_hunks(old: str, new: str, *, context: int = DEFAULT_CONTEXT_WORDS) -> list[Hunk]:
    """The hunks that turn ``old`` into ``new``; empty when they are equal."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    # Context is counted in tokens; a word and the space after it are two.
    groups = matcher.get_grouped_opcodes(n=context * 2)
    hunks: list[Hunk] = []
    old_starts = _offsets(old_tokens)
    new_starts = _offsets(new_tokens)
    for group in groups:
        if all(tag == "equal" for tag, *_ in group):
            continue
        segments: list[Segment] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                _append(segments, "equal", "".join(old_tokens[i1:i2]))
                continue
            if tag in ("delete", "replace"):
                _append(segments, "removed", "".join(old_tokens[i1:i2]))
            if tag in ("insert", "replace"):
                _append(segments, "added", "".join(new_tokens[j1:j2]))
        first, last = group[0], group[-1]
        hunks.append(
            Hunk(
                segments=tuple(segments),
                old_offset=old_starts[first[1]],
                new_offset=new_starts[first[3]],
                leading=first[1] > 0,
                trailing=last[2] < len(old_tokens),
            )
        )
    return hunks


def render_plain(hunk: Hunk) -> str:
    """One hunk as text with ``[-removed-]{+added+}`` markers and ``…`` where text is elided."""
    body = "".join(
        segment.text
        if segment.op == "equal"
        else f"[-{segment.text}-]"
        if segment.op == "removed"
        else f"{{+{segment.text}+}}"
        for segment in hunk.segments
    )
    return f"{ELLIPSIS if hunk.leading else ''}{body}{ELLIPSIS if hunk.trailing else ''}"


def _append(segments: list[Segment], op: SegmentOp, text: str) -> None:
    if text:
        segments.append(Segment(op, text))


def _offsets(parts: list[str]) -> list[int]:
    """Character offset of each token, plus the text's length at the end."""
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return offsets
