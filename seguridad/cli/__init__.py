"""The command line (`seguridad`): commands, help in Spanish and English."""
