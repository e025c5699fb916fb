"""The pure core: facts, rules, health and metrics math. No SQL, no I/O, no clock.

``queries/`` builds the facts from the store; everything here works on plain values.
"""
