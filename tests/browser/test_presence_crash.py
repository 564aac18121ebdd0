"""Services mode: a web process killed outright (no disconnect ever runs) leaves its people shown as gone
within the presence TTL, swept by the surviving process; the ledger says they left at their last answer."""
import time

import pytest
from django.conf import settings

from classroom.models import LedgerEntry
from classroom.selectors import connected_participant_ids
from tests import factories
from tests.browser.conftest import LabServer
from tests.browser.test_resilience import participant_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="two web processes need the services mode"),
]
TTL = 25


def test_a_killed_process_leaves_presence_right_within_the_ttl(browser, lab_server, started_session, settings):
    settings.LAB_PRESENCE_TTL_SECONDS = TTL
    env = {**lab_server.env, "LAB_PRESENCE_TTL_SECONDS": str(TTL)}
    doomed, survivor = LabServer(env), LabServer(env)
    doomed.start()
    survivor.start()
    try:
        hr, director = (type(p).objects.select_related("session").get(pk=p.pk)
                        for p in (factories.holder(started_session, "hr"), factories.holder(started_session, "director")))
        participant_page(browser, doomed, hr)
        participant_page(browser, survivor, director)  # its socket starts the survivor's ticker
        for _ in range(50):
            if connected_participant_ids(participant_ids=[hr.id, director.id]) == {hr.id, director.id}:
                break
            time.sleep(0.2)
        assert connected_participant_ids(participant_ids=[hr.id]) == {hr.id}
        killed_at = time.time()
        doomed.proc.kill()  # SIGKILL: no disconnect handler runs anywhere
        doomed.proc.wait()
        gone = None
        while time.time() - killed_at < TTL + 30:  # the survivor's sweep records the leave (every 5 s)
            if LedgerEntry.objects.filter(participant=hr, kind="disconnect").exists():
                gone = time.time() - killed_at
                break
            time.sleep(0.5)
        assert gone is not None, "the dead process's socket was never swept"
        print(f"\n  presence gone {gone:.1f} s after the kill (TTL {TTL} s)")
        assert not connected_participant_ids(participant_ids=[hr.id])
        left = LedgerEntry.objects.filter(participant=hr, kind="disconnect").latest("id")
        assert left.at.timestamp() <= killed_at + 1  # at the last heartbeat, not when the sweep noticed
        assert connected_participant_ids(participant_ids=[director.id]) == {director.id}
    finally:
        survivor.stop()
        if doomed.proc.poll() is None:
            doomed.stop()
        else:
            doomed.log.close()
