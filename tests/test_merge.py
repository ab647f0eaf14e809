"""The three-way merge's rules on hand-built documents, and the canonical layout."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from evidence import case_stream
from evidence.case_file import (
    CaseFile,
    case_file_dict,
    case_of,
    dump_case_file,
    parse_case_file,
    validated,
)
from evidence.case_merge import merge_cases
from hypotheses.merge import ABSENT, SHOWN_LONGEST, joined_order, merge_case_docs
from hypotheses.models import Case, Evidence, Hypothesis, Indicator

if TYPE_CHECKING:
    from hypotheses.vocabulary import Rating


def doc(**items: dict[str, Any]) -> dict[str, Any]:
    return {"format": "weigh-case", "version": 3,
            "case": {"id": "c", "title": "T", "analysts": ["ana", "ben"]},
            "hypotheses": [{"id": "H1", "title": "One"}],
            "evidence": [{"id": k, **v} for k, v in items.items()], "indicators": []}


def item(title: str = "t", **cells: dict[str, str]) -> dict[str, Any]:
    return {"title": title, "ratings_by": cells}


def test_changed_on_one_side_takes_that_side_and_same_change_is_no_conflict() -> None:
    base = doc(E1=item("a"), E2=item("b"))
    ours = doc(E1=item("a2"), E2=item("b3"))
    theirs = doc(E1=item("a"), E2=item("b3"))
    merged = merge_case_docs(base, ours, theirs)
    assert [e["title"] for e in merged.doc["evidence"]] == ["a2", "b3"]
    assert merged.conflicts == ()


def test_two_analysts_votes_on_one_cell_never_conflict() -> None:
    base = doc(E1=item())
    ours = doc(E1=item(ana={"H1": "C"}))
    theirs = doc(E1=item(ben={"H1": "II"}))
    merged = merge_case_docs(base, ours, theirs)
    assert merged.doc["evidence"][0]["ratings_by"] == {"ana": {"H1": "C"}, "ben": {"H1": "II"}}
    assert merged.conflicts == ()


def test_one_analysts_own_cell_changed_twice_is_a_conflict_keeping_ours() -> None:
    base = doc(E1=item(ana={"H1": "C"}))
    merged = merge_case_docs(base, doc(E1=item(ana={"H1": "I"})), doc(E1=item(ana={"H1": "II"})))
    assert merged.doc["evidence"][0]["ratings_by"] == {"ana": {"H1": "I"}}
    [conflict] = merged.conflicts
    assert conflict.text() == 'evidence E1 ratings_by ana H1: ours "I", theirs "II" (ours kept)'


def test_added_on_each_side_theirs_appended_in_their_order() -> None:
    base = doc(E1=item())
    ours = doc(E1=item(), E2=item())
    theirs = doc(E1=item(), E4=item(), E3=item())
    merged = merge_case_docs(base, ours, theirs)
    assert [e["id"] for e in merged.doc["evidence"]] == ["E1", "E2", "E4", "E3"]


def test_deleted_against_unchanged_is_deleted_and_against_changed_keeps_the_changed() -> None:
    base = doc(E1=item("a"), E2=item("b"))
    ours = doc(E2=item("b"))  # E1 deleted, E2 unchanged
    theirs = doc(E1=item("a"), E2=item("b changed"))  # E1 unchanged, E2 changed
    merged = merge_case_docs(base, ours, theirs)
    assert [(e["id"], e["title"]) for e in merged.doc["evidence"]] == [("E2", "b changed")]
    assert merged.conflicts == ()
    ours = doc(E2=item("b"))
    theirs = doc(E1=item("a changed"), E2=item("b"))
    merged = merge_case_docs(base, ours, theirs)
    assert [e["title"] for e in merged.doc["evidence"]] == ["b", "a changed"]
    [conflict] = merged.conflicts
    assert conflict.ours is ABSENT and "(theirs kept)" in conflict.text()


def test_a_deleted_cell_against_a_changed_cell_keeps_the_change() -> None:
    base = doc(E1=item(ana={"H1": "C"}))
    merged = merge_case_docs(base, doc(E1=item(ana={"H1": "N"})), doc(E1=item()))
    assert merged.doc["evidence"][0]["ratings_by"] == {"ana": {"H1": "N"}}
    assert [c.where for c in merged.conflicts] == ["evidence E1 ratings_by ana H1"]
    merged = merge_case_docs(base, doc(E1=item(ana={"H1": "C"})), doc(E1=item()))
    assert "ratings_by" not in merged.doc["evidence"][0] and merged.conflicts == ()


def test_case_fields_merge_each_on_its_own_and_analysts_join_from_both_sides() -> None:
    base, ours, theirs = doc(), doc(), doc()
    base["case"]["analysts"] = ["ana"]
    ours["case"] |= {"title": "Ours", "analysts": ["ana", "cem"], "updated": "2026-01-02T00:00:00Z"}
    theirs["case"] |= {"question": "Q?", "analysts": ["ana", "ben"], "updated": "2026-01-03T00:00:00Z"}
    merged = merge_case_docs(base, ours, theirs)
    assert merged.doc["case"]["title"] == "Ours" and merged.doc["case"]["question"] == "Q?"
    assert merged.doc["case"]["analysts"] == ["ana", "ben", "cem"]  # was ours's first: "ana, cem, ben"
    assert merged.doc["case"]["updated"] == "2026-01-03T00:00:00Z"
    assert merged.conflicts == ()
    assert merge_case_docs(base, theirs, ours).doc["case"]["analysts"] == ["ana", "ben", "cem"]


def test_analysts_come_in_one_order_whichever_side_merges() -> None:
    """BASE's first, then those who joined since: each side's in its own order, the two sides'
    by name (no join time is recorded), never by which side is OURS."""
    for base, one, other, merged in (
            ([], ["zed", "amy"], ["bob"], ["bob", "zed", "amy"]),  # each side's own order kept
            (["zed"], ["zed", "amy"], ["zed", "bob"], ["zed", "amy", "bob"]),
            (["ana", "ben"], ["ana", "ben", "dan"], ["ana", "cem", "ben"], ["ana", "cem", "ben", "dan"]),
            ([], ["ana", "ben"], ["ben", "ana"], ["ana", "ben"]),  # ordered both ways: by name
            (["ana"], ["ana", "ben"], ["ana", "ben"], ["ana", "ben"])):
        assert joined_order(base, one, other) == joined_order(base, other, one) == merged


def test_inputs_are_not_changed_in_place() -> None:
    base, ours, theirs = doc(E1=item()), doc(E1=item(ana={"H1": "C"})), doc(E2=item())
    before = copy.deepcopy((base, ours, theirs))
    merge_case_docs(base, ours, theirs)
    assert (base, ours, theirs) == before


def _team(**votes: Any) -> Case:
    return Case(id="c", title="T", analysts=list(votes),
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id="E1", title="e", ratings_by={a: v for a, v in votes.items() if v})])


def test_a_merged_team_case_validates_and_joins_analysts() -> None:
    case, merged = merge_cases(_team(ana={}), _team(ana={"H1": "C"}), _team(ana={}, ben={"H2": "I"}))
    assert case.analysts == ["ana", "ben"]
    assert case.evidence[0].ratings_by == {"ana": {"H1": "C"}, "ben": {"H2": "I"}}
    assert merged.conflicts == ()


def test_the_canonical_layout_is_one_line_per_element_and_reads_as_before() -> None:
    case = Case(id="solo", title="Solo",
                hypotheses=[Hypothesis(id="H2", title="b"), Hypothesis(id="H1", title="a")],
                evidence=[Evidence(id=f"E{i}", title=f"e{i}", ratings={"H1": "C", "H2": "I"})
                          for i in range(3)])
    text = dump_case_file(case)
    lines = text.splitlines()
    assert len(lines) == 2 + (2 + 2) + (2 + 3) + 1  # header, each list's brackets and elements
    assert [json.loads(line.rstrip(","))["id"] for line in lines[3:5]] == ["H2", "H1"]
    assert list(json.loads(lines[7].rstrip(","))["ratings"]) == ["H2", "H1"]  # hypothesis order
    # an older weigh's reader: json.loads and the version 2 model, no layout assumed
    old = json.loads(text)
    assert old == case_file_dict(case) and old["version"] == 2
    CaseFile.model_validate(old)
    assert parse_case_file(text.encode()).model_dump() == case.model_dump()
    assert dump_case_file(parse_case_file(text.encode())) == text
    streamed = case_stream.stream_case_file(  # still read a batch at a time, never whole
        text, lambda d: validated(d, "f", None).evidence,
        lambda d, items: case_of(validated(d, "f", None), d, "f", items))
    assert streamed.model_dump() == case.model_dump()


def test_a_case_made_a_team_case_on_one_side_merges_with_the_others_edits() -> None:
    solo = Case(id="c", title="T", hypotheses=[Hypothesis(id="H1", title="One")],
                evidence=[Evidence(id="E1", title="e", ratings={"H1": "C"}), Evidence(id="E2", title="f")])
    team = solo.model_copy(update={"analysts": ["ana"], "evidence": [
        Evidence(id="E1", title="e", ratings_by={"ana": {"H1": "C"}}), Evidence(id="E2", title="f")]})
    edited = solo.model_copy(update={"evidence": [solo.evidence[0], Evidence(id="E2", title="f2")]})
    case, merged = merge_cases(solo, team, edited)
    assert merged.conflicts == () and case.analysts == ["ana"]
    assert [(e.title, e.ratings_by, e.ratings) for e in case.evidence] == [
        ("e", {"ana": {"H1": "C"}}, {}), ("f2", {}, {})]


def _solo(e1: dict[str, str], note: str = "") -> Case:
    return Case(id="c", title="T",
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id="E1", title="e", ratings=e1, notes={"H2": note} if note else {}),
                          Evidence(id="E2", title="f", ratings={"H2": "N"})])


def _made_team(case: Case, analyst: str, **more: dict[str, str]) -> Case:
    """``case`` as ``weigh make-team`` leaves it (its cells ``analyst``'s layer), plus others' votes."""
    items = [ev.model_copy(update={"ratings": {}, "notes": {},
                                   "ratings_by": {analyst: ev.ratings, **{a: v for a, v in more.items()
                                                                          if ev.id == "E1"}},
                                   "notes_by": {analyst: ev.notes} if ev.notes else {}})
             for ev in case.evidence]
    return case.model_copy(update={"analysts": [analyst, *more], "evidence": items})


def test_a_shared_cell_changed_against_a_case_made_a_team_case_lands_in_that_layer() -> None:
    base = _solo({"H1": "C"})
    team = _made_team(base, "ana", ben={"H1": "I"})
    edited = _solo({"H1": "II", "H2": "N"}, note="why")
    for ours, theirs in ((team, edited), (edited, team)):
        case, merged = merge_cases(base, ours, theirs)
        assert merged.conflicts == () and case.analysts == ["ana", "ben"]
        assert [(e.ratings_by, e.notes_by, e.ratings) for e in case.evidence] == [
            ({"ana": {"H1": "II", "H2": "N"}, "ben": {"H1": "I"}}, {"ana": {"H2": "why"}}, {}),
            ({"ana": {"H2": "N"}}, {}, {})]
    # the same cell changed in the layer too: a listed conflict, never an invalid file
    ana_changed = _made_team(_solo({"H1": "I"}), "ana")
    case, merged = merge_cases(base, ana_changed, edited)
    assert case.evidence[0].ratings_by["ana"]["H1"] == "I"
    assert [c.text() for c in merged.conflicts] == [
        'evidence E1 ratings_by ana H1: ours "I", theirs "II" (ours kept)']


def test_a_case_made_a_team_case_on_both_sides_keeps_both_layers() -> None:
    base = _solo({"H1": "C"})
    ana, ben = _made_team(_solo({"H1": "N"}), "ana"), _made_team(base, "ben")
    case, merged = merge_cases(base, ana, ben)
    assert merged.conflicts == () and case.analysts == ["ana", "ben"]
    assert case.evidence[0].ratings_by == {"ana": {"H1": "N"}, "ben": {"H1": "C"}}


def test_a_conflict_line_cuts_a_long_value_and_says_how_long() -> None:
    """Tester: two analysts' 100,000-character descriptions made a 200,000-character conflict
    line on the terminal (a git pull's); the merged file keeps the values whole."""
    base, ours, theirs = doc(E1=item()), doc(E1=item()), doc(E1=item())
    ours["case"]["description"], theirs["case"]["description"] = "a" * 100_000, "b" * 100_000
    ours["evidence"][0]["tags"], theirs["evidence"][0]["tags"] = ["x"], [f"t{i}" * 9 for i in range(40)]
    merged = merge_case_docs(base, ours, theirs)
    texts = [c.text() for c in merged.conflicts]
    assert len(texts) == 2 and all(len(t) < 700 for t in texts), texts
    assert texts[0].startswith('case description: ours "aaaa')
    assert "… (100,000 characters), theirs" in texts[0]
    assert texts[0].endswith("… (100,000 characters) (ours kept)")
    assert texts[1].startswith('evidence E1 tags: ours ["x"], theirs ["t0')
    assert texts[1].endswith("characters of JSON) (ours kept)")
    assert merged.doc["case"]["description"] == "a" * 100_000


def _rated(*hids: str, **votes: dict[str, Rating]) -> Case:
    """A team case of ana and ben with hypotheses ``hids`` and item E1 holding ``votes``."""
    return Case(id="c", title="T", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id=h, title=f"title {h}") for h in hids],
                evidence=[Evidence(id="E1", title="e", ratings_by={a: v for a, v in votes.items() if v})])


