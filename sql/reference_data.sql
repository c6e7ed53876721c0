-- PLACEHOLDER: reference_data tests not written yet
SELECT 1 AS placeholder;
