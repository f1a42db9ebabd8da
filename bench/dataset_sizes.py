"""How large the benchmark's association is: what bench/dataset.py generates, and its parts."""

PARKS = 200
USERS = 2_000
INITIATIVES = 5_000
MEETINGS = 500
MEMORANDA = 1_000
OPEN_VOTES = 10  # open initiatives with their electorate, besides the two of the race checks
CERTIFIED_PARKS = 4  # parks whose certificate is issued through the real issuing function
