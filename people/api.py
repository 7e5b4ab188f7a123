"""JSON API for people: the signed-in user's own profile and settings.

`GET /api/me/profile/` answers the account fields and a `profile` object with the
role's fields; `PUT`/`PATCH` take the same shape and go through
`people.services.profile.profile_update`, like the profile screen. Read-only and
unknown keys are ignored; bad values answer 400 with field errors and change nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import SkipField, empty
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Currency, Language, Level
from .roles import Role
from .services.profile import default_locale_subjects, profile_fields_for, profile_update
from .validators import validate_avatar_size, validate_timezone
from .views.accounts import set_language_cookie


class AvatarField(serializers.ImageField):
    """The avatar: an absolute URL (or null) out; a file replaces it, null clears it.

    A string in the input (typically the URL a client read and sends back unchanged)
    leaves the avatar as it is.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [validate_avatar_size])
        super().__init__(**kwargs)

    def run_validation(self, data=empty):
        if isinstance(data, str):
            raise SkipField
        return super().run_validation(data)

    def to_representation(self, value):
        if not value:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(value.url) if request else value.url


class DefaultLocaleSubjectField(serializers.SlugRelatedField):
    """Subjects by slug, among the subjects of the default locale (as on the profile screen)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return default_locale_subjects()


class TutorProfileSerializer(serializers.Serializer):
    """A tutor's profile: subjects as slugs, levels and languages as codes, rate as a string."""

    subjects = DefaultLocaleSubjectField(many=True, required=False)
    levels = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Level.objects.all(), required=False
    )
    languages = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Language.objects.all(), required=False
    )
    hourly_rate = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        allow_null=True,
        required=False,
        coerce_to_string=True,
    )
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    bio = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    listed_in_directory = serializers.BooleanField(required=False)


class StudentProfileSerializer(serializers.Serializer):
    """A student's profile: goals, level code (or null), grade; points and coins read-only.

    Points and coins are the sums of the rewards ledgers (one query for both).
    """

    goals = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    level = serializers.SlugRelatedField(
        slug_field="code", queryset=Level.objects.all(), allow_null=True, required=False
    )
    grade = serializers.CharField(max_length=32, allow_blank=True, required=False)
    points = serializers.SerializerMethodField()
    coins = serializers.SerializerMethodField()

    def _balances(self, profile):
        from courses.rewards.selectors import balances_for

        cache = self.__dict__.setdefault("_balances_cache", {})
        if profile.user_id not in cache:
            cache[profile.user_id] = balances_for(profile.user)
        return cache[profile.user_id]

    def get_points(self, profile) -> int:
        return self._balances(profile).points

    def get_coins(self, profile) -> int:
        return self._balances(profile).coins


#: The nested profile serializer of each role and the User attribute it reads.
PROFILE_SERIALIZERS = {
    Role.TUTOR: (TutorProfileSerializer, "tutor_profile"),
    Role.STUDENT: (StudentProfileSerializer, "student_profile"),
}


class MeProfileSerializer(serializers.Serializer):
    """The signed-in user's account settings and their role's profile.

    id, e-mail and role are read-only. Roles without a profile answer `"profile": null`
    and ignore a posted one. Saving calls `profile_update` and turns its field errors into
    DRF errors (profile fields nested under "profile").
    """

    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(max_length=150, required=False)
    last_name = serializers.CharField(max_length=150, required=False)
    role = serializers.CharField(read_only=True)
    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone])
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    avatar = AvatarField()

    def get_fields(self):
        fields = super().get_fields()
        entry = PROFILE_SERIALIZERS.get(getattr(self.instance, "role", None))
        if entry is None:
            fields["profile"] = serializers.SerializerMethodField()
        else:
            serializer_class, source = entry
            fields["profile"] = serializer_class(source=source, required=False, allow_null=True)
        return fields

    def get_profile(self, obj):
        return None

    def create(self, validated_data):
        raise NotImplementedError("Accounts are created by sign-up or by staff, not here.")

    def update(self, instance, validated_data):
        entry = PROFILE_SERIALIZERS.get(instance.role)
        profile_data = (validated_data.pop(entry[1], None) if entry else None) or {}
        try:
            return profile_update(
                user=instance, account_data=validated_data, profile_data=profile_data
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                self._error_detail(error, set(profile_fields_for(instance.role)))
            ) from error

    @staticmethod
    def _error_detail(error: DjangoValidationError, profile_fields: set[str]) -> dict:
        if not hasattr(error, "error_dict"):
            return {"non_field_errors": list(error.messages)}
        detail: dict = {}
        for field, messages in error.message_dict.items():
            if field in profile_fields:
                detail.setdefault("profile", {})[field] = messages
            elif field == "__all__":
                detail.setdefault("non_field_errors", []).extend(messages)
            else:
                detail[field] = messages
        return detail


class MeProfileView(APIView):
    """Read (GET) and change (PUT, PATCH) the signed-in user's own profile and settings.

    Anonymous requests get 403 (session authentication). A change also sets the language
    cookie to the user's preferred language, as the profile screen does.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request):
        serializer = MeProfileSerializer(request.user, context={"request": request})
        return Response(serializer.data)

    def put(self, request):
        return self._update(request, partial=False)

    def patch(self, request):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        serializer = MeProfileSerializer(
            request.user, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        user = serializer.save()
        response = Response(MeProfileSerializer(user, context={"request": request}).data)
        set_language_cookie(response, user.preferred_language)
        return response
