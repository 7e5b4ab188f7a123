"""Models of the Assignments app."""
