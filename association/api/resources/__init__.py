"""The API's resources: each module is the views of one part of the association, on the
/api/v1 blueprint, reading through its area's queries and policy and acting through its
domain functions."""
