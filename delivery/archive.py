"""A project's complete electronic archive as one zip (Art. 29, R29.1), and its verification.

Layout of the zip::

    documents/<doc id>-v<n>-<safe original name>   every version of every document
    project.json      the project's fields and every record that belongs to it
    decisions.json    the stored gate decisions about it
    ledger.json       its audit-ledger events, with their SM3 chain hashes
    manifest.json     every file above with size, SM3 and SHA-256
    manifest.sm3      the SM3 of manifest.json

**What belongs to a project.** Starting from the project, every model with a foreign key to
``projects.Project`` contributes its rows (reviews, the delivery record, milestones, reports,
incidents, acceptances, evaluations, contracts, budget lines, plan entries…), and every model
with a foreign key to one of those contributes its rows too (payments of a contract, copies
of a review…): two levels, found from the model graph so that a chapter added later is
archived without touching this file. The project itself and other projects are never reached
through a self-reference (a predecessor project is not part of this archive).

- *Documents*: every ``documents.Document`` whose subject is the project or one of those
  records (so the documents of its reviews, and any attached to an acceptance or a change), all
  versions, withdrawn ones included (marked in ``project.json``).
- *Ledger events*: events whose object is the project, one of those records or one of those
  documents; plus events of the project's unit (``organisation``) whose ``data`` or ``reason``
  mention the project code, which catches events recorded on a shared object (an annual plan
  version, a project list) about this project. Events of other organisations that merely
  mention the code are not included: they are not the project's record.
- *Decisions*: decisions whose subject is the project or one of those records, plus every
  decision a selected ledger event names (``decision_id``).

``verify_archive`` recomputes every digest, so an altered, missing or extra file is found; the
manifest's own SM3 in ``manifest.sm3`` shows whether the manifest was edited, and each ledger
event's SM3 is recomputed from its content. An archive rebuilt by someone who also rewrites
the manifest is caught only against the platform (the ledger and the stored digests).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from core.crypto import sha256_hex, sm3_hex
from core.ledger import CANONICAL_FIELDS, event_hash
from core.models import LedgerEvent
from core.storage import TamperedFile
from documents.models import Document, DocumentVersion
from policy.models import Decision
from projects.models import Project

FORMAT = "govit-archive/1"
MANIFEST = "manifest.json"
MANIFEST_SM3 = "manifest.sm3"
# The ledger fields an archive carries: the canonical ones its hash covers, and the hash.
LEDGER_FIELDS = (*CANONICAL_FIELDS, "hash")


def _json(value) -> bytes:
    return json.dumps(
        value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True
    ).encode("utf-8")


def safe_name(name: str, limit: int = 100) -> str:
    """A file name safe in any zip tool: letters (CJK included), digits, dot, dash and
    underscore; everything else becomes ``_``."""
    name = re.sub(r"[^\w.\-]", "_", name or "", flags=re.UNICODE).lstrip(".")
    return (name or "file")[-limit:]


def _forward_fks(model):
    return [
        f
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and (f.many_to_one or f.one_to_one) and f.related_model
    ]


def related_objects(project) -> dict[str, list]:
    """``{"app_label.model": [instances…]}`` of the records that belong to ``project`` (two
    levels of foreign keys, see the module docstring), the project itself included."""
    found: dict[type, dict] = defaultdict(dict)
    level1: dict[type, list] = defaultdict(list)
    for model in apps.get_models():
        if model is Project or model in (Document, DocumentVersion, LedgerEvent, Decision):
            continue
        for fk in _forward_fks(model):
            if fk.related_model is Project:
                for obj in model._default_manager.filter(**{fk.name: project}):
                    found[model][obj.pk] = obj
                    level1[model].append(obj.pk)
    parents = {m: pks for m, pks in level1.items() if pks}
    for model in apps.get_models():
        if model is Project or model in (Document, DocumentVersion, LedgerEvent, Decision):
            continue
        for fk in _forward_fks(model):
            pks = parents.get(fk.related_model)
            if pks and fk.related_model is not model:
                for obj in model._default_manager.filter(**{f"{fk.name}__in": pks}):
                    found[model][obj.pk] = obj
    result = {Project._meta.label_lower: [project]}
    for model, objs in found.items():
        result[model._meta.label_lower] = sorted(objs.values(), key=lambda o: str(o.pk))
    return result


def _documents(objects: dict[str, list]):
    condition = Q(pk__in=[])
    for label, objs in objects.items():
        app_label, model_name = label.split(".")
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model_name)
        except ContentType.DoesNotExist:
            continue
        condition |= Q(subject_type=ct, subject_id__in=[o.pk for o in objs])
    return (
        Document.objects.filter(condition)
        .select_related("subject_type")
        .prefetch_related("versions")
        .order_by("pk")
    )


def _ledger_events(project, objects: dict[str, list]):
    condition = Q(pk__in=[])
    for label, objs in objects.items():
        condition |= Q(object_type=label, object_id__in=[str(o.pk) for o in objs])
    mentions = LedgerEvent.objects.annotate(data_text=Cast("data", TextField())).filter(
        Q(data_text__contains=project.code) | Q(reason__contains=project.code),
        organisation_id=project.unit_id,
    )
    return LedgerEvent.objects.filter(condition | Q(pk__in=mentions.values("pk"))).order_by("seq")


def _ledger_row(event) -> dict:
    row = {name: getattr(event, name) for name in LEDGER_FIELDS}
    row["occurred_at"] = event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    row["decision_id"] = str(event.decision_id) if event.decision_id else ""
    return row


def ledger_row_hash(row: dict) -> str:
    """The SM3 an exported ledger row should carry (for ``verify_archive``)."""
    values = dict(row)
    values["occurred_at"] = dt.datetime.fromisoformat(values["occurred_at"])
    values["decision_id"] = values.get("decision_id") or None
    return event_hash(values)


def _decisions(objects: dict[str, list], decision_ids):
    condition = Q(pk__in=list(decision_ids))
    for label, objs in objects.items():
        condition |= Q(subject_type=label, subject_id__in=[str(o.pk) for o in objs])
    return Decision.objects.filter(condition).select_related("policy").order_by("created_at", "pk")


def _decision_row(d) -> dict:
    return {
        "id": str(d.pk),
        "gate": d.gate,
        "subject_type": d.subject_type,
        "subject_id": d.subject_id,
        "subject_repr": d.subject_repr,
        "organisation_id": d.organisation_id,
        "policy": d.policy.code,
        "inputs": d.inputs,
        "rule_ids": d.rule_ids,
        "outcome": d.outcome,
        "findings": d.findings,
        "actor_id": d.actor_id,
        "created_at": d.created_at,
    }


def _serialize(objs) -> list:
    return serializers.serialize("python", objs)


def export_archive(project) -> bytes:
    """The zip of the project's complete electronic archive (see the module docstring). The
    caller loads ``project`` for the user first (``get_visible_or_404``)."""
    objects = related_objects(project)
    documents = list(_documents(objects))
    objects_with_docs = {**objects, Document._meta.label_lower: documents}
    events = list(_ledger_events(project, objects_with_docs))
    decisions = list(_decisions(objects, {e.decision_id for e in events if e.decision_id}))

    files: dict[str, bytes] = {}
    entries: list[dict] = []
    unavailable: list[dict] = []
    for document in documents:
        for version in sorted(document.versions.all(), key=lambda v: v.number):
            path = f"documents/{document.pk}-v{version.number}-{safe_name(version.original_name)}"
            try:
                with version.file.open("rb") as fh:
                    content = fh.read()
            except OSError as exc:
                unavailable.append(
                    {
                        "path": path,
                        "document_id": document.pk,
                        "version": version.number,
                        "reason": "文件未通过 SM4-GCM 完整性校验，可能已被改动"
                        if isinstance(exc, TamperedFile)
                        else f"存储中找不到该文件：{exc.__class__.__name__}",
                    }
                )
                continue
            files[path] = content
            entries.append(
                {
                    "path": path,
                    "document_id": document.pk,
                    "version": version.number,
                    "recorded_sm3": version.sm3,
                    "recorded_sha256": version.sha256,
                }
            )

    records = {
        label: _serialize(objs)
        for label, objs in sorted(objects_with_docs.items())
        if label != Project._meta.label_lower
    }
    records["documents.documentversion"] = _serialize(
        [v for d in documents for v in sorted(d.versions.all(), key=lambda v: v.number)]
    )
    files["project.json"] = _json({"project": _serialize([project])[0], "records": records})
    files["decisions.json"] = _json([_decision_row(d) for d in decisions])
    files["ledger.json"] = _json([_ledger_row(e) for e in events])

    by_path = {e["path"]: e for e in entries}
    manifest_files = []
    for path in sorted(files):
        content = files[path]
        row = {
            "path": path,
            "size": len(content),
            "sm3": sm3_hex(content),
            "sha256": sha256_hex(content),
        }
        row.update({k: v for k, v in by_path.get(path, {}).items() if k != "path"})
        manifest_files.append(row)
    manifest = _json(
        {
            "format": FORMAT,
            "project": {"id": project.pk, "code": project.code, "name": project.name},
            "generated_at": timezone.now(),
            "files": manifest_files,
            "unavailable": unavailable,
            "counts": {
                "documents": len(documents),
                "document_versions": len(entries),
                "decisions": len(decisions),
                "ledger_events": len(events),
            },
        }
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            zf.writestr(path, files[path])
        zf.writestr(MANIFEST, manifest)
        zf.writestr(MANIFEST_SM3, f"{sm3_hex(manifest)}  {MANIFEST}\n")
    return buffer.getvalue()


def verify(fileobj) -> tuple[list[str], list[str], dict]:
    """Check an exported archive: (problems, warnings, manifest). Problems are altered,
    missing or extra files, an edited manifest, or ledger rows whose SM3 does not match."""
    problems: list[str] = []
    warnings: list[str] = []
    try:
        zf = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile:
        return ["文件不是有效的 zip 档案包。"], warnings, {}
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            return [f"缺少清单文件 {MANIFEST}，无法校验。"], warnings, {}
        manifest_bytes = zf.read(MANIFEST)
        if MANIFEST_SM3 not in names:
            problems.append(f"缺少清单摘要文件 {MANIFEST_SM3}。")
        else:
            expected = zf.read(MANIFEST_SM3).decode("utf-8", "replace").split()
            if not expected or expected[0] != sm3_hex(manifest_bytes):
                problems.append(f"清单 {MANIFEST} 已被改动：其 SM3 与 {MANIFEST_SM3} 不符。")
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError:
            return [*problems, f"清单 {MANIFEST} 不是有效的 JSON。"], warnings, {}
        listed = set()
        for row in manifest.get("files", []):
            path = row.get("path", "")
            listed.add(path)
            if path not in names:
                problems.append(f"缺失：{path}")
                continue
            content = zf.read(path)
            changed = []
            if len(content) != row.get("size"):
                changed.append(f"大小应为 {row.get('size')} 字节，实为 {len(content)} 字节")
            if sm3_hex(content) != row.get("sm3"):
                changed.append("SM3 摘要不符")
            if sha256_hex(content) != row.get("sha256"):
                changed.append("SHA-256 摘要不符")
            if changed:
                problems.append(f"被改动：{path}（{'，'.join(changed)}）")
            elif row.get("recorded_sm3") and row["recorded_sm3"] != row.get("sm3"):
                warnings.append(f"{path} 导出时已与上传时登记的 SM3 摘要不一致，请核查平台存储。")
        for name in sorted(names - listed - {MANIFEST, MANIFEST_SM3}):
            problems.append(f"多出：{name}（不在清单中）")
        for row in manifest.get("unavailable", []):
            warnings.append(f"导出时存储中缺少：{row.get('path')}（{row.get('reason', '')}）")
        if "ledger.json" in names and "ledger.json" in listed:
            try:
                events = json.loads(zf.read("ledger.json"))
            except ValueError:
                events = []
                problems.append("ledger.json 不是有效的 JSON。")
            for row in events:
                try:
                    ok = ledger_row_hash(row) == row.get("hash")
                except (KeyError, TypeError, ValueError):
                    ok = False
                if not ok:
                    problems.append(f"台账事件第 {row.get('seq')} 号的内容与其 SM3 哈希不符。")
    return problems, warnings, manifest
