"""Error pages keep the site's header and never show a stack trace."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_not_found_page_has_the_site_navigation(client):
    student = factories.StudentFactory()
    other = factories.StudentFactory()
    client.force_login(student)
    response = client.get(reverse("people:student_detail", args=[other.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="site-header"' in body and "Page not found" in body
    assert other.email not in body


@pytest.mark.django_db
def test_forbidden_page_has_the_site_navigation(client):
    client.force_login(factories.StudentFactory())
    response = client.get(reverse("people:students"))
    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()
