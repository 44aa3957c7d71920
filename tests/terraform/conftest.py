"""Fixtures of the Terraform tests."""

from __future__ import annotations

import pytest
from tfconfig import TfConfig, load_config


@pytest.fixture(scope="session")
def tf() -> TfConfig:
    return load_config()
