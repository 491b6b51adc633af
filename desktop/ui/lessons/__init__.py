"""The Lessons sidebar: a course walked through step by step, each step setting up a panel."""
