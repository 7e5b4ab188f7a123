"""Learning URLs: progress, quiz attempts, essay grading."""

urlpatterns: list = []
