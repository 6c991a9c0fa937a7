"""Official documents as PDF (批复、清单审核意见、联合技术审查意见、验收意见、运维经费决定通知, and
the supervision chapter's 整改通知书 and 通报): issued from the act that decided them, stored
immutably with their subject's documents, signed, and verifiable by anyone on /verify/.

**How one is issued** (``issue``): a builder turns the deciding record into a
``pdf.DocumentSpec`` (title, 文号, date, issuing authority, recipient, clauses citing their
articles, facts); the PDF is typeset (``pdf.render``) and stored as version 1 of a
``documents.Document`` of the subject through the documents chapter's upload action
(``upload_document.perform``: the file is checked, digested with SHA-256 and SM3, written under a
random name and recorded in the ledger), so it is immutable and the project's electronic
archive (``delivery.archive``) carries it. The platform then signs the file's SM3 digest with
its SM2 key (``core.keys``) and keeps an ``OfficialDocument`` row: number, digests, signature,
and the content it was typeset from. One act gives one document: issuing again returns the
existing one.

The upload is performed on the platform's behalf by the person who took the act, without the
upload action's own permission check (a DRC officer may not upload to a unit's project, but
the platform files DRC's 批复 there): the act has already been authorised and done.

**When**: after the act's transaction commits (``core.actions.action_done``), so a document
never exists for an act that rolled back, and a typesetting failure never undoes the act; the
O&M decision notices of a yearly run (one per unit, up to hundreds) are issued by a background
task (``reports.tasks.issue_om_notices``). ``backfill`` issues the documents of acts recorded
before this chapter existed (the demo's, an upgrade's).

**Numbers**: a 批复 carries the 文号 DRC typed; other documents are numbered by the platform,
per issuing authority and year (``渝数据审〔2026〕3号``), under a unique constraint.

**For other chapters**: ``issue_document(spec_fn, kind=…, subject=…, project=…, source=…,
actor=…)`` — the supervision chapter calls it for its rectification notices and criticisms
(see ``issue_document``'s docstring).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import Organisation
from accounts.roles import Authority, OrgKind
from core import keys
from core.actions import action_done
from core.crypto import sm2_sign_hex, sm2_verify, sm3_hex
from core.verification import Verified, verifier
from documents.actions import upload_document
from documents.contracts import DocumentUploadIn
from documents.models import DocType

from .models import DocumentKind, OfficialDocument
from .pdf import DocumentSpec, render

log = logging.getLogger(__name__)

SpecBuilder = Callable[[str], DocumentSpec]

#: the documents chapter's type each kind is filed under
DOC_TYPES = {
    DocumentKind.APPROVAL: DocType.APPROVAL_DOCUMENT,
    DocumentKind.LIST_REVIEW: DocType.OPINION_ATTACHMENT,
    DocumentKind.JOINT_REVIEW: DocType.OPINION_ATTACHMENT,
    DocumentKind.ACCEPTANCE: DocType.ACCEPTANCE_REPORT,
    DocumentKind.OM_NOTICE: DocType.OTHER,
    DocumentKind.RECTIFICATION: DocType.OTHER,
    DocumentKind.CRITICISM: DocType.OTHER,
}
_NUMBER = re.compile(r"^(?P<prefix>.+?)〔(?P<year>\d{4})〕(?P<serial>\d+)号$")
SERIAL_ATTEMPTS = 5


# -- numbers -------------------------------------------------------------------------------------


def number_for(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}〔{year}〕{serial}号"


def next_serial(prefix: str, year: int) -> int:
    last = OfficialDocument.objects.filter(prefix=prefix, year=year).aggregate(
        n=models.Max("serial")
    )["n"]
    return (last or 0) + 1


def authority_name(authority: str) -> str:
    """The full name of an authority's organisation (its label when none is registered)."""
    org = (
        Organisation.objects.filter(kind=OrgKind.AUTHORITY, authority=authority)
        .order_by("pk")
        .first()
    )
    return org.name if org is not None else str(Authority(authority).label)


# -- issuing ------------------------------------------------------------------------------------


def source_key(source: Any) -> tuple[str, str]:
    """(label, id) naming the record a document was issued from."""
    if isinstance(source, tuple):
        return str(source[0]), str(source[1])
    return source._meta.label_lower, str(source.pk)


def existing(kind: str, source: Any) -> OfficialDocument | None:
    source_type, source_id = source_key(source)
    return OfficialDocument.objects.filter(
        kind=kind, source_type=source_type, source_id=source_id
    ).first()


