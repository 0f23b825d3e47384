"""Drawing: the map command, and writing pictures (also for where --map)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import NmtReferralError
from ..files import write_atomically
from . import completion
from .base import (
    DataOption,
    OverlayOption,
    _echo,
    _fail,
    _load,
    app,
)


@app.command(name="map")
def map_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="MUSCLE", help='Muscle name, alias or abbreviation ("SCM").', autocompletion=completion.muscles
        ),
    ],
    trigger_point: Annotated[
        str | None, typer.Option("--trigger-point", "-t", metavar="ID", help="Draw one trigger point only.")
    ] = None,
    side: Annotated[
        str | None, typer.Option("--side", metavar="left|right", help="Side of the trigger point (default: right).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write FILE.svg or FILE.png (PNG needs the png extra); else SVG on stdout.",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Draw a muscle's referral pattern on body charts.

    Essential zones solid, spillover stippled, an X at each trigger point, the patient's R and L
    marked. SVG to stdout, or -o FILE.svg / FILE.png (PNG needs the png extra).

    Examples:

    \b
      nmt-referral map trapezius -o trapezius.svg
      nmt-referral map "gluteus minimus" --side left -o g.png
    """
    check_output_type(output)
    kb = _load(data, overlay)
    try:
        from ..maps import referral_map

        svg = referral_map(kb, name, trigger_point=trigger_point, side=side)
        if output is None:
            _echo(svg.rstrip("\n"), raw=True)
        else:
            write_picture(output, svg)
    except NmtReferralError as error:
        _fail(error)


def check_output_type(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".svg", ".png"):
        _fail(_usage(f"unknown output type {path.suffix or '(none)'!r}: use .svg or .png"))


def write_picture(path: Path, svg: str) -> None:
    """Write the picture as SVG or PNG (by the extension), all or nothing.

    Raises:
        NmtReferralError: PNG without the extra, or the file cannot be written.
    """
    from ..maps import svg_to_png

    content = svg_to_png(svg) if path.suffix.lower() == ".png" else svg.encode("utf-8")
    try:
        write_atomically(path, content)
    except OSError as error:
        raise _usage(f"cannot write {str(path)[:200]}: {error.strerror or error}") from None
    _echo(f"wrote {path}", err=True)


def _usage(message: str) -> NmtReferralError:
    from ..errors import InvalidQueryError

    return InvalidQueryError(message)
