"""axe-core in a Playwright page: the accessibility violations a page has, for tests to assert on.

axe-core is vendored under tests/browser/vendor/ (tests only: it is never served to participants)."""
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
MAX_TARGETS = 5  # enough to find the element; a long list only buries the message


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Runs axe on the page's document as it is now and returns the violations whose impact is in
    `impacts`, each as {id, impact, help, targets} (targets: CSS selectors of the first few nodes)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       targets: v.nodes.map(n => n.target.join(" "))}));
    }""")
    return [{**v, "targets": v["targets"][:MAX_TARGETS]} for v in results if v["impact"] in impacts]
