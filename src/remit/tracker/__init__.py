"""The self-serve bug board: issues imported from the team's trackers (GitHub, Jira), where each bug stands,
readable by everyone on the team (stakeholders too) and, if the team publishes it, by anyone."""
