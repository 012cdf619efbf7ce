"""Prefect flows that drive cases forward (drive-case, sweep, dispatcher); see issue #9."""
