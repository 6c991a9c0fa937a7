"""The generic PDF renderer of official documents: a small document spec in, a PDF out.

Typesetting is Typst (the ``typst`` package from PyPI bundles the compiler; no process is
started, nothing is downloaded): one template, ``typst/official.typ``, reads the spec as JSON
from ``sys.inputs`` and sets every value as plain text, so nothing a record holds can act as
markup. Measured here: about 10 ms a document once the compiler has its font (about 0.1 s for
the first), against about 0.2 s to load the font plus 10 ms a document for reportlab; Typst was
chosen for its CJK line breaking and justification.

The font is Noto Sans SC (SIL Open Font License) from the npm registry's
``@expo-google-fonts/noto-sans-sc``, copied by ``make`` into ``reports/fonts`` (setting
``GOVIT_FONT_DIR`` points elsewhere). System fonts are ignored, so a document looks the same on
every machine and never depends on what a server happens to have installed; only the glyphs
used are embedded.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from core.crypto import sm3_hex

TEMPLATE = Path(__file__).resolve().parent / "typst" / "official.typ"
FONT_FILES = ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf")
MEASURES = "《重庆市市级政务信息化项目管理办法》"
NUMERALS = "一二三四五六七八九十"
_lock = threading.Lock()
_compiler: Any = None


class FontsMissing(RuntimeError):
    """The CJK font is not installed (``make run`` / ``make test`` install it)."""


def font_dir() -> Path:
    default = Path(settings.BASE_DIR) / "reports" / "fonts"
    return Path(getattr(settings, "GOVIT_FONT_DIR", default))


def fonts_installed() -> bool:
    return all((font_dir() / name).is_file() for name in FONT_FILES)


@dataclass(frozen=True)
class Clause:
    """One numbered clause of a document, citing the article it rests on (``第九条``)."""

    text: str
    article: str = ""

    @property
    def citation(self) -> str:
        return f"{MEASURES}{self.article}" if self.article else ""


@dataclass(frozen=True)
class DocumentSpec:
    """What an official document says. ``number`` is the 文号, ``authority`` the issuing
    authority, ``recipient`` the addressee (主送); ``body`` paragraphs come before the numbered
    ``clauses``; ``facts`` are (label, value) rows of what was decided; ``cc`` is 抄送."""

    title: str
    number: str
    issued_on: dt.date
    authority: str
    recipient: str
    clauses: tuple[Clause, ...]
    body: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    cc: str = ""

    def content(self) -> dict[str, Any]:
        """The content as stored and digested: plain JSON values, in a fixed order."""
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat()
        data["clauses"] = [{"text": c.text, "article": c.article} for c in self.clauses]
        data["body"] = list(self.body)
        data["facts"] = [list(row) for row in self.facts]
        return data

    @classmethod
    def from_content(cls, data: dict[str, Any]) -> DocumentSpec:
        return cls(
            title=data["title"],
            number=data["number"],
            issued_on=dt.date.fromisoformat(data["issued_on"]),
            authority=data["authority"],
            recipient=data["recipient"],
            clauses=tuple(Clause(c["text"], c.get("article", "")) for c in data["clauses"]),
            body=tuple(data.get("body", ())),
            facts=tuple((str(a), str(b)) for a, b in data.get("facts", ())),
            cc=data.get("cc", ""),
        )

    def digest(self) -> str:
        """SM3 of the canonical JSON of the content: printed on the page, so that a reader of a
        paper copy can verify it on /verify/."""
        canonical = json.dumps(self.content(), ensure_ascii=False, sort_keys=True)
        return sm3_hex(canonical.encode("utf-8"))


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def clause_label(n: int) -> str:
    """一、二、… 十、十一、… (the numbering of clauses in official documents)."""
    if n <= 10:
        return NUMERALS[n - 1] + "、"
    tens, ones = divmod(n, 10)
    prefix = ("" if tens == 1 else NUMERALS[tens - 1]) + "十"
    return prefix + (NUMERALS[ones - 1] if ones else "") + "、"


def template_inputs(spec: DocumentSpec, *, verify_url: str = "/verify/") -> dict[str, Any]:
    """The JSON the template reads: the content plus the words around it."""
    data = spec.content()
    data["clauses"] = [
        {"label": clause_label(n), "text": c.text, "article": c.article, "citation": c.citation}
        for n, c in enumerate(spec.clauses, start=1)
    ]
    data.update(
        date_text=date_text(spec.issued_on),
        digest=spec.digest(),
        digest_label="内容摘要（SM3）：",
        cc_label="抄送：",
        footer=f"本文件由重庆市市级政务信息化项目管理平台生成，可凭文号或摘要在 {verify_url} 核验真伪。",
    )
    return data


def _get_compiler() -> Any:
    global _compiler
    if _compiler is None:
        if not fonts_installed():
            raise FontsMissing(
                f"中文字体未安装（{font_dir()}）：请运行 make run 或 make test，"
                "它们从软件包仓库安装 Noto Sans SC 字体。"
            )
        import typst

        _compiler = typst.Compiler(  # type: ignore[misc]
            TEMPLATE, font_paths=[str(font_dir())], ignore_system_fonts=True
        )
    return _compiler


def render(spec: DocumentSpec, *, verify_url: str = "/verify/") -> bytes:
    """The PDF of ``spec``. The same spec always gives the same bytes (the creation time is
    the issue date), so a stored document can be checked by regenerating it."""
    inputs = json.dumps(template_inputs(spec, verify_url=verify_url), ensure_ascii=False)
    stamp = dt.datetime.combine(spec.issued_on, dt.time(0, 0), tzinfo=dt.UTC)
    with _lock:  # one compiler per process; Typst's world is not shared between threads
        pdf = _get_compiler().compile(sys_inputs={"spec": inputs}, timestamp=stamp)
    assert isinstance(pdf, bytes)
    return pdf


@dataclass
class Rendered:
    """A rendered document: the PDF and the digest of its content."""

    spec: DocumentSpec
    pdf: bytes
    content_sm3: str = field(init=False)

    def __post_init__(self) -> None:
        self.content_sm3 = self.spec.digest()
