"""Prints how far `yanfu generate --json` is from transformers (the logits fixture) and from
llama.cpp (research notes §6 table) on the fixture's text prompts.

  python3 Eval/llm/compare_logits.py [path/to/yanfu]
"""
import json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
YANFU = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "yanfu")
fixture = json.load(open(os.path.join(ROOT, "Tests", "Fixtures", "llm", "logits", "gemma3-270m.json")))
# llama.cpp CPU default (FA on, f16 KV) top-10 for the first prompt, research notes §6.
LLAMA_CPP = {1191: 22.5337, 70977: 18.8727, 5137: 18.7587, 564: 18.1376, 2900: 17.6674, 236743: 17.6507,
             10950: 17.3903, 1599: 17.1670, 2195: 17.1525, 669: 17.1406}
for n, case in enumerate(fixture["cases"]):
    if case["prompt"] is None:
        continue
    out = subprocess.run([YANFU, "generate", "--prompt", case["prompt"], "--max-tokens", "32", "--json",
                          "--top-logits", "200", "--threads", "2"], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    mine = {t["id"]: t["logit"] for t in r["top_logits"]}
    assert r["prompt_ids"] == case["prompt_ids"], "prompt ids differ"
    d_hf = max(abs(mine[i] - v) for i, v in zip(case["top_ids"], case["top_logits"]))
    same_order = [t["id"] for t in r["top_logits"][:20]] == case["top_ids"]
    agree = 0
    for a, b in zip(r["ids"], case["greedy_ids"]):
        if a != b:
            break
        agree += 1
    line = f"case {n}: top-20 order {'same' if same_order else 'DIFFERENT'}, max |Δ| vs transformers {d_hf:.2e}, greedy agrees for {agree}/{len(case['greedy_ids'])} tokens"
    if n == 0:
        d_lc = max(abs(mine[i] - v) for i, v in LLAMA_CPP.items())
        line += f"; max |Δ| vs llama.cpp top-10 {d_lc:.3f}"
    print(line)
