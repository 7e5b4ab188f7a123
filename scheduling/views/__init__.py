"""Pages of the scheduling app: calendars, lessons, availability and booking, iCal.

One module per area; the views stay thin (reads through scheduling.selectors, access
through scheduling.permissions, writes through scheduling.services).
"""
