"""Markdown → HTML as the internal API renders it, checked against the real capture."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest

from imitation.markup import markdown_to_html, record_to_html

FIXTURE = Path(__file__).parent / "fixtures/ctgov/history/NCT03690141.history-true.json"


@pytest.fixture(scope="module")
def captured() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return loaded


def test_a_bulleted_outcome_description_renders_like_the_capture(captured: dict[str, Any]) -> None:
    expected = captured["history"]["originalData"]["primaryOutcomes"][0]["description"]
    items = html.unescape(expected.removeprefix("<ul><li>").removesuffix("</li></ul>")).split(
        "</li><li>"
    )
    markdown = "\n".join(f"* {item}" for item in items)
    assert markdown_to_html(markdown) == expected


def test_a_single_paragraph_with_soft_breaks_is_not_wrapped(captured: dict[str, Any]) -> None:
    expected = captured["study"]["protocolSection"]["armsInterventionsModule"]["armGroups"][0][
        "description"
    ]
    assert "\n" in expected and "&#x2F;" in expected
    assert markdown_to_html(html.unescape(expected)) == expected


def test_paragraphs_and_lists_join_without_newlines() -> None:
    markdown = (
        "Inclusion Criteria:\n\n* Men ≥18 years.\n* 1.73 nmol/L\n\n"
        "Exclusion Criteria:\n\n1. a's\n2. \\>12 weeks"
    )
    assert markdown_to_html(markdown) == (
        "<p>Inclusion Criteria:</p><ul><li>Men ≥18 years.</li><li>1.73 nmol&#x2F;L</li></ul>"
        "<p>Exclusion Criteria:</p><ol><li>a&#x27;s</li><li>&gt;12 weeks</li></ol>"
    )


def test_raw_html_in_markdown_is_escaped_not_passed_through() -> None:
    assert markdown_to_html("<b>x</b> & y") == "&lt;b&gt;x&lt;&#x2F;b&gt; &amp; y"


def test_record_to_html_converts_only_markup_fields_and_copies() -> None:
    record: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {"briefTitle": "A/B"},
            "descriptionModule": {"briefSummary": "one\n\ntwo"},
            "armsInterventionsModule": {"interventions": [{"name": "x/y", "description": "a/b"}]},
        }
    }
    converted: dict[str, Any] = record_to_html(record)
    protocol = converted["protocolSection"]
    assert protocol["descriptionModule"]["briefSummary"] == "<p>one</p><p>two</p>"
    assert protocol["armsInterventionsModule"]["interventions"][0] == {
        "name": "x/y",
        "description": "a&#x2F;b",
    }
    assert protocol["identificationModule"] is record["protocolSection"]["identificationModule"]
    assert record["protocolSection"]["descriptionModule"]["briefSummary"] == "one\n\ntwo"
