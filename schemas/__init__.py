"""What a valid input is, declared once: the source declarations (`formats.toml`: each raw
format's header, dataset, model, tables and load SQL; `sources.toml`: where files are
downloaded from), the pandera models of the raw formats (`sesnsp`, `population`, `spending`,
`budget`, with shared checks in `checks`), and the reference data the checks and the warehouse
share (`reference/*.csv`: states, name variants, groups, catalogues, crosswalk, rules) with
their models (`reference`, `reference_budget`, `reference_rules`; names and normalisation in
`names`)."""
