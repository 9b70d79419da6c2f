"""Analysis: months and windows, geographies, provenance, and the comparison engine over the
marts."""
