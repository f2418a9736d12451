"""Models of the welfare app (see its issue)."""
