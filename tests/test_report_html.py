"""The HTML report, parsed as a browser would: structure, colours, timeline and escaping."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from evidence.export import export_bytes
from evidence.seed import default_case
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.render_html import CELL_COLOURS, CSP

VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "line"}


def render_text(case, fmt, **kw):
    """The report as the CLI writes it, as text."""
    return export_bytes(case, fmt, **kw).decode("utf-8")


class Page(HTMLParser):
    """Every element with its attributes and text, its section, and a nesting check."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], str]] = []  # tag, attrs, section id
        self.text: dict[str, list[str]] = {}
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section":
            self.section = a.get("id", "")
        self.elements.append((tag, a, self.section))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, self.section))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.setdefault(self.section, []).append(data)

    def all_text(self, section: str | None = None) -> str:
        parts = self.text.values() if section is None else [self.text.get(section, [])]
        return "".join("".join(p) for p in parts)

    def tags(self, name: str, section: str | None = None) -> list[dict[str, str]]:
        return [a for t, a, s in self.elements if t == name and (section is None or s == section)]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert page.errors == [] and page.stack == []
    return page


HOSTILE = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(2)>'


def hostile_case() -> Case:
    return Case(
        id="hostile",
        title=f"Title {HOSTILE}",
        question=f"Question {BREAKOUT} & more",
        description="</style><script>alert(3)</script>",
        hypotheses=[
            Hypothesis(id="H1", title=f"H one {BREAKOUT}", description="<b>not bold</b>"),
            Hypothesis(id="H2", title="<svg onload=alert(4)>"),
        ],
        evidence=[
            Evidence(
                id="E1",
                title=f"E one {HOSTILE}",
                source=f"Src {BREAKOUT}",
                url="javascript:alert(5)",
                event_date="2022-03-01",
                kind="assumption",
                tags=["a-tag"],
                ratings={"H1": "I", "H2": "C"},
                notes={"H1": f'note " {BREAKOUT}'},
            ),
            Evidence(
                id="E2",
                title="two",
                url=f'https://example.org/?q="{BREAKOUT}&x=1',
                event_date="2022-03-05",
                ratings={"H1": "CC", "H2": "II"},
            ),
            Evidence(
                id="E3",
                title="three",
                url="  JaVaScRiPt:alert(6)",
                source="",
                ratings={"H1": "NA", "H2": "N"},
            ),
            Evidence(
                id="E4", title="four", url="HTTPS://Example.org/Page", excluded=True, ratings={"H1": "II"}
            ),
        ],
    )


def test_user_text_is_shown_literally_and_never_runs() -> None:
    html = render_text(
        hostile_case(), "html", history=[f"2026-01-01 00:00:00 UTC  added evidence E9: {HOSTILE}"]
    )
    page = parse(html)
    names = {t for t, _, _ in page.elements}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    assert not [k for _, a, _ in page.elements for k in a if k.startswith("on")]
    assert [a["href"] for a in page.tags("a")] == [
        f'https://example.org/?q="{BREAKOUT}&x=1',  # the parser decodes the escaped attribute
        "HTTPS://Example.org/Page",
    ]
    assert all(a["rel"] == "noreferrer noopener" for a in page.tags("a"))
    text = page.all_text()
    for literal in (
        f"Title {HOSTILE}",
        f"Question {BREAKOUT} & more",
        "</style><script>alert(3)</script>",
        "<b>not bold</b>",
        "<svg onload=alert(4)>",
        f"E one {HOSTILE}",
        f"Src {BREAKOUT}",
        "javascript:alert(5)",
        f"added evidence E9: {HOSTILE}",
    ):
        assert literal in text, literal
    # the note lives in a cell's tooltip attribute: quoted and decoded intact
    assert any(a.get("title") == f'inconsistent — note " {BREAKOUT}' for a in page.tags("td"))
    # and the page forbids scripts outright
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in page.tags("meta")
    assert "script-src" not in CSP and "default-src 'none'" in CSP


