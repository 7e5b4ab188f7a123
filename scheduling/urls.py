"""URLs of the Scheduling app."""

from django.urls import path

from . import api
from .views import availability as availability_views
from .views import booking as booking_views
from .views import calendar as calendar_views
from .views import feeds as feed_views
from .views import lessons as lesson_views

app_name = "scheduling"

urlpatterns: list = [
    # Pages (S-ui)
    path("schedule/", calendar_views.CalendarView.as_view(), name="calendar"),
    path("schedule/month/", calendar_views.MonthView.as_view(), name="calendar_month"),
    path("schedule/lessons/new/", lesson_views.LessonCreateView.as_view(), name="lesson_create"),
    path(
        "schedule/lessons/conflicts/",
        lesson_views.ConflictCheckView.as_view(),
        name="conflict_check",
    ),
    path(
        "schedule/lessons/<int:pk>/", lesson_views.LessonDetailView.as_view(), name="lesson_detail"
    ),
    path(
        "schedule/lessons/<int:pk>/edit/", lesson_views.LessonEditView.as_view(), name="lesson_edit"
    ),
    path(
        "schedule/lessons/<int:pk>/cancel/",
        lesson_views.LessonCancelView.as_view(),
        name="lesson_cancel",
    ),
    path(
        "schedule/lessons/<int:pk>/mark/", lesson_views.LessonMarkView.as_view(), name="lesson_mark"
    ),
    path(
        "schedule/lessons/<int:pk>/attendance/",
        lesson_views.LessonAttendanceView.as_view(),
        name="lesson_attendance",
    ),
    path(
        "schedule/lessons/<int:pk>/skip/", lesson_views.LessonSkipView.as_view(), name="lesson_skip"
    ),
    path(
        "schedule/lessons/<int:pk>/confirm/",
        booking_views.BookingAnswerView.as_view(action="confirm"),
        name="booking_confirm",
    ),
    path(
        "schedule/lessons/<int:pk>/decline/",
        booking_views.BookingAnswerView.as_view(action="decline"),
        name="booking_decline",
    ),
    path(
        "schedule/requests/",
        booking_views.BookingRequestsView.as_view(),
        name="booking_requests",
    ),
    path("schedule/book/", booking_views.BookIndexView.as_view(), name="book"),
    path("schedule/book/<int:pk>/", booking_views.BookSlotsView.as_view(), name="book_slots"),
    path(
        "schedule/availability/",
        availability_views.AvailabilityView.as_view(),
        name="availability",
    ),
    path(
        "schedule/availability/add/",
        availability_views.AvailabilityAddView.as_view(),
        name="availability_add",
    ),
    path(
        "schedule/availability/<int:pk>/delete/",
        availability_views.AvailabilityDeleteView.as_view(),
        name="availability_delete",
    ),
    path(
        "schedule/time-off/add/", availability_views.TimeOffAddView.as_view(), name="time_off_add"
    ),
    path(
        "schedule/time-off/<int:pk>/delete/",
        availability_views.TimeOffDeleteView.as_view(),
        name="time_off_delete",
    ),
    path(
        "schedule/booking-settings/",
        availability_views.BookingSettingsView.as_view(),
        name="booking_settings",
    ),
    path(
        "schedule/school-rules/",
        availability_views.SchoolPolicyView.as_view(),
        name="school_policy",
    ),
    path("schedule/settings/", feed_views.CalendarSettingsView.as_view(), name="calendar_settings"),
    path(
        "schedule/settings/ical/regenerate/",
        feed_views.IcalRegenerateView.as_view(),
        name="ical_regenerate",
    ),
    path("schedule/ical/<str:token>.ics", feed_views.ical_feed, name="ical_feed"),
    # End of pages (S-ui)
    # API (S-core)
    path("api/lessons/", api.LessonListView.as_view(), name="api_lessons"),
    path("api/lessons/upcoming/", api.UpcomingLessonsView.as_view(), name="api_lessons_upcoming"),
    path("api/lessons/book/", api.BookLessonView.as_view(), name="api_lessons_book"),
    path(
        "api/lessons/students/<int:pk>/",
        api.StudentLessonsView.as_view(),
        name="api_student_lessons",
    ),
    path("api/lessons/<int:pk>/", api.LessonDetailView.as_view(), name="api_lesson_detail"),
    path("api/lessons/<int:pk>/cancel/", api.LessonCancelView.as_view(), name="api_lesson_cancel"),
    # End of API (S-core)
]
