"""The Discord adapter driven through the real discord.py against the fake Discord (REST and
gateway, the `fake` fixture in tests/conftest.py). Its modules share no fixture of their own."""
