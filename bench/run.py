"""Benchmark of nmt-referral: prints figures, asserts nothing. Run: ``python bench/run.py [--quick]``.

Sections (medians; ratios are computed within one run, so machine noise affects both sides alike):
1. CLI cold start: ``nmt-referral where temple --json`` (budget 1.3x) and the coloured text path
   (budget 1.5x), warm compiled cache, against the floor any pydantic-model CLI pays:
   ``python -c "import typer, yaml, rapidfuzz; from pydantic import BaseModel"``, interleaved runs. For
   reference: the floor plus the CLI module, and a minimal typer app with three parameters. Then the
   shell: time per question with 50 questions piped into one process.
2. ``load()`` of the packaged knowledge base: cold (no cache) and warm (cache present) vs naive
   ``yaml.safe_load`` of the same files.
3. In-process query latency: exact single site, fuzzy single site, 3-site fuzzy, with ``side``.
4. Scaling: the same on synthetic knowledge bases of 1x, 10x and 100x the packaged size (copies of the
   packaged data with renamed ids, generated in a temporary directory, never committed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

import nmt_referral
from nmt_referral.loader import list_files, packaged_data_dir

PY = sys.executable
SCRIPT = str(Path(PY).with_name("nmt-referral"))


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def median_us(fn: Callable[[], object], repeat: int, inner: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times) * 1e6


def run_quiet(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)


def cli_section(rounds: int, env: dict[str, str]) -> None:
    mini = Path(env["NMT_BENCH_TMP"]) / "mini_typer.py"
    mini.write_text(
        "import typer\napp = typer.Typer()\n@app.command()\n"
        "def where(locations: list[str], json_output: bool = typer.Option(False, '--json'), limit: int = 10)"
        " -> None:\n    print(locations)\n@app.command()\ndef other() -> None: pass\napp()\n"
    )
    floor_code = "import typer, yaml, rapidfuzz; from pydantic import BaseModel"
    floor_name = "floor: import typer, yaml, rapidfuzz; BaseModel"
    commands = {
        floor_name: [PY, "-c", floor_code],
        "  + import nmt_referral.cli": [PY, "-c", floor_code + "; import nmt_referral.cli"],
        "minimal typer app, 3 parameters": [PY, str(mini), "where", "temple", "--json"],
        "nmt-referral where temple --json": [SCRIPT, "where", "temple", "--json"],
        "nmt-referral where temple (text, colour)": [SCRIPT, "where", "temple"],
    }
    budgets = {"nmt-referral where temple --json": 1.3, "nmt-referral where temple (text, colour)": 1.5}
    env = {**env, "FORCE_COLOR": "1", "COLUMNS": "100"}  # the text path as a terminal gets it
    for cmd in commands.values():  # warm the compiled cache and every __pycache__ before timing
        run_quiet(cmd, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):  # interleaved, so drift affects all alike
        for name, cmd in commands.items():
            start = time.perf_counter()
            run_quiet(cmd, env)
            samples[name].append(time.perf_counter() - start)
    floor = statistics.median(samples[floor_name])
    fastest_floor = min(samples[floor_name])
    print(f"\n1. CLI cold start ({rounds} interleaved rounds: median, and in brackets the fastest run against")
    print("   the fastest floor, which a busy machine disturbs least)")
    for name, values in samples.items():
        value = statistics.median(values)
        budget = f"   budget <= {budgets[name]}x" if name in budgets else ""
        fastest = f"({min(values) / fastest_floor:4.2f}x)"
        print(f"   {name:<48} {value * 1000:7.1f} ms   {value / floor:5.2f}x floor {fastest}{budget}")
    shell_section(rounds, env, statistics.median(samples["nmt-referral where temple (text, colour)"]))


def shell_section(rounds: int, env: dict[str, str], one_process: float) -> None:
    """The shell answers each line in its process: the time a question adds (100 questions piped in,
    minus one question piped in, over 99) against a process per question."""
    sites = ["temple", "angle of the jaw", "low back", "tennis elbow"]
    many = "".join(f"{sites[i % len(sites)]}\n" for i in range(100)).encode()

    def timed(script: bytes) -> float:
        start = time.perf_counter()
        subprocess.run([SCRIPT, "shell", "-q"], input=script, capture_output=True, env=env, check=True)
        return time.perf_counter() - start

    samples = [(timed(many), timed(b"temple\n")) for _ in range(max(3, rounds // 3))]
    per_question = statistics.median((full - one) / 99 for full, one in samples)
    print(f"   shell: {per_question * 1000:.1f} ms a question after the first (100 piped in), against")
    print(f"   {one_process * 1000:.1f} ms for a process per question ({one_process / per_question:.0f}x)")


def naive_yaml(files: list[Path]) -> None:
    for path in files:
        with path.open() as handle:
            yaml.safe_load(handle)


def c_yaml(files: list[Path]) -> None:
    for path in files:
        with path.open() as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)


def load_section(root: Path, repeat: int, label: str) -> None:
    files = sorted(list_files(root).files.values())
    cache = tempfile.mkdtemp(prefix="nmt-bench-cache-")
    os.environ["NMT_REFERRAL_CACHE_DIR"] = cache

    def cold() -> None:
        nmt_referral.clear_cache()
        shutil.rmtree(cache, ignore_errors=True)
        nmt_referral.load(root)

    def warm() -> None:
        nmt_referral.clear_cache()
        nmt_referral.load(root)

    naive = median_ms(lambda: naive_yaml(files), repeat)
    fast_c = median_ms(lambda: c_yaml(files), repeat)
    cold_ms = median_ms(cold, repeat)
    nmt_referral.load(root)
    warm_ms = median_ms(warm, repeat)
    print(f"\n2. load() {label}: {len(files)} files")
    print(f"   naive yaml.safe_load of the files            {naive:8.1f} ms")
    print(f"   yaml.load(CSafeLoader) of the files          {fast_c:8.1f} ms")
    print(
        f"   load() cold (parse + validate + index)       {cold_ms:8.1f} ms   {naive / cold_ms:5.2f}x faster than naive"
    )
    print(
        f"   load() warm (compiled cache)                 {warm_ms:8.1f} ms   {naive / warm_ms:5.2f}x faster than naive"
    )
    shutil.rmtree(cache, ignore_errors=True)


def where_next(kb: nmt_referral.KnowledgeBase, labels: Iterator[str]) -> Callable[[], object]:
    """A query on the next region label each call."""

    def run() -> object:
        return kb.where(next(labels))

    return run


def query_section(kb: nmt_referral.KnowledgeBase, label: str, repeat: int) -> None:
    def where(*locations: str, side: str | None = None) -> Callable[[], object]:
        def run() -> object:
            try:
                return kb.where(*locations, side=side)
            except nmt_referral.UnknownLocationError:  # in synthetic copies a typo can be ambiguous
                return None

        return run

    cases = {
        "exact single site ('temple')": where("temple"),
        "fuzzy single site ('tempel')": where("tempel"),
        "3-site fuzzy ('tempel', 'angle of teh jaw', 'bak of the nek')": where(
            "tempel", "angle of teh jaw", "bak of the nek"
        ),
        "exact single site, side ('temple', side=left)": where("temple", side="left"),
    }
    print(f"\n3. query latency {label} (median of {repeat} x 20 calls)")
    for name, fn in cases.items():
        fn()  # first call builds lazy tables
        print(f"   {name:<64} {median_us(fn, repeat, 20):9.1f} us")
    # The cases above repeat one query: its ranking, explanations and candidates are then kept (see
    # query.py). A query on a region not asked before pays for all of that once:
    labels = iter([region.label for region in kb.regions.values()] * 2)
    first_time = where_next(kb, labels)
    name = "exact single site, each call a region not queried before"
    print(f"   {name:<64} {median_us(first_time, 1, min(20, len(kb.regions))):9.1f} us")


def synthetic(root: Path, factor: int, target: Path) -> Path:
    """A knowledge base `factor` times the packaged one: copies with every id suffixed."""
    if target.exists():
        shutil.rmtree(target)
    (target / "regions").mkdir(parents=True)
    (target / "muscles").mkdir()
    (target / "patterns").mkdir()
    for name in ("sources", "phenomena"):  # a vocabulary may be one file, a folder of files, or both
        if (root / f"{name}.yaml").is_file():
            shutil.copy(root / f"{name}.yaml", target / f"{name}.yaml")
        if (root / name).is_dir():
            shutil.copytree(root / name, target / name)
    regions = [r for f in sorted((root / "regions").glob("*.yaml")) for r in yaml.safe_load(f.read_text())["regions"]]
    for copy in range(factor):
        suffix = "" if copy == 0 else f"_c{copy}"

        def rid(region_id: str) -> str:
            return region_id + suffix  # noqa: B023 - used within this iteration only

        copies = []
        for region in regions:
            new = dict(region, id=rid(region["id"]))
            if "parent" in new:
                new["parent"] = rid(new["parent"])
            if copy:
                new["label"] = f"{region['label']} {copy}"
                new["aliases"] = [f"{a} {copy}" for a in region.get("aliases", [])]
            copies.append(new)
        (target / "regions" / f"r{copy}.yaml").write_text(yaml.safe_dump({"regions": copies}))
        for path in sorted((root / "muscles").glob("*.yaml")):
            muscle = yaml.safe_load(path.read_text())
            pattern = yaml.safe_load((root / "patterns" / path.name).read_text())
            mid = muscle["id"] + suffix
            muscle["id"] = mid
            if copy:
                muscle["name"] = f"{muscle['name']} {copy}"
                muscle["aliases"] = [f"{a} {copy}" for a in muscle.get("aliases", [])]
            for trp in muscle["trigger_points"]:
                trp["id"] = mid + trp["id"][len(path.stem) :]
            pattern["muscle"] = mid
            for item in pattern["patterns"]:
                item["trigger_point"] = mid + item["trigger_point"][len(path.stem) :]
                for kind in ("essential", "spillover"):
                    item[kind] = [
                        rid(z) if isinstance(z, str) else dict(z, region=rid(z["region"])) for z in item.get(kind, [])
                    ]
            (target / "muscles" / f"{mid}.yaml").write_text(yaml.safe_dump(muscle, sort_keys=False))
            (target / "patterns" / f"{mid}.yaml").write_text(yaml.safe_dump(pattern, sort_keys=False))
    return target


def map_section(root: Path, repeat: int) -> None:
    """Drawing one muscle's referral map in process (SVG; PNG too when the png extra is installed)."""
    from nmt_referral.maps import load_figures, referral_map, svg_to_png
    from nmt_referral.maps.png import PngUnavailableError

    kb = nmt_referral.load(root)
    figures = load_figures(root)
    if not figures.views:
        print("\n6. referral maps: no body charts in this knowledge base")
        return
    print(f"\n6. referral maps (median of {repeat} x 5 calls)")
    for name in ("trapezius", "gluteus_minimus", "sternocleidomastoid"):
        if kb.get_muscle(name) is None:
            continue
        svg_us = median_us(lambda name=name: referral_map(kb, name, figures=figures), repeat, 5)
        print(f"   {name + ' SVG':<40} {svg_us / 1000:8.2f} ms")
        try:
            svg = referral_map(kb, name, figures=figures)
            png_us = median_us(lambda svg=svg: svg_to_png(svg), max(1, repeat // 3), 1)
            print(f"   {name + ' PNG (from the SVG)':<40} {png_us / 1000:8.2f} ms")
        except PngUnavailableError:
            print("   PNG: the png extra is not installed")
    load_us = median_us(lambda: load_figures(root), max(1, repeat // 3), 1)
    print(f"   {'reading the body charts (once per process)':<40} {load_us / 1000:8.2f} ms")


def tree_section(root: Path, tmp: Path) -> None:
    """Validation time for region trees of one shape and growing size: a deep parent chain (refused
    at the depth limit) and a wide tree; linear growth means the time per region stays flat."""
    print("\n5. region-tree shapes (validate, per region)")
    for shape in ("deep chain", "wide tree"):
        for size in (1000, 4000):
            target = tmp / f"tree-{shape.split()[0]}-{size}"
            shutil.copytree(root, target)
            lines = ["regions:"]
            for index in range(size):
                parent = "head" if shape == "wide tree" or index == 0 else f"shape_{index - 1}"
                lines += [f"  - id: shape_{index}", f"    label: Shape {index}", f"    parent: {parent}"]
            (target / "regions" / "shape.yaml").write_text("\n".join(lines) + "\n")
            start = time.perf_counter()
            try:
                nmt_referral.validate(target)
                outcome = "ok"
            except nmt_referral.KnowledgeBaseError as error:
                outcome = f"{len(error.problems)} problem(s)"
            elapsed = time.perf_counter() - start
            per_region = elapsed / size * 1e6
            print(f"   {shape:<10} {size:>6} regions  {elapsed * 1000:8.1f} ms  {per_region:6.1f} us/region  {outcome}")
            shutil.rmtree(target, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, scales 1x and 10x only")
    parser.add_argument("--scales", default=None, help="comma-separated scale factors (default 1,10,100)")
    args = parser.parse_args()
    rounds, repeat = (7, 5) if args.quick else (21, 15)
    scales = [int(s) for s in (args.scales or ("1,10" if args.quick else "1,10,100")).split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="nmt-bench-"))
    env = {**os.environ, "NMT_BENCH_TMP": str(tmp), "NMT_REFERRAL_CACHE_DIR": str(tmp / "cli-cache")}
    env.pop("NMT_REFERRAL_DATA", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules load from __pycache__, not from source
    root = packaged_data_dir()
    print(f"nmt-referral {nmt_referral.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    try:
        cli_section(rounds, env)
        load_section(root, repeat, "packaged knowledge base")
        query_section(nmt_referral.load(root), "packaged knowledge base", repeat)
        print("\n4. scaling (synthetic knowledge bases)")
        for factor in scales:
            kb_dir = synthetic(root, factor, tmp / f"x{factor}")
            load_section(kb_dir, max(3, repeat // factor), f"{factor}x")
            query_section(nmt_referral.load(kb_dir), f"{factor}x", max(3, repeat // factor))
        tree_section(root, tmp)
        map_section(root, repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
