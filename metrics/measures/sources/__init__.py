"""The row sources of every metric, registered with the measure layer on import.

Each module holds the sources of one domain; each source is a Core select keyed by `entity_id`
built from a `Frame` (level, scope, period, settings), so the same select computes a figure and
lists its drill-through rows.
"""

from metrics.measures.sources import activity, diligence, holdings, lifecycle, portfolio

__all__ = ["activity", "diligence", "holdings", "lifecycle", "portfolio"]
