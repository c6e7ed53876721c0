-- PLACEHOLDER: step_lifecycle tests not written yet
SELECT 1 AS placeholder;