def test_a_hypothesis_deleted_on_one_side_and_rated_on_the_other_is_kept_as_a_conflict() -> None:
    base = _rated("H1", "H2", "H3", ana={"H3": "I"})
    deleted = _rated("H1", "H2", ana={})  # ana deleted H3 (and her vote on it)
    rated = _rated("H1", "H2", "H3", ana={"H3": "I"}, ben={"H1": "I", "H3": "C"})
    for ours, theirs in ((deleted, rated), (rated, deleted)):
        case, merged = merge_cases(base, ours, theirs)  # was: 'unknown hypothesis id', nothing merged
        assert [h.id for h in case.hypotheses] == ["H1", "H2", "H3"]
        assert case.evidence[0].ratings_by == {"ana": {"H3": "I"}, "ben": {"H1": "I", "H3": "C"}}
        [conflict] = merged.conflicts
        assert conflict.where == "hypothesis H3 (deleted on one side, rated on the other: evidence E1)"
        kept = "ours deleted, theirs" if ours is deleted else "ours"
        assert f'{kept} changed (title "title H3")' in conflict.text()
    many = rated.model_copy(update={"evidence": [
        Evidence(id=f"E{i}", title="e", ratings_by={"ben": {"H3": "C"}}) for i in range(1, 6)]})
    [conflict] = merge_cases(base, deleted, many)[1].conflicts
    assert conflict.where.endswith("rated on the other: evidence E1, evidence E2, evidence E3 and 2 more)")


