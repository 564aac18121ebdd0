"""The team room as a decision room, driven the way people use it: controls found by their role, label or
visible text. A finance shortfall shown live and fixed before anyone approves; weights that do not add up hold
Approve back and say why; the month's reveal in every room, per role; the director's reopen; a keyboard-only
edit and approval; the room on a phone (your levers and Approve first); axe-core and no sideways scrolling in
the lobby, with a round open and after the results; the team chat and its rate limit."""
import re

import pytest
from playwright.sync_api import expect

from game.models import Approval, PackageVersion
from game.money_format import money
from game.package_checks import package_checks
from game.selectors import session_scenario
from game.services.packages import package_approve
from tests import factories
from tests.browser.axe import axe_violations
from tests.browser.test_connection import room

pytestmark = pytest.mark.browser

ROLES = ("director", "finance", "engineering", "hr")
TITLES = {"director": "Director", "finance": "Finance", "engineering": "Engineering", "hr": "HR"}
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def team_rooms(browser, server, session, roles=ROLES, **context_args) -> dict:
    factories.committed(session)  # the director has stated the team's forecast (the form is tested elsewhere)
    return {role: room(browser, server, factories.holder(session, role), **context_args) for role in roles}


def fit(page):
    return page.get_by_role("region", name="Does the package fit?")


def cut_item(page, envelope: str):
    return fit(page).get_by_role("listitem").filter(has_text="Will be cut").filter(has_text=envelope)


def approvals(page):
    return page.get_by_role("list", name="Approvals").get_by_role("listitem")


def approve_button(page):
    return page.get_by_role("button", name=re.compile(r"^(Approve|You approved) version"))


def set_lever(page, label: str, value: str) -> None:
    """Types a value and leaves the field, as a person does (the change is sent when the field is left)."""
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")


def expect_nobody_approved(page) -> None:
    expect(approvals(page)).to_have_count(4)
    for role in ROLES:
        expect(approvals(page).filter(has_text=TITLES[role] + ":")).to_contain_text("not yet")


def expect_version(page, number: int) -> None:
    """The package version, as the heading over your decisions shows it."""
    expect(page.get_by_role("heading", name=re.compile(r"^Your decisions"))).to_have_text(
        re.compile(rf"\bversion {number}$"))


def latest_package(session) -> PackageVersion:
    return PackageVersion.objects.filter(team=session.teams.order_by("number").first()).order_by("-version").first()


def test_a_finance_shortfall_is_shown_to_every_role_and_fixed_before_anyone_approves(browser, lab_server,
                                                                                    started_session):
    rooms = team_rooms(browser, lab_server, started_session, roles=("finance", "engineering"))
    finance, engineering = rooms["finance"], rooms["engineering"]
    envelope = finance.get_by_label("Maintenance envelope", exact=True)
    was = envelope.input_value()
    for page in rooms.values():
        expect(cut_item(page, "Maintenance envelope")).to_have_count(0)

    set_lever(finance, "Maintenance envelope", "0")  # money is typed in EUR per month, as the range says
    expect_version(finance, 2)
    package = latest_package(started_session)
    checks = package_checks(package.levers, session_scenario(session=started_session))
    (shortfall,) = [i["shortfall"] for i in checks["items"] if i["lever"] == "maintenance_budget"]
    assert shortfall > 0
    for page in rooms.values():
        cut = cut_item(page, "Maintenance envelope")
        expect(cut).to_have_count(1)
        expect(cut).to_contain_text(f"short by {money(shortfall, 'EUR')}")
        expect(cut).to_contain_text("Finance can raise the envelope")
    expect(cut_item(finance, "Maintenance envelope")).to_contain_text("(Finance: you)")
    expect(cut_item(engineering, "Maintenance envelope")).not_to_contain_text("you)")
    # A cut is a choice, not an error: Approve stays possible.
    expect(approve_button(engineering)).to_be_enabled()

    set_lever(finance, "Maintenance envelope", was)
    for page in rooms.values():
        expect_version(page, 3)
        expect(cut_item(page, "Maintenance envelope")).to_have_count(0)
        expect(fit(page).get_by_role("listitem").filter(has_text="Maintenance envelope")).to_contain_text("to spare")
        expect_nobody_approved(page)
    assert not Approval.objects.exists()


