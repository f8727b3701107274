"""Product rules. Plain Python: nothing here imports aiogram."""
