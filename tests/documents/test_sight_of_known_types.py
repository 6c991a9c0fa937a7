"""``Document.objects.for_user(user, subject_types=…)``: a caller that knows the subject types
of the documents it asks about (the project page's official documents) spares the read of
which types the whole table holds, and the sight stays that of the subjects (issue 17)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from documents import actions
from documents.models import DocType, Document
from planning.models import MasterPlan

pytestmark = pytest.mark.django_db


def test_a_document_is_seen_iff_its_subject_is_whatever_types_are_named(
    personas, plan, pdf_file, django_assert_num_queries
):
    doc = actions.upload_document(
        plan, acting_user=personas.jw_officer, doc_type=DocType.FSR, title="可研", file=pdf_file()
    )
    plan_type = ContentType.objects.get_for_model(MasterPlan).pk
    for user in (personas.jw_officer, personas.jw_head, personas.bdb, personas.auditor):
        assert list(Document.objects.for_user(user, subject_types=[plan_type])) == [doc], user
    for user in (personas.wj_officer, personas.finance, personas.consultant):
        assert not Document.objects.for_user(user, subject_types=[plan_type]).exists(), user
        assert not Document.objects.for_user(user).exists(), user
    # a type not named is not seen (nothing is granted by leaving it out)
    assert not Document.objects.for_user(personas.jw_officer, subject_types=[]).exists()
    user = personas.jw_officer
    user.role_codes()  # the person's roles, read once per request like the middleware does
    with django_assert_num_queries(1):  # no DISTINCT read of the table's subject types
        list(Document.objects.for_user(user, subject_types=[plan_type]))
