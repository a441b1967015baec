#!/usr/bin/env python3
"""Regenerates Tests/Fixtures/llm/tokenizer/gemma3-270m.json: llama.cpp's token ids for the
default model on diverse strings, with and without parse_special, plus (count, FNV-1a 64 of "id,id,…") of the ids
of the first 60,000 bytes of each corpus file, so TokenizerTests can compare without llama.cpp.

Run with the peers' venv python (only the standard library is used):
  /root/.cache/peers/venv/bin/python Eval/llm/tokenizer_fixture.py [MODEL.gguf]
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKENIZE = "/root/.cache/peers/llama/build/bin/llama-tokenize"
HOME = os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu"))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HOME, "models", "gemma-3-270m-q4_k_m.gguf")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "llm", "tokenizer", "gemma3-270m.json")
CORPORA = os.path.join(ROOT, "..", "shared", "corpora")

CASES = [
    ("english", "The quick brown fox jumps over the lazy dog."),
    ("chinese", "宝玉听了，心中大喜。我们明天去北京。「你好！」他说：“走吧……”"),
    ("mixed", "他在New York住了三年，then moved to 上海 in 2019。"),
    ("space_runs", "a  b   c    d     e      f"),
    ("leading_trailing", "   leading spaces and trailing   "),
    ("long_space_run", "x" + " " * 40 + "y"),
    ("tabs", "col1\tcol2\t\tcol3\t\t\t\tend"),
    ("newlines", "line1\nline2\n\nline3\n\n\n\nend\n"),
    ("crlf_code", "def f(x):\r\n    return x * 2\r\n\r\nprint(f(3))\r\n"),
    ("emoji", "I ❤️ 🦙 and 👨‍👩‍👧 🇨🇳 ✌🏽!"),
    ("rare", "𝔉𝔯𝔞𝔨𝔱𝔲𝔯 𓀀 ꙮ ǅ ﷽ \x01 \x7f é ZW\u200bSP NB\u00a0SP"),
    ("scripts", "日本語のテキスト 한국어 텍스트 العربية Ελληνικά Русский"),
    ("control_text", "<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n<b>bold</b> <bos> <eos>"),
    ("end_s", "a</s>b <s>x</s>"),
    ("leading_space_hello", " Hello"),
    ("digits", "3.14159 2024-11-27 1,000,000 ０１２"),
    ("prompt", "zh: 他慢慢地走了出去。\nen: He slowly walked out.\nzh: 我们明天去北京。\nen:"),
    ("fullwidth", "ＡＢＣ　全角　ｶﾀｶﾅ ﬁ ① ㎏ Å"),
    ("empty", ""),
    ("single_space", " "),
    ("lowline_literal", "a ▁b ▁▁c"),
    ("unused_token_text", "<unused0><unused99>[multimodal]<start_of_image>"),
    ("classical", "滿紙荒唐言，一把辛酸淚！都云作者痴，誰解其中味？"),
    ("replacement_and_max", "\ufffd \U0010ffff x"),
    ("hundred_x", "x" * 100),
    ("html_nested", "<div><p>Hello</p><br/></div>\t<table>"),
]

CORPUS_FILES = ["hongloumeng/zh.txt", "hongloumeng/en.txt", "tatoeba/cmn.txt", "sanguo/zh.txt"]


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def tokenize(text: bytes, parse_special: bool) -> list:
    args = [TOKENIZE, "-m", MODEL, "--stdin", "--ids", "--log-disable", "--no-escape"]
    if not parse_special:
        args.append("--no-parse-special")
    out = subprocess.run(args, input=text, capture_output=True, check=True).stdout.decode()
    return json.loads(out.strip().splitlines()[-1])


def main():
    cases = []
    for name, text in CASES:
        b = text.encode("utf-8")
        cases.append({"name": name, "text": text,
                      "ids": tokenize(b, True), "ids_no_parse_special": tokenize(b, False)})
    corpora = []
    for rel in CORPUS_FILES:
        path = os.path.join(CORPORA, rel)
        if not os.path.exists(path):
            print("skipping absent", path)
            continue
        data = open(path, "rb").read()[:60000]
        data = data.decode("utf-8", errors="ignore").encode("utf-8")  # never cut a character
        ids = tokenize(data, False)
        corpora.append({"file": rel, "bytes": len(data), "count": len(ids),
                        "ids_fnv1a64": fnv1a64(",".join(map(str, ids)).encode())})
    st = os.stat(MODEL)
    fixture = {"model": os.path.basename(MODEL), "model_bytes": st.st_size,
               "generator": "llama-tokenize --stdin --ids --no-escape [--no-parse-special]",
               "cases": cases, "corpora": corpora}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT + ".tmp", "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(OUT + ".tmp", OUT)
    print(f"wrote {OUT}: {len(cases)} cases, {len(corpora)} corpus excerpts")


if __name__ == "__main__":
    main()
