"""How large the benchmark's association is: what bench/dataset.py generates, and its parts."""

PARKS = 200
USERS = 2_000
INITIATIVES = 5_000
MEETINGS = 500
MEMORANDA = 1_000
OPEN_VOTES = 10  # open initiatives with their electorate, besides the two of the race checks
CERTIFIED_PARKS = 4  # parks whose certificate is issued through the real issuing function
# The residency programme: five years of calls (two a year), their applications and residencies.
RESIDENCY_YEARS = 5
RESIDENCY_APPLICATIONS = 20_000
RESIDENCIES = 5_000
RESIDENCY_STARTUPS = 4_000
RESIDENCY_HOSTS_PER_CALL = 20
