"""Create the "Course moderation" workflow: one approval task for the Moderators group.

It is attached to any catalog page that exists already; catalogs created later get it from
`courses.services.moderation.course_workflow_attach`. Same names and rules as
`course_workflow_ensure`, written against historical models.
"""

from django.db import migrations

WORKFLOW_NAME = "Course moderation"
TASK_NAME = "Moderator approval"
MODERATORS = "Moderators"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    CourseIndexPage = apps.get_model("courses.CourseIndexPage")

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME, active=True, content_type=task_type
        )
    task.groups.add(moderators)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for catalog in CourseIndexPage.objects.all():
        if not WorkflowPage.objects.filter(page_id=catalog.pk).exists():
            WorkflowPage.objects.create(page_id=catalog.pk, workflow=workflow)


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore.Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    GroupApprovalTask.objects.filter(name=TASK_NAME, workflow_tasks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_pages_and_learning"),
        ("people", "0003_groups_levels_languages"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
