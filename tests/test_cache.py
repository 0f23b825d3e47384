"""Compiled cache: never stale, corrupt entries ignored, safe with concurrent writers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import nmt_referral
from nmt_referral import KnowledgeBase
from nmt_referral.cache import cache_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("NMT_REFERRAL_CACHE_DIR", str(directory))
    return directory


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("kb-*.pickle"))


def test_first_load_writes_an_entry_and_second_uses_it(kb_dir: Path, cache: Path) -> None:
    first = nmt_referral.load(kb_dir)
    assert len(entries(cache)) == 1
    nmt_referral.clear_cache()
    second = nmt_referral.load(kb_dir)
    assert second is not first
    assert [c.muscle.id for c in second.where("temple")] == [c.muscle.id for c in first.where("temple")]
    assert second.muscles == first.muscles


def test_the_packaged_knowledge_base_is_served_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of record the packaged data holds can come back from an entry: a model the cache does
    not know would make each warm load a silent cold one."""
    first = nmt_referral.load()
    assert len(entries(cache)) == 1
    nmt_referral.clear_cache()
    from nmt_referral import loader

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm load parsed the YAML again")

    monkeypatch.setattr(loader, "read_parts", no_parsing)
    second = nmt_referral.load()
    assert second is not first and second.content_hash == first.content_hash
    assert second.clinical == first.clinical and second.body_maps == first.body_maps
    assert second.identifiers == first.identifiers and second.postures == first.postures


def test_any_data_change_invalidates(kb_dir: Path, cache: Path) -> None:
    nmt_referral.load(kb_dir)
    pattern = kb_dir / "patterns" / "epsilon.yaml"
    pattern.write_text(pattern.read_text().replace("essential: [temple]", "essential: [forehead]"))
    nmt_referral.clear_cache()
    kb = nmt_referral.load(kb_dir)
    assert "epsilon" not in [c.muscle.id for c in kb.where("temple")]
    assert "epsilon" in [c.muscle.id for c in kb.where("forehead")]
    assert len(entries(cache)) == 2


def test_new_file_invalidates(kb_dir: Path, cache: Path) -> None:
    nmt_referral.load(kb_dir)
    (kb_dir / "regions" / "more.yaml").write_text("regions:\n  - id: nose\n    label: Nose\n    parent: head\n")
    nmt_referral.clear_cache()
    assert "nose" in nmt_referral.load(kb_dir).regions


def test_invalid_data_is_never_served_from_cache(kb_dir: Path, cache: Path) -> None:
    nmt_referral.load(kb_dir)
    pattern = kb_dir / "patterns" / "alpha.yaml"
    pattern.write_text(pattern.read_text().replace("[temple]", "[nowhere]"))
    nmt_referral.clear_cache()
    with pytest.raises(nmt_referral.KnowledgeBaseError):
        nmt_referral.load(kb_dir)


@pytest.mark.parametrize("content", [b"", b"garbage", b"nmt-referral-cache-1\n" + b"0" * 64 + b"\x80\x04junk"])
def test_corrupt_entry_is_ignored_and_rebuilt(kb_dir: Path, cache: Path, content: bytes) -> None:
    nmt_referral.load(kb_dir)
    (entry,) = entries(cache)
    entry.write_bytes(content)
    nmt_referral.clear_cache()
    kb = nmt_referral.load(kb_dir)
    assert kb.where("temple")[0].muscle.id == "alpha"
    assert entry.read_bytes() != content  # rewritten


