"""Forms of the adaptive app: a rule on one course, and a parent's alert choices.

The rule form's choices are the course's own lessons, tasks and quizzes only, so a page
or quiz of another course (or another tutor) is refused as an invalid choice; the
service checks the same again.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_DUE_DAYS, RuleTrigger
from .services import quizzes_of


class RuleForm(forms.Form):
    """A rule on `course`: trigger (a quiz and threshold, or a task), page to assign, terms."""

    trigger = forms.ChoiceField(
        label=_("When"), choices=RuleTrigger.choices, widget=forms.RadioSelect
    )
    quiz = forms.ChoiceField(label=_("Quiz"), required=False)
    threshold_percent = forms.IntegerField(
        label=_("Score below (%)"), min_value=1, max_value=100, required=False
    )
    trigger_page = forms.ChoiceField(
        label=_("Assignment of"),
        required=False,
        help_text=_("Fires when an assignment of this page passes its due date unsubmitted."),
    )
    action_page = forms.ChoiceField(label=_("Assign"))
    due_in_days = forms.IntegerField(
        label=_("Due in (days)"), min_value=1, max_value=MAX_DUE_DAYS, initial=7
    )
    max_points = forms.DecimalField(
        label=_("Maximum points"),
        min_value=Decimal("0.01"),
        max_value=Decimal(1000),
        max_digits=7,
        decimal_places=2,
        initial=Decimal(10),
    )
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, pages, **kwargs):
        super().__init__(*args, **kwargs)
        self.pages = {str(page.pk): page for page in pages}
        page_choices = [("", "—")] + [(str(p.pk), p.title) for p in pages]
        quiz_choices = [("", "—")]
        for page in pages:
            for block_id, title in quizzes_of(page):
                label = f"{page.title} · {title}" if title else page.title
                quiz_choices.append((f"{page.pk}:{block_id}", label))
        self.fields["quiz"].choices = quiz_choices
        self.fields["trigger_page"].choices = page_choices
        self.fields["action_page"].choices = page_choices

    def clean(self):
        data = super().clean()
        trigger = data.get("trigger")
        if trigger == RuleTrigger.QUIZ_BELOW:
            if not data.get("quiz"):
                self.add_error("quiz", _("Choose the quiz."))
            if data.get("threshold_percent") is None:
                self.add_error("threshold_percent", _("Give the score below which it fires."))
            if data.get("quiz"):
                page_pk, _sep, block_id = data["quiz"].partition(":")
                data["trigger_page_obj"] = self.pages.get(page_pk)
                data["quiz_block_id"] = block_id
        elif trigger == RuleTrigger.ASSIGNMENT_MISSED:
            if not data.get("trigger_page"):
                self.add_error("trigger_page", _("Choose the task whose assignments count."))
            data["trigger_page_obj"] = self.pages.get(data.get("trigger_page") or "")
            data["quiz_block_id"] = ""
            data["threshold_percent"] = None
        data["action_page_obj"] = self.pages.get(data.get("action_page") or "")
        return data

    def service_kwargs(self) -> dict:
        """The cleaned form as keyword arguments of `rule_create` / `rule_update`."""
        data = self.cleaned_data
        return {
            "trigger": data["trigger"],
            "trigger_page": data.get("trigger_page_obj"),
            "quiz_block_id": data.get("quiz_block_id", ""),
            "threshold_percent": data.get("threshold_percent"),
            "action_page": data.get("action_page_obj"),
            "due_in_days": data["due_in_days"],
            "max_points": data["max_points"],
            "instructions": data.get("instructions", ""),
            "is_active": data.get("is_active", False),
        }

    @staticmethod
    def initial_for(rule) -> dict:
        """The form's initial values for editing `rule`."""
        initial = {
            "trigger": rule.trigger,
            "threshold_percent": rule.threshold_percent,
            "action_page": str(rule.action_page_id or ""),
            "due_in_days": rule.due_in_days,
            "max_points": rule.max_points,
            "instructions": rule.instructions,
            "is_active": rule.is_active,
        }
        if rule.trigger == RuleTrigger.QUIZ_BELOW:
            initial["quiz"] = f"{rule.trigger_page_id}:{rule.quiz_block_id}"
        else:
            initial["trigger_page"] = str(rule.trigger_page_id or "")
        return initial


class AlertSettingsForm(forms.Form):
    """A parent's alert choices for one child or all children."""

    low_grade_below_percent = forms.IntegerField(
        label=_("Alert me when a grade is below (%)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Leave empty for no grade alerts."),
    )
    notify_overdue = forms.BooleanField(label=_("Alert me when work is overdue"), required=False)
    notify_course_completed = forms.BooleanField(
        label=_("Alert me when a course is completed"), required=False
    )
