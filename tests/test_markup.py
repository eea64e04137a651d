"""What counts as "the same content": markup and whitespace never make a change.

Checked against real captures and against a converter this project did not write: cmark-gfm,
GitHub's C implementation of CommonMark (``cmarkgfm``), renders each real record's Markdown to
HTML the way the registry's own converter might; the comparable form must not tell them apart.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import cmarkgfm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imitation.markup import record_to_html
from models.hashing import content_hash
from models.markup import (
    MARKUP_PATHS,
    _has_markdown_syntax,
    comparable_record,
    comparable_text,
)
from tests.conftest import FIXTURES, REAL_STUDY_IDS, study_record


def _markup_values(node: Any, path: tuple[str, ...]) -> list[str]:
    if not path:
        return [node] if isinstance(node, str) else []
    head, rest = path[0], path[1:]
    if head == "[]":
        if not isinstance(node, list):
            return []
        return [v for item in node for v in _markup_values(item, rest)]
    return _markup_values(node[head], rest) if isinstance(node, dict) and head in node else []


def _with_markup(record: dict[str, Any], convert: Any) -> dict[str, Any]:
    """``record`` with each markup field passed through ``convert``."""
    result = copy.deepcopy(record)

    def walk(node: Any, path: tuple[str, ...]) -> Any:
        if not path:
            return convert(node) if isinstance(node, str) else node
        head, rest = path[0], path[1:]
        if head == "[]":
            return [walk(item, rest) for item in node] if isinstance(node, list) else node
        if isinstance(node, dict) and head in node:
            node[head] = walk(node[head], rest)
        return node

    for path in MARKUP_PATHS:
        result = walk(result, path)
    return result


@pytest.mark.parametrize("nct_id", REAL_STUDY_IDS)
def test_a_real_record_rendered_by_cmark_is_the_same_content(nct_id: str) -> None:
    record = study_record(nct_id)
    html = _with_markup(record, cmarkgfm.markdown_to_html)
    assert html != record
    assert content_hash(html, "html") == content_hash(record, "markdown")
    for path in MARKUP_PATHS:
        for markdown_text, html_text in zip(
            _markup_values(record, path), _markup_values(html, path), strict=True
        ):
            assert comparable_text(html_text, "html") == comparable_text(markdown_text, "markdown")


@pytest.mark.parametrize("nct_id", REAL_STUDY_IDS)
def test_the_imitations_history_html_is_the_same_content(nct_id: str) -> None:
    record = study_record(nct_id)
    assert content_hash(record_to_html(record), "html") == content_hash(record)


def test_the_real_history_capture_reads_as_text() -> None:
    """The internal API's real HTML: entities resolved, search highlighting is markup too."""
    path = FIXTURES / "ctgov" / "history" / "NCT03690141.history-true.json"
    capture = json.loads(path.read_text("utf-8"))
    study = capture["study"]
    description = study["protocolSection"]["descriptionModule"]["detailedDescription"]
    assert "&#x2F;" in description
    assert "apalutamide and/or abiraterone" in comparable_text(description, "html")
    highlighted = description.replace("CRPC", '<mark class="hl-term">CRPC</mark>')
    assert highlighted != description
    assert comparable_text(highlighted, "html") == comparable_text(description, "html")
    criteria = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    text = comparable_text(criteria, "html")
    assert text.startswith("Inclusion Criteria: Men ≥18 years. Eastern Cooperative")
    assert "<" not in text and "&" not in text.replace("& ", "")


def test_whitespace_and_rewrapping_are_no_change_but_a_word_is() -> None:
    record = study_record("NCT06690827")
    criteria = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    rewrapped = copy.deepcopy(record)
    assert "any gender, aged" in criteria
    rewrapped["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = (
        criteria.replace("any gender, aged", "any\n gender,   aged").replace("\n\n", "\n\n\n")
        + "\n"
    )
    reworded = copy.deepcopy(record)
    reworded["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = criteria.replace(
        "within 4 weeks", "within 6 weeks"
    )
    assert content_hash(rewrapped) == content_hash(record)
    assert content_hash(reworded) != content_hash(record)
    assert comparable_record(record, "markdown") is not record


def test_markup_outside_markup_fields_still_counts() -> None:
    """Titles are not markup fields: an asterisk added to one is a change."""
    record = study_record("NCT06690827")
    starred = copy.deepcopy(record)
    title = starred["protocolSection"]["identificationModule"]["briefTitle"]
    starred["protocolSection"]["identificationModule"]["briefTitle"] = f"*{title}*"
    assert content_hash(starred) != content_hash(record)


ONE_PATTERN = re.compile(r"[\\`*_\[\]<>&#|~!]|^[ \t]*(?:[-+*>]|\d{1,9}[.)])[ \t]", re.M)
"""The syntax check as one pattern, as content hashes were first computed with it: stored
hashes stay comparable only while the faster check answers as it did."""


@pytest.mark.parametrize("nct_id", REAL_STUDY_IDS)
def test_the_syntax_check_answers_as_the_one_pattern_did_on_real_markup(nct_id: str) -> None:
    record = study_record(nct_id)
    values = [v for path in MARKUP_PATHS for v in _markup_values(record, path)]
    for value in values:
        assert _has_markdown_syntax(value) == bool(ONE_PATTERN.search(value)), value


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab1 9.)\t\n\r-+*>_#x<")), max_size=40))
def test_the_syntax_check_answers_as_the_one_pattern_did_on_any_text(text: str) -> None:
    assert _has_markdown_syntax(text) == bool(ONE_PATTERN.search(text))
