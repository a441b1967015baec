#!/usr/bin/env python3
"""Regenerates the byte-level BPE tokenizer fixtures in Tests/Fixtures/llm/tokenizer/ that
BPETokenizerTests compares Yanfu's ids with:

  qwen2.5-coder-0.5b.json, qwen2.5-coder-1.5b.json
      llama-tokenize's ids for both Qwen GGUFs on diverse strings, with and without
      parse_special, plus (count, FNV-1a 64 of "id,id,...") of the ids of WHOLE corpus files;
  qwen2.5-coder-0.5b-llama-bpe.json, qwen2.5-coder-0.5b-deepseek-r1-qwen.json
      the same for a vocabulary-only GGUF (written under /tmp, never in the repository) that
      copies the 0.5B's metadata with tokenizer.ggml.pre = llama-bpe (Llama 3's regex and
      ignore_merges) or deepseek-r1-qwen, and five unused tokens made whole words (TOKEN_OVERRIDES);
  hf-bpe/ and hf-bpe-llama3/
      a small byte-level BPE tokenizer.json trained here with the `tokenizers` library on text
      written in this script (Qwen2's Split regex; the second copy uses Llama 3's regex,
      ignore_merges and "a b" merge strings), a tokenizer_config.json, and transformers' ids
      (ids.json).

Run with the peers' venv python (transformers, tokenizers, gguf):
  /root/.cache/peers/venv/bin/python Eval/llm/bpe_tokenizer_fixture.py
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_fixture import CASES as GEMMA_CASES, fnv1a64  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKENIZE = os.environ.get("LLAMA_TOKENIZE", "/root/.cache/peers/llama/build/bin/llama-tokenize")
HOME = os.environ.get("YANFU_HOME", os.path.expanduser("~/.cache/yanfu"))
MODELS = os.path.join(HOME, "models")
QWEN05 = "qwen2.5-coder-0.5b-instruct.gguf"
QWEN15 = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
OUT = os.path.join(ROOT, "Tests", "Fixtures", "llm", "tokenizer")
CORPORA = os.path.join(ROOT, "..", "shared", "corpora")
CORPUS_FILES = ["hongloumeng/zh.txt", "hongloumeng/en.txt", "sanguo/zh.txt"]
# The Llama 3 and DeepSeek variants also turn five unused Qwen tokens into whole words of
# 紅樓夢's English (GPT-2 characters) that merges never produce: with ignore_merges (llama-bpe)
# every " Pao" becomes one token, without it (deepseek-r1-qwen) none does.
TOKEN_OVERRIDES = {151700: "\u0120Pao", 151701: "\u0120Chia", 151702: "-y\u00c3\u00bc", 151703: "\u0120Hs\u00c3\u00bceh",
                   151704: "\u0120dowager"}
SCRATCH = os.environ.get("TMPDIR", "/tmp")

CASES = [
    ("zh_fullwidth_punct", "「寶玉聽了，忙問：『這是甚麼話？』」——黛玉冷笑道：“你又來了！”（完）；、。！？《紅樓夢》【第一回】"),
    ("zh_ideographic_space", "　　第一回　甄士隱夢幻識通靈　賈雨村風塵懷閨秀\n　　此開卷第一回也。"),
    ("contractions_any_case", "I'm you're he's she'LL THEY'RE We'Ve it'D don'T 'S 'LL 'Re 'rE 'VE 'M 'D 'T 's's ''ll '"),
    ("contractions_edges", "'s't're've'm'll'd' '' ' x' rock'n'roll O'Neill's 'tis L’amour don’t 'sup '123 'é"),
    ("digits_long", "1234567890123456789012345 3.14159265358979 2^64=18446744073709551616 -0.5e-10 1,000,000.00"),
    ("digits_other_scripts", "０１２３４５６７８９ ٠١٢٣٤ ⅠⅡⅢⅣ ①②③ ¹²³ ½ 二〇二四年 x2y22z222w2222"),
    ("whitespace_runs", "a \u3000 b\u00a0\u00a0c  \t  d \u2003\u2003e   \n   f\u2028g\u0085h \u000b\u000c i"),
    ("tabs", "\tindented\t\ttwice\t\n\t\tcode\t"),
    ("crlf", "line one\r\nline two\r\n\r\nline four\r\n\r"),
    ("blank_lines", "第一段。\n\n\n第二段。\n \n\t\n第三段。\n\n"),
    ("space_before_newline", "a \nb  \n  c\t\n d\n\n  "),
    ("trailing_spaces", "ends with spaces   "),
    ("only_newlines", "\n\n\n"),
    ("only_spaces", "     "),
    ("emoji_modifiers_zwj", "👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 👍🏿 ❤️‍🔥 🇯🇵🇨🇳 #️⃣ 🫠 ☺︎ ✌🏽!"),
    ("mixed_scripts", "寶玉 Bǎoyù Баоюй 宝玉ほうぎょく 보옥 बाओयू Βαογιού 🐉 αβγ עברית ไทย"),
    ("combining_marks", "e\u0301 cafe\u0301 n\u0303o \u0915\u094d\u0937 a\u0308\u0304 \u05e9\u05c1"),
    ("unicode_new_and_private", "x\U000105c0y z\U000323b0w \ue000\U000f0000 \u0378 \U0002ebf0"),
    # U+105C0 and U+10D40 (Unicode 16.0) are a letter and a digit for Hugging Face tokenizers but
    # unassigned for llama.cpp (15.1), so "X's" splits "X" + "'s" there and "X'" + "s" here;
    # U+323B0 (17.0) is unassigned for both.
    ("unicode_16_contraction", "\U000105c0's \U000323b0'll \U00010d40\U00010d41 a\U000105c0's"),
    ("wade_giles_names", "Pao-yü and Chia Cheng met the dowager; Hsüeh P'an inquired. Pao Chia Hsüeh -yü"),
    ("punct_runs", "!!!??? ... --- *** ''' \"\"\" ``` ~~~ ——…… ，，。。 !\n\n?\r\n)\n"),
    ("code", "def f(x):\n    return x**2  # square\n\nif __name__ == '__main__':\n\tprint(f(3))\n"),
    ("long_words", "a" * 300 + " " + "中" * 200 + " " + "ab" * 150),
    ("chatml", "<|im_start|>system\nYou are a translator.<|im_end|>\n<|im_start|>user\n把这句话译成英文：宝玉笑道。<|im_end|>\n<|im_start|>assistant\n"),
    ("special_adjacent", "<|endoftext|><|im_end|>x<|im_start|><|im_start|> <|im_end|>\n"),
    ("special_partial", "<|im_start <|im_end| <|endoftext|x |im_end|> <<|im_end|>>"),
    ("user_defined_tool_call", "<tool_call>{\"name\": \"f\"}</tool_call><tool_call>"),
    ("fim_and_vision", "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|><|vision_start|><|image_pad|>"),
    ("pad_token_text", "[PAD151665][PAD151935] [PAD]"),
    ("translation_prompt", "Translate into English:\n宝玉听了，心中大喜。\nEnglish: Baoyu was delighted.\n"),
]
ALL_CASES = CASES + [("gemma_" + n, t) for n, t in GEMMA_CASES]

# Written for this script: a few KB to train the small tokenizer.json on.
TRAINING_TEXT = """\
The ferry left the east bank at dawn. Old Zhou had rowed it for forty years, and he said the
river was never the same river twice: it's the water that's new, he'd say, not the boat.
She didn't answer. They'll come back tomorrow, we're sure of it; you've seen the lanterns.
I'm going to write it down: 3 boats, 12 oars, 1,024 lanterns, and 2024-11-27 as the date.
def translate(line):
    return model.generate(line, max_tokens=128)  # greedy

