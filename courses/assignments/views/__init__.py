"""Pages of the assignments app: tutors give and grade, students hand in, parents follow.

Thin views: reads through `selectors` and the access helpers of `permissions` (404 for
objects the viewer may not see), writes through `services`, which check every rule again.
"""
