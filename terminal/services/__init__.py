"""Services: one transaction per call, role checks here (not only in the UI), results that say
what changed. The CLI and the Qt app are two shells over these."""
