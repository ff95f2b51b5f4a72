"""Scheduled packs and alerts (issue 15): subscriptions, what each one sends, and how it is sent.

Every pack and alert is computed as its recipient — the recipient account's scope and right to
unmask — never as whoever subscribed them (a director may subscribe a head; the head gets only
their sub-branch)."""
