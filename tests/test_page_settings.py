"""Settings page (director only): every setting, validation, save clears the caches."""

from __future__ import annotations

from data.engine import make_engine
from data.settings import SETTINGS, load_settings
from metrics.store import landing, results
from tests.ui_support import errors, goto, signed_in


def test_settings_save_and_validate(app_db: str) -> None:
    at = goto(signed_in(), "settings")
    assert len(at.text_input) == len(SETTINGS)
    at.text_input(key="setting_load.max_clients").input("150")
    at.text_input(key="setting_tier.platinum").input("abc")
    at.button(key="settings_save").click().run()
    assert any("Platinum threshold (yuan)" in e.value for e in at.error), at.error
    # Settings are named as a person reads them, not by their keys.
    assert any("Most clients per planner = 150" in s.value for s in at.success), at.success
    assert at.text_input(key="setting_load.max_clients").label == "Most clients per planner"
    engine = make_engine(app_db)
    with engine.connect() as conn:
        assert int(load_settings(conn)["load.max_clients"]) == 150
        # The save moved the data version; the first pages are stored again under the new one.
        assert results.count(conn) == len({r.key() for r in landing.monday_requests(engine)}) > 0
    engine.dispose()
    _ = errors
