"""The navigation's "Courses" link finds the live catalog without a query on every page."""

import pytest
from django.urls import reverse

from courses.services.sections import tutor_section_ensure
from tests import factories


@pytest.mark.django_db
def test_catalog_link_is_404_without_a_catalog(client):
    assert client.get(reverse("courses:catalog")).status_code == 404


@pytest.mark.django_db
def test_catalog_link_redirects_to_the_live_catalog(client):
    section = tutor_section_ensure(tutor=factories.TutorFactory())
    catalog = section.get_parent().specific
    response = client.get(reverse("courses:catalog"))
    assert response.status_code == 302
    assert response["Location"] == catalog.url
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_every_page_links_to_the_courses(client):
    body = client.get(reverse("people:directory")).content.decode()
    assert f'href="{reverse("courses:catalog")}"' in body
