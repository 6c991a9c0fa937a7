"""Every change of the evidence chapter, one action each: the requirement's profile and the
conclusions on its matches (``matches``, Art. 8, 13) and BDB's determinations of duplicate
collection (``collection``, Art. 31)."""

from .collection import (
    confirm_duplicate_collection,
    dismiss_duplicate_collection,
    reopen_duplicate_collection,
)
from .matches import describe_requirement, record_match_conclusion, refresh_evidence

__all__ = [
    "confirm_duplicate_collection",
    "describe_requirement",
    "dismiss_duplicate_collection",
    "record_match_conclusion",
    "refresh_evidence",
    "reopen_duplicate_collection",
]
