"""The mathematics the theorems certify.

Each module is public: ``proofs/`` and a course's own code import from them directly
(``from symgrad.maths.linear import jordan_power``); the most used names are also exported
by :mod:`symgrad` itself.

- Models and gradients: :mod:`.rnn` (the symbolic RNN), :mod:`.numeric` (NumPy forward
  and BPTT), :mod:`.bptt` (the two BPTT formulas), :mod:`.routes` (three ways to the same
  gradient), :mod:`.truncation`, :mod:`.teacher_forcing`, :mod:`.training`,
  :mod:`.echo_state`, :mod:`.dynamics` (one unit's fixed points and bistability).
- Gated cells: :mod:`.lstm`, :mod:`.gru` and what they share, :mod:`.gated`.
- Activations and γ = sup |σ′|: :mod:`.activations`, :mod:`.parsing` (expressions in x,
  read safely), :mod:`.hypotheses` (what σ must satisfy), :mod:`.gamma` (the derivation),
  :mod:`.certified_sup` (certified suprema on interval covers).
- Certified and exact arithmetic: :mod:`.exact` (Schwartz–Zippel identity checks),
  :mod:`.rational` (exact σ rules and norm decisions), :mod:`.enclosures` (arb balls),
  :mod:`.linear` (powers, Jordan forms, spectral radius and norm).
- Bounds and remedies: :mod:`.bounds` (the one-step bound and η-decay as checks),
  :mod:`.remedies` (clipping and the regulariser), :mod:`.errata` (the corrections to the
  literature and the theorems backing them).
- Hypothesis strategies for property tests: :mod:`.strategies`.

These modules import :mod:`symgrad.errors` and each other; :mod:`.gamma` also uses the
kernel's claims and certificates and the runtime's time limits. None imports a renderer or
the command line.
"""