def issue_document(
    build: SpecBuilder,
    *,
    kind: str,
    subject: Any,
    source: Any,
    actor: Any,
    prefix: str = "",
    project: Any = None,
    number: str = "",
) -> OfficialDocument:
    """Issue one official document, once per (kind, source): typeset, store, sign, record.

    ``build(number)`` returns the ``DocumentSpec`` for the 文号 given; the number is
    ``number`` when the act fixed one (the 文号 of a 批复), else the next of ``prefix`` this
    year. ``subject`` is what the PDF is filed under (its documents list; the project for a
    project's acts, so the archive holds it); ``source`` the deciding record (a model instance,
    or ``(label, id)``); ``actor`` who took the act.

    The supervision chapter issues its notices this way::

        from reports.documents import issue_document
        from reports.models import DocumentKind
        from reports.pdf import Clause, DocumentSpec

        issue_document(
            lambda number: DocumentSpec(title="关于……的整改通知书", number=number,
                issued_on=today(), authority="重庆市发展和改革委员会",
                recipient=order.project.unit.name,
                clauses=(Clause("请于……前完成整改并报送整改情况。", "第三十五条"),)),
            kind=DocumentKind.RECTIFICATION, subject=order.project, project=order.project,
            source=order, actor=user, prefix="渝发改督")

    Call it after the act's transaction commits (``transaction.on_commit``)."""
    found = existing(kind, source)
    if found is not None:
        return found
    for _attempt in range(SERIAL_ATTEMPTS):
        try:
            with transaction.atomic():
                return _issue(build, kind, subject, source, actor, prefix, project, number)
        except IntegrityError:
            # two issues took the same serial (or the same act): take the next, or the other's
            found = existing(kind, source)
            if found is not None:
                return found
    raise IntegrityError(f"could not number a {kind} document of {prefix}")


def _issue(
    build: SpecBuilder,
    kind: str,
    subject: Any,
    source: Any,
    actor: Any,
    prefix: str,
    project: Any,
    number: str,
) -> OfficialDocument:
    year = timezone.localdate().year
    serial = None
    if not number:
        serial = next_serial(prefix, year)
        number = number_for(prefix, year, serial)
    else:
        match = _NUMBER.match(number)
        year = int(match["year"]) if match else year
    spec = build(number)
    pdf = render(spec)
    title = f"{spec.number} {spec.title}"[:200]
    upload = DocumentUploadIn.parse(
        {
            "doc_type": DOC_TYPES[DocumentKind(kind)],
            "title": title,
            "upload": ContentFile(pdf, name=f"{spec.title[:80]}.pdf"),
            "note": f"平台生成的正式文书（{DocumentKind(kind).label}），文号 {spec.number}",
        }
    )
    document = upload_document.perform(subject, upload, actor, None)
    version = document.current_version()
    key_id = keys.active_id("sm2")
    source_type, source_id = source_key(source)
    return OfficialDocument.objects.create(
        kind=kind,
        number=spec.number,
        prefix=prefix if serial else "",
        year=year,
        serial=serial,
        title=spec.title[:300],
        authority=spec.authority[:200],
        recipient=spec.recipient[:200],
        issued_on=spec.issued_on,
        project=project,
        source_type=source_type,
        source_id=source_id,
        document=document,
        spec=spec.content(),
        content_sm3=spec.digest(),
        file_sm3=version.sm3,
        signature=sm2_sign_hex(keys.read("sm2", key_id), version.sm3.encode()),
        key_id=key_id,
        issued_by=actor,
    )


def pdf_bytes(official: OfficialDocument) -> bytes:
    version = official.document.current_version()
    with version.file.open("rb") as fh:
        return bytes(fh.read())


def is_genuine(official: OfficialDocument) -> bool:
    """The stored file still has the digest it was issued with, and the platform's SM2
    signature of that digest verifies."""
    try:
        content = pdf_bytes(official)
        public = keys.public_pem(official.key_id)
    except (OSError, keys.KeyStoreError):
        return False
    return sm3_hex(content) == official.file_sm3 and sm2_verify(
        public, official.file_sm3.encode(), official.signature
    )


@verifier
def verify_official(query: str) -> list[Verified]:
    """/verify/: an official document by its 文号, or by the SM3 digest of its content
    (printed on the page) or of its file."""
    query = query.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", query):
        digest = query.lower()
        found = OfficialDocument.objects.filter(
            models.Q(content_sm3=digest) | models.Q(file_sm3=digest)
        )
    else:
        found = OfficialDocument.objects.filter(number=query)
    return [
        Verified(
            kind=str(DocumentKind(d.kind).label),
            number=d.number,
            issued_by=d.authority,
            issued_on=d.issued_on,
            digest=d.file_sm3,
            genuine=is_genuine(d),
            facts={"content_sm3": d.content_sm3},
        )
        for d in found.order_by("pk")[:20]
    ]


# -- on the acts ---------------------------------------------------------------------------------

#: action name -> issuer(action result, object acted on); registered by ``builders``. The
#: actor is read from the deciding record (``decided_by``), which the act has just written.
Issuer = Callable[[Any, Any], Any]
ISSUERS: dict[str, Issuer] = {}


def on_action(*names: str) -> Callable[[Issuer], Issuer]:
    def decorator(func: Issuer) -> Issuer:
        for name in names:
            ISSUERS[name] = func
        return func

    return decorator


@receiver(action_done)
def issue_after_act(sender: Any, action: Any, obj: Any, result: Any, **kwargs: Any) -> None:
    """After an act that an official document records has committed, issue it. A failure is
    logged and left for ``backfill`` (the act stands; its document can be issued later)."""
    issuer = ISSUERS.get(action.name)
    if issuer is None:
        return
    try:
        issuer(result, obj)
    except Exception:
        log.exception("official document of %s not issued", action.name)
