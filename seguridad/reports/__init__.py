"""Reports: the text, HTML, CSV and map outputs a person reads (compare, rankings, spending, the
nightly report and its front page, the check-claims page)."""