def test_report_sections_in_reading_order() -> None:
    page = parse(render_text(default_case(), "html"))
    sections = [a["id"] for a in page.tags("section") if "id" in a]
    assert sections == [
        "conclusion",
        "verdict",
        "ranking",
        "indicators",  # the bundled case registers indicators
        "timeline",
        "matrix",
        "linchpins",
        "assumptions",
        "for-against",
        "sources",
    ]
    assert (
        page.all_text("").count("Why did the spring-2022 Russia–Ukraine peace talks (Istanbul) collapse?")
        == 1
    )
    # a bar chart per model, and the timeline
    charts = page.tags("svg", "ranking")
    assert [c["aria-label"] for c in charts] == [
        "inconsistency (Heuer) ranking",
        "weighted inconsistency (PARC) ranking",
        "Bayes (log-linear) ranking",
    ]
    assert len(page.tags("rect", "ranking")) == 3 * 6
    assert [c["aria-label"] for c in page.tags("svg", "timeline")] == ["leader by as-of date"]


def test_matrix_cells_are_coloured_by_rating() -> None:
    case = hostile_case()
    page = parse(render_text(case, "html"))
    cells = [a for a in page.tags("td", "matrix") if "cell" in a.get("class", "")]
    assert len(cells) == len(case.evidence) * len(case.hypotheses)
    coloured = [a for a in cells if "style" in a]
    expected = [code for ev in case.evidence for h in case.hypotheses if (code := ev.ratings.get(h.id))]
    assert [a["style"].split(";")[0] for a in coloured] == [f"background:{CELL_COLOURS[c]}" for c in expected]
    excluded = [a for a in page.tags("tr", "matrix") if a.get("class") == "excluded"]
    assert len(excluded) == 1
    assert "assumption" in page.all_text("matrix") and "left out" in page.all_text("matrix")


def timeline_case() -> Case:
    """H1 leads until E2 (2022-03-10) brings H2 within one medium item under every model
    (inconsistency −2 / −2; weighted −2√2 / −2, 0.83 items; Bayes 0.12 < ln 2 in log score);
    E3 (2022-03-20) sets H1 apart again under inconsistency (one item) and Bayes (1.10),
    not under weighted (H1 −2√2, H2 −2 − √2: 0.59 items)."""
    return Case(
        id="t",
        title="Timeline",
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
        evidence=[
            Evidence(id="E1", title="a", event_date="2022-03-01", ratings={"H2": "I"}),
            Evidence(id="E2", title="b", event_date="2022-03-10", credibility="high", ratings={"H1": "II"}),
            Evidence(id="E3", title="c", event_date="2022-03-20", credibility="high", ratings={"H2": "I"}),
            Evidence(id="E4", title="assumed", kind="assumption", ratings={"H2": "I", "H1": "C"}),
        ],
    )


def test_leader_timeline_by_as_of_date() -> None:
    """The timeline names a leader only where the verdict would: a lead of less than one
    medium item is 'not separated', drawn as stripes, never a change of leader."""
    html = render_text(timeline_case(), "html")
    page = parse(html)
    # 2022-03-01: one leader per model; 03-10: every model two stripes; 03-20: weighted two
    tips = [a for a in page.tags("rect", "timeline")]
    assert len(tips) == 3 + 3 * 2 + 4
    changes = page.all_text("timeline")
    # a lone leader says how firmly it led then, as the verdict would: 1 item bore on H1 by 03-10
    one, two = " (barely tested: 1 item bears on it)", " (barely tested: 2 items bear on it)"
    assert f"2022-03-10 — inconsistency (Heuer): led by H1{one} → not separated: H1, H2" in changes
    assert f"2022-03-10 — weighted inconsistency (PARC): led by H1{one} → not separated: H1, H2" in changes
    assert f"2022-03-20 — inconsistency (Heuer): not separated: H1, H2 → led by H1{two}" in changes
    assert f"2022-03-20 — Bayes (log-linear): not separated: H1, H2 → led by H1{two}" in changes
    assert "2022-03-20 — weighted" not in changes  # 0.59 items apart: still not separated
    assert "led by H2" not in changes
    for tip in (
        f"as of 2022-03-01 (2 items, 1 undated): led by H1{one}",
        "as of 2022-03-10 (3 items, 1 undated): not separated: H1, H2",
        f"as of 2022-03-20 (4 items, 1 undated): led by H1{two}",
        "as of 2022-03-20 (4 items, 1 undated): not separated: H1, H2",
    ):
        assert f"<title>{tip}</title>" in html
    # with an as-of date the report marks where it stands, and the timeline stops there:
    # nothing learnt later shows (E3, 2022-03-20)
    as_of = render_text(timeline_case(), "html", as_of=date(2022, 3, 12))
    assert "report as-of date" in as_of and "report as-of date" not in html
    timeline = parse(as_of).all_text("timeline")
    assert "2022-03-10" in timeline and "2022-03-20" not in timeline
    markdown = render_text(timeline_case(), "md", as_of=date(2022, 3, 12))
    section = markdown.split("## Leader over time", 1)[1].split("\n## ", 1)[0]
    assert f"2022-03-10: Bayes (log-linear) led by H1{one} → not separated: H1, H2" in section
    assert "2022-03-20" not in section


