"""Static, self-contained Plotly pages: one per sponsor, finance, operations, and an index."""
