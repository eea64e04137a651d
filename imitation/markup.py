"""Markdown → HTML the way the registry's internal API renders ``markup`` fields.

API v2 serves ``markup`` fields as CommonMark; the internal API behind the website
(``/api/int/...``) serves the same fields as HTML. The real capture
(``tests/fixtures/ctgov/history/NCT03690141.history-true.json``) shows the rules copied here:
block tags are joined without newlines (``<p>…</p><ul><li>…</li></ul>``), soft line breaks stay
``\\n``, a value that is a single paragraph is not wrapped in ``<p>``, and text escapes
``&<>"'/`` (``&#x27;``, ``&#x2F;``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

MARKUP_PATHS: tuple[tuple[str, ...], ...] = (
    ("protocolSection", "descriptionModule", "briefSummary"),
    ("protocolSection", "descriptionModule", "detailedDescription"),
    ("protocolSection", "designModule", "designInfo", "interventionModelDescription"),
    ("protocolSection", "designModule", "designInfo", "maskingInfo", "maskingDescription"),
    ("protocolSection", "designModule", "bioSpec", "description"),
    ("protocolSection", "armsInterventionsModule", "armGroups", "[]", "description"),
    ("protocolSection", "armsInterventionsModule", "interventions", "[]", "description"),
    ("protocolSection", "outcomesModule", "primaryOutcomes", "[]", "description"),
    ("protocolSection", "outcomesModule", "secondaryOutcomes", "[]", "description"),
    ("protocolSection", "outcomesModule", "otherOutcomes", "[]", "description"),
    ("protocolSection", "eligibilityModule", "eligibilityCriteria"),
    ("protocolSection", "eligibilityModule", "studyPopulation"),
    ("protocolSection", "eligibilityModule", "genderDescription"),
    ("protocolSection", "ipdSharingStatementModule", "description"),
    ("resultsSection", "participantFlowModule", "preAssignmentDetails"),
    ("resultsSection", "participantFlowModule", "recruitmentDetails"),
    ("resultsSection", "baselineCharacteristicsModule", "populationDescription"),
    ("resultsSection", "outcomeMeasuresModule", "outcomeMeasures", "[]", "description"),
    ("resultsSection", "outcomeMeasuresModule", "outcomeMeasures", "[]", "populationDescription"),
    ("resultsSection", "adverseEventsModule", "description"),
    ("resultsSection", "moreInfoModule", "limitationsAndCaveats", "description"),
)
"""Paths of the fields the registry's data model types as ``markup`` (``[]``: each list item)."""

_TEXT_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "/": "&#x2F;"}
)
_BLOCK_TAG_NEWLINE = re.compile(
    r"(</?(?:p|ul|ol|li|h[1-6]|blockquote|pre|hr|table|thead|tbody|tr|th|td)(?:\s[^>]*)?/?>)\n"
)
_HTML_CACHE_SIZE = 4096


def escape_text(text: str) -> str:
    """Escape text content the way the internal API does (``/`` → ``&#x2F;``)."""
    return text.translate(_TEXT_ESCAPES)


class _InternalApiRenderer(RendererHTML):
    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return escape_text(tokens[idx].content)

    def code_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"<code>{escape_text(tokens[idx].content)}</code>"


_MARKDOWN = MarkdownIt("commonmark", {"html": False}, renderer_cls=_InternalApiRenderer)


@lru_cache(maxsize=_HTML_CACHE_SIZE)
def markdown_to_html(markdown: str) -> str:
    """Render one ``markup`` value as the internal API's HTML.

    >>> markdown_to_html("Inclusion Criteria:\\n\\n* Men ≥18 years\\n* 1 mg/dL")
    '<p>Inclusion Criteria:</p><ul><li>Men ≥18 years</li><li>1 mg&#x2F;dL</li></ul>'
    >>> markdown_to_html("One paragraph, not wrapped")
    'One paragraph, not wrapped'
    """
    html = _BLOCK_TAG_NEWLINE.sub(r"\1", _MARKDOWN.render(markdown)).rstrip("\n")
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def record_to_html(record: dict[str, Any]) -> dict[str, Any]:
    """Copy of a study record with every ``markup`` field rendered as HTML."""
    result = record
    for path in MARKUP_PATHS:
        result = _convert_at(result, path)
    return result


def _convert_at(node: Any, path: tuple[str, ...]) -> Any:
    if not path:
        return markdown_to_html(node) if isinstance(node, str) else node
    head, rest = path[0], path[1:]
    if head == "[]":
        if not isinstance(node, list):
            return node
        return [_convert_at(item, rest) for item in node]
    if not isinstance(node, dict) or head not in node:
        return node
    converted = _convert_at(node[head], rest)
    if converted is node[head]:
        return node
    copy = dict(node)
    copy[head] = converted
    return copy
