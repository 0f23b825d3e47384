"""Take the atlas screenshot shown in the docs (docs/images/atlas.png): a muscle page with its map.

Builds the atlas of the packaged knowledge base into a temporary folder and photographs it in headless
Chromium, as tests/test_atlas.py drives it (needs selenium, /usr/bin/chromium and /usr/bin/chromedriver:
``apt-get install chromium chromium-driver``). Run after changing the atlas:
``python docs/make_atlas_screenshot.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nmt_referral
from nmt_referral.study.atlas import write_atlas

IMAGE = Path(__file__).parent / "images" / "atlas.png"
PAGE = "muscles/trapezius.html#trp-trapezius_1"
WIDTH, HEIGHT = 1000, 800
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def screenshot(site: Path, page: str, image: Path) -> None:
    """Open ``page`` of the atlas in ``site`` at WIDTH x HEIGHT and save the viewport as PNG."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="atlas-chromium-") as profile:
        options = Options()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        try:
            driver.set_window_rect(width=WIDTH, height=HEIGHT)
            inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
            driver.set_window_rect(width=2 * WIDTH - inner[0], height=2 * HEIGHT - inner[1])  # viewport = size
            path, _, fragment = page.partition("#")
            driver.get((site / path).as_uri() + (f"#{fragment}" if fragment else ""))
            image.parent.mkdir(exist_ok=True)
            image.write_bytes(driver.get_screenshot_as_png())
        finally:
            driver.quit()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="atlas-") as folder:
        site = Path(folder) / "atlas"
        write_atlas(nmt_referral.load(), site)
        screenshot(site, PAGE, IMAGE)
    print(f"wrote {IMAGE} ({IMAGE.stat().st_size // 1024} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
