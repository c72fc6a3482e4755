"""The checkout screen: the sale session (model) and its panels."""
