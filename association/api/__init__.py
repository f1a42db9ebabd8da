"""The JSON face of the association: personal API tokens (their page on the account, their
domain functions), and the `/api/v1` resources over the areas' own domain functions and
queries, so that no rule differs between a page and the API."""
