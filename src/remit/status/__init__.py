"""The public status page: what the team published about its incidents, for anyone, as a page and as the
Atlassian Statuspage v2 public JSON API."""
