-- PLACEHOLDER: updated_at tests not written yet
SELECT 1 AS placeholder;
