# The claim files here are test data read by the tests, not claims to collect.
collect_ignore_glob = ["*.claims"]