def test_unwritable_cache_directory_falls_back(kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("NMT_REFERRAL_CACHE_DIR", str(blocker / "cache"))
    assert nmt_referral.load(kb_dir).where("temple")[0].muscle.id == "alpha"


def test_entry_writable_by_others_is_not_trusted(kb_dir: Path, cache: Path) -> None:
    nmt_referral.load(kb_dir)
    (entry,) = entries(cache)
    entry.chmod(0o666)
    nmt_referral.clear_cache()
    nmt_referral.load(kb_dir)
    (entry,) = entries(cache)
    assert entry.stat().st_mode & 0o022 == 0  # ignored, rebuilt and replaced by a private file


def test_cache_can_be_turned_off(kb_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMT_REFERRAL_NO_CACHE", "1")
    assert cache_dir() is None
    nmt_referral.load(kb_dir)
    assert not cache.exists()


def test_xdg_cache_home_is_respected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NMT_REFERRAL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "nmt-referral"


def test_concurrent_processes_build_and_read_safely(kb_dir: Path, cache: Path) -> None:
    code = (
        "import sys, nmt_referral\n"
        "kb = nmt_referral.load(sys.argv[1])\n"
        "print(','.join(c.muscle.id for c in kb.where('temple', 'angle of the jaw')))\n"
    )
    env = {**os.environ, "NMT_REFERRAL_CACHE_DIR": str(cache)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(kb_dir)], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(6)
    ]
    outputs = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert outputs == {"alpha,beta,gamma,epsilon"}
    assert len(entries(cache)) == 1
    assert not list(cache.glob(".tmp-*"))


def test_records_survive_pickling_with_their_set_fields(shipped_kb: KnowledgeBase) -> None:
    import pickle

    for record in (*list(shipped_kb.muscles.values())[:5], *list(shipped_kb.regions.values())[:5]):
        copy = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert copy == record
        assert copy.model_fields_set == record.model_fields_set
        assert copy.model_dump(exclude_unset=True) == record.model_dump(exclude_unset=True)
    partial = next(r for r in shipped_kb.regions.values() if r.model_fields_set != set(type(r).model_fields))
    assert pickle.loads(pickle.dumps(partial)).model_fields_set == partial.model_fields_set


# --------------------------------------------------------------------------- a cache is never a way in


def _rewrite_payload(entry: Path, payload: bytes) -> None:
    """Replace an entry's payload, keeping its key and giving it a matching checksum (as an attacker
    who can write the directory could)."""
    import hashlib

    from nmt_referral.cache import _FORMAT

    data = entry.read_bytes()
    key = data[len(_FORMAT) : len(_FORMAT) + 64]
    entry.write_bytes(_FORMAT + key + hashlib.sha256(payload).hexdigest().encode() + payload)
    entry.chmod(0o600)


class _Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_planted_code_in_an_entry_never_runs_and_the_entry_is_rebuilt(kb_dir: Path, cache: Path) -> None:
    import pickle

    first = nmt_referral.load(kb_dir)
    (entry,) = entries(cache)
    marker = cache.parent / "pwned"
    _rewrite_payload(entry, pickle.dumps(_Exploit(marker)))
    nmt_referral.clear_cache()
    again = nmt_referral.load(kb_dir)
    assert not marker.exists()  # nothing ran
    assert again.muscles == first.muscles  # rebuilt from the YAML
    assert b"posix" not in entry.read_bytes() and b"system" not in entry.read_bytes()  # and rewritten


def test_a_flipped_byte_means_a_rebuild_not_a_wrong_answer(kb_dir: Path, cache: Path) -> None:
    first = nmt_referral.load(kb_dir)
    (entry,) = entries(cache)
    data = bytearray(entry.read_bytes())
    position = data.find(b"Alpha muscle")
    assert position > 0
    data[position] = ord("X")  # "Xlpha muscle": a plausible but wrong label
    entry.write_bytes(bytes(data))
    nmt_referral.clear_cache()
    assert nmt_referral.load(kb_dir).muscles["alpha"].name == first.muscles["alpha"].name == "Alpha muscle"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_entry_that_is_not_a_regular_file_is_ignored_without_hanging(kb_dir: Path, cache: Path) -> None:
    nmt_referral.load(kb_dir)
    (entry,) = entries(cache)
    entry.unlink()
    os.mkfifo(entry)
    nmt_referral.clear_cache()
    assert "alpha" in nmt_referral.load(kb_dir).muscles  # no hang, no error


def test_entries_are_owner_only_and_old_ones_are_evicted(kb_dir: Path, cache: Path) -> None:
    from nmt_referral.cache import KEEP

    pattern = kb_dir / "patterns" / "epsilon.yaml"
    original = pattern.read_text()
    for index in range(KEEP + 3):  # every edit of the data makes a new entry
        pattern.write_text(original + f"# edit {index}\n")
        nmt_referral.clear_cache()
        nmt_referral.load(kb_dir)
    found = entries(cache)
    assert len(found) == KEEP
    assert all(path.stat().st_mode & 0o077 == 0 for path in found)


def test_the_key_is_the_hash_of_the_bytes_parsed(kb_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit landing between hashing and parsing must not be stored under the old content's key."""
    from nmt_referral import files as reading

    pattern = kb_dir / "patterns" / "epsilon.yaml"
    reads: list[Path] = []
    real = reading.read_bytes

    def read_and_edit(path: Path) -> bytes:
        data = real(path)
        reads.append(path)
        if path == pattern:  # the file changes on disk right after it was read
            pattern.write_text(pattern.read_text().replace("essential: [temple]", "essential: [forehead]"))
        return data

    monkeypatch.setattr(reading, "read_bytes", read_and_edit)
    kb = nmt_referral.load(kb_dir)
    assert reads.count(pattern) == 1  # read once
    assert "epsilon" in [c.muscle.id for c in kb.where("temple")]  # the bytes that were read
    monkeypatch.setattr(reading, "read_bytes", real)
    nmt_referral.clear_cache()
    now = nmt_referral.load(kb_dir)  # the new content has another key: never the old answer
    assert "epsilon" in [c.muscle.id for c in now.where("forehead")]


def test_a_warm_start_with_nothing_changed_lists_and_reads_no_source_file(
    kb_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nmt_referral import cache as cache_module
    from nmt_referral import listing

    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)  # the fixture's files were written just now
    first = nmt_referral.load(kb_dir)
    assert len(list(cache.glob("stamp-*.json"))) == 1
    nmt_referral.clear_cache()

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm start read the source files although none changed")

    monkeypatch.setattr(listing, "read_sources", no_reading)
    monkeypatch.setattr(listing, "list_files", no_reading)
    second = nmt_referral.load(kb_dir)
    assert second is not first and second.content_hash == first.content_hash


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(
    kb_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp holds the change time too, which no tool can set back: the edit below keeps the file's
    size and restores its modification time, and the next load still answers from the new bytes."""
    from nmt_referral import cache as cache_module

    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    nmt_referral.load(kb_dir)
    pattern = kb_dir / "patterns" / "epsilon.yaml"
    before = pattern.stat()
    text = pattern.read_text()
    changed = text.replace("essential: [temple]", "essential: [chest] ")
    assert len(changed) == len(text) and changed != text
    pattern.write_text(changed)
    os.utime(pattern, ns=(before.st_atime_ns, before.st_mtime_ns))
    nmt_referral.clear_cache()
    kb = nmt_referral.load(kb_dir)
    assert "epsilon" in [c.muscle.id for c in kb.where("chest")]


def test_files_changed_within_the_racy_window_are_not_stamped(kb_dir: Path, cache: Path) -> None:
    nmt_referral.load(kb_dir)  # the fixture was copied a moment ago
    assert entries(cache) and not list(cache.glob("stamp-*.json"))


def test_a_warm_start_unpacks_the_clinical_and_source_tables_only_when_used(cache: Path) -> None:
    first = nmt_referral.load()
    nmt_referral.clear_cache()
    second = nmt_referral.load()
    packed = ("clinical", "sources", "body_maps")
    assert not any(name in vars(second) for name in packed)  # a question needs none of them
    assert second.where("temple").results == first.where("temple").results
    assert second.cautions("sternocleidomastoid") == first.cautions("sternocleidomastoid") != ()
    assert second.clinical == first.clinical and second.sources == first.sources
    assert second.body_maps == first.body_maps
    assert all(name in vars(second) for name in packed)


def test_a_packed_table_is_unpickled_with_the_same_allow_list(cache: Path) -> None:
    import pickle

    from nmt_referral.cache import restricted_loads

    with pytest.raises(pickle.UnpicklingError):
        restricted_loads(pickle.dumps(os.system))


def test_a_file_added_to_a_stamped_folder_is_seen(kb_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file list is taken from the stamp only while no folder changed: a new file changes its
    folder's times, so the next load lists the folder again and reads the new file."""
    from nmt_referral import cache as cache_module

    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0)
    nmt_referral.load(kb_dir)
    (kb_dir / "regions" / "more.yaml").write_text("regions:\n  - id: nose\n    label: Nose\n    parent: head\n")
    nmt_referral.clear_cache()
    assert "nose" in nmt_referral.load(kb_dir).regions
