"""SVG to PNG, with the optional ``png`` extra (resvg, no system libraries)."""

from __future__ import annotations

from ..errors import NmtReferralError

__all__ = ["PngUnavailableError", "svg_to_png"]


class PngUnavailableError(NmtReferralError, RuntimeError):
    """PNG output needs the optional extra: ``pip install "nmt-referral[png]"``."""

    def __str__(self) -> str:
        return 'PNG output needs the "png" extra: pip install "nmt-referral[png]" (or write an .svg file)'


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """Render SVG text to PNG bytes (``scale`` times the SVG's size).

    Raises:
        PngUnavailableError: the ``png`` extra is not installed.
    """
    try:
        import resvg_py
    except ImportError:
        raise PngUnavailableError() from None
    fonts = _bundled_fonts()
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            zoom=scale,
            background="white",
            font_files=fonts or None,
            skip_system_fonts=bool(fonts),  # the bundled font only: the same picture on every machine
            sans_serif_family="Roboto" if fonts else "DejaVu Sans",
        )
    )


def _bundled_fonts() -> list[str]:
    """The Roboto font files the ``png`` extra installs (text needs a font; none is assumed on the system)."""
    try:
        import font_roboto  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the extra installs it; system fonts are tried instead
        return []
    files: dict[str, str] = getattr(font_roboto, "font_files", {})
    return [files[name] for name in ("Roboto", "RobotoBold") if name in files]
