"""Models of the Scheduling app."""