for i in range(10):
\tprint(i, i * i)
望江楼的灯亮了一夜。周伯把船划到对岸，又划回来，一句话也没有说。
苏小满站在桥头，手里拿着一封信：“你明天还来吗？”她问。
林秋月笑道：“来，当然来。”于是三个人一起走进了茶馆，要了一壶龙井。
第一回　青石镇的早晨
　　镇子很小，只有一条街，街上有一家书铺、两家饭馆和三座桥。
Numbers: 0 1 2 3 4 5 6 7 8 9 10 100 1000 3.14159 -42 +7 1e10 ０１２
Punctuation!!! Really??? Yes... -- (parentheses) [brackets] {braces} <angle> "quotes" 'single'
Emoji: 🙂 🐉 👍🏽 ❤️ and CJK punctuation：，。！？「」『』（）《》【】
Tabs\tand\tmore\ttabs, spaces    in   runs,\r\nwindows line endings\r\n\r\nand blank lines.
The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX. the quick brown fox!
It was the best of times; it was the worst of times. We'd known; they'd known; you'd known.
Years: 1999 2000 2001 2012 2019 2020 2023 2024 2025; pages 100 200 300 123 456 789 12 34 56 78 90.
Chapter 120, verse 112, line 1234567, room 101, bus 42, 3000 li, 18446744073709551616 grains.
"""


def tokenize(model: str, text: bytes, parse_special: bool) -> list:
    args = [TOKENIZE, "-m", model, "--stdin", "--ids", "--log-disable", "--no-escape"]
    if not parse_special:
        args.append("--no-parse-special")
    out = subprocess.run(args, input=text, capture_output=True, check=True).stdout.decode()
    return json.loads(out.strip().splitlines()[-1])


def compact(obj) -> str:
    if isinstance(obj, dict) and any(isinstance(v, list) for v in obj.values()):
        items = []
        for k, v in obj.items():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                inner = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in v)
                items.append(json.dumps(k) + ": [\n" + inner + "\n]")
            else:
                items.append(json.dumps(k) + ": " + json.dumps(v, ensure_ascii=False))
        return "{\n" + ",\n".join(items) + "\n}"
    return json.dumps(obj, ensure_ascii=False)


def write_json(path: str, obj) -> None:
    """One case a line: small diffs when a fixture is regenerated, no thousand-line id lists."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(compact(obj) + "\n")
    os.replace(path + ".tmp", path)


