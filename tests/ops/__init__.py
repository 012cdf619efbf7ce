"""Tests of operations: backup and restore."""
