"""Journal-style author lists: "Kemeny N, et al." rather than BibTeX's literal "and others".

references.bib lists the first author (or two) then `and others` when an entry has three or
more authors. pybtex and sphinxcontrib-bibtex would print that as a person called "others"
("Kemeny and others, 2006"). These two styles drop that pseudo-person and add "et al." instead,
in the bibliography (`bibtex_default_style: course`) and in citations
(`bibtex_reference_style: course_author_year`).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

import pybtex.plugin
from pybtex.richtext import Tag, Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import FieldIsMissing, field, first_of, node, optional, sentence, tag
from pybtex.style.template import join as pybtex_join
from sphinxcontrib.bibtex.plugin import register_plugin as register_sphinx_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join as sphinx_join

ET_AL = Text(" ", Tag("em", "et al."))


def _persons(entry, role):
    try:
        return entry.persons[role]
    except KeyError:  # the templates fall back (editor, title) on FieldIsMissing
        raise FieldIsMissing(role, entry) from None


def _split(persons):
    real = [p for p in persons if not (" ".join(p.last_names) == "others" and not p.first_names)]
    return real, len(real) < len(persons)


@node
def _bib_names(children, context, role, **kwargs):
    """pybtex's names(), with a trailing "others" shown as "et al."."""
    real, more = _split(_persons(context["entry"], role))
    style = context["style"]
    formatted = [style.format_name(p, style.abbreviate_names) for p in real]
    text = pybtex_join(**kwargs)[formatted].format_data(context)
    return Text(text, ",", ET_AL) if more else text


class CourseStyle(PlainStyle):
    def format_names(self, role, as_sentence=True):
        formatted = _bib_names(role, sep=", ", sep2=" and ", last_sep=", and ")
        return sentence[formatted] if as_sentence else formatted


@node
def _ref_names(children, data, role, **kwargs):
    """sphinxcontrib-bibtex's names() for citations: "First et al." whenever authors were cut."""
    real, more = _split(_persons(data["entry"], role))
    person = data["style"].person
    formatted = [person.style_plugin.format(p, person.abbreviate) for p in real]
    if more and formatted:
        return Text(formatted[0].format_data(data), ET_AL)
    return sphinx_join(**kwargs)[formatted].format_data(data)


@node
def _ref_author_or_editor_or_title(children, data, **kwargs):
    return first_of[
        optional[_ref_names("author", **kwargs)],
        optional[_ref_names("editor", **kwargs)],
        tag("em")[field("title")],
    ].format_data(data)


@dataclass
class CoursePersonStyle(PersonStyle):
    def _seps(self, full):
        return dict(sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, other=None if full else self.other)

    def names(self, role, full):
        return _ref_names(role=role, **self._seps(full))

    def author_or_editor_or_title(self, full):
        return _ref_author_or_editor_or_title(**self._seps(full))


@dataclass
class CourseAuthorYearStyle(AuthorYearReferenceStyle):
    person: PersonStyle = dataclass_field(default_factory=CoursePersonStyle)


def setup(app):
    pybtex.plugin.register_plugin("pybtex.style.formatting", "course", CourseStyle)
    register_sphinx_plugin("sphinxcontrib.bibtex.style.referencing", "course_author_year", CourseAuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
