"""axe-core in the browser tests: inject the vendored copy (tests only, never served), run every rule (experimental
ones too) and fail on serious or critical violations. Contexts that use it are made with bypass_csp=True, so the
injected script runs under any CSP."""

import json
from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
# Every rule axe has, the experimental ones (off by default) included: runOnly by rule id enables each one named.
# Only WCAG's AAA level is left out (its 7:1 color-contrast-enhanced): the site claims A and AA, not AAA.
EVERY_RULE = """axe.run(document, {
  runOnly: {
    type: "rule",
    values: axe.getRules().filter((rule) => !rule.tags.includes("wcag2aaa")).map((rule) => rule.ruleId),
  },
  resultTypes: ["violations"],
})"""


def violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    result = page.evaluate(EVERY_RULE)
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
            "why": violation["nodes"][0]["failureSummary"][:300],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def assert_accessible(page, name: str) -> None:
    found = violations(page)
    assert not found, f"{name}: axe-core found\n{json.dumps(found, ensure_ascii=False, indent=2)}"


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
