"""Models of the Help requests app."""
