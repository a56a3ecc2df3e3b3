"""A small CSS reader: the top-level rules of a stylesheet (an @media block is one rule whose
body is read again). Enough for the build's own rewriting of the themes' stylesheets; not a
validating parser."""

from __future__ import annotations


def css_rules(css: str) -> list[tuple[int, int, str, str]]:
    """(start, end, prelude, body) of each top-level rule; comments and strings are skipped."""
    rules, i, n = [], 0, len(css)
    while i < n:
        if css.startswith("/*", i):
            close = css.find("*/", i + 2)
            i = n if close < 0 else close + 2
            continue
        if css[i].isspace():
            i += 1
            continue
        start, depth, j, quote_char = i, 0, i, None
        brace = -1
        while j < n:
            c = css[j]
            if quote_char:
                if c == "\\":
                    j += 1
                elif c == quote_char:
                    quote_char = None
            elif c in "\"'":
                quote_char = c
            elif css.startswith("/*", j):
                close = css.find("*/", j + 2)
                j = n if close < 0 else close + 1
            elif c == "{":
                depth += 1
                brace = j if brace < 0 else brace
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            elif c == ";" and depth == 0:  # @charset, @import
                break
            j += 1
        if brace < 0:
            rules.append((start, j + 1, css[start:j].strip(), ""))
        else:
            rules.append((start, j + 1, css[start:brace].strip(), css[brace + 1 : j]))
        i = j + 1
    return rules