def test_weights_that_do_not_add_up_hold_approve_back_for_everyone_and_say_why(browser, lab_server,
                                                                               started_session):
    rooms = team_rooms(browser, lab_server, started_session, roles=("director", "hr"))
    director, hr = rooms["director"], rooms["hr"]
    total = director.get_by_text(re.compile(r"^Total \d+ of 100$"))
    expect(total).to_have_text("Total 100 of 100")
    cell = director.get_by_label("Priority weights: throughput")
    cell.fill("")
    expect(total).to_have_text("Total 80 of 100")  # the total follows the typing, before anything is sent
    cell.press_sequentially("30")
    expect(total).to_have_text("Total 110 of 100")
    cell.press("Tab")
    for page in rooms.values():
        expect_version(page, 2)
        button = approve_button(page)
        expect(button).to_be_disabled()
        # Why, in words, next to the button and as its description.
        why = page.locator("#approve-why")
        expect(why).to_contain_text("add up to 110, 10 points over")
        expect(why).to_contain_text("The director can fix it")
        expect(button).to_have_attribute("aria-describedby", "approve-why")
        expect(button).to_have_accessible_description(re.compile("The director can fix it"))
        expect(fit(page)).to_contain_text("Priority weights total 110 of 100")

    cell.fill("20")
    cell.press("Tab")
    expect(total).to_have_text("Total 100 of 100")
    for page in rooms.values():
        expect_version(page, 3)
        expect(approve_button(page)).to_be_enabled()
        expect(page.locator("#approve-why")).not_to_contain_text("Not ready")


def test_the_reveal_appears_in_every_room_per_role_and_got_it_keeps_it_hidden(browser, lab_server,
                                                                              started_session):
    rooms = team_rooms(browser, lab_server, started_session)
    for role, page in rooms.items():
        expect(page.locator("#reveal")).to_be_hidden()
        approve_button(page).click()
        if role != ROLES[-1]:
            expect(approvals(rooms["director"]).filter(has_text=TITLES[role] + ":")).to_contain_text("approved by")
    reveals = {}
    for role, page in rooms.items():
        reveal = page.get_by_role("region", name=re.compile("^Month 1 results"))
        expect(reveal).to_be_visible(timeout=20_000)
        expect(reveal.get_by_role("heading", name="Month 1 results")).to_be_visible()
        reveals[role] = reveal
    finance_kpis = reveals["finance"].get_by_role("list").first
    expect(finance_kpis).to_contain_text("Cash")
    expect(finance_kpis).to_contain_text("Revenue")
    expect(reveals["finance"]).not_to_contain_text("Preventive maintenance backlog")
    expect(reveals["finance"]).not_to_contain_text("Unplanned downtime")
    expect(reveals["engineering"].get_by_role("list").first).to_contain_text("Unplanned downtime")
    expect(reveals["engineering"]).to_contain_text("Preventive maintenance backlog")
    hr_kpis = reveals["hr"].get_by_role("list").first
    expect(hr_kpis).to_contain_text("Fatigue")
    expect(hr_kpis).not_to_contain_text("Cash")  # cash is in everyone's summary, but not HR's key figures

    finance = rooms["finance"]
    finance.get_by_role("button", name="Got it", exact=True).click()
    expect(reveals["finance"]).to_be_hidden()
    finance.reload()
    expect(finance.locator("#conn")).to_have_text("live", timeout=10_000)
    expect(finance.get_by_role("table", name="Your KPIs, month by month")).to_be_visible()  # results are in
    expect(finance.locator("#reveal")).to_be_hidden()
    # The others have not dismissed theirs: a reload shows it again.
    rooms["hr"].reload()
    expect(rooms["hr"].get_by_role("heading", name="Month 1 results")).to_be_visible(timeout=10_000)


def test_the_director_reopens_an_aligned_package_and_everyone_approves_again(browser, lab_server, facilitator):
    session = factories.make_session(facilitator)
    factories.join_many(session, 8)
    factories.start(session, facilitator)  # two teams: team 1 aligning does not close the round
    rooms = team_rooms(browser, lab_server, session)
    director = rooms["director"]
    for page in rooms.values():
        approve_button(page).click()
        expect(page.get_by_role("button", name=re.compile("You approved version 1|Approve version 1"))).to_be_disabled()
    for page in rooms.values():
        expect(page.get_by_text("Aligned: every role approved")).to_be_visible()
        for role in ROLES:
            expect(approvals(page).filter(has_text=TITLES[role] + ":")).to_contain_text("approved by")
    reopen = director.get_by_role("button", name="Reopen the package")
    for role in ("finance", "engineering", "hr"):
        expect(rooms[role].get_by_role("button", name="Reopen the package")).to_be_hidden()
    director.on("dialog", lambda dialog: dialog.accept())
    reopen.click()

    name = factories.holder(session, "director").display_name
    for page in rooms.values():
        expect_version(page, 2)
        expect_nobody_approved(page)
        expect(page.get_by_text("Aligned: every role approved")).to_be_hidden()
        changed = page.get_by_role("region", name="What changed")
        expect(changed).to_contain_text(f"{name} (director) reopened the package")
        expect(approve_button(page)).to_have_text("Approve version 2")
        expect(approve_button(page)).to_be_enabled()
    expect(reopen).to_be_hidden()
    hr = rooms["hr"]
    approve_button(hr).click()
    expect(approvals(director).filter(has_text="HR:")).to_contain_text("approved by")
    assert Approval.objects.filter(package_version__version=2, role="hr").count() == 1
    assert session.round_set.get(number=1).state == "open"


