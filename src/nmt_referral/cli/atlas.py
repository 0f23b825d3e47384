"""The atlas command: a static, offline referral atlas website (see nmt_referral.study)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import NmtReferralError
from .base import (
    EXIT_OUTPUT,
    DataOption,
    OverlayOption,
    _echo,
    _fail,
    _load,
    app,
)


@app.command()
def atlas(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="Folder to write the website into: created if missing; an atlas already there is rebuilt.",
        ),
    ],
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Write an offline referral atlas: a study website.

    It opens in any browser from the folder, with no server and no network. One page per muscle
    (each trigger point's map, where to find it, its zones, phenomena and cited sources), one per
    region (the muscles `where` ranks for it, its map and red flags), one per condition term and
    symptom, a clickable body chart and a search box that forgives misspellings. Open DIR/index.html.
    A non-empty folder that is not an atlas is refused (exit 2).

    Examples:

    \b
      nmt-referral atlas referral-atlas
      nmt-referral atlas ~/study/atlas --overlay clinic-notes
    """
    kb = _load(data, overlay)
    from ..study.atlas import write_atlas

    try:
        summary = write_atlas(kb, directory)
    except NmtReferralError as error:
        _fail(error)
    except OSError as error:
        where = str(error.filename or directory)[:200]
        _echo(f"error: cannot write the atlas: {where}: {error.strerror or error}", err=True)
        raise typer.Exit(EXIT_OUTPUT) from None
    _echo(
        f"wrote the atlas to {directory}: {summary.muscles} muscle, {summary.regions} region, "
        f"{summary.conditions} condition and {summary.symptoms} symptom pages; open {directory / 'index.html'}",
        err=True,
    )
