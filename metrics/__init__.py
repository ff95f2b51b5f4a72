"""The metrics layer: the KPI catalogue and the SQL that computes every figure."""
