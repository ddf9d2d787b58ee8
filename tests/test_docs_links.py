"""The documentation a clone carries is self-contained: links resolve, anchors exist, no outside references.

(a) every relative link in README.md, docs/*.md and the package README.md files points to a file of the
    repository, and a ``#anchor`` on a Markdown file matches one of its headings (GitHub's slug rules);
(b) no tracked file cites the team documents that live outside the repository;
(c) every ``docs/<file>.md`` named in a .py file exists, and a ``docs/<file>.md §Section`` reference names
    a real heading of that file.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# the team documents outside the repository: a clone does not have them
OUTSIDE = ("DOMAIN §", "DOMAIN.md", "DESIGN.md", "DESIGN §", "../shared")

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
HTML_ANCHOR = re.compile(r"""<a\s+(?:name|id)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
INLINE_CODE = re.compile(r"`+[^`]*`+")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
MD_LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
DOCS_PATH = re.compile(r"docs/[A-Za-z0-9_./-]+?\.md")
SECTION_REF = re.compile(r"(docs/[A-Za-z0-9_./-]+?\.md) §")


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [f for f in out.splitlines() if (ROOT / f).is_file()]


def slug(heading: str) -> str:
    """GitHub's heading anchor: lowercase; keep letters (CJK too), marks, digits, '_', '-' and spaces; each
    space becomes '-'. Link text is kept, its target dropped; code spans lose their backticks."""
    text = MD_LINK_TEXT.sub(r"\1", heading).lower()
    kept = "".join(
        c for c in text
        if c in " -" or unicodedata.category(c)[0] in "LM" or unicodedata.category(c) in ("Nd", "Nl", "Pc")
    )
    return kept.replace(" ", "-")


def headings(path: Path) -> list[str]:
    """The ATX headings of a Markdown file, outside fenced code blocks."""
    out, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m:
            out.append(m.group(2))
    return out


def anchors(path: Path) -> set[str]:
    """Every anchor GitHub gives a Markdown file: heading slugs (repeats get -1, -2, …) and HTML anchors."""
    seen: dict[str, int] = {}
    found = set(HTML_ANCHOR.findall(path.read_text(encoding="utf-8")))
    for h in headings(path):
        s = slug(h)
        n = seen.get(s, 0)
        seen[s] = n + 1
        found.add(s if n == 0 else f"{s}-{n}")
    return found


def section_names(path: Path) -> list[str]:
    """Heading names as cited in code: the words before a ' (' or ' —' (file names, formulas)."""
    return [re.split(r" \(| —", h, maxsplit=1)[0].strip() for h in headings(path)]


def markdown_files() -> list[str]:
    files = tracked_files()
    return sorted(f for f in files if f == "README.md" or f.endswith("/README.md")
                  or re.fullmatch(r"docs/[^/]+\.md", f))


def links(path: Path) -> list[str]:
    """Link targets of a Markdown file, outside fenced code blocks and inline code."""
    out, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.extend(LINK.findall(INLINE_CODE.sub("", line)))
    return out


def test_slug_follows_github_rules() -> None:
    assert slug("Two tracks") == "two-tracks"
    assert slug("Cost method — P = C × δ") == "cost-method--p--c--δ"
    assert slug("Recognition (`accounting/classify.py`)") == "recognition-accountingclassifypy"
    assert slug("Accounting rules as implemented (数据资源入表)") == "accounting-rules-as-implemented-数据资源入表"
    assert slug("Transition and opening balances (part 四; `accounting/handlers/opening.py`)") == (
        "transition-and-opening-balances-part-四-accountinghandlersopeningpy")
    assert slug("Income method — P = Σ F_t / (1 + i)^t") == "income-method--p--σ-f_t--1--it"
    assert slug("See [the docs](docs/x.md) now") == "see-the-docs-now"


def test_heading_parser_skips_code_and_numbers_repeats(tmp_path: Path) -> None:
    md = tmp_path / "x.md"
    md.write_text("# Title\n\n```bash\n# a comment, not a heading\n```\n\n## Same\n\n## Same\n", encoding="utf-8")
    assert headings(md) == ["Title", "Same", "Same"]
    assert anchors(md) == {"title", "same", "same-1"}


def test_markdown_links_resolve() -> None:
    files = markdown_files()
    assert "README.md" in files and "docs/valuation.md" in files
    tracked = set(tracked_files())
    tracked_dirs = {p.as_posix() for f in tracked for p in Path(f).parents}
    broken = []
    for f in files:
        base = (ROOT / f).parent
        for target in links(ROOT / f):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # http:, https:, mailto:
                continue
            path_part, _, anchor = target.partition("#")
            dest = (base / unquote(path_part)).resolve() if path_part else (ROOT / f).resolve()
            try:
                rel = dest.relative_to(ROOT).as_posix()
            except ValueError:
                broken.append(f"{f}: {target} leaves the repository")
                continue
            if rel not in tracked and rel not in tracked_dirs:
                broken.append(f"{f}: {target} → {rel} is not a file of the repository")
                continue
            if anchor and rel.endswith(".md") and unquote(anchor) not in anchors(dest):
                broken.append(f"{f}: {target} → no heading #{unquote(anchor)} in {rel}")
    assert not broken, "\n".join(broken)


def test_no_reference_to_documents_outside_the_repository() -> None:
    hits = []
    for f in tracked_files():
        if f == THIS:
            continue
        try:
            text = (ROOT / f).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):  # binary files
            continue
        for i, line in enumerate(text.splitlines(), 1):
            hits.extend(f"{f}:{i}: {line.strip()}" for s in OUTSIDE if s in line)
    assert not hits, "\n".join(hits)


def test_docs_pages_named_in_code_exist() -> None:
    missing, bad_sections = [], []
    for f in tracked_files():
        if not f.endswith(".py") or f == THIS:
            continue
        text = (ROOT / f).read_text(encoding="utf-8")
        for page in sorted(set(DOCS_PATH.findall(text))):
            if not (ROOT / page).is_file():
                missing.append(f"{f}: {page}")
        # a reference may wrap onto the next line of a docstring or comment
        flat = re.sub(r"\s*\n\s*(?:#\s*)?", " ", text)
        for m in SECTION_REF.finditer(flat):
            page = ROOT / m.group(1)
            if not page.is_file():
                continue
            rest = flat[m.end():]
            names = section_names(page)
            if not any(rest.lower().startswith(n.lower()) and not rest[len(n):len(n) + 1].isalnum()
                       for n in names):
                bad_sections.append(f"{f}: {m.group(1)} §{rest[:40]!r} (headings: {names})")
    assert not missing, "\n".join(missing)
    assert not bad_sections, "\n".join(bad_sections)
