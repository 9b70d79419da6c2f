"""What valid input looks like: one pandera DataFrameModel per raw format (`sesnsp`,
`population`), the registry of formats (`formats.toml`) and the reference data the checks and
the warehouse share (`reference/`: states, name variants, groups, crime crosswalk)."""
