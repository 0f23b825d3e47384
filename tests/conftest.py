"""Shared fixtures: the crafted minimal knowledge base and the shipped one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import nmt_referral
from nmt_referral import KnowledgeBase

FIXTURES = Path(__file__).parent / "fixtures"
KB_MINIMAL = FIXTURES / "kb_minimal"
KB_GUIDED = FIXTURES / "kb_guided"
FIGURES_MINIMAL = FIXTURES / "figures_minimal"


@pytest.fixture(autouse=True)
def _fresh_process_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test sees no per-process cache and no stray environment."""
    monkeypatch.delenv("NMT_REFERRAL_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    nmt_referral.clear_cache()
    yield
    nmt_referral.clear_cache()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A private, writable copy of the minimal fixture knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(KB_MINIMAL, target)
    return target


@pytest.fixture
def kb_minimal() -> KnowledgeBase:
    """The minimal fixture knowledge base, loaded."""
    return nmt_referral.validate(KB_MINIMAL)


@pytest.fixture
def maps_dir(tmp_path: Path) -> Path:
    """A private copy of the minimal knowledge base with toy body charts (figures/)."""
    target = tmp_path / "kb_maps"
    shutil.copytree(KB_MINIMAL, target)
    shutil.copytree(FIGURES_MINIMAL, target / "figures")
    return target


@pytest.fixture
def kb_guided() -> KnowledgeBase:
    """A fixture knowledge base with a pain guide, adjacent regions, symptoms and condition flags."""
    return nmt_referral.validate(KB_GUIDED)


_SHIPPED: list[KnowledgeBase] = []


@pytest.fixture
def shipped_kb() -> KnowledgeBase:
    """The packaged knowledge base, loaded once per test session (read-only)."""
    if not _SHIPPED:
        _SHIPPED.append(nmt_referral.validate())
    return _SHIPPED[0]
