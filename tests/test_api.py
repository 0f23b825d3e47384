"""The public API as an integrating program sees it: exports, immutability with our own error, typed
iteration, and one knowledge base built under concurrent first calls."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

import nmt_referral
from nmt_referral import Candidate, ImmutableError, NmtReferralError, QueryResult
from nmt_referral import load as load_module_level

from .conftest import KB_MINIMAL


def test_every_result_type_is_exported() -> None:
    result = nmt_referral.load().where("temple", "tennis elbow", "angle of the jaw", "dizziness")
    seen: set[type] = set()

    def walk(value: object) -> None:
        if isinstance(value, BaseModel):
            seen.add(type(value))
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)

    walk(result)
    assert len(seen) >= 5
    for kind in seen:
        assert getattr(nmt_referral, kind.__name__, None) is kind and kind.__name__ in nmt_referral.__all__


def test_results_and_records_are_immutable_with_our_error() -> None:
    kb = nmt_referral.load(KB_MINIMAL)
    result = kb.where("temple")
    for target, name in [
        (result, "total"),
        (result[0], "score"),
        (result[0].muscle, "name"),
        (kb.muscle("alpha"), "id"),
    ]:
        with pytest.raises(ImmutableError):
            setattr(target, name, 1)
        with pytest.raises(ImmutableError):
            delattr(target, name)
    assert issubclass(ImmutableError, NmtReferralError) and issubclass(ImmutableError, AttributeError)
    changed = result.model_copy(update={"total": 99})  # the documented way to a changed copy
    assert changed.total == 99 and result.total != 99


def test_iterating_a_result_gives_its_candidates() -> None:
    result: QueryResult = nmt_referral.load(KB_MINIMAL).where("temple")
    candidates = list(result)
    assert candidates == list(result.results) and all(isinstance(c, Candidate) for c in candidates)
    assert len(result) == len(candidates) and result[0] is candidates[0]


def test_concurrent_first_loads_build_one_knowledge_base(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from nmt_referral import cache

    builds = 0
    real = cache.load_cached
    barrier = threading.Barrier(8)

    def counting(root: Path, overlays: tuple[Path, ...]) -> nmt_referral.KnowledgeBase:
        nonlocal builds
        builds += 1
        time.sleep(0.2)  # a slow first build: without the lock, every waiting thread would start its own
        return real(root, overlays)

    monkeypatch.setattr(cache, "load_cached", counting)
    loaded: list[nmt_referral.KnowledgeBase] = []

    def worker() -> None:
        barrier.wait()
        loaded.append(load_module_level(KB_MINIMAL))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(loaded) == 8 and builds == 1
    assert all(kb is loaded[0] for kb in loaded)


def test_queries_from_many_threads_agree() -> None:
    kb = nmt_referral.load()
    expected = kb.where("temple", "angle of the jaw", limit=10)
    kb2 = nmt_referral.load()
    assert kb2 is kb
    answers: list[QueryResult] = []

    def worker() -> None:
        for _ in range(20):
            answers.append(kb.where("temple", "angle of the jaw", limit=10))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(answers) == 160 and all(answer == expected for answer in answers)
