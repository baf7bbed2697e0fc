"""The reader's screens: the briefing itself, the help, and the briefing picker."""
