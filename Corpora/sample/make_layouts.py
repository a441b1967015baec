#!/usr/bin/env python3
"""Generate the sample book's layouts from story.tsv, the one source of truth.

    python3 Corpora/sample/make_layouts.py          # check story.tsv, rewrite the layouts
    python3 Corpora/sample/make_layouts.py --check  # check only; fail if a layout is stale

story.tsv columns: chapter, paragraph, sentence, zh, en (with a header line).
Row 0/0/0 is the title; row N/0/0 is chapter N's heading; N/P/S is sentence S of
paragraph P of chapter N. Writes zh.txt, en.txt, guofeng/sample.zh, guofeng/sample.en
(UTF-8, LF, final newline) and checks glossary.tsv against every sentence pair.
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BOOK_ID = "yanfu-sample"
CHAPTER_ID = "sample_{:04d}"
INDENT = "\u3000\u3000"
NUMERALS = "一二三四五六七八九十"
# A sentence ends in 。！？ (possibly repeated), with any closing quotes kept with it.
SENTENCE = re.compile(r"[^。！？]*[。！？]+[”’」』]*")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]")


def fail(msg):
    sys.exit(f"make_layouts: {msg}")


def load_story(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[-1] != "":
        fail(f"{path.name}: no final newline")
    header, rows = lines[0], lines[1:-1]
    if header != "chapter\tparagraph\tsentence\tzh\ten":
        fail(f"{path.name}:1: unexpected header {header!r}")
    title, chapters = None, []  # chapters: [(heading_zh, heading_en, [[(zh, en), ...], ...])]
    for n, line in enumerate(rows, start=2):
        where = f"{path.name}:{n}"
        cols = line.split("\t")
        if len(cols) != 5 or not all(c.strip() == c and c for c in cols):
            fail(f"{where}: expected 5 non-empty tab-separated fields without surrounding spaces")
        c, p, s = (int(x) for x in cols[:3])
        zh, en = cols[3], cols[4]
        if "\r" in line or " " in zh:
            fail(f"{where}: carriage return or ASCII space in zh")
        if CJK.search(en):
            fail(f"{where}: Chinese characters or punctuation in en: {en!r}")
        if (c, p, s) == (0, 0, 0):
            if title or chapters:
                fail(f"{where}: title must be the first row")
            title = (zh, en)
        elif p == 0:
            if s != 0 or c != len(chapters) + 1:
                fail(f"{where}: expected heading of chapter {len(chapters) + 1}")
            if not re.fullmatch(f"第{NUMERALS[c - 1]}章\u3000\\S+", zh):
                fail(f"{where}: zh heading should look like 第{NUMERALS[c - 1]}章\u3000name")
            if not re.fullmatch(rf"Chapter {c}: \S.*", en):
                fail(f"{where}: en heading should look like 'Chapter {c}: Name'")
            chapters.append((zh, en, []))
        else:
            if not chapters or c != len(chapters):
                fail(f"{where}: sentence outside its chapter")
            paras = chapters[-1][2]
            if s == 1 and p == len(paras) + 1:
                paras.append([])
            elif not (p == len(paras) and s == len(paras[-1]) + 1):
                fail(f"{where}: ids out of order (expected the next sentence or paragraph)")
            if SENTENCE.fullmatch(zh) is None:
                fail(f"{where}: zh is not exactly one sentence (。！？ plus closing quotes): {zh!r}")
            paras[-1].append((zh, en))
    if title is None or not chapters:
        fail(f"{path.name}: no title or no chapters")
    for c, (_, _, paras) in enumerate(chapters, start=1):
        for p, sents in enumerate(paras, start=1):
            text = "".join(zh for zh, _ in sents)
            if SENTENCE.findall(text) != [zh for zh, _ in sents]:
                fail(f"chapter {c} paragraph {p}: re-splitting the zh paragraph does not give its sentences")
            if "".join(en for _, en in sents).count('"') % 2:
                fail(f"chapter {c} paragraph {p}: unbalanced double quotes in en")
    return title, chapters


def check_glossary(path, title, chapters):
    terms = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        cols = line.split("\t")
        if len(cols) != 2 or not all(cols):
            fail(f"{path.name}:{n}: expected source<TAB>target")
        terms.append((cols[0], cols[1]))
    pairs = [title] + [(h, e) for h, e, _ in chapters]
    pairs += [pair for _, _, paras in chapters for sents in paras for pair in sents]
    for src, tgt in terms:
        uses = [(zh, en) for zh, en in pairs if src in zh]
        if not uses:
            fail(f"{path.name}: {src} never occurs in the story")
        for zh, en in uses:
            if tgt not in en:
                fail(f"{path.name}: {src} rendered without {tgt!r}: {zh} / {en}")
    return terms


def layouts(title, chapters):
    zh_book, en_book = [title[0]], [title[1]]
    gf_zh, gf_en = [f'<BOOK id="{BOOK_ID}">'], [f'<BOOK id="{BOOK_ID}">']
    for c, (head_zh, head_en, paras) in enumerate(chapters, start=1):
        zh_book.append(head_zh)
        en_book.append(head_en)
        marker = f'<CHAPTER id="{CHAPTER_ID.format(c)}">'
        gf_zh += [marker, head_zh]
        gf_en += [marker, head_en]
        for sents in paras:
            zh_book.append(INDENT + "".join(zh for zh, _ in sents))
            en_book.append(" ".join(en for _, en in sents))
            gf_zh += [zh for zh, _ in sents]
            gf_en += [en for _, en in sents]
        gf_zh.append("</CHAPTER>")
        gf_en.append("</CHAPTER>")
    return {
        "zh.txt": "\n\n".join(zh_book) + "\n",
        "en.txt": "\n\n".join(en_book) + "\n",
        "guofeng/sample.zh": "\n".join(gf_zh) + "\n",
        "guofeng/sample.en": "\n".join(gf_en) + "\n",
    }


def main():
    check_only = sys.argv[1:] == ["--check"]
    title, chapters = load_story(HERE / "story.tsv")
    terms = check_glossary(HERE / "glossary.tsv", title, chapters)
    out = layouts(title, chapters)
    zh_lines = out["guofeng/sample.zh"].split("\n")
    en_lines = out["guofeng/sample.en"].split("\n")
    assert len(zh_lines) == len(en_lines)
    for a, b in zip(zh_lines, en_lines):
        assert a.startswith("<") == b.startswith("<") and (a == b or not a.startswith("<"))
    stale = []
    for name, text in out.items():
        path = HERE / name
        if check_only:
            if not path.exists() or path.read_bytes() != text.encode("utf-8"):
                stale.append(name)
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    if stale:
        fail("stale layouts (run without --check): " + ", ".join(stale))
    total_chars = total_han = total_sents = 0
    for c, (head_zh, head_en, paras) in enumerate(chapters, start=1):
        text = "".join(zh for sents in paras for zh, _ in sents)
        chars, han = len(text), len(re.findall(r"[\u4e00-\u9fff]", text))
        sents = sum(len(s) for s in paras)
        total_chars, total_han, total_sents = total_chars + chars, total_han + han, total_sents + sents
        print(f"{head_zh} | {head_en}: {len(paras)} paragraphs, {sents} sentences, "
              f"{chars} characters ({han} hanzi)")
    print(f"total: {total_sents} sentences, {total_chars} characters ({total_han} hanzi) "
          f"without title and headings; {len(terms)} glossary terms; "
          f"GuoFeng files {len(zh_lines) - 1} lines each")


if __name__ == "__main__":
    main()
