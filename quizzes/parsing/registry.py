"""Read and validate the recommendation registry (data/recommendations.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from quizzes import paths, vocab
from quizzes.parsing.issues import DataError, Issues
from quizzes.parsing.loader import YMap, load_or_report
from quizzes.parsing.model import Recommendation, Registry, Source
from quizzes.parsing.validate import ID_PATTERN, MARKDOWN, Fields, join, show

SOURCE_KINDS = ("review", "consensus", "manufacturer", "expert-panel", "secondary")
_REVIEW_LOCATOR = re.compile(r"^abstract sentence ([1-9][0-9]*)$")
REVIEW_SENTENCES = 10  # the abstract has ten sentences
MAX_QUOTE_CHARS = 80  # quotes stay short phrases, never whole sentences

_TOP = ("format", "version", "note", "sources", "records")
_SOURCE = ("label", "short", "citation", "kind")
_RECORD = (
    "id",
    "source",
    "label",
    "modality",
    "setting",
    "stance",
    "paraphrase",
    "locator",
    "quote",
    "evidence",
    "certainty",
    "certainty_note",
    "verification",
)
_RECORD_REQUIRED = tuple(k for k in _RECORD if k not in ("quote",))


def parse_registry(path, bibkeys: set[str]) -> tuple[Registry | None, Issues]:
    issues = Issues(str(path))
    loaded, data = load_or_report(path, issues)
    if not loaded:
        return None, issues
    top = Fields(issues, data, "", _TOP, ("format", "version", "sources", "records"))
    if not top.ok:
        return None, issues
    if top.raw("format") != "crlm-recommendations":
        top.err("format", "must be 'crlm-recommendations'")
    version = top.number("version")  # reports a bool, a string or a 4000-digit integer itself
    if version is not None and version != 1:
        top.err("version", "must be 1")
    top.text("note", required=False, kind=MARKDOWN)  # a maintainers' note: characters only

    sources: dict[str, Source] = {}
    src_map = top.raw("sources")
    if not isinstance(src_map, YMap) or not src_map:
        top.err("sources", "must be a non-empty mapping of source id to source")
        src_map = YMap()
    if len(src_map) > vocab.MAX_SOURCES:
        top.err("sources", f"defines {len(src_map)} sources; at most {vocab.MAX_SOURCES} allowed")
        src_map = YMap()
    for sid, value in src_map.items():
        spath = join("sources", sid)
        f = Fields(issues, value, spath, _SOURCE, _SOURCE, line=top.line_of("sources"))
        if not f.ok:
            continue
        if not isinstance(sid, str) or len(sid) > vocab.MAX_ID_CHARS or not ID_PATTERN.match(sid):
            issues.error(
                src_map.line_of(sid),
                spath,
                f"source id must be lowercase letters, digits, hyphens, at most {vocab.MAX_ID_CHARS} characters",
            )
            continue
        kind = f.text("kind", choices=SOURCE_KINDS)
        citation = f.text("citation")
        if citation and citation not in bibkeys:
            f.err("citation", f"unknown bibliography key {show(citation)}")
        if (sid == "review") != (kind == "review") and kind:
            f.err("kind", "only the source named 'review' may have kind 'review'")
        label, short = f.text("label"), f.text("short")
        if label and short and kind and citation:
            sources[sid] = Source(sid, label, citation, kind, short)
    if "review" not in src_map:
        top.err("sources", "must define the source 'review' (the spine article)")

    records: dict[str, Recommendation] = {}
    for i, line, value in top.items("records", max_items=vocab.MAX_RECORDS):
        rec = _parse_record(issues, value, join("records", i), line, sources, bibkeys, src_map)
        if rec is None:
            continue
        if rec.id in records:
            issues.error(line, join(join("records", i), "id"), f"duplicate record id {rec.id!r}")
            continue
        records[rec.id] = rec
    registry = Registry(str(path), sources, records)
    return (registry if not issues.errors else None), issues


def _parse_record(issues, value, path, line, sources, bibkeys, defined=()) -> Recommendation | None:
    f = Fields(issues, value, path, _RECORD, _RECORD_REQUIRED, line=line)
    if not f.ok:
        return None
    rid = f.text("id", pattern=ID_PATTERN)
    source = f.text("source")
    if source is not None and source not in sources:
        f.err(
            "source",
            f"source {show(source)} has errors (see its entry under 'sources')"
            if source in defined
            else f"unknown source {show(source)} (define it under 'sources')",
        )
        source = None
    # A statement from another source must never pass as the review's, and vice versa.
    if rid and source and (source == "review") != rid.startswith("rev-"):
        f.err("id", "ids starting 'rev-' are reserved for, and required of, source: review records")
    settings = f.str_list("setting", choices=vocab.RECORD_SETTINGS, allow_scalar=True, nonempty=True)
    locator = f.text("locator")
    quote = f.text("quote", required=False, default="")
    if quote and len(quote) > MAX_QUOTE_CHARS:
        f.err("quote", f"quote is {len(quote)} characters; keep quotes to short phrases (at most {MAX_QUOTE_CHARS})")
    if source == "review":
        match = _REVIEW_LOCATOR.match(locator or "")
        if locator and (not match or not 1 <= int(match.group(1)) <= REVIEW_SENTENCES):
            f.err("locator", f"review records need 'abstract sentence N' with N in 1..{REVIEW_SENTENCES}")
        if quote == "":  # absent (None: present but already reported)
            f.err(
                "quote" if f.has("quote") else "locator", "review records need a short quoted phrase from that sentence"
            )
    evidence = f.str_list("evidence", nonempty=True)
    for key in evidence or ():
        if key not in bibkeys:
            f.err("evidence", f"unknown bibliography key {show(key)}")
            evidence = None
            break
    parts = dict(
        id=rid,
        source=source,
        label=f.text("label"),
        modality=f.text("modality", choices=vocab.RECORD_MODALITIES),
        settings=tuple(settings) if settings is not None else None,
        stance=f.text("stance", choices=vocab.RECORD_STANCES),
        # paraphrase and certainty_note are prose: rendered through Markdown + nh3 or escaped
        paraphrase=f.text("paraphrase", kind=MARKDOWN),
        locator=locator,
        quote=quote or "",
        evidence=tuple(evidence) if evidence is not None else None,
        certainty=f.text("certainty", choices=vocab.CERTAINTY),
        certainty_note=f.text("certainty_note", kind=MARKDOWN),
        verification=f.text("verification", choices=vocab.VERIFICATION),
    )
    if any(v is None for v in parts.values()):
        return None
    return Recommendation(**parts)  # type: ignore[arg-type]  # no value is None here: tested above


def load_registry(path=None, bibkeys: set[str] | None = None) -> Registry:
    """Load the registry for the book; raise DataError if it does not pass its checks.

    With the default keys (book/references.bib) the parsed registry is cached per version of
    both files, so the API, grading, exports and publishing parse it once however often they ask.
    """
    path = Path(path) if path else paths.REGISTRY_FILE
    if bibkeys is not None:
        return _checked_registry(path, bibkeys)
    return _cached_registry(str(path), file_version(path), file_version(paths.REFERENCES_BIB))


def file_version(path: Path) -> tuple[int, int]:
    """What a cache keys on: a file's modification time and size (an edit changes one of them)."""
    stat = Path(path).stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _cached_registry(path: str, *versions: tuple[int, int]) -> Registry:
    from quizzes.parsing.bib import load_keys

    return _checked_registry(Path(path), load_keys()[0])


def _checked_registry(path: Path, keys: set[str]) -> Registry:
    registry, issues = parse_registry(path, keys)
    if registry is None:
        raise DataError(issues.errors)
    return registry
