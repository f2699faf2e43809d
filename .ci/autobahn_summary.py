"""Judges kosoku's reports for .ci/autobahn: prints a Markdown table per
case group for each role, and exits 1 unless, in both roles,
- every case of groups 1-10 was run, exactly once (a fuzzer or a program that
  crashed half way must not look green), and
- every case is OK, both its behaviour and its closing behaviour, except the
  cases listed in ALLOWED below.

Usage: autobahn_summary.py SERVER_REPORTS CLIENT_REPORTS"""

import json
import sys
from collections import Counter
from pathlib import Path

VERDICTS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]

# Cases per group in kosoku 0.1.0 (the version .ci/autobahn pins). There is
# no group 8.
EXPECTED = {1: 16, 2: 11, 3: 7, 4: 10, 5: 20, 6: 145, 7: 37, 9: 54, 10: 1}

WHAT = {
    1: "framing, text and binary",
    2: "pings and pongs",
    3: "reserved bits",
    4: "reserved opcodes",
    5: "fragmentation",
    6: "UTF-8",
    7: "closing",
    9: "large messages",
    10: "fragments of a size",
}

# The only verdicts other than OK that pass, and why. Autobahn marks these
# cases INFORMATIONAL for every implementation: the RFC leaves the behaviour
# open. (UNIMPLEMENTED is for the compression extension, groups 12 and 13,
# which the gate does not run; in groups 1-10 it fails.)
ALLOWED = {
    # A 256 KiB message, a close and a ping back to back: whether the message
    # is echoed in full depends on how an implementation orders its writes.
    "7.1.6": "INFORMATIONAL",
    # Close codes 5000 and 65535: outside every range RFC 6455 section 7.4
    # defines.
    "7.13.1": "INFORMATIONAL",
    "7.13.2": "INFORMATIONAL",
}


def group(case_id: str) -> int:
    return int(case_id.split(".")[0])


def case_order(case_id: str) -> list[int]:
    return [int(part) for part in case_id.split(".")]


def judge(case_id: str, result: dict) -> str | None:
    """What is wrong with one case's result, or None if it passes."""
    allowed = {"OK", ALLOWED.get(case_id, "OK")}
    verdict = result.get("behavior")
    close = result.get("behaviorClose")
    if verdict in allowed and close in allowed:
        return None
    return f"{verdict} (closing: {close})"


def summarise(role: str, directory: str) -> bool:
    index_file = Path(directory) / "index.json"
    if not index_file.exists():
        print(f"\n{role} role: no report in {directory}: did kosoku or the "
              f"program crash? See the logs in {Path(directory).parent}/")
        return False
    index = json.loads(index_file.read_text())
    problems = []
    if len(index) != 1:
        problems.append(f"expected reports for one agent, found {list(index)}")
    results = {}
    for cases in index.values():
        for case_id, result in cases.items():
            if case_id in results:
                problems.append(f"{case_id}: reported twice")
            results[case_id] = result

    counts = {g: Counter() for g in EXPECTED}
    not_ok = []
    for case_id in sorted(results, key=case_order):
        result = results[case_id]
        counts.setdefault(group(case_id), Counter())[result.get("behavior")] += 1
        wrong = judge(case_id, result)
        if wrong:
            not_ok.append(f"{case_id}: {wrong}")

    print(f"\n{role} role ({len(results)} cases)\n")
    print("| group | what | " + " | ".join(VERDICTS) + " |")
    print("|---|---|" + "---|" * len(VERDICTS))
    total = Counter()
    for g in sorted(counts):
        total.update(counts[g])
        row = " | ".join(str(counts[g][v]) for v in VERDICTS)
        print(f"| {g} | {WHAT.get(g, '?')} | {row} |")
        run = sum(counts[g].values())
        if run != EXPECTED.get(g, 0):
            problems.append(
                f"group {g}: {run} cases reported, expected {EXPECTED.get(g, 0)}")
    print("| all | | " + " | ".join(str(total[v]) for v in VERDICTS) + " |")
    for line in not_ok:
        print(f"  not OK: {line}")
    for line in problems:
        print(f"  incomplete: {line}")
    return not not_ok and not problems


good = [summarise("server", sys.argv[1]), summarise("client", sys.argv[2])]
sys.exit(0 if all(good) else 1)
