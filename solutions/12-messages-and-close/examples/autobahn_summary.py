"""Summarises kosoku's reports (index.json) per case group, as a Markdown
table per role; exits 1 if any case is neither OK, INFORMATIONAL nor
UNIMPLEMENTED. Usage: autobahn_summary.py SERVER_REPORTS CLIENT_REPORTS"""

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

VERDICTS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
ALLOWED = {"OK", "INFORMATIONAL", "UNIMPLEMENTED"}


def group(case_id: str) -> int:
    return int(case_id.split(".")[0])


def summarise(role: str, directory: str) -> bool:
    index_file = Path(directory) / "index.json"
    if not index_file.exists():
        print(f"{role}: no report in {directory}")
        return False
    index = json.loads(index_file.read_text())
    counts = defaultdict(Counter)
    bad = []
    for agent, cases in index.items():
        for case_id, result in cases.items():
            verdict = result["behavior"]
            counts[group(case_id)][verdict] += 1
            if verdict not in ALLOWED or result.get("behaviorClose") not in (
                None, *ALLOWED
            ):
                close = result.get("behaviorClose")
                bad.append(f"{case_id}: {verdict} (close: {close})")
    print(f"\n{role} role ({sum(sum(c.values()) for c in counts.values())} cases)\n")
    print("| group | " + " | ".join(VERDICTS) + " |")
    print("|---|" + "---|" * len(VERDICTS))
    total = Counter()
    for g in sorted(counts):
        total.update(counts[g])
        print(f"| {g} | " + " | ".join(str(counts[g][v]) for v in VERDICTS) + " |")
    print("| all | " + " | ".join(str(total[v]) for v in VERDICTS) + " |")
    for line in sorted(bad, key=lambda b: [int(p) for p in b.split(":")[0].split(".")]):
        print(f"  not OK: {line}")
    return not bad and bool(counts)


good = [summarise("server", sys.argv[1]), summarise("client", sys.argv[2])]
sys.exit(0 if all(good) else 1)
