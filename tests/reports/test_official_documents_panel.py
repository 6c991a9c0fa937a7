"""The project page's official documents (issue 17): read without asking which subject types
the whole documents table holds, they are exactly those ``OfficialDocument.objects.for_user``
gives — a person sees a document only where they see its subject."""

from core.memo import memo_scope
from projects.models import Project
from reports.models import OfficialDocument
from reports.panels import official_documents


def test_the_panel_shows_what_for_user_shows(city, db):
    projects = Project.objects.filter(pk__in=OfficialDocument.objects.values("project_id"))
    assert projects.exists()
    seen_somewhere = hidden_somewhere = False
    for user in city.values():
        for project in projects:
            expected = list(
                OfficialDocument.objects.for_user(user)
                .filter(project=project)
                .order_by("issued_on", "pk")
            )
            with memo_scope():
                assert official_documents(project, user) == expected, (user, project)
            everything = OfficialDocument.objects.filter(project=project).count()
            seen_somewhere |= bool(expected)
            hidden_somewhere |= len(expected) < everything
    assert seen_somewhere and hidden_somewhere  # both cases were met
