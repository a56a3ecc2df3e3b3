"""`python -m quizzes check`: data checks, item-writing checks and the test-wise baseline."""
