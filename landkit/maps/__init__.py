"""Maps for planners and the land bureau: interactive folium maps and printable PNG maps.

* :mod:`landkit.maps.categories` — the map category of each parcel, its
  precedence and colours, shared by both renderers;
* :mod:`landkit.maps.interactive` — :func:`make_map`, a Leaflet map (folium);
* :mod:`landkit.maps.static` — :func:`static_map`, a print map (matplotlib),
  laid out by :mod:`landkit.maps.layout` (paper, scale 1:N, map elements);
* :mod:`landkit.maps.parcel` — :func:`parcel_map`, the 宗地图 of one parcel (matplotlib).

folium and matplotlib are imported when a map is drawn, not on import. Leaflet's
release files (BSD-2, ``leaflet/LICENSE``) ship in this package and are inlined
into every saved map, which therefore works offline.

Examples
--------
>>> import pandas as pd
>>> parcel_category(pd.DataFrame({"status": ["violation"], "idle_status": ["idle"]})).tolist()
['violation']
"""

from .categories import CATEGORIES, CATEGORY_COLOURS, combine_results, parcel_category
from .interactive import make_map
from .parcel import parcel_map
from .static import cjk_font, static_map

__all__ = [
    "CATEGORIES",
    "CATEGORY_COLOURS",
    "cjk_font",
    "combine_results",
    "make_map",
    "parcel_category",
    "parcel_map",
    "static_map",
]
