"""Charts as PNG for Word documents, rendered on this laptop with vl-convert (no network).

Rendering starts a small JavaScript engine inside vl-convert, which takes about a second
the first time in a process (and holds Python's interpreter lock meanwhile, so it is not
done at server start, where it would delay the first page); pages that export call
`warm_up()` once they are drawn, so the engine is ready when the facilitator clicks. Rendered charts are remembered by
their specification, so exporting the same report twice renders nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from typing import Any

log = logging.getLogger(__name__)

_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 128
_LOCK = threading.Lock()


def _spec(chart: Any) -> dict:
    if isinstance(chart, dict):
        return chart
    # Altair checks every chart against the Vega-Lite schema on the way out; the pages
    # build these charts from code, so that check only costs time here.
    return chart.to_dict(validate=False)


def png(chart: Any, scale: float = 2.0) -> bytes | None:
    """The chart (an Altair chart or a Vega-Lite dict) as PNG bytes; None when the
    renderer is missing or fails, so a document still exports with its tables."""
    try:
        import vl_convert as vlc
    except ImportError:
        return None
    try:
        spec = json.dumps(_spec(chart), sort_keys=True, ensure_ascii=False, default=str)
    except Exception:
        log.exception("A chart could not be described for rendering")
        return None
    key = hashlib.sha256(f"{scale}|{spec}".encode()).hexdigest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    try:
        data = vlc.vegalite_to_png(spec, scale=scale)
    except Exception:  # a renderer problem must not cost the facilitator the document
        log.exception("A chart could not be rendered")
        return None
    with _LOCK:
        _CACHE[key] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data


_WARM = {"a": 1}


_warming: threading.Thread | None = None


def warm_up() -> threading.Thread:
    """Start the renderer's engine in the background, once per process."""
    global _warming
    if _warming is not None:
        return _warming
    spec = {"data": {"values": [_WARM]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    _warming = threading.Thread(target=png, args=(spec, 1.0), name="chart-warm-up", daemon=True)
    _warming.start()
    return _warming