def test_an_item_added_on_both_sides_as_different_items_keeps_both() -> None:
    base = _rated("H1", "H2", ana={"H1": "C"})
    ana = base.model_copy(update={
        "evidence": [*base.evidence, Evidence(id="E2", title="tanks", ratings_by={"ana": {"H1": "CC"}})],
        "hypotheses": [*base.hypotheses, Hypothesis(id="H3", title="sabotage")]})
    ben = base.model_copy(update={
        "evidence": [base.evidence[0].model_copy(update={"ratings_by": {"ana": {"H1": "C"},
                                                                        "ben": {"H3": "II"}}}),
                     Evidence(id="E2", title="memo", ratings_by={"ben": {"H1": "II", "H3": "C"}})],
        "hypotheses": [*base.hypotheses, Hypothesis(id="H3", title="weather")],
        "indicators": [Indicator(id="M1", title="seen", status="observed", evidence_id="E2",
                                 ratings={"H3": "C"})]})
    case, merged = merge_cases(base, ana, ben)  # was: ben's votes on his memo landed on ana's tanks
    assert [(h.id, h.title) for h in case.hypotheses] == [
        ("H1", "title H1"), ("H2", "title H2"), ("H4", "sabotage"), ("H3", "weather")]
    assert [(e.id, e.title, e.ratings_by) for e in case.evidence] == [
        ("E1", "e", {"ana": {"H1": "C"}, "ben": {"H3": "II"}}),
        ("E3", "tanks", {"ana": {"H1": "CC"}}),
        ("E2", "memo", {"ben": {"H1": "II", "H3": "C"}})]
    assert [(m.evidence_id, m.ratings) for m in case.indicators] == [("E2", {"H3": "C"})]
    assert merged.conflicts == ()  # both added, both kept: nothing to choose
    assert [r.text() for r in merged.renumbered] == [
        'hypothesis H3 added on both sides as different hypotheses: ours is now H4 ("sabotage"), '
        'theirs stays H3 ("weather")',
        'evidence E2 added on both sides as different items: ours is now E3 ("tanks"), '
        'theirs stays E2 ("memo")']
    # the same item added on both sides (its votes aside) is one item; with no base (a first
    # sync, or both sides added the file) every difference stays a conflict on one item
    same = ana.model_copy(update={"evidence": [*base.evidence, Evidence(
        id="E2", title="tanks", ratings_by={"ben": {"H1": "I"}})]})
    case, merged = merge_cases(base, ana, same)
    assert case.item("E2").ratings_by == {"ana": {"H1": "CC"}, "ben": {"H1": "I"}}
    assert merged.conflicts == ()
    case, merged = merge_cases(None, ana, ben)
    assert [e.id for e in case.evidence] == ["E1", "E2"] and len(merged.conflicts) > 1