def test_the_timeline_cells_labels_are_drawn_over_them() -> None:
    """A cell wide enough names its leader ('H1' in white); the labels came before the cells
    in the SVG, so each cell painted over its own label and no reader saw one. A label lets
    the pointer through to its cell's tooltip, which holds the words."""
    page = parse(render_text(timeline_case(), "html"))
    svg = [(tag, a) for tag, a, section in page.elements if section == "timeline" and tag in ("rect", "text")]
    labels = [k for k, (tag, a) in enumerate(svg) if tag == "text" and a.get("fill") == "#fff"]
    cells = [k for k, (tag, _) in enumerate(svg) if tag == "rect"]
    assert labels and cells and min(labels) > max(cells), svg
    assert all(svg[k][1].get("pointer-events") == "none" for k in labels)


def test_a_lead_only_the_priors_make_is_pale_on_the_timeline() -> None:
    """Priors 1000 : 1 keep H1 on top under Bayes from 1 February, when the evidence alone puts
    H2 first: the chart coloured that date H1's, as it colours a lead the evidence makes, and
    only its tooltip said 'on its prior'. It is pale now, its label in H1's colour, and the
    legend says what pale means; a lead the evidence makes keeps its full colour."""
    import re

    from hypotheses.render_html import OTHER, PALETTE, PRIOR_OPACITY
    from tests.test_verdict_places import priors_overturn_later

    html = render_text(priors_overturn_later(), "html", model="bayes")
    timeline = html.split('<section id="timeline">', 1)[1].split("</section>", 1)[0]
    rects = re.findall(r"<rect ([^>]*)><title>([^<]*)</title></rect>", timeline)
    cells = {tip: attrs for attrs, tip in rects}
    pale = [tip for tip, attrs in cells.items() if f'fill-opacity="{PRIOR_OPACITY}"' in attrs]
    assert pale == ["as of 2022-02-01 (3 items, 0 undated): led by H1 on its prior (the evidence alone "
                    "puts H2 first)"], cells
    assert f'fill="{PALETTE[0]}"' in cells[pale[0]]  # H1's colour, pale
    page = parse(html)
    labels = [(a["x"], float(a["y"]), a["fill"]) for a in page.tags("text", "timeline")
              if a.get("text-anchor") == "middle"]
    bayes_y = max(y for _, y, _ in labels)
    assert sorted(fill for _, y, fill in labels if y == bayes_y) == sorted(["#fff", PALETTE[0]])
    legend = [a for a in page.tags("li", "timeline") if a.get("class") == "prior-led"]
    assert len(legend) == 1 and "pale: the priors, not the evidence alone, make this lead or band" in \
        page.all_text("timeline")
    assert f"background:{OTHER};opacity:{PRIOR_OPACITY}" in timeline
    # equal priors: nothing pale, no such legend
    plain = render_text(timeline_case(), "html")
    assert "fill-opacity" not in plain and "prior-led" not in plain


