"""The site's page text: the example page parsed completely, several pages, bad pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.corpus import CorpusError, ImportIssue, RelatedFAQ, content_id, load, parse_pages
from assistant.corpus.issues import Located

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "site_page_example.txt"

PAGE = """\
Knee pain after running?
My knee hurts after I run.
Should I rest?
Anonymous, male. Ask Date: 2023-01-05
Dr. Wang Li reply Orthopedics
Rest for a week.
Reply Date: 2023/01/06
More Info
Runners often get knee pain.
Similar Q&A
Related FAQ
Knee(Orthopedics)
"""


def _page(title: str, asker: str = "Niming. Ask Date: 2022/03/24") -> str:
    """Another page: its own title and question (the id is a hash of the question text)."""
    text = PAGE.replace("Knee pain after running?", title)
    text = text.replace("Should I rest?", f"Should I rest? ({title})")
    return text.replace("Anonymous, male. Ask Date: 2023-01-05", asker)


def test_example_page_is_parsed_completely() -> None:
    result = load(EXAMPLE)
    assert result.issues == [] and result.warnings == []
    [page] = result.records
    assert page.dataset == "site"
    assert page.title == "Subcutaneous tissue of the calf?"
    assert page.question.startswith("Hello, Dr.\nKe...\nThere is a lump about 0.2 cm")
    assert page.question.endswith("I would appreciate your clarification.\nThank you.")
    assert page.question.count("\n") == 6
    assert (page.asker.name, page.asker.age_range, page.asker.sex) == ("Niming", "40~49", "female")
    assert page.ask_date == date(2022, 3, 24)
    assert (page.doctor, page.specialty, page.specialty_is_derived) == (
        "Ke Fangxu",
        "Surgery",
        False,
    )
    assert page.reply is not None
    assert page.reply.startswith("Ultrasound diagnosis of calcification")
    assert page.reply.endswith("do not require special attention.")
    assert page.reply_date == date(2022, 3, 24)
    explanation = page.long_explanation
    assert explanation is not None
    assert explanation.startswith("Understanding calcified masses in the calf")
    assert "\nWhat Does Calcification Mean?\n" in explanation
    assert "\nConclusion\n" in explanation
    assert explanation.endswith("for clarification and guidance.")
    assert "Similar Q&A" not in explanation and "Reply Date" not in explanation
    assert page.id == content_id("site", page.question, page.reply, page.long_explanation)
    assert page.id.startswith("site:")


def test_example_similar_qa_entries() -> None:
    [page] = load(EXAMPLE).records
    assert [(s.doctor, s.specialty) for s in page.similar_qa] == [
        ("Li Yongheng", "Orthopedics"),
        ("Zhu Junyuan", "Cardiology"),
        ("Ke Fangxu", "Surgery"),
        ("Li Han", "Cardiology"),
    ]
    assert [s.title for s in page.similar_qa] == [
        "Understanding Soft Lumps in the Calf: Causes and Concerns",
        "Understanding Calf Vascular Obstruction: Causes, Symptoms, and Treatment Options",
        "Understanding Small Leg Bumps: Lipomas, Cysts, and Concerns",
        "Understanding Leg Swelling: Possible Causes and Concerns",
    ]
    first = page.similar_qa[0]
    assert first.question_snippet is not None and first.reply_snippet is not None
    assert first.question_snippet.startswith("Yesterday, I discovered two slightly")
    assert first.question_snippet.endswith("when I stand up or don'...")
    assert first.reply_snippet.startswith("Hello: 1. Fibromas do not develop")
    assert first.reply_snippet.endswith("6. Sq...")
    for entry in page.similar_qa:
        assert entry.reply_snippet is not None and entry.question_snippet is not None
        assert "[Read More]" not in entry.reply_snippet
        assert entry.reply_snippet.endswith("...") and entry.question_snippet.endswith("...")


def test_example_related_faq_topics() -> None:
    [page] = load(EXAMPLE).records
    assert page.related_faq == (
        RelatedFAQ(topic=None, specialty="Orthopedics"),
        RelatedFAQ(topic="Tibial Tumor", specialty="Orthopedics"),
        RelatedFAQ(topic="Abdominal Mass", specialty="Surgery"),
        RelatedFAQ(topic="Ankle Injury", specialty="Surgery"),
        RelatedFAQ(topic="Hemangioma", specialty="Surgery"),
        RelatedFAQ(topic="Calves", specialty="Family Medicine"),
        RelatedFAQ(topic="Knee Swelling", specialty="Surgery"),
        RelatedFAQ(topic="Toes", specialty="Surgery"),
        RelatedFAQ(topic="Post-Femoral Fracture Surgery", specialty="Orthopedics"),
        RelatedFAQ(topic="Lipoma", specialty="Plastic Surgery"),
    )


def test_several_pages_in_one_file(tmp_path: Path) -> None:
    example = EXAMPLE.read_text(encoding="utf-8")
    text = "\n".join(
        [example, "\f", "Id: site:given-1", PAGE, "=======", _page("Second knee page")]
    )
    path = tmp_path / "archive.txt"
    path.write_text(text, encoding="utf-8")
    result = load(path)
    assert result.issues == []
    assert [r.title for r in result.records] == [
        "Subcutaneous tissue of the calf?",
        "Knee pain after running?",
        "Second knee page",
    ]
    knee = result.records[1]
    assert knee.id == "site:given-1"
    assert (knee.asker.name, knee.asker.sex, knee.asker.age_range) == ("Anonymous", "male", None)
    assert (knee.ask_date, knee.reply_date) == (date(2023, 1, 5), date(2023, 1, 6))
    assert (knee.doctor, knee.specialty, knee.reply) == (
        "Wang Li",
        "Orthopedics",
        "Rest for a week.",
    )
    assert knee.question == "My knee hurts after I run.\nShould I rest?"
    assert knee.similar_qa == ()
    assert knee.related_faq == (RelatedFAQ(topic="Knee", specialty="Orthopedics"),)
    second = result.records[2]
    assert (second.asker.name, second.asker.sex, second.asker.age_range) == ("Niming", None, None)


def test_a_directory_of_page_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(_page("Page A"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(_page("Page B"), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a page", encoding="utf-8")
    assert [r.title for r in load(tmp_path).records] == ["Page A", "Page B"]


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="is empty"):
        load(tmp_path)


def test_page_without_asker_line_is_reported_and_skipped(tmp_path: Path) -> None:
    bad = PAGE.replace("Anonymous, male. Ask Date: 2023-01-05\n", "")
    path = tmp_path / "pages.txt"
    path.write_text(_page("Good page") + "=====\n" + bad, encoding="utf-8")
    result = load(path)
    assert [r.title for r in result.records] == ["Good page"]
    [issue] = result.issues
    start = _page("Good page").count("\n") + 2
    assert (issue.path, issue.line, issue.field) == (str(path), start, "asker")
    message = str(issue)
    assert f"pages.txt:{start}:" in message and "field 'asker'" in message
    assert "Ask Date" in message and "fix or remove the page" in message


def test_page_without_doctor_line(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text(PAGE.replace("Dr. Wang Li reply Orthopedics\n", ""), encoding="utf-8")
    result = load(path)
    [issue] = result.issues
    assert result.records == []
    assert "p.txt:1:" in str(issue) and "field 'doctor'" in str(issue)
    assert "line 5" in str(issue)  # where the doctor line was expected


def test_page_without_question() -> None:
    text = PAGE.replace("My knee hurts after I run.\nShould I rest?\n", "")
    [issue] = parse_pages("\n\n" + text, "pasted")
    assert isinstance(issue, ImportIssue)
    assert str(issue).startswith("pasted:3: field 'question'")


def test_page_with_bad_ask_date() -> None:
    [issue] = parse_pages(_page("T", "Niming. Ask Date: 2022/13/40"), "p.txt")
    assert str(issue).startswith("p.txt:1: field 'ask_date': not a date: '2022-13-40'")


def test_similar_qa_link_title_mismatch_is_a_warning() -> None:
    similar = "\n".join(
        ["Title one", "A question...", "Dr. A B reply Surgery", "A reply...[Read More] Other"]
    )
    text = PAGE.replace("Similar Q&A\n", f"Similar Q&A\n{similar}\n")
    located, warning = parse_pages(text, "p.txt")
    assert isinstance(located, Located) and isinstance(warning, str)
    assert located.record.similar_qa[0].reply_snippet == "A reply..."
    assert warning.startswith("p.txt:14:") and "'Other'" in warning and "'Title one'" in warning
