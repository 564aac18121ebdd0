"""The picture of the plant (frontend/static/lab/plant.js and plant.css), drawn in a bare page from a plant
view like the server's: no server, no database. Detail for engineering, a summary for the others, the same
figures in a table, no sideways scrolling on a phone, and nothing axe-core calls serious."""
from pathlib import Path

import pytest

from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

LAB = Path(__file__).resolve().parents[2] / "frontend" / "static" / "lab"
PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>The plant</title></head>'
        '<body><main><h1>The plant</h1><section class="card"><div id="plant"></div></section></main></body></html>')
SUMMARY_KEYS = ("station", "bottleneck", "failures", "downtime_hours", "health")

DETAIL = {"detail": True, "round": 2, "stations": [
    {"station": 1, "bottleneck": False, "failures": 1, "downtime_hours": 12.5, "health": "good", "rate": 42.0,
     "effective_rate": 42.0, "wear": 0.31, "pm_backlog_hours": 0.0, "pm_hours_done": 16.0,
     "expected_failures_next_month": 0.84, "buffer_after": 60.0, "buffer_capacity": 100.0, "output": 8123.0},
    {"station": 2, "bottleneck": False, "failures": 2, "downtime_hours": 30.0, "health": "worn", "rate": 40.0,
     "effective_rate": 40.0, "wear": 0.62, "pm_backlog_hours": 8.0, "pm_hours_done": 12.0,
     "expected_failures_next_month": 1.7, "buffer_after": 1234.0, "buffer_capacity": 2000.0, "output": 8010.0},
    {"station": 3, "bottleneck": True, "failures": 3, "downtime_hours": 45.3, "health": "critical", "rate": 38.5,
     "effective_rate": 38.2, "wear": 1.12, "pm_backlog_hours": 24.5, "pm_hours_done": 0.0,
     "expected_failures_next_month": 3.25, "buffer_after": 0.0, "buffer_capacity": 100.0, "output": 7950.0},
    {"station": 4, "bottleneck": False, "failures": 0, "downtime_hours": 0.0, "health": "good", "rate": 45.0,
     "effective_rate": 45.0, "wear": 0.05, "pm_backlog_hours": 0.0, "pm_hours_done": 8.0,
     "expected_failures_next_month": 0.2, "buffer_after": 12.0, "buffer_capacity": 100.0, "output": 7950.0},
    {"station": 5, "bottleneck": False, "failures": 1, "downtime_hours": 17.5, "health": "worn", "rate": 44.0,
     "effective_rate": 44.0, "wear": 0.77, "pm_backlog_hours": 4.0, "pm_hours_done": 8.0,
     "expected_failures_next_month": 1.1, "buffer_after": None, "buffer_capacity": None, "output": 7940.0},
]}
SUMMARY = {"detail": False, "round": 2, "stations": [{k: s[k] for k in SUMMARY_KEYS} for s in DETAIL["stations"]]}
PLANTS = {"detail": DETAIL, "summary": SUMMARY}

