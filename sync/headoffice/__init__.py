"""The head office: receives every terminal's ledger exactly once, projects members, balances,
tiers, coupons and cards with the terminal's own pure rules, resolves conflicts and serves the
pull feed. FastAPI + uvicorn over SQLite (default) or PostgreSQL. See DESIGN.md, sync/protocol.py."""
