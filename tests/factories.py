"""factory_boy factories for every model. Passwords are all DEFAULT_PASSWORD."""

import factory
from django.utils.text import slugify
from wagtail.models import Locale

from messaging.models import Notification
from people.models import (
    Classroom,
    ClassroomMembership,
    Guardianship,
    GuardianshipInvitation,
    Language,
    Level,
    StudentProfile,
    Subject,
    TutorProfile,
    TutorStudent,
    User,
)
from people.roles import Role
from people.services.accounts import _sync_role_groups

DEFAULT_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A user of any role; profile rows and groups follow the role, as the services do."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.STUDENT
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def sync_role(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        _sync_role_groups(obj)
        if obj.role == Role.TUTOR:
            TutorProfile.objects.get_or_create(user=obj)
        elif obj.role == Role.STUDENT:
            StudentProfile.objects.get_or_create(user=obj)


class StudentFactory(UserFactory):
    role = Role.STUDENT


class ParentFactory(UserFactory):
    role = Role.PARENT


class TutorFactory(UserFactory):
    role = Role.TUTOR


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class AdminFactory(UserFactory):
    role = Role.ADMIN


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"level-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"l{n}")
    name = factory.LazyAttribute(lambda o: f"Language {o.code}")


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    name = factory.Sequence(lambda n: f"Subject {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    locale = factory.LazyFunction(Locale.get_default)


def tutor_profile(user: User, **fields) -> TutorProfile:
    """Update the profile a tutor factory made; M2M lists go through .set()."""
    profile = user.tutor_profile
    m2m = {k: fields.pop(k) for k in ("subjects", "levels", "languages") if k in fields}
    for key, value in fields.items():
        setattr(profile, key, value)
    profile.save()
    for key, value in m2m.items():
        getattr(profile, key).set(value)
    return profile


class ListedTutorFactory(TutorFactory):
    """A tutor who opted in to the public directory."""

    @factory.post_generation
    def listed(obj, create, extracted, **kwargs):
        if create:
            TutorProfile.objects.filter(user=obj).update(listed_in_directory=True)
            obj.tutor_profile.refresh_from_db()


class TutorStudentFactory(factory.django.DjangoModelFactory):
    """An active tutor–student link unless a status is given."""

    class Meta:
        model = TutorStudent

    tutor = factory.SubFactory(TutorFactory)
    student = factory.SubFactory(StudentFactory)
    status = TutorStudent.Status.ACTIVE
    requested_by = factory.SelfAttribute("student")


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom

    tutor = factory.SubFactory(TutorFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


class ClassroomMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassroomMembership

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(StudentFactory)


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    parent = factory.SubFactory(ParentFactory)
    student = factory.SubFactory(StudentFactory)


class GuardianshipInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardianshipInvitation

    parent = factory.SubFactory(ParentFactory)
    student = factory.SubFactory(StudentFactory)
    email = factory.LazyAttribute(lambda o: o.student.email if o.student else "child@example.test")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.ACCOUNT
    text = factory.Sequence(lambda n: f"Notification {n}")
    link = "/dashboard/"
