"""Models of the activities app (see its issue)."""
