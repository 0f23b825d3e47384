"""Referral maps: body-chart geometry (``geometry``) and the SVG/PNG drawing of referral patterns (``draw``)."""

from __future__ import annotations

from .draw import referral_map, reverse_map
from .geometry import Figures, load_figures
from .png import svg_to_png

__all__ = ["Figures", "load_figures", "referral_map", "reverse_map", "svg_to_png"]