def test_an_hr_person_edits_and_approves_with_the_keyboard_only(browser, lab_server, started_session):
    rooms = team_rooms(browser, lab_server, started_session, roles=("hr", "director"))
    hr, director = rooms["hr"], rooms["director"]
    hires = hr.get_by_label("Hires", exact=True)
    for _ in range(40):  # from the top of the page to the first lever
        if hires.evaluate("el => el === document.activeElement"):
            break
        hr.keyboard.press("Tab")
    expect(hires).to_be_focused()
    expect(hires).to_have_value("0")
    hr.keyboard.press("Backspace")
    hr.keyboard.type("3")
    hr.keyboard.press("Tab")  # leaving the field sends the change
    approve = approve_button(hr)
    for _ in range(40):  # on to Approve at a typist's pace: the change may still be on its way
        if approve.evaluate("el => el === document.activeElement"):
            break
        hr.keyboard.press("Tab")
    expect(approve).to_be_focused()
    hr.keyboard.press("Enter")
    expect(approve).to_have_text("You approved version 2")
    expect_version(hr, 2)
    person = factories.holder(started_session, "hr")
    expect(approvals(director).filter(has_text="HR:")).to_have_text(f"HR: approved by {person.display_name}")
    assert list(Approval.objects.values_list("role", "package_version__version")) == [("hr", 2)]
    assert latest_package(started_session).levers["hires"] == 3
    # Another role sees the edit, and who made it.
    row = director.get_by_role("region", name="What changed").get_by_role("row").filter(has_text="Hires")
    expect(row).to_contain_text("0 people")
    expect(row).to_contain_text("3 people")
    expect(row).to_contain_text(f"{person.display_name} (HR)")


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)


