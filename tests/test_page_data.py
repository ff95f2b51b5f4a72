"""Data page: upload with a bad row -> report, rejected rows, quarantine download, history."""

from __future__ import annotations

import pytest

from tests.ui_support import HEAD, frame, goto, signed_in

BAD_STAFF = (
    "staff_id,name,role,org_id,hired_on,left_on\n"
    "029504,孟鹏,planner,B01S02,2013-06-26,\n"
    "099999,错误行,janitor,B01S02,2020-01-01,\n"
).encode()


def test_upload_reports_the_rejected_row(app_db: str) -> None:
    at = goto(signed_in(), "data")
    assert len(frame(at, "started_at")) == 1
    at.file_uploader(key="data_upload").set_value(("staff.csv", BAD_STAFF, "text/csv")).run()
    at.button(key="data_import").click().run()
    assert not at.exception
    assert any("1 row(s) were rejected" in w.value for w in at.warning)
    counts = frame(at, "rejected")
    assert int(counts["rejected"].iloc[0]) == 1
    assert at.download_button(key="data_quarantine_0")
    assert len(frame(at, "started_at")) == 2


def test_only_the_director(app_db: str) -> None:
    at = signed_in(HEAD)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/data.py")  # not in a head's navigation at all


def test_an_upload_whose_every_row_is_rejected_does_not_say_the_rows_were_stored(
    app_db: str,
) -> None:
    header, _good, bad = BAD_STAFF.decode().splitlines()
    only_bad = f"{header}\n{bad}\n".encode()
    at = goto(signed_in(), "data")
    at.file_uploader(key="data_upload").set_value(("staff.csv", only_bad, "text/csv")).run()
    at.button(key="data_import").click().run()
    assert not at.exception
    said = [w.value for w in at.warning] + [i.value for i in at.info]
    assert any("no row was accepted" in s for s in said)
    assert not any("already stored" in s for s in said)


def test_the_history_and_the_report_name_tables_in_chinese(app_db: str) -> None:
    at = goto(signed_in(lang="zh"), "data")
    history = frame(at, "tables")
    assert history["tables"].iloc[0].startswith("机构、员工、客户")  # not org_units, staff, ...
    at.file_uploader(key="data_upload").set_value(("staff.csv", BAD_STAFF, "text/csv")).run()
    at.button(key="data_import").click().run()
    assert frame(at, "rejected")["table"].tolist() == ["员工"]
