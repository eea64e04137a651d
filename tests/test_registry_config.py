"""The registry configuration: named defaults and validation."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from registry import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_IDS_PER_REQUEST,
    DEFAULT_PAGE_SIZE,
    DEFAULT_READ_TIMEOUT_S,
    DEFAULT_REGISTRY_URL,
    DEFAULT_REQUESTS_PER_MINUTE,
    RegistryConfig,
)


def test_defaults_are_the_documented_constants():
    config = RegistryConfig()
    assert config.base_url == DEFAULT_REGISTRY_URL == "https://clinicaltrials.gov"
    assert config.requests_per_minute == DEFAULT_REQUESTS_PER_MINUTE <= 50
    assert config.page_size == DEFAULT_PAGE_SIZE == 1000
    assert 100 <= config.ids_per_request == DEFAULT_IDS_PER_REQUEST <= 200
    assert isinstance(config.timeout, httpx.Timeout)
    assert config.timeout.connect == DEFAULT_CONNECT_TIMEOUT_S
    assert config.timeout.read == DEFAULT_READ_TIMEOUT_S


def test_base_url_loses_its_trailing_slash():
    assert RegistryConfig(base_url=" http://127.0.0.1:8123/ ").base_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    "field, value",
    [
        ("base_url", "clinicaltrials.gov"),
        ("page_size", 1001),
        ("page_size", 0),
        ("ids_per_request", 0),
        ("requests_per_minute", 0),
        ("max_attempts", 0),
        ("unknown_setting", 1),
    ],
)
def test_invalid_settings_are_refused(field, value):
    with pytest.raises(ValidationError, match=field):
        RegistryConfig(**{field: value})
