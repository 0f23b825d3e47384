"""The documented examples type-check under ``mypy --strict``, and the typed API catches mistakes:
iterating a result gives ``Candidate``, so a misspelt attribute is a type error, not a runtime surprise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.py"))
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)

_TYPO = """\
import nmt_referral

for candidate in nmt_referral.load().where("temple"):
    print(candidate.muscel.name)
"""


def _python_blocks(document: Path) -> str:
    """Every python block of a document, in order, as one module (later blocks use earlier names)."""
    code = "\n".join(_BLOCK.findall(document.read_text(encoding="utf-8")))
    if "nmt_referral." in code and "import nmt_referral\n" not in code:
        code = "import nmt_referral\n" + code
    return code


def _mypy(files: list[Path], cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "--no-error-summary", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=files[0].parent,
    )


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy_cache")


def test_documented_examples_pass_mypy_strict(tmp_path: Path, mypy_cache: Path) -> None:
    files = []
    for document in DOCUMENTS:
        code = _python_blocks(document)
        if code.strip():
            file = tmp_path / f"example_{re.sub(r'[^a-z0-9]', '_', document.stem.lower())}.py"
            file.write_text(code, encoding="utf-8")
            files.append(file)
    files += EXAMPLES
    assert len(files) >= 3  # README, api.md, maps.md at least
    done = _mypy(files, mypy_cache)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_misspelt_attribute_on_a_candidate_is_a_type_error(tmp_path: Path, mypy_cache: Path) -> None:
    file = tmp_path / "typo.py"
    file.write_text(_TYPO, encoding="utf-8")
    done = _mypy([file], mypy_cache)
    assert done.returncode == 1 and "muscel" in done.stdout