def assert_no_sideways_scroll(page, what: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{what}: the page scrolls sideways ({width[0]} px wide in {width[1]} px)"


def check_both_sizes(page, what: str) -> None:
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # the layout settles (charts resize on the next frame)
        where = f"{what} at {size['width']}x{size['height']}"
        assert_accessible(page, where)
        assert_no_sideways_scroll(page, where)


def test_the_room_has_no_serious_violations_and_no_sideways_scroll(browser, lab_server, lobby_session, facilitator):
    people = factories.join_many(lobby_session, 4)
    page = room(browser, lab_server, people[0], viewport=LAPTOP)
    expect(page.locator("#round-label")).to_have_text("Waiting for the facilitator to start")
    check_both_sizes(page, "lobby")

    factories.start(lobby_session, facilitator)
    page.reload()
    expect(page.locator("#round-label")).to_have_text("Round 1 of 2", timeout=10_000)
    expect(page.get_by_role("group", name=re.compile(r"\(yours\)"))).to_be_visible()
    check_both_sizes(page, "a round open, the role brief shown")
    page.get_by_role("button", name="Got it: hide the brief").click()
    page.get_by_text("The other roles' decisions").click()
    page.get_by_text("This round's history of edits and approvals").click()
    check_both_sizes(page, "a round open, the other roles' decisions unfolded")

    factories.committed(lobby_session)
    version = latest_package(lobby_session).version
    for person in people:  # the last approval closes the round (here, in the test's process)
        package_approve(participant_id=person.id, version=version, client_msg_id=f"a11y-{person.id}")
    page.reload()
    expect(page.get_by_role("heading", name="Month 1 results")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("table", name="Your KPIs, month by month")).to_be_visible()
    expect(page.get_by_role("region", name="The plant").locator("svg").first).to_be_attached()
    check_both_sizes(page, "after the round, the reveal shown")
    page.get_by_role("button", name="Got it", exact=True).click()
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # every fold open
    check_both_sizes(page, "after the round, the reveal dismissed, every fold open")


def test_on_a_phone_your_levers_and_approve_come_first(browser, lab_server, started_session):
    factories.committed(started_session)
    finance = room(browser, lab_server, factories.holder(started_session, "finance"), viewport=PHONE)
    hr = room(browser, lab_server, factories.holder(started_session, "hr"), viewport=PHONE)
    finance.get_by_role("button", name="Got it: hide the brief").click()
    mine = finance.get_by_role("group", name="Finance (yours)")
    approve = approve_button(finance)
    others = finance.locator("details", has_text="The other roles' decisions")
    hires = finance.get_by_label("Hires", exact=True)
    expect(hires).to_be_hidden()  # folded away on every width until opened
    mine_box, approve_box, others_box = mine.bounding_box(), approve.bounding_box(), others.bounding_box()
    assert mine_box["y"] < approve_box["y"] < others_box["y"], (mine_box, approve_box, others_box)
    # In the document's order too (what a screen reader and the Tab key follow).
    assert finance.evaluate("""() => {
        const mine = document.querySelector("fieldset.mine"), approve = document.getElementById("approve");
        const others = document.getElementById("other-levers-box");
        return !!(mine.compareDocumentPosition(approve) & Node.DOCUMENT_POSITION_FOLLOWING)
            && !!(approve.compareDocumentPosition(others) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")

    # Typed, then Approve tapped at once: the field's change is still on its way when the approval is asked
    # for; the approval waits for it and goes for the version it makes (it used to be refused as stale).
    finance.get_by_label("Quality envelope", exact=True).fill("25000")
    approve_button(finance).click()
    expect(approve_button(finance)).to_have_text("You approved version 2")
    expect(finance.get_by_role("alert")).to_be_hidden()
    assert list(Approval.objects.values_list("role", "package_version__version")) == [("finance", 2)]
    assert latest_package(started_session).levers["quality_budget"] == 25000
    expect(approvals(hr).filter(has_text="Finance:")).to_contain_text("approved by")
    assert_no_sideways_scroll(finance, "a round open on a phone")

    finance.get_by_text("The other roles' decisions").click()
    expect(hires).to_be_visible()
    expect(hires).to_be_disabled()
    expect(hires).to_have_value("0")


def test_chat_reaches_the_team_and_a_burst_is_refused_with_the_text_kept(browser, lab_server, started_session):
    rooms = team_rooms(browser, lab_server, started_session, roles=("director", "hr"))
    director, hr = rooms["director"], rooms["hr"]
    box = director.get_by_label("Message to your team")
    box.fill("Can we afford a second technician?")
    director.get_by_role("button", name="Send").click()
    log = hr.get_by_role("log", name="Team chat")
    expect(log).to_contain_text("Can we afford a second technician?")
    expect(log).to_contain_text(factories.holder(started_session, "director").display_name)
    expect(box).to_have_value("")

    hr_box = hr.get_by_label("Message to your team")
    for n in range(1, 10):  # 8 in 15 s are allowed (LAB_CHAT_MESSAGES_PER_WINDOW)
        hr_box.fill(f"burst {n}")
        hr_box.press("Enter")
    error = hr.get_by_role("alert").filter(has_text="faster than")
    expect(error).to_contain_text("faster than 8 in 15 seconds")
    expect(error).to_contain_text("Your message is still in the box")
    expect(hr_box).to_have_value("burst 9")
    director_log = director.get_by_role("log", name="Team chat")
    expect(director_log).to_contain_text("burst 8")
    expect(director_log).not_to_contain_text("burst 9")


def test_someone_holding_several_roles_writes_the_line_of_each(browser, lab_server, lobby_session, facilitator):
    """In a team of two, people hold several roles each: the note form asks which role's line it is."""
    factories.join_many(lobby_session, 2)
    session = factories.start(lobby_session, facilitator)
    person = factories.holder(session, "finance")
    roles = sorted(s.role for s in person.seats.all())
    assert len(roles) >= 2
    page = room(browser, lab_server, person, viewport=LAPTOP)
    picker = page.get_by_label("Line for the role")
    expect(picker).to_be_visible()
    for role in roles:
        picker.select_option(label=TITLES[role])
        page.get_by_label(f"Your line on the {TITLES[role]} levers (optional, one line)").fill(f"{role} line")
        page.get_by_role("button", name="Save your line").click()
        expect(page.get_by_role("list", name="Each role's line")).to_contain_text(f"{TITLES[role]}: {role} line")
    assert latest_package(session).notes == {role: f"{role} line" for role in roles}
