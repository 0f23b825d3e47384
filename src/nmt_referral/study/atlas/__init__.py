"""The referral atlas: a static website for students, built from the knowledge base and the referral maps.

``write_atlas(kb, directory)`` writes plain HTML, CSS and a little JavaScript that work from ``file://``
with no server and no network: an index by body area with a clickable body chart, one page per muscle
(the map of each trigger point, where to find it, its essential and spillover zones, phenomena, notes
and full citations), one page per region (the muscles ``kb.where`` ranks for it, its reverse map and red
flags), one per condition term and per symptom, and a search box over ``search-index.js``.

The output is deterministic (same knowledge base, same bytes) and named by ids. The folder is the
atlas's own: a marker file (``MARKER``) lists the files it wrote, a non-empty folder without it is never
written into, and a rebuild replaces only the listed files.
"""

from ...errors import AtlasError
from .build import atlas_files, topic_result
from .chart import body_chart
from .folder import MARKER, AtlasSummary, write_atlas
from .search import search_index

__all__ = [
    "MARKER",
    "AtlasError",
    "AtlasSummary",
    "atlas_files",
    "body_chart",
    "search_index",
    "topic_result",
    "write_atlas",
]
