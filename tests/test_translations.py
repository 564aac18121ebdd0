"""Every user-facing string marked for translation is translated in every offered language (docs/i18n.md).

`makemessages` runs on a copy of the checkout, as `make messages` does, so a string added without a translation
(or a translation that lost a placeholder) fails here; and the committed .mo files are what `compilemessages`
makes of the committed .po files (`make run` reads the .mo files and needs no gettext)."""
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APPS = ("classroom", "game", "facilitator", "frontend")
IGNORE = ["--ignore=.venv", "--ignore=staticfiles", "--ignore=tests", "--ignore=bench", "--ignore=deploy",
          "--ignore=frontend/static/vendor"]
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]

needs_gettext = pytest.mark.skipif(shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
                                   reason="GNU gettext is not installed (make test installs it as root)")


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    """The checkout's apps copied, then makemessages run on the copy for both domains."""
    copy = tmp_path_factory.mktemp("messages")
    for name in (*APPS, "config"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    langs = [arg for code in LANGUAGES for arg in ("-l", code)]
    for domain in ("django", "djangojs"):
        subprocess.run([sys.executable, "manage.py", "makemessages", "-d", domain, *langs, "--no-obsolete", *IGNORE],
                       cwd=copy, check=True, capture_output=True, text=True)
    return copy


def _statistics(po: Path) -> str:
    done = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True,
                          text=True)
    assert done.returncode == 0, f"{po}: {done.stderr}"
    return done.stderr


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_makemessages_finds_nothing_untranslated(fresh_catalogues, language):
    catalogues = sorted(fresh_catalogues.glob(f"*/locale/{language}/LC_MESSAGES/*.po"))
    assert catalogues, "no catalogue was made"
    for po in catalogues:
        stats = _statistics(po)
        assert "untranslated" not in stats and "fuzzy" not in stats, f"{po.relative_to(fresh_catalogues)}: {stats}"


def _catalogue(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


@needs_gettext
def test_the_committed_mo_files_are_compiled_from_the_po_files(tmp_path):
    pos = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.po"))
    assert {po.parts[-3] for po in pos} >= set(LANGUAGES)
    for po in pos:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run make messages"
        compiled = tmp_path / "check.mo"
        subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(po)], check=True)
        ours, fresh = _catalogue(mo), _catalogue(compiled)
        ours.pop("", None), fresh.pop("", None)
        assert ours == fresh, f"{mo.relative_to(ROOT)} is stale: run make messages"


def test_each_language_reads_its_own_words():
    """Not just compiled: the running lab reads a translated string in each language."""
    from django.utils import translation

    seen = set()
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            seen.add(translation.gettext("Change language"))
    assert len(seen) == len(settings.LANGUAGES)
    assert not re.search(r"\s$", "".join(seen))
