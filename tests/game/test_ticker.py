"""The ticker runs every job each tick even when one fails (a failed close must not stop presence or cover)."""
from game import ticker


def test_a_failing_job_does_not_stop_the_others(monkeypatch, caplog):
    ran = []

    def broken():
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(ticker, "TICK_JOBS", (broken, lambda: ran.append("presence"), lambda: ran.append("cover")))
    ticker._tick()
    assert ran == ["presence", "cover"]
    assert "broken failed" in caplog.text