def test_a_renumbering_cuts_a_long_title_as_a_conflict_line_does() -> None:
    base = doc(E1=item())
    long = "x" * 5_000
    ours, theirs = doc(E1=item(), E2={"title": long}), doc(E1=item(), E2={"title": "memo"})
    [note] = merge_case_docs(base, ours, theirs).renumbered
    assert note.text() == (f'evidence E2 added on both sides as different items: ours is now E3 '
                           f'("{"x" * (SHOWN_LONGEST - 1)}… (5,000 characters)), theirs stays E2 ("memo")')


def test_a_team_case_made_one_analysts_again_on_one_side_merges_with_the_others_votes() -> None:
    base = _made_team(_solo({"H1": "C"}), "ana")
    solo = _solo({"H1": "N"}, note="mine")  # ana undid make-team and changed her cell
    joined = _made_team(_solo({"H1": "C"}), "ana", ben={"H2": "I"})  # ben joined meanwhile
    for ours, theirs in ((solo, joined), (joined, solo)):
        case, merged = merge_cases(base, ours, theirs)  # was: exit 2, a shared rating in a team case
        assert case.analysts == ["ana", "ben"]
        assert [(e.ratings_by, e.notes_by, e.ratings) for e in case.evidence] == [
            ({"ana": {"H1": "N"}, "ben": {"H2": "I"}}, {"ana": {"H2": "mine"}}, {}),
            ({"ana": {"H2": "N"}}, {}, {})]
        [conflict] = merged.conflicts
        assert conflict.where == ("case analysts (made a one-analyst case on one side while others "
                                  "rated on the other: it stays a team case)")
    # nobody else rated: the case is one analyst's again, her edits and the other side's merged
    edited = _made_team(_solo({"H1": "II"}), "ana")
    for ours, theirs in ((solo, edited), (edited, solo)):
        case, merged = merge_cases(base, ours, theirs)
        assert case.analysts == [] and case.evidence[0].ratings_by == {}
        assert case.evidence[0].ratings == {"H1": "N" if ours is solo else "II"}
        assert [c.where for c in merged.conflicts] == ["evidence E1 ratings_by ana H1"]
    case, merged = merge_cases(base, solo, base)
    assert (case.analysts, case.evidence[0].ratings, merged.conflicts) == ([], {"H1": "N"}, ())
    [conflict] = merge_cases(base, solo, joined)[1].conflicts
    assert conflict.text().endswith(': ours deleted, theirs ["ana", "ben"] (theirs kept)')


