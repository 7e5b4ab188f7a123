"""Models of the Adaptive rules app."""
