"""Reports of the office's record: visits, summaries, survey results and their exports."""