def test_an_analyst_who_left_on_one_side_and_rated_on_the_other_stays() -> None:
    base = _rated("H1", "H2", ana={"H1": "C"}, ben={"H1": "I"})
    left = _rated("H1", "H2", ana={"H1": "C"}).model_copy(update={"analysts": ["ana"]})  # undone
    rated = _rated("H1", "H2", ana={"H1": "C"}, ben={"H1": "I", "H2": "C"})  # ben, elsewhere
    for ours, theirs in ((left, rated), (rated, left)):
        case, merged = merge_cases(base, ours, theirs)  # was: exit 2, 'ben' not one of the analysts
        assert case.analysts == ["ana", "ben"]
        assert case.evidence[0].ratings_by == {"ana": {"H1": "C"}, "ben": {"H2": "C"}}
        assert [c.text() for c in merged.conflicts] == [
            "case analysts ben (left on one side, rated on the other): "
            + ('ours deleted, theirs "ben" (theirs kept)' if ours is left else
               'ours "ben", theirs deleted (ours kept)')]
    case, merged = merge_cases(base, left, base)  # left, and nothing rated elsewhere: gone
    assert case.analysts == ["ana"] and merged.conflicts == ()


def test_a_hypothesis_kept_against_its_deletion_keeps_its_column() -> None:
    votes = {"ana": {"H1": "C", "H3": "I"}, "ben": {"H3": "CC"}}
    base = _rated("H1", "H3", **votes)
    deleted = _rated("H1", ana={"H1": "C"})  # ana deleted H3 and with it every vote on it
    retitled = base.model_copy(update={"hypotheses": [base.hypotheses[0], Hypothesis(id="H3", title="new")]})
    for ours, theirs in ((deleted, retitled), (retitled, deleted)):
        case, merged = merge_cases(base, ours, theirs)
        assert [(h.id, h.title) for h in case.hypotheses] == [("H1", "title H1"), ("H3", "new")]
        # was: H3 back with no vote on it, ana's and ben's silently gone
        assert case.evidence[0].ratings_by == votes
        assert [c.where for c in merged.conflicts] == ["hypothesis H3"]


