"""Models of the assistance app (see its issue)."""
