"""Who is calling: passwords, web sessions, sign-in links and API tokens."""
