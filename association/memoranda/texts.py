"""The text of a memorandum as it is signed: each language's Markdown, checked to hold
no HTML or script; its final clause (place of signature, languages, each equally authentic);
the canonical form whose SHA-256 the parties sign; and the rule that a circulated revision
is frozen for good."""

from __future__ import annotations

import hashlib
import json
import re

from flask_babel import gettext as _
from flask_babel import ngettext
from markdown_it import MarkdownIt
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from association.domain import Conflict, Invalid, Refusal
from association.memoranda.models import (
    LANGUAGE_ORDER,
    TEXT_LANGUAGES,
    Circulation,
    Memorandum,
    Party,
    Revision,
    RevisionText,
)
from association.parks.models import User

MAX_TEXT_CHARS = 400_000


# "Place of signature ... languages ... equally authentic", closing the text in each language.
_CLAUSE_PLACE = {
    "en": "Place of signature: {place}.",
    "kk": "Қол қойылған орны: {place}.",
    "tr": "İmza yeri: {place}.",
    "az": "İmzalanma yeri: {place}.",
    "uz": "Imzolangan joy: {place}.",
    "ky": "Кол коюлган жери: {place}.",
    "ru": "Место подписания: {place}.",
}
_CLAUSE_LANGUAGES = {
    "en": "This Memorandum is made in the following languages: {languages}; all texts are equally authentic.",
    "kk": "Осы Меморандум мына тілдерде жасалды: {languages}; барлық мәтіндердің күші бірдей.",
    "tr": "Bu Mutabakat Zaptı şu dillerde düzenlenmiştir: {languages}; tüm metinler eşit derecede geçerlidir.",
    "az": "Bu Memorandum aşağıdakı dillərdə tərtib edilmişdir: {languages}; bütün mətnlər eyni qüvvəyə malikdir.",
    "uz": "Ushbu Memorandum quyidagi tillarda tuzilgan: {languages}; barcha matnlar teng kuchga ega.",
    "ky": "Бул Меморандум төмөнкү тилдерде түзүлдү: {languages}; бардык тексттер бирдей күчкө ээ.",
    "ru": "Настоящий Меморандум составлен на следующих языках: {languages}; все тексты имеют одинаковую силу.",
}


# --- the text, its final clause and its hash ----------------------------------------


def authentic_clause(revision: Revision, language: str) -> str:
    """The final clause in `language`: place of signature, the languages, each equally authentic."""
    languages = ", ".join(TEXT_LANGUAGES[text.language] for text in revision.ordered_texts)
    parts = []
    if revision.place:
        parts.append(_CLAUSE_PLACE[language].format(place=revision.place))
    parts.append(_CLAUSE_LANGUAGES[language].format(languages=languages))
    return " ".join(parts)


