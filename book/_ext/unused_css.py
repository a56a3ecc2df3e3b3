"""Selectors no page can match, out of the theme's stylesheets.

pydata-sphinx-theme ships the whole of Bootstrap (grid, utilities, components) and
sphinx-design ships every one of its utility classes; a course page uses a few per cent of
them. Every rule still costs a reader twice: bytes before the first paint (stylesheets block
rendering) and style matching on every element. Here a selector is dropped only when it
names a class that appears nowhere in the built site: not as a word in any page, nor in any
script (Bootstrap and the theme add classes such as `show` or `collapsing` at run time, and
they are in their scripts as words). Scripts that build a class name from pieces
(`bs-${name}-auto`) keep every class starting with the written piece.

Conservative on purpose: ids, element names and attributes never drop a selector; a class
inside :not(), :is(), :where() or :has() never does either (the selector may match without
it); escaped selectors, @font-face, @keyframes and custom properties are kept as they are.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from css_reader import css_rules

# The stylesheets purged: the themes' and extensions' (the course's own CSS is small and
# hand-written, and every rule in it is meant).
PURGED = (
    "_static/basic.css",
    "_static/styles/pydata-sphinx-theme.css",
    "_static/styles/sphinx-book-theme.css",
    "_static/sphinx-design.min.css",
    "_static/togglebutton.css",
)
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# a piece of a class name followed by run-time text: `bs-${...}`, "col-" + n, 'sd-' + x
PIECE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*-)(?:\$\{|[\"'`]\s*\+)")
CLASS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")
NESTED = re.compile(r":(?:not|is|where|has|matches|-webkit-any|-moz-any)\(")
# licence comments (/*! ... */) and the icon rewrite's marker stay at the top of a purged file
KEPT_COMMENT = re.compile(r"/\*!.*?\*/|/\*[^*]*course_assets[^*]*\*/", re.S)


def read_pages(outdir: Path) -> dict[Path, str]:
    """{path: text} of every built page, read once after the build for each step that reads pages.

    The theme's template files in _static/ (webpack-macros.html) are no pages: the build removes them.
    """
    pages = sorted(p for p in outdir.rglob("*.html") if p.relative_to(outdir).parts[0] != "_static")
    return {page: page.read_text(encoding="utf-8") for page in pages}


def site_vocabulary(outdir: Path, pages: dict[Path, str]) -> tuple[set[str], tuple[str, ...]]:
    """Every word of the built pages (read_pages) and scripts, and the class-name pieces scripts extend."""
    words: set[str] = set()
    pieces: set[str] = set()
    for path in outdir.rglob("*"):
        if path.suffix in (".js", ".mjs") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            words.update(WORD.findall(text))
            pieces.update(PIECE.findall(text))
    for page in pages.values():
        words.update(WORD.findall(page))
        if "<script" in page:
            pieces.update(PIECE.findall(page))
    return words, tuple(sorted(pieces))


def _outside_parentheses(selector: str) -> str:
    """The selector with the arguments of :not()/:is()/... and attribute tests removed."""
    selector = re.sub(r"\[[^\]]*\]", "", selector)
    out, depth, i = [], 0, 0
    while i < len(selector):
        match = NESTED.match(selector, i) if depth == 0 else None
        if match:
            depth, i = 1, match.end()
            continue
        c = selector[i]
        if depth:
            depth += (c == "(") - (c == ")")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def can_match(selector: str, words: set[str], pieces: tuple[str, ...]) -> bool:
    if "\\" in selector:
        return True
    return all(name in words or name.startswith(pieces) for name in CLASS.findall(_outside_parentheses(selector)))


def _split_selectors(prelude: str) -> list[str]:
    """Split a selector list at top-level commas (not inside :is(a, b) or [x="a,b"])."""
    parts, depth, start, quote = [], 0, 0, ""
    for i, c in enumerate(prelude):
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def purge(css: str, words: set[str], pieces: tuple[str, ...]) -> str:
    """The stylesheet without the selectors (and rules) that cannot match."""
    out = []
    for begin, end, prelude, body in css_rules(css):
        if prelude.startswith(("@media", "@supports", "@container", "@layer")) and "{" in body:
            inner = purge(body, words, pieces)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@") or not body:  # @font-face, @keyframes, @import ...
            out.append(css[begin:end])
        else:
            kept = [s for s in _split_selectors(prelude) if can_match(s, words, pieces)]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "\n".join(out)


def purge_site(outdir: Path, keep_dir: Path, pages: dict[Path, str]) -> dict[str, tuple[int, int]]:
    """Purge each stylesheet of PURGED in the built site (its pages: read_pages); (bytes before, after) per file.

    The untouched stylesheet is kept in keep_dir (outside the site), so that a later
    incremental build, in which Sphinx does not copy static files again, purges the original
    against its own pages, not the already purged file."""
    words, pieces = site_vocabulary(outdir, pages)
    sizes = {}
    for rel in PURGED:
        target = outdir / rel
        if not target.exists():
            continue
        original = keep_dir / rel
        stamp = original.with_name(original.name + ".purged-sha256")
        current = target.read_bytes()
        if not (stamp.exists() and stamp.read_text() == hashlib.sha256(current).hexdigest() and original.exists()):
            original.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, original)  # a fresh copy from Sphinx (or the icon rewrite)
        source = original.read_text(encoding="utf-8")
        rules = purge(source, words, pieces)
        charset = re.match(r'@charset "[^"]*";', rules)  # must stay the very first thing
        head = [charset.group(0)] if charset else []
        purged = "\n".join([*head, *KEPT_COMMENT.findall(source), rules[len(head[0]) if head else 0 :].lstrip()]) + "\n"
        target.write_text(purged, encoding="utf-8")
        stamp.write_text(hashlib.sha256(purged.encode("utf-8")).hexdigest())
        sizes[rel] = (len(source.encode("utf-8")), len(purged.encode("utf-8")))
    return sizes
