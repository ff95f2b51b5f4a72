"""User accounts (directors only): list, add, disable and re-enable sign-in accounts.

The rules (which role needs which org unit or staff id, the password policy, never removing the
last director) live in `data.accounts`; this page only collects the fields and shows the answer.
"""

from __future__ import annotations

import streamlit as st

from data import accounts
from ui import state
from ui.auth import require_role

ctx = state.context()
me = ctx.identity
require_role(me, "director")
engine = state.get_engine()
st.title("用户管理 · Users")

with engine.connect() as conn:
    listed = accounts.list_accounts(conn)
    orgs = dict(accounts.assignable_orgs(conn))
st.dataframe(listed, hide_index=True, width="stretch")

st.subheader("Add an account 新增用户")
role = st.selectbox("Role 角色", accounts.ROLES, key="users_role")
staff: dict[str, str] = {}
if role in ("planner", "advisor"):
    with engine.connect() as conn:
        staff = dict(accounts.assignable_staff(conn, role))
with st.form("users_add", clear_on_submit=True):
    username = st.text_input("Username 用户名", max_chars=64)
    org_id = staff_id = None
    if role == "head":
        org_id = st.selectbox("Org unit 机构", list(orgs), format_func=lambda o: f"{orgs[o]} · {o}")
    elif role in ("planner", "advisor"):
        staff_id = st.selectbox(
            "Staff 员工", list(staff), format_func=lambda s: f"{staff[s]} · {s}"
        )
    display_name = st.text_input("Display name 显示名", max_chars=200)
    email = st.text_input("Email (single sign-on) 邮箱", max_chars=200)
    may_unmask = st.checkbox("May see personal data unmasked 可查看明文", value=False)
    password = st.text_input(
        "Password 密码",
        type="password",
        max_chars=accounts.MAX_PASSWORD_LENGTH,
        autocomplete="new-password",
    )
    added = st.form_submit_button("Add 新增")
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
        st.error(str(exc))
    else:
        st.success(f"Added {username}")
        st.rerun()

st.subheader("Disable or re-enable 停用 / 启用")
names = list(listed["username"])
if names:
    chosen = st.selectbox("Account 用户", names, key="users_pick")
    active = bool(listed.loc[listed["username"] == chosen, "active"].iloc[0])
    label = "Disable 停用" if active else "Enable 启用"
    if st.button(label, key="users_toggle"):
        try:
            with engine.begin() as conn:
                accounts.set_active(conn, chosen, not active, by=me.username)
        except accounts.AccountError as exc:
            st.error(str(exc))
        else:
            st.rerun()