# Table column -> (input key, digits shown); wear is shown as a whole percentage.
DETAIL_COLUMNS = {
    "Breakdowns this round": ("failures", 0), "Downtime this round (h)": ("downtime_hours", 1),
    "Rate (u/h)": ("rate", 1), "Effective rate (u/h)": ("effective_rate", 1), "Wear (% of life)": ("wear", 0),
    "PM done this round (h)": ("pm_hours_done", 1), "PM backlog (h)": ("pm_backlog_hours", 1),
    "Expected failures next month": ("expected_failures_next_month", 2), "Buffer after (u)": ("buffer_after", 0),
    "Buffer capacity (u)": ("buffer_capacity", 0), "Output this round (u)": ("output", 0),
}
HEALTH_WORDS = {"good": "Good", "worn": "Worn", "critical": "Critical"}


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(width=1366, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_content(PAGE)
        page.add_style_tag(path=str(LAB / "lab.css"))
        page.add_style_tag(path=str(LAB / "plant.css"))
        page.add_script_tag(path=str(LAB / "plant.js"))
        return page

    yield open_
    for context in contexts:
        context.close()


def render(page, plant, prefix="tp", open_table=True):
    page.evaluate("""([plant, prefix, open]) => {
        const box = document.getElementById("plant");
        box.innerHTML = LabPlant.html(plant, prefix);
        box.querySelector("details").open = open;
    }""", [plant, prefix, open_table])


def visible_svg(page):
    svgs = page.locator("#plant svg.plant-svg:visible")
    assert svgs.count() == 1, "exactly one drawing is shown at a time"
    return svgs.first


def table_rows(page):
    """{header: cell text} per station row, in line order."""
    return page.evaluate("""() => {
        const heads = [...document.querySelectorAll("#plant table thead th")].map(th => th.textContent.trim());
        return [...document.querySelectorAll("#plant table tbody tr")].map(tr =>
            Object.fromEntries([...tr.children].map((c, i) => [heads[i], c.textContent.trim()])));
    }""")


@pytest.mark.parametrize("mode", ["detail", "summary"])
@pytest.mark.parametrize("width", [360, 1366])
def test_the_bottleneck_station_says_bottleneck_and_wears_the_tag(open_page, mode, width):
    page = open_page(width)
    render(page, PLANTS[mode])
    svg = visible_svg(page)
    for s in DETAIL["stations"]:
        station = svg.locator(f'.plant-station[data-station="{s["station"]}"]')
        assert ("Bottleneck" in station.text_content()) == s["bottleneck"]
        assert station.locator(".plant-bottleneck-tag polygon").count() == s["bottleneck"]  # the funnel shape
        assert station.locator(".plant-ring").count() == s["bottleneck"]  # the second outline
        assert station.locator(".plant-box.is-bottleneck").count() == s["bottleneck"]
    assert page.locator("#plant tbody tr.is-bottleneck th").text_content() == "Station\xa03 Bottleneck"
    assert page.locator("#plant figcaption").text_content().startswith("Station 3 is the bottleneck;")


@pytest.mark.parametrize("width", [360, 1366])
def test_health_is_a_word_and_a_shape_as_well_as_a_colour(open_page, width):
    page = open_page(width)
    render(page, DETAIL)
    svg = visible_svg(page)
    for s in DETAIL["stations"]:
        station = svg.locator(f'.plant-station[data-station="{s["station"]}"]')
        assert station.locator(f".plant-health.is-{s['health']}").text_content() == HEALTH_WORDS[s["health"]]
        assert station.locator(f".plant-icon.is-{s['health']} .plant-icon-shape").count() == 1
    shapes = svg.evaluate("""svg => ["good", "worn", "critical"].map(h => {  // circle, triangle, octagon
        const shape = svg.querySelector(".plant-icon.is-" + h + " .plant-icon-shape");
        return shape.tagName + (shape.points ? shape.points.numberOfItems : "");
    })""")
    assert shapes == ["circle", "polygon3", "polygon8"]


@pytest.mark.parametrize("width", [360, 1366])
def test_summary_shows_no_rates_wear_pm_or_buffers(open_page, width):
    page = open_page(width)
    render(page, {**DETAIL, "detail": False})  # detail figures given by mistake stay out of a summary
    figure = page.locator("#plant figure")
    text = figure.text_content()
    for word in ("u/h", "Rate", "Wear", "PM", "waiting", "Buffer", "Output", "%", "38.2", "24.5"):
        assert word not in text, word
    assert figure.locator(".plant-track, .plant-bar, .plant-between").count() == 0
    assert figure.locator("thead th").all_text_contents() == [
        "Station", "Health", "Breakdowns this round", "Downtime this round (h)"]
    svg = visible_svg(page)
    for s in SUMMARY["stations"]:
        station = svg.locator(f'.plant-station[data-station="{s["station"]}"] .plant-this-round')
        assert "Breakdowns" in station.text_content() and "Downtime" in station.text_content()


@pytest.mark.parametrize("width", [360, 1366])
def test_detail_draws_rates_wear_pm_and_the_buffers_between_stations(open_page, width):
    page = open_page(width)
    render(page, DETAIL)
    svg = visible_svg(page)
    third = svg.locator('.plant-station[data-station="3"]').text_content()
    for figure in ("38.5 u/h", "38.2 u/h", "112%", "0 h", "24.5 h", "Breakdowns", "3", "45.3 h"):
        assert figure in third, figure
    assert svg.locator('.plant-station[data-station="3"] .plant-bar.is-critical').count() == 1
    buffers = svg.locator(".plant-between")
    assert buffers.count() == 4  # none after the last station: it feeds finished goods
    first = buffers.first.text_content()
    assert "60" in first and "100" in first


def test_the_table_has_the_figures_of_the_input(open_page):
    page = open_page(1366)
    render(page, DETAIL)
    assert page.locator("#plant table caption").text_content() == "The line, station by station"
    assert page.locator("#plant details > summary").text_content() == "The line as a table"
    assert page.locator('#plant thead th[scope="col"]').count() == 1 + 1 + len(DETAIL_COLUMNS)
    assert page.locator('#plant tbody th[scope="row"]').count() == 5
    rows = table_rows(page)
    assert [r["Station"].split(" ")[0] for r in rows] == [f"Station\xa0{s['station']}" for s in DETAIL["stations"]]
    for row, s in zip(rows, DETAIL["stations"]):
        assert row["Health"] == HEALTH_WORDS[s["health"]]
        for column, (key, digits) in DETAIL_COLUMNS.items():
            value, shown = s[key], row[column]
            if value is None:
                assert "no figure yet" in shown, (s["station"], column)
                continue
            expected = round(value * 100) if key == "wear" else round(value, digits)
            assert float(shown.replace(",", "").rstrip("%")) == pytest.approx(expected), (s["station"], column, shown)
            assert shown.endswith("%") == (key == "wear")
    assert rows[0]["Output this round (u)"] == "8,123"


def test_the_summary_table_has_the_summary_figures(open_page):
    page = open_page(360)
    render(page, SUMMARY)
    rows = table_rows(page)
    assert [(r["Health"], r["Breakdowns this round"], r["Downtime this round (h)"]) for r in rows] == [
        ("Good", "1", "12.5"), ("Worn", "2", "30"), ("Critical", "3", "45.3"), ("Good", "0", "0"), ("Worn", "1", "17.5")]


def test_the_caption_sums_up_the_round_in_one_sentence(open_page):
    page = open_page(1366)
    render(page, SUMMARY)
    assert page.locator("#plant figcaption").text_content() == (
        "Station 3 is the bottleneck; 7 breakdowns cost 105.3 hours of downtime in round 2; "
        "station 3 is in critical condition.")
    calm = {"detail": False, "round": 4, "stations": [
        {**s, "failures": 0, "downtime_hours": 0.0, "health": "good"} for s in SUMMARY["stations"]]}
    render(page, calm)
    assert page.locator("#plant figcaption").text_content() == "Station 3 is the bottleneck; no breakdowns in round 4."


def test_before_any_round_the_figures_of_a_round_read_as_not_yet(open_page):
    page = open_page(360)
    fresh = {"detail": True, "round": None, "stations": [
        {**s, "failures": None, "downtime_hours": None, "pm_hours_done": None, "output": None} for s in DETAIL["stations"]]}
    render(page, fresh)
    assert page.locator("#plant figcaption").text_content() == (
        "Station 3 is the bottleneck; no round has run yet; station 3 is in critical condition.")
    for row in table_rows(page):
        for column in ("Breakdowns this round", "Downtime this round (h)", "PM done this round (h)", "Output this round (u)"):
            assert "no figure yet" in row[column]
    assert "Breakdowns \u2013" in visible_svg(page).locator('.plant-station[data-station="1"]').text_content()


@pytest.mark.parametrize("mode", ["detail", "summary"])
@pytest.mark.parametrize("width", [320, 360, 1366])
def test_no_sideways_scrolling_from_a_phone_to_a_laptop(open_page, mode, width):
    page = open_page(width, 740)
    render(page, PLANTS[mode], open_table=True)
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{mode} at {width}px: the page is {scroll}px wide in a {client}px window"
    svg = visible_svg(page)
    assert svg.bounding_box()["width"] <= client
    assert ("plant-narrow" if width < 800 else "plant-wide") in svg.get_attribute("class")  # a column on phones


@pytest.mark.parametrize("mode", ["detail", "summary"])
@pytest.mark.parametrize("width", [360, 1366])
def test_no_text_overlaps_or_leaves_its_box(open_page, mode, width):
    page = open_page(width)
    render(page, PLANTS[mode])
    problems = visible_svg(page).evaluate("""svg => {
        const narrow = svg.classList.contains("plant-narrow"), tol = 0.5, out = [];
        const box = el => el.getBBox();
        const inside = (a, b) => a.x >= b.x - tol && a.y >= b.y - tol &&
            a.x + a.width <= b.x + b.width + tol && a.y + a.height <= b.y + b.height + tol;
        const meet = (a, b) => a.x < b.x + b.width - tol && b.x < a.x + a.width - tol &&
            a.y < b.y + b.height - tol && b.y < a.y + a.height - tol;
        const texts = [...svg.querySelectorAll("text")];
        const vb = svg.viewBox.baseVal;
        texts.forEach((t, i) => {
            if (!inside(box(t), vb)) out.push(`"${t.textContent}" leaves the drawing`);
            texts.slice(i + 1).forEach(u => { if (meet(box(t), box(u))) out.push(`"${t.textContent}" overlaps "${u.textContent}"`); });
        });
        svg.querySelectorAll(".plant-station").forEach(g => {
            const frame = box(g.querySelector(".plant-box"));
            g.querySelectorAll("text").forEach(t => {
                const tag = t.closest(".plant-bottleneck-tag");
                if (tag) { if (!inside(box(t), box(tag.querySelector(".plant-tag")))) out.push(`"${t.textContent}" leaves its tag`); return; }
                if (!narrow && t.closest(".plant-this-round")) {  // under the box, within its width
                    const r = box(t);
                    if (r.x < frame.x - tol || r.x + r.width > frame.x + frame.width + tol || r.y < frame.y + frame.height)
                        out.push(`"${t.textContent}" is not under station ${g.dataset.station}`);
                    return;
                }
                if (!inside(box(t), frame)) out.push(`"${t.textContent}" leaves the box of station ${g.dataset.station}`);
            });
        });
        const tags = [...svg.querySelectorAll(".plant-tag")];
        texts.filter(t => !t.closest(".plant-bottleneck-tag")).forEach(t => tags.forEach(tag => {
            if (meet(box(t), box(tag))) out.push(`"${t.textContent}" runs into the bottleneck tag`);
        }));
        svg.querySelectorAll(".plant-between text").forEach(t => {
            svg.querySelectorAll(".plant-box, .plant-ring").forEach(b => {
                if (meet(box(t), box(b))) out.push(`buffer "${t.textContent}" runs into a station`);
            });
        });
        return out;
    }""")
    assert not problems, problems


@pytest.mark.parametrize("mode", ["detail", "summary"])
@pytest.mark.parametrize("width", [360, 1366])
def test_no_serious_accessibility_violations(open_page, mode, width):
    page = open_page(width)
    render(page, PLANTS[mode], open_table=True)
    violations = axe_violations(page)
    assert not violations, "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)
    svg = visible_svg(page)
    assert svg.get_attribute("role") == "img"
    label = page.locator("#" + svg.get_attribute("aria-labelledby"))
    assert label.evaluate("el => el.tagName") == "FIGCAPTION"


def test_two_pictures_on_a_page_share_no_ids_and_a_prefix_cannot_break_out(open_page):
    page = open_page(1366)
    duplicates = page.evaluate("""([a, b]) => {
        const box = document.getElementById("plant");
        box.innerHTML = LabPlant.html(a, "mine") + LabPlant.html(b, "theirs") + LabPlant.html(a, 'x" onclick="alert(1)');
        const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
        return ids.filter((id, i) => ids.indexOf(id) !== i);
    }""", [DETAIL, SUMMARY])
    assert duplicates == []
    assert page.locator("#plant [onclick]").count() == 0
    for svg in page.locator("#plant svg").all():  # every label points at a caption that is there
        assert page.locator("#" + svg.get_attribute("aria-labelledby")).count() == 1


def test_a_health_outside_the_contract_fails_loudly_naming_the_station(open_page):
    page = open_page(1366)
    broken = {**SUMMARY, "stations": [*SUMMARY["stations"][:3], {**SUMMARY["stations"][3], "health": "tired"}]}
    message = page.evaluate("p => { try { LabPlant.html(p); return null; } catch (e) { return e.message; } }", broken)
    assert message and "station 4" in message and '"tired"' in message


def test_a_patch_keeps_the_table_open(open_page):
    page = open_page(1366)
    render(page, DETAIL, open_table=True)
    kept = page.evaluate("""() => {
        const from = document.querySelector("#plant details");
        const holder = document.createElement("div");
        holder.innerHTML = LabPlant.html({detail: false, round: 3, stations: []}, "tp");
        const to = holder.querySelector("details");
        LabPlant.keepOpen(from, to);
        return to.open;
    }""")
    assert kept is True
