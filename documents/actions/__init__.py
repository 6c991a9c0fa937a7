"""Every change of documents, one action each (``files``): upload a document to a subject,
add a version, withdraw."""

from .files import (
    NOT_ATTACHABLE,
    add_document_version,
    owner_of,
    upload_document,
    withdraw_document,
)

__all__ = [
    "NOT_ATTACHABLE",
    "add_document_version",
    "owner_of",
    "upload_document",
    "withdraw_document",
]
