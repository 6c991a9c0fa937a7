"""Signed checkpoints of the ledger's head, kept outside the database.

A checkpoint records the head of the chain — sequence, SM3 hash, HMAC seal and time — signed
with the platform's SM2 key, as one JSON line appended to ``checkpoints.jsonl`` in
``GOVIT_ANCHOR_DIR``. The file is opened for appending only; in production it lies on a mount
the application can only append to (a write-once volume, or ``chattr +a``), and the latest
checkpoints are published on the public verification page (``/verify/``), so a copy exists
outside the platform's reach. Whoever deletes the newest events, the tail or the whole table
leaves a chain shorter than a signed checkpoint says it was: ``verify_ledger`` reports it.

Checkpoints are written by the periodic task ``core.tasks.checkpoint_ledger`` (every
``GOVIT_CHECKPOINT_MINUTES``), by ``manage.py verify_ledger --checkpoint`` and after a
backup. The interval is how much of the newest history could vanish unnoticed.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from . import keys
from .crypto import sm2_sign_hex, sm2_verify

if TYPE_CHECKING:  # ledger imports this module when it verifies
    from .ledger import VerifyResult

FILE = "checkpoints.jsonl"
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    mac: str
    at: str  # ISO time, UTC
    key_id: str  # the SM2 key that signed it
    signature: str = ""

    def signed_bytes(self) -> bytes:
        content = {k: v for k, v in asdict(self).items() if k != "signature"}
        return _ENCODER.encode(content).encode("utf-8")

    def signature_ok(self) -> bool:
        try:
            public = keys.public_pem(self.key_id)
        except (FileNotFoundError, keys.KeyStoreError):
            return False
        return sm2_verify(public, self.signed_bytes(), self.signature)

    def line(self) -> str:
        return _ENCODER.encode(asdict(self))


def anchor_file() -> Path:
    return Path(settings.GOVIT_ANCHOR_DIR) / FILE


def _append(line: str) -> None:
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def write_checkpoint() -> Checkpoint | None:
    """Sign the ledger's head and append it to the anchor file (None for an empty ledger, or
    when the head is already the latest checkpoint)."""
    from .models import LedgerEvent

    head = LedgerEvent.objects.order_by("-seq").values("seq", "hash", "mac").first()
    if head is None:
        return None
    latest = latest_checkpoint()
    if latest is not None and latest.seq == head["seq"] and latest.hash == head["hash"]:
        return latest
    key_id = keys.active_id("sm2")
    unsigned = Checkpoint(
        seq=head["seq"],
        hash=head["hash"],
        mac=head["mac"],
        at=timezone.now().isoformat(timespec="seconds"),
        key_id=key_id,
    )
    signed = Checkpoint(
        **{
            **asdict(unsigned),
            "signature": sm2_sign_hex(keys.read("sm2", key_id), unsigned.signed_bytes()),
        }
    )
    _append(signed.line())
    return signed


def read_checkpoints() -> list[Checkpoint]:
    """Every checkpoint in the anchor file, oldest first (an unreadable line is kept as an
    unsigned checkpoint so that verification reports it)."""
    try:
        text = anchor_file().read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    found = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        try:
            data: dict[str, Any] = json.loads(raw)
            found.append(Checkpoint(**data))
        except (ValueError, TypeError):
            found.append(Checkpoint(seq=-1, hash="", mac="", at="", key_id="", signature=""))
    return found


def latest_checkpoint() -> Checkpoint | None:
    found = read_checkpoints()
    return found[-1] if found else None


def verify_against_checkpoints(chain: VerifyResult) -> VerifyResult:
    """The chain (already verified) against every signed checkpoint: each must be signed by
    the platform and match the event it names, and no checkpoint may name an event the
    ledger no longer holds."""
    from .ledger import VerifyResult
    from .models import LedgerEvent

    checkpoints = read_checkpoints()
    if not checkpoints:
        return chain
    heads = {
        row["seq"]: row
        for row in LedgerEvent.objects.filter(seq__in=[c.seq for c in checkpoints]).values(
            "seq", "hash", "mac"
        )
    }
    last_seq = chain.checked
    for cp in checkpoints:
        if not cp.signature_ok():
            return VerifyResult(
                False,
                chain.checked,
                cp.seq,
                f"检查点 #{cp.seq} 的 SM2 签名无效（检查点文件被改动）",
            )
        if cp.seq > last_seq:
            return VerifyResult(
                False,
                chain.checked,
                last_seq + 1,
                f"检查点记录链头为事件 #{cp.seq}（{cp.at}），但审计日志只到 #{last_seq}："
                f"事件 #{last_seq + 1} 起被删除",
                cp.seq,
            )
        row = heads.get(cp.seq)
        if row is None or row["hash"] != cp.hash or row["mac"] != cp.mac:
            return VerifyResult(
                False,
                chain.checked,
                cp.seq,
                f"事件 #{cp.seq} 与检查点（{cp.at}）记录的哈希不符（事件被改动后重算了哈希链）",
                cp.seq,
            )
    return VerifyResult(True, chain.checked, checkpoint_seq=checkpoints[-1].seq)
