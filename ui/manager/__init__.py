"""The manager's station: members, cards, points care, stored value, paid membership, staff and
audit. Shown to managers and admins only; every action is also checked by the services."""