def llama_fixture(model_path: str, out_name: str, base_model: str, extra: dict) -> None:
    cases = []
    for name, text in ALL_CASES:
        b = text.encode("utf-8")
        cases.append({"name": name, "text": text,
                      "ids": tokenize(model_path, b, True), "ids_no_parse_special": tokenize(model_path, b, False)})
    corpora = []
    for rel in CORPUS_FILES:
        path = os.path.join(CORPORA, rel)
        if not os.path.exists(path):
            print("skipping absent", path)
            continue
        data = open(path, "rb").read()
        data.decode("utf-8")  # the tests read the files as UTF-8: they must be valid
        ids = tokenize(model_path, data, False)
        corpora.append({"file": rel, "bytes": len(data), "count": len(ids),
                        "ids_fnv1a64": fnv1a64(",".join(map(str, ids)).encode())})
    fixture = dict(extra)
    fixture.update({"model_bytes": os.stat(base_model).st_size,
                    "generator": "llama-tokenize --stdin --ids --no-escape [--no-parse-special]",
                    "cases": cases, "corpora": corpora})
    write_json(os.path.join(OUT, out_name), fixture)
    print(f"wrote {out_name}: {len(cases)} cases, {len(corpora)} whole corpus files")


def vocab_only_gguf(src: str, pre: str) -> str:
    """A GGUF with the source's metadata (tokenizer.ggml.pre replaced, TOKEN_OVERRIDES applied as
    normal tokens) and no tensors."""
    from gguf import GGUFReader, GGUFWriter, GGUFValueType
    reader = GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    dst = os.path.join(SCRATCH, f"yanfu-vocab-{pre}.gguf")
    writer = GGUFWriter(dst, arch)
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        value = field.contents()
        if name == "tokenizer.ggml.pre":
            value = pre
        elif name == "tokenizer.ggml.tokens":
            for i, text in TOKEN_OVERRIDES.items():
                value[i] = text
        elif name == "tokenizer.ggml.token_type":
            for i in TOKEN_OVERRIDES:
                value[i] = 1
        vtype = field.types[0]
        sub = field.types[-1] if vtype == GGUFValueType.ARRAY else None
        writer.add_key_value(name, value, vtype, sub_type=sub)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return dst


