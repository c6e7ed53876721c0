-- PLACEHOLDER: step_outputs tests not written yet
SELECT 1 AS placeholder;