def canonical_text(revision: Revision, parties: list[Party]) -> str:
    """What is signed, as canonical JSON: title, place, parties, and every language's text
    with its final clause, in the fixed language order."""
    payload = {
        "memorandum": revision.memorandum_id,
        "revision": revision.number,
        "title": revision.title,
        "place": revision.place,
        "parties": [party.name for party in parties],
        "texts": [_canonical_entry(revision, text) for text in revision.ordered_texts],
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _canonical_entry(revision: Revision, text: RevisionText) -> dict[str, str]:
    entry = {
        "language": text.language,
        "text": text.body,
        "clause": authentic_clause(revision, text.language),
    }
    # A text headed by the revision's own title adds nothing, so the texts circulated before
    # each language had its title keep the canonical form (and SHA-256) they were signed with.
    if text.heading != revision.title:
        entry["title"] = text.heading
    return entry


def text_sha256(revision: Revision, parties: list[Party]) -> str:
    """The SHA-256 of canonical_text(): what each signature refers to."""
    return hashlib.sha256(canonical_text(revision, parties).encode()).hexdigest()


def is_frozen(session: Session, revision: Revision) -> bool:
    """A revision once circulated is frozen for good."""
    circulations = session.scalar(
        select(func.count()).select_from(Circulation).where(Circulation.revision_id == revision.id)
    )
    return bool(circulations)


@event.listens_for(Session, "before_flush")
def _frozen_revisions_stay_as_they_are(session, flush_context, instances):
    # A second line behind the domain functions: no code path may rewrite a circulated text.
    for changed in session.dirty:
        if isinstance(changed, RevisionText | Revision) and session.is_modified(changed):
            revision = changed.revision if isinstance(changed, RevisionText) else changed
            with session.no_autoflush:
                frozen = revision.id is not None and is_frozen(session, revision)
            if frozen:
                raise Conflict(
                    _(
                        "Revision %(number)d was circulated and is frozen: save a new revision instead.",
                        number=revision.number,
                    )
                )


def clean_texts(texts: dict[str, str]) -> dict[str, str]:
    """The non-empty texts, line ends normalised, in the fixed language order; Invalid if none."""
    cleaned = {}
    for language, body in texts.items():
        if language not in TEXT_LANGUAGES:
            raise Invalid(
                _("%(code)s is not a language a memorandum can be written in.", code=language)
            )
        body = (body or "").replace("\r\n", "\n").strip()
        if body:
            cleaned[language] = body
    if not cleaned:
        raise Invalid(_("Please write the text in at least one language."))
    return {language: cleaned[language] for language in LANGUAGE_ORDER if language in cleaned}


# Raw HTML is recognised here (never rendered: association.markdown renders without it), so
# that a text holding any is refused rather than silently changed.
_markdown_with_html = MarkdownIt("commonmark")
_SCRIPT_LINK = re.compile(r"(\]\(|\]:|<)\s*<?\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def _holds_html_or_script(body: str) -> bool:
    if _SCRIPT_LINK.search(body):
        return True
    for token in _markdown_with_html.parse(body):
        if token.type == "html_block" or any(
            child.type == "html_inline" for child in token.children or []
        ):
            return True
    return False


def _unsafe_language(texts: dict[str, str]) -> str | None:
    """The first language whose Markdown holds raw HTML, a script or a script link."""
    for language, body in texts.items():
        if _holds_html_or_script(body):
            return language
    return None


def check_titles(titles: dict[str, str] | None, texts: dict[str, str]) -> dict[str, str]:
    """Each language's own title, trimmed, for the languages that have a text; a language
    without its own title is headed by the memorandum's title."""
    cleaned = {}
    for language, title in (titles or {}).items():
        if language not in TEXT_LANGUAGES:
            raise Invalid(
                _("%(code)s is not a language a memorandum can be written in.", code=language)
            )
        title = " ".join((title or "").split())
        if not title:
            continue
        if language not in texts:
            raise Invalid(
                _(
                    "The %(language)s title has no %(language)s text: please write the text or "
                    "clear the title.",
                    language=TEXT_LANGUAGES[language],
                )
            )
        if len(title) > 300:
            raise Invalid(
                _(
                    "The %(language)s title may have at most 300 characters.",
                    language=TEXT_LANGUAGES[language],
                )
            )
        cleaned[language] = title
    return cleaned


def check_texts(
    actor: User | None, memorandum: Memorandum | None, texts: dict[str, str]
) -> dict[str, str]:
    """clean_texts(), refusing any too long or holding HTML or a script link (audited)."""
    texts = clean_texts(texts)
    if any(len(body) > MAX_TEXT_CHARS for body in texts.values()):
        raise Invalid(
            ngettext(
                "A text may have at most %(num)d character.",
                "A text may have at most %(num)d characters.",
                MAX_TEXT_CHARS,
            )
        )
    unsafe = _unsafe_language(texts)
    if unsafe is not None:
        raise Invalid(
            _(
                "The %(language)s text contains HTML or a script link, which a memorandum cannot hold. "
                "Please write it in plain Markdown.",
                language=TEXT_LANGUAGES[unsafe],
            ),
            audit=Refusal(
                "memorandum.unsafe_text_refused",
                actor=actor,
                subject=memorandum,
                details={"language": unsafe},
            ),
        )
    return texts