def train_hf_tokenizer(regex: str, whole_words=()):
    """A byte-level BPE trained on TRAINING_TEXT with `regex` as its Split pre-tokenizer, plus
    vocabulary entries `whole_words` (GPT-2 characters) that no merge produces."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    trainer = trainers.BpeTrainer(vocab_size=700, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([TRAINING_TEXT] * 3, trainer=trainer)
    if whole_words:
        # Added to the model's vocabulary before any added token, whose ids follow the vocabulary.
        tj = json.loads(tok.to_str())
        for word in whole_words:
            tj["model"]["vocab"].setdefault(word, len(tj["model"]["vocab"]))
        tok = Tokenizer.from_str(json.dumps(tj))
    tok.add_tokens(["<tool_call>"])  # a non-special added token (user-defined)
    return json.loads(tok.to_str())


def hf_fixtures() -> None:
    import tokenizers
    import transformers
    from transformers import PreTrainedTokenizerFast

    qwen2_regex = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
    llama3_regex = qwen2_regex.replace(r"\p{N}|", r"\p{N}{1,3}|", 1)
    # A plain vocabulary entry "</s>": transformers keeps it text (llama.cpp would make it a control token).
    variants = {"hf-bpe": train_hf_tokenizer(qwen2_regex, whole_words=["</s>"])}
    # Whole-word entries no merge produces, so ignore_merges changes ids (" translator", " Baoyu").
    llama3 = train_hf_tokenizer(llama3_regex, whole_words=["\u0120translator", "\u0120Baoyu"])
    llama3["model"]["ignore_merges"] = True
    llama3["model"]["merges"] = [m if isinstance(m, str) else " ".join(m) for m in llama3["model"]["merges"]]
    variants["hf-bpe-llama3"] = llama3
    # transformers' model-specific classes (e.g. Qwen2Tokenizer) rebuild the pipeline from the
    # vocabulary; the generic class reads tokenizer.json as it is.
    config = {"add_bos_token": False, "bos_token": None, "eos_token": "<|im_end|>",
              "tokenizer_class": "PreTrainedTokenizerFast"}
    for folder, tj in variants.items():
        d = os.path.join(OUT, folder)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "tokenizer.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(tj, f, ensure_ascii=False, indent=1)
            f.write("\n")
        write_json(os.path.join(d, "tokenizer_config.json"), config)
        hf = PreTrainedTokenizerFast(tokenizer_file=path)
        hf_plain = PreTrainedTokenizerFast(tokenizer_file=path, split_special_tokens=True)
        raw = tokenizers.Tokenizer.from_file(path)
        cases = []
        for name, text in ALL_CASES:
            ids = hf.encode(text, add_special_tokens=False)
            assert ids == raw.encode(text, add_special_tokens=False).ids, name
            cases.append({"name": name, "text": text, "ids": ids,
                          "ids_no_parse_special": hf_plain.encode(text, add_special_tokens=False)})
        write_json(os.path.join(d, "ids.json"), {
            "generator": f"transformers {transformers.__version__} PreTrainedTokenizerFast(tokenizer_file=…)"
                         ".encode(add_special_tokens=False); ids_no_parse_special with split_special_tokens=True",
            "cases": cases})
        print(f"wrote {folder}: vocabulary {len(tj['model']['vocab'])}, {len(tj['model']['merges'])} merges, {len(cases)} cases")


def main():
    q05, q15 = os.path.join(MODELS, QWEN05), os.path.join(MODELS, QWEN15)
    llama_fixture(q05, "qwen2.5-coder-0.5b.json", q05, {"model": QWEN05})
    llama_fixture(q15, "qwen2.5-coder-1.5b.json", q15, {"model": QWEN15})
    for pre in ["llama-bpe", "deepseek-r1-qwen"]:
        path = vocab_only_gguf(q05, pre)
        llama_fixture(path, f"qwen2.5-coder-0.5b-{pre}.json", q05, {
            "model": QWEN05, "pre_override": pre, "token_overrides": {str(i): t for i, t in TOKEN_OVERRIDES.items()}})
        os.remove(path)
    hf_fixtures()


if __name__ == "__main__":
    main()