def test_single_date_has_no_timeline() -> None:
    case = Case(
        id="s",
        title="S",
        hypotheses=[Hypothesis(id="H1", title="One")],
        evidence=[Evidence(id="E1", title="a", event_date="2022-03-01")],
    )
    page = parse(render_text(case, "html"))
    assert "Fewer than two known dates" in page.all_text("timeline")
    assert page.tags("svg", "timeline") == []


def test_assumptions_listed_with_ratings_and_flagged_as_linchpins() -> None:
    case = Case(
        id="k",
        title="K",
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
        evidence=[
            Evidence(id="A1", title="we assume", kind="assumption", ratings={"H1": "I", "H2": "C"}),
            Evidence(id="R1", title="a report", kind="report", ratings={"H1": "N", "H2": "N"}),
        ],
    )
    page = parse(render_text(case, "html"))
    linch = page.all_text("linchpins")
    assert "A1" in linch and "assumption — not a report" in linch and "R1" not in linch
    assumptions = page.all_text("assumptions")
    assert "we assume" in assumptions and "linchpin (inconsistency, weighted, bayes)" in assumptions
    chips = [a["title"] for a in page.tags("span", "assumptions") if a.get("class") == "chip"]
    assert chips == ["inconsistent", "consistent"]
    md = render_text(case, "md")
    assert "- **A1** we assume — inconsistency, weighted, bayes — **assumption**, not a report" in md
    assert "ratings: H1 I, H2 C" in md


def test_sources_link_only_web_addresses() -> None:
    page = parse(render_text(hostile_case(), "html"))
    sources = page.all_text("sources")
    assert (
        "no source given" in sources and "javascript:alert(5)" in sources and "JaVaScRiPt:alert(6)" in sources
    )
    assert [a["href"] for a in page.tags("a", "sources")] == [
        f'https://example.org/?q="{BREAKOUT}&x=1',
        "HTTPS://Example.org/Page",
    ]


def test_a_long_timeline_stays_readable() -> None:
    """200 dates whose leader flips at each: thin columns, thinned labels, a capped list."""
    from datetime import timedelta

    hyps = [Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")]
    evidence = [
        Evidence(
            id=f"E{k}",
            title="x",
            event_date=date(2022, 1, 1) + timedelta(days=k),
            credibility="high",
            ratings={"H2" if k % 2 else "H1": "II"} if k else {"H1": "I"},
        )
        for k in range(200)
    ]
    html = render_text(Case(id="long", title="Long", hypotheses=hyps, evidence=evidence), "html")
    page = parse(html)
    svg = page.tags("svg", "timeline")[0]
    assert 1000 <= float(svg["width"]) <= 1001
    labels = [a for a in page.tags("text", "timeline") if "rotate" in a.get("transform", "")]
    assert 40 <= len(labels) <= 60  # one date label in every few columns, never 200 on top of each other
    items = [a for a in page.tags("li", "timeline")]
    assert len(items) == 40 + 1 + 2  # 40 changes, the '… and N later' line, and the two-entry legend
    assert "later changes (the chart shows them all)" in page.all_text("timeline")


def control_case() -> Case:
    """A title with a terminal escape and a right-to-left override (its text, and a report line
    after it, would read backwards), and one with an HTML entity written out."""
    return Case(
        id="ctl", title="Controls",
        hypotheses=[Hypothesis(id="H1", title="paint \x1b[31mred\x1b[0m"),
                    Hypothesis(id="H2", title="x\u202eevil")],
        evidence=[Evidence(id="E1", title="AT&amp;T said", ratings={"H1": "C", "H2": "I"})],
    )


def test_control_characters_are_shown_never_obeyed_in_html_and_markdown() -> None:
    html = render_text(control_case(), "html")
    md = render_text(control_case(), "md")
    for text in (html, md):
        assert "\x1b" not in text and "\u202e" not in text
    assert "paint ␛[31mred␛[0m" in parse(html).all_text()
    assert "x\\u202eevil" in parse(html).all_text()
    assert "paint ␛\\[31mred␛\\[0m" in md and "x\\\\u202eevil" in md
    assert "AT\\&amp;T said" in md  # a Markdown reader shows '&amp;', not '&'
