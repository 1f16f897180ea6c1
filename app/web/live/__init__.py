"""The live class: sessions in memory (session.py), the lesson's questions (questions.py), routes (routes.py)."""
