"""Write the referral maps shown in the README (docs/images/*.svg) from the packaged knowledge base.

Run after editing the knowledge base or the drawing code:  python docs/make_maps.py
tests/test_readme.py checks that the committed pictures are current.
"""

from __future__ import annotations

from pathlib import Path

import nmt_referral
from nmt_referral.maps import referral_map, reverse_map

IMAGES = Path(__file__).parent / "images"


def pictures() -> dict[str, str]:
    """File name -> SVG text of every README picture."""
    kb = nmt_referral.load()
    return {
        "trapezius.svg": referral_map(kb, "trapezius"),
        "gluteus_minimus.svg": referral_map(kb, "gluteus minimus"),
        "where_temple_jaw.svg": reverse_map(kb, kb.where("temple", "angle of the jaw")),
    }


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    for name, svg in pictures().items():
        (IMAGES / name).write_text(svg, encoding="utf-8")
        print("wrote", IMAGES / name)


if __name__ == "__main__":
    main()