def test_what_the_merge_adds_back_leaves_the_inputs_and_their_shared_items_alone() -> None:
    """The reader gives one dict to a line the versions share: the merge must not change it."""
    for base, ours, theirs in (
        (_rated("H1", "H3", ana={"H3": "I"}), _rated("H1", ana={}),
         _rated("H1", "H3", ana={"H3": "I"}, ben={"H3": "C"})),  # a column kept
        (_made_team(_solo({"H1": "C"}), "ana"), _solo({"H1": "C"}),
         _made_team(_solo({"H1": "C"}, note="theirs"), "ana")),  # one analyst's again
    ):
        docs = [case_file_dict(c) for c in (base, ours, theirs)]
        shared = docs[0]["evidence"][1] if len(docs[0]["evidence"]) > 1 else docs[0]["evidence"][0]
        for doc in docs[1:]:  # the line ours and theirs share with base: one dict
            doc["evidence"] = [shared if e["id"] == shared["id"] and e == shared else e
                               for e in doc["evidence"]]
        before = copy.deepcopy(docs)
        merge_case_docs(*docs)
        assert docs == before


def test_both_sides_made_a_team_case_and_deleted_a_hypothesis_its_votes_stay_deleted() -> None:
    base = _solo({"H1": "C", "H2": "I"})
    ana = _made_team(_solo({"H2": "N"}), "ana")  # ana deleted H2 with its cells, changed E1
    ana = ana.model_copy(update={"hypotheses": ana.hypotheses[:1], "evidence": [
        ev.model_copy(update={"ratings_by": {"ana": {"H1": "C"}}, "title": "changed"}) if ev.id == "E1"
        else ev.model_copy(update={"ratings_by": {}}) for ev in ana.evidence]})
    ben = _made_team(base, "ben")
    ben = ben.model_copy(update={"hypotheses": ben.hypotheses[:1], "evidence": [ben.evidence[1].model_copy(
        update={"ratings_by": {}})]})  # ben deleted H2 too, and E1
    for ours, theirs in ((ana, ben), (ben, ana)):
        case, merged = merge_cases(base, ours, theirs)  # was: 'ratings_by.ben: unknown hypothesis id'
        assert [h.id for h in case.hypotheses] == ["H1"]
        assert case.item("E1").ratings_by == {"ana": {"H1": "C"}, "ben": {"H1": "C"}}
        assert [c.where for c in merged.conflicts] == ["evidence E1"]
