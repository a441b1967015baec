#!/usr/bin/env python3
"""How far drafting from the text itself (prompt lookup) could speed up generation in a translation.

For every unit of a run folder's segments.jsonl, in order, each position of its English is
"verified" once: the previous KEY words are looked up in the English before it (the earlier units'
and the unit's own so far, as the prompt holds them), the DRAFT words that followed their latest
occurrence are proposed, and those that equal the next words are accepted. Prints the words a
verification yields on average (1.0 = no gain). Words and punctuation stand in for tokens.

    python3 Eval/llm/prompt_lookup_estimate.py RUN_FOLDER [KEY] [DRAFT]
"""
import json
import re
import sys

run = sys.argv[1]
key_len = int(sys.argv[2]) if len(sys.argv) > 2 else 2
draft_len = int(sys.argv[3]) if len(sys.argv) > 3 else 4
history, words, rounds, accepted = [], 0, 0, 0
with open(run + "/segments.jsonl", encoding="utf-8") as f:
    for line in f:
        unit = re.findall(r"\w+|[^\w\s]", json.loads(line)["translation"])
        i = 0
        while i < len(unit):
            before = history + unit[:i]
            draft = []
            if i >= key_len:
                key = unit[i - key_len:i]
                for j in range(len(before) - key_len - 1, -1, -1):
                    if before[j:j + key_len] == key:
                        draft = before[j + key_len:j + key_len + draft_len]
                        break
            n = 0
            while n < len(draft) and i + n < len(unit) and draft[n] == unit[i + n]:
                n += 1
            rounds += 1
            accepted += n
            i += n + 1
        words += len(unit)
        history += unit
print(f"{words} words, {rounds} verifications, {words / rounds:.3f} words per verification, "
      f"{accepted} drafted words accepted (key {key_len}, draft {draft_len})")
