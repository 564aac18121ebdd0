from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from classroom.models import Session
from classroom.reports import report_user_is_hr

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_prints_the_logins():
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())
    text = out.getvalue()
    assert "facilitator / decisionlab" in text and "hr / decisionlab" in text
    session = Session.objects.get()
    assert session.join_code in text and session.state == "lobby"
    assert authenticate(username="facilitator", password="decisionlab") is not None
    assert report_user_is_hr(user=authenticate(username="hr", password="decisionlab"))
