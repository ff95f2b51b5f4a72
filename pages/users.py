"""User accounts (directors only): list, add, disable and re-enable sign-in accounts.

The rules (which role needs which org unit or staff id, the password policy, never removing the
last director) live in `data.accounts`; this page only collects the fields and shows the answer.
"""

from __future__ import annotations

import streamlit as st

from data import accounts
from ui import state, tables
from ui.i18n import labels, role_name, t
from ui.plain import plain

ctx = state.context()
me = ctx.identity
engine = state.get_engine()
st.title(t("page.users"))

with engine.connect() as conn:
    listed = accounts.list_accounts(conn)
    orgs = dict(accounts.assignable_orgs(conn))
# A head's unit by its name, as everywhere else (its id is the CRM's code, not a reader's word).
shown = listed.assign(org_id=[orgs.get(o, o) if o else o for o in listed["org_id"]])
tables.table(shown, hide_index=True, width="stretch")

st.subheader(t("users.add"))
role = st.selectbox(
    t("users.role"),
    accounts.ROLES,
    key="users_role",
    format_func=labels(list(accounts.ROLES), role_name),
)
staff: dict[str, str] = {}
if role in ("planner", "advisor"):
    with engine.connect() as conn:
        staff = dict(accounts.assignable_staff(conn, role))
with st.form("users_add", clear_on_submit=True):
    username = st.text_input(t("users.username"), max_chars=64)
    org_id = staff_id = None
    if role == "head":
        org_id = st.selectbox(t("users.org"), list(orgs), format_func=lambda o: f"{orgs[o]} · {o}")
    elif role in ("planner", "advisor"):
        staff_id = st.selectbox(
            t("users.staff"), list(staff), format_func=lambda s: f"{staff[s]} · {s}"
        )
    display_name = st.text_input(t("users.display_name"), max_chars=200)
    email = st.text_input(t("users.email"), max_chars=200)
    may_unmask = st.checkbox(t("users.may_unmask"), value=False)
    password = st.text_input(
        t("users.password"),
        type="password",
        max_chars=accounts.MAX_PASSWORD_LENGTH,
        autocomplete="new-password",
    )
    added = st.form_submit_button(t("users.add_button"))
if added:
    try:
        with engine.begin() as conn:
            accounts.create_user(
                conn,
                username,
                role,
                org_id=org_id,
                staff_id=staff_id,
                password=password or None,
                display_name=display_name or None,
                email=email or None,
                may_unmask=may_unmask,
                by=me.username,
            )
    except accounts.AccountError as exc:
        st.error(plain(exc))
    else:
        st.success(t("users.added", username=plain(username)))
        st.rerun()

st.subheader(t("users.toggle"))
names = list(listed["username"])
if names:
    chosen = st.selectbox(t("users.account"), names, key="users_pick")
    active = bool(listed.loc[listed["username"] == chosen, "active"].iloc[0])
    label = t("users.disable") if active else t("users.enable")
    if st.button(label, key="users_toggle"):
        try:
            with engine.begin() as conn:
                accounts.set_active(conn, chosen, not active, by=me.username)
        except accounts.AccountError as exc:
            st.error(plain(exc))
        else:
            st.rerun()
